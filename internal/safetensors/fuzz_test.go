package safetensors

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzRead feeds Read arbitrary bytes. Read must not panic and must not
// return more data than the input holds; whatever it accepts, Write must
// write again, and Read must read back the same tensors and metadata;
// what Write writes is a fixed point (writing what was read gives the same
// bytes).
//
// Run: go test -fuzz=FuzzRead ./internal/safetensors/
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"",
		"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
		"(\x00\x00\x00\x00\x00\x00\x00" + `{"__metadata__":{"framework":"pt"}}     `,
		"@\x00\x00\x00\x00\x00\x00\x00" + `{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}` + f32le,
		"@\x00\x00\x00\x00\x00\x00\x00" + `{"attn.0":{"dtype":"F4","shape":[1,2],"data_offsets":[0,1]}}    ` + "\x00",
		file(`{"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"a":{"dtype":"BF16","shape":[0],"data_offsets":[0,0]},"c":{"dtype":"I8","shape":[],"data_offsets":[0,1]}}`, "AB"),
		file(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16],"x":[{}]},"__metadata__":{"k\u00e9":"v\n"}}`, "0123456789abcdef"),
		file(`{"a":{"dtype":"F32","shape":[2,9223372036854775807],"data_offsets":[0,16]}}`, "0123456789abcdef"),
		file(`{"a":{"dtype":"U8","shape":[1099511627776],"data_offsets":[0,1099511627776]}}`, "x"),
		"\xff\xff\xff\xff\xff\xff\xff\xff{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ts, meta, err := Read(bytes.NewReader(in), 1<<20)
		if err != nil {
			if ts != nil || meta != nil {
				t.Fatalf("Read returned tensors or metadata with error %v", err)
			}
			return
		}
		n := 0
		for _, x := range ts {
			n += len(x.Data)
		}
		if len(in) < 8 || uint64(len(in)) != 8+binary.LittleEndian.Uint64(in)+uint64(n) {
			t.Fatalf("Read accepted %d bytes with %d bytes of tensor data", len(in), n)
		}
		var w1 bytes.Buffer
		if err := Write(&w1, ts, meta); err != nil {
			t.Fatalf("Write of what Read accepted: %v", err)
		}
		ts2, meta2, err := Read(bytes.NewReader(w1.Bytes()), 0)
		if err != nil {
			t.Fatalf("Read of what Write wrote: %v", err)
		}
		byName := make(map[string]Tensor, len(ts))
		for _, x := range ts {
			byName[x.Name] = x
		}
		if len(ts2) != len(ts) {
			t.Fatalf("%d tensors became %d", len(ts), len(ts2))
		}
		for _, y := range ts2 {
			x, ok := byName[y.Name]
			if !ok || x.DType != y.DType || !equalInts(x.Shape, y.Shape) || !bytes.Equal(x.Data, y.Data) {
				t.Fatalf("tensor %q changed: %+v became %+v", y.Name, x, y)
			}
		}
		if (meta == nil) != (meta2 == nil) || len(meta) != len(meta2) {
			t.Fatalf("metadata %v became %v", meta, meta2)
		}
		for k, v := range meta {
			if meta2[k] != v {
				t.Fatalf("metadata %v became %v", meta, meta2)
			}
		}
		var w2 bytes.Buffer
		if err := Write(&w2, ts2, meta2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("Write is not a fixed point:\n%q\n%q", w1.Bytes(), w2.Bytes())
		}
	})
}
