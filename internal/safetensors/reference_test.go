package safetensors

import (
	"bytes"
	"strings"
	"testing"
)

// The vectors of this file are the reference implementation's own unit
// tests (huggingface/safetensors, safetensors/src/tensor.rs, mod tests),
// transcribed byte for byte: the writer must produce exactly the bytes the
// reference writer produces, and the reader must accept and reject what the
// reference reader accepts and rejects.

// f32le is 0, 1, 2, 3, 4, 5 as little-endian float32.
const f32le = "\x00\x00\x00\x00\x00\x00\x80?\x00\x00\x00@\x00\x00@@\x00\x00\x80@\x00\x00\xa0@"

func TestReferenceWriter(t *testing.T) {
	data := []byte(f32le)
	for _, tc := range []struct {
		name string // the reference's test function
		ts   []Tensor
		meta map[string]string
		want string
	}{
		{"test_serialization", []Tensor{{"attn.0", "F32", []int{1, 2, 3}, data}}, nil,
			"@\x00\x00\x00\x00\x00\x00\x00" + `{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}` + f32le},
		{"test_serialization_fp4", []Tensor{{"attn.0", "F4", []int{1, 2}, []byte{0}}}, nil,
			"@\x00\x00\x00\x00\x00\x00\x00" + `{"attn.0":{"dtype":"F4","shape":[1,2],"data_offsets":[0,1]}}    ` + "\x00"},
		{"test_empty", nil, nil,
			"\x08\x00\x00\x00\x00\x00\x00\x00{}      "},
		{"test_empty with metadata", nil, map[string]string{"framework": "pt"},
			"(\x00\x00\x00\x00\x00\x00\x00" + `{"__metadata__":{"framework":"pt"}}     `},
		{"test_serialization_forced_alignement", []Tensor{{"attn0", "F32", []int{1, 1, 2, 3}, data}}, nil,
			"H\x00\x00\x00\x00\x00\x00\x00" + `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ` + f32le},
	} {
		var b bytes.Buffer
		if err := Write(&b, tc.ts, tc.meta); err != nil {
			t.Errorf("%s: Write: %v", tc.name, err)
			continue
		}
		if got := b.String(); got != tc.want {
			t.Errorf("%s: Write wrote\n%q\nthe reference writes\n%q", tc.name, got, tc.want)
		}
		ts, meta, err := Read(strings.NewReader(tc.want), 0)
		if err != nil {
			t.Errorf("%s: Read: %v", tc.name, err)
			continue
		}
		checkSame(t, tc.name, ts, meta, tc.ts, tc.meta)
	}
}

func TestReferenceReaderAccepts(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		want []Tensor
	}{
		{"test_empty_shapes_allowed",
			"8\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}\x00\x00\x00\x00",
			[]Tensor{{"test", "I32", []int{}, make([]byte, 4)}}},
		{"test_deserialization",
			"<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + strings.Repeat("\x00", 16),
			[]Tensor{{"test", "I32", []int{2, 2}, make([]byte, 16)}}},
		{"test_whitespace_padded_header", "\x06\x00\x00\x00\x00\x00\x00\x00{}\x0D\x20\x09\x0A", nil},
		{"test_whitespace_leading_padded_header", "\x06\x00\x00\x00\x00\x00\x00\x00\x09\x0A{}\x0D\x20", nil},
		{"test_zero_sized_tensor",
			"<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0, 0]}}",
			[]Tensor{{"test", "I32", []int{2, 0}, nil}}},
	} {
		ts, meta, err := Read(strings.NewReader(tc.file), 0)
		if err != nil {
			t.Errorf("%s: Read: %v", tc.name, err)
			continue
		}
		checkSame(t, tc.name, ts, meta, tc.want, nil)
	}
}

func TestReferenceReaderRejects(t *testing.T) {
	attack := "{"
	for i := range 10 {
		if i > 0 {
			attack += ","
		}
		attack += `"weight_` + string(rune('0'+i)) + `":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}`
	}
	attack += "}"
	zeros16 := strings.Repeat("\x00", 16)
	test := "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"
	for _, tc := range []struct {
		name, file, want string
	}{
		{"test_json_attack (InvalidOffset)", lenPrefix(attack) + attack + zeros16, `overlap tensor "weight_`},
		{"test_metadata_incomplete_buffer, extra data", "<\x00\x00\x00\x00\x00\x00\x00" + test + zeros16 + "extra_bogus_data_for_polyglot_file",
			"trailing data after the 16 bytes of tensor data"},
		{"test_metadata_incomplete_buffer, missing data", "<\x00\x00\x00\x00\x00\x00\x00" + test + zeros16[:14],
			`tensor "test": file ends 14 bytes into the data section, which the header says is 16 bytes`},
		{"test_header_too_large", "<\x00\x00\x00\x00\xff\xff\xff" + test + zeros16, "exceeds the format's limit of 100000000 bytes"},
		{"test_header_too_small", "", "file is 0 bytes, too short for the 8-byte header length"},
		{"test_invalid_header_length", "<\x00\x00\x00\x00\x00\x00\x00", "header length 60 runs past the end of the file (0 bytes follow the length)"},
		{"test_invalid_header_non_utf8", "\x01\x00\x00\x00\x00\x00\x00\x00\xff", "header is not valid UTF-8 (byte 0 of the header)"},
		{"test_invalid_header_not_json", "\x01\x00\x00\x00\x00\x00\x00\x00{", "header is not valid JSON"},
		{"test_invalid_info", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0, 4]}}",
			`tensor "test": data_offsets [0 4] but shape [2 2] I32 needs 16 bytes`},
		{"test_validation_overflow, shape", "O\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,18446744073709551614],\"data_offsets\":[0,16]}}" + zeros16,
			`tensor "test": shape[1] = 18446744073709551614 is too large`},
		{"test_validation_overflow, bytes", "N\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,9223372036854775807],\"data_offsets\":[0,16]}}" + zeros16,
			`tensor "test": shape [2 9223372036854775807] of I32 overflows a 64-bit size`},
	} {
		_, _, err := Read(strings.NewReader(tc.file), 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Read error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// lenPrefix returns the 8-byte little-endian length of header.
func lenPrefix(header string) string {
	n := len(header)
	var b [8]byte
	for i := range b {
		b[i] = byte(n >> (8 * i))
	}
	return string(b[:])
}

// checkSame fails t unless the tensors and metadata read are the ones wanted
// (same order; nil and empty Data and Shape are the same).
func checkSame(t *testing.T, name string, ts []Tensor, meta map[string]string, want []Tensor, wantMeta map[string]string) {
	t.Helper()
	if len(ts) != len(want) {
		t.Errorf("%s: read %d tensors, want %d", name, len(ts), len(want))
		return
	}
	for i := range ts {
		g, w := ts[i], want[i]
		if g.Name != w.Name || g.DType != w.DType || !equalInts(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("%s: tensor %d is %+v, want %+v", name, i, g, w)
		}
	}
	if (meta == nil) != (wantMeta == nil) || len(meta) != len(wantMeta) {
		t.Errorf("%s: metadata %v, want %v", name, meta, wantMeta)
		return
	}
	for k, v := range wantMeta {
		if got, ok := meta[k]; !ok || got != v {
			t.Errorf("%s: metadata %v, want %v", name, meta, wantMeta)
			return
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
