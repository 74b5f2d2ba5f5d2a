package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// file returns a safetensors file: the length of header, header, data.
func file(header, data string) string { return lenPrefix(header) + header + data }

// bigClaims is a header of five U8 tensors of 2⁶¹−1 bytes each: each size
// fits in 64 bits, their sum does not fit in an int64.
var bigClaims = func() string {
	const size = 1<<61 - 1
	h := "{"
	for i := range uint64(5) {
		if i > 0 {
			h += ","
		}
		h += fmt.Sprintf(`"t%d":{"dtype":"U8","shape":[%d],"data_offsets":[%d,%d]}`, i, uint64(size), i*size, (i+1)*size)
	}
	return h + "}"
}()

func TestReadRejects(t *testing.T) {
	f32 := func(name, shape, offsets string) string {
		return fmt.Sprintf(`%q:{"dtype":"F32","shape":%s,"data_offsets":%s}`, name, shape, offsets)
	}
	z := func(n int) string { return strings.Repeat("\x00", n) }
	for _, tc := range []struct {
		name, file, want string
	}{
		{"truncated length", "\x10\x00\x00", "file is 3 bytes, too short for the 8-byte header length"},
		{"length 2^63", "\x00\x00\x00\x00\x00\x00\x00\x80{}", "header length 9223372036854775808 exceeds the format's limit of 100000000 bytes"},
		{"length 2^64-1", "\xff\xff\xff\xff\xff\xff\xff\xff{}", "header length 18446744073709551615 exceeds"},
		{"length past EOF", "\x00\xe1\xf5\x05\x00\x00\x00\x00{}", "header length 100000000 runs past the end of the file (2 bytes follow the length)"},
		{"empty header", file("", ""), "header is not valid JSON: unexpected EOF"},
		{"header not JSON", file("hello", ""), "header is not valid JSON"},
		{"header an array", file("[]", ""), "header is an array, want a JSON object"},
		{"header a string", file(`"x"`, ""), `header is the string "x", want a JSON object`},
		{"header null", file(`null`, ""), "header is null, want a JSON object"},
		{"header unterminated", file(`{"a":{"dtype":"F32"`, ""), "header is not valid JSON: unexpected EOF"},
		{"trailing garbage", file(`{} x`, ""), `header has 'x' after its JSON object (byte 3 of the header)`},
		{"second object", file(`{}{}`, ""), `header has '{' after its JSON object`},
		{"NUL padding", file("{}\x00", ""), `header has '\x00' after its JSON object`},
		{"invalid UTF-8 in a name", file("{\"a\xc3\":1}", ""), "header is not valid UTF-8 (byte 3 of the header)"},
		{"entry not object", file(`{"a":[1]}`, ""), `tensor "a": entry is an array, want an object`},
		{"entry number", file(`{"a":1}`, ""), `tensor "a": entry is the number 1, want an object`},
		{"no dtype", file(`{"a":{"shape":[],"data_offsets":[0,4]}}`, z(4)), `tensor "a": no dtype`},
		{"no shape", file(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, z(4)), `tensor "a": no shape`},
		{"no offsets", file(`{"a":{"dtype":"F32","shape":[]}}`, z(4)), `tensor "a": no data_offsets`},
		{"dtype twice", file(`{"a":{"dtype":"F32","dtype":"F32","shape":[],"data_offsets":[0,4]}}`, z(4)), `tensor "a": dtype given twice`},
		{"shape twice", file(`{"a":{"dtype":"F32","shape":[],"shape":[],"data_offsets":[0,4]}}`, z(4)), `tensor "a": shape given twice`},
		{"offsets twice", file(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4],"data_offsets":[0,4]}}`, z(4)), `tensor "a": data_offsets given twice`},
		{"dtype number", file(`{"a":{"dtype":32,"shape":[],"data_offsets":[0,4]}}`, z(4)), `tensor "a": dtype is the number 32, want a string`},
		{"unknown dtype", file(`{"a":{"dtype":"F128","shape":[],"data_offsets":[0,16]}}`, z(16)), `tensor "a": unknown dtype "F128"`},
		{"dtype lower case", file(`{"a":{"dtype":"f32","shape":[],"data_offsets":[0,4]}}`, z(4)), `tensor "a": unknown dtype "f32"`},
		{"shape object", file(`{"a":{"dtype":"F32","shape":{},"data_offsets":[0,4]}}`, z(4)), `tensor "a": shape is an object, want an array of integers`},
		{"negative dim", file(`{"a":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,4]}}`, z(4)), `tensor "a": shape[1] = -1, want a non-negative integer`},
		{"fractional dim", file(`{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}`, z(8)), `tensor "a": shape[0] = 2.0, want a non-negative integer`},
		{"exponent dim", file(`{"a":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}`, z(8)), `tensor "a": shape[0] = 2e0, want a non-negative integer`},
		{"string dim", file(`{"a":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}`, z(8)), `tensor "a": shape[0] is the string "2", want a non-negative integer`},
		{"null dim", file(`{"a":{"dtype":"F32","shape":[null],"data_offsets":[0,8]}}`, z(8)), `tensor "a": shape[0] is null`},
		{"dim 2^64", file(`{"a":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,8]}}`, z(8)), `shape[0] = 18446744073709551616 does not fit in 64 bits`},
		{"one offset", file(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0]}}`, z(4)), `tensor "a": data_offsets has 1 entries, want 2`},
		{"three offsets", file(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4,8]}}`, z(4)), `tensor "a": data_offsets has more than 2 entries`},
		{"negative offset", file(`{"a":{"dtype":"F32","shape":[],"data_offsets":[-4,0]}}`, z(4)), `tensor "a": data_offsets[0] = -4, want a non-negative integer`},
		{"offsets string", file(`{"a":{"dtype":"F32","shape":[],"data_offsets":"0,4"}}`, z(4)), `tensor "a": data_offsets is the string "0,4", want an array of integers`},
		{"duplicate name", file("{"+f32("a", "[1]", "[0,4]")+","+f32("a", "[1]", "[4,8]")+"}", z(8)), `header names "a" twice`},
		{"metadata twice", file(`{"__metadata__":{},"__metadata__":{}}`, ""), `header names "__metadata__" twice`},
		{"metadata array", file(`{"__metadata__":[]}`, ""), `"__metadata__" is an array, want an object of strings`},
		{"metadata number value", file(`{"__metadata__":{"epoch":3}}`, ""), `"__metadata__": the value of "epoch" is the number 3, want a string`},
		{"metadata duplicate key", file(`{"__metadata__":{"k":"a","k":"b"}}`, ""), `"__metadata__" has the key "k" twice`},
		{"end before begin", file("{"+f32("a", "[1]", "[4,0]")+"}", z(4)), `tensor "a": data_offsets [4 0] end before they begin`},
		{"gap at start", file("{"+f32("a", "[1]", "[4,8]")+"}", z(8)), `tensor "a": data_offsets [4 8] leave a gap: bytes [0 4) of the data section belong to no tensor`},
		{"gap between", file("{"+f32("a", "[1]", "[0,4]")+","+f32("b", "[1]", "[8,12]")+"}", z(12)), `tensor "b": data_offsets [8 12] leave a gap: bytes [4 8)`},
		{"overlap", file("{"+f32("a", "[2]", "[0,8]")+","+f32("b", "[1]", "[4,8]")+"}", z(8)), `tensor "b": data_offsets [4 8] overlap tensor "a", which ends at 8`},
		{"same offsets", file("{"+f32("a", "[1]", "[0,4]")+","+f32("b", "[1]", "[0,4]")+"}", z(4)), `data_offsets [0 4] overlap tensor`},
		{"size mismatch", file("{"+f32("0.weight", "[10,20]", "[0,400]")+"}", z(400)), `tensor "0.weight": data_offsets [0 400] but shape [10 20] F32 needs 800 bytes`},
		{"offsets past data", file("{"+f32("a", "[1]", "[0,4]")+"}", z(2)), `tensor "a": file ends 2 bytes into the data section, which the header says is 4 bytes`},
		{"huge claim", file("{"+f32("a", "[1099511627776]", "[0,4398046511104]")+"}", z(10)),
			`tensor "a": file ends 10 bytes into the data section, which the header says is 4398046511104 bytes`},
		{"claims past MaxInt64", file(bigClaims, z(10)), `11529215046068469755 bytes of tensor data, more than this platform can address`},
		{"trailing data", file("{"+f32("a", "[1]", "[0,4]")+"}", z(5)), `trailing data after the 4 bytes of tensor data`},
		{"data but no tensors", file("{}", "x"), `trailing data after the 0 bytes of tensor data`},
		{"F4 odd count", file(`{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}`, z(2)), `tensor "a": shape [3] of F4 is not a whole number of bytes`},
		{"F6 count", file(`{"a":{"dtype":"F6_E2M3","shape":[2],"data_offsets":[0,2]}}`, z(2)), `tensor "a": shape [2] of F6_E2M3 is not a whole number of bytes`},
		{"overflow", file(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, ""), `tensor "a": shape [4294967296 4294967296] of F64 overflows a 64-bit size`},
	} {
		ts, _, err := Read(strings.NewReader(tc.file), 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Read error = %v, want one containing %q", tc.name, err, tc.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "safetensors: ") {
			t.Errorf("%s: error %q lacks the package prefix", tc.name, err)
		}
		if ts != nil {
			t.Errorf("%s: Read returned tensors with an error", tc.name)
		}
	}
}

func TestReadAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       []Tensor
		meta       map[string]string
	}{
		{"unknown fields ignored (as serde does)",
			file(`{"a":{"dtype":"U8","extra":{"x":[1,{"y":null}]},"shape":[2],"data_offsets":[0,2],"z":"w"}}`, "\x01\x02"),
			[]Tensor{{"a", "U8", []int{2}, []byte{1, 2}}}, nil},
		{"metadata null is no metadata", file(`{"__metadata__":null}`, ""), nil, nil},
		{"empty metadata", file(`{"__metadata__":{}}`, ""), nil, map[string]string{}},
		{"escapes in names and metadata",
			file(`{"__metadata__":{"k\"\u00e9":"v\n\u2028"},"a\/b\u0000":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}`, "\x01"),
			[]Tensor{{"a/b\x00", "BOOL", []int{1}, []byte{1}}}, map[string]string{"k\"é": "v\n\u2028"}},
		{"tensors in data order, not header order",
			file(`{"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"e":{"dtype":"U8","shape":[0],"data_offsets":[2,2]}}`, "AB"),
			[]Tensor{{"a", "U8", []int{1}, []byte("A")}, {"b", "U8", []int{1}, []byte("B")}, {"e", "U8", []int{0}, nil}}, nil},
		{"zero-size tensor before a tensor at the same offset",
			file(`{"b":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[0,5],"data_offsets":[0,0]}}`, "B"),
			[]Tensor{{"a", "U8", []int{0, 5}, nil}, {"b", "U8", []int{1}, []byte("B")}}, nil},
		{"largest dimension times zero", file(fmt.Sprintf(`{"a":{"dtype":"F32","shape":[0,%d],"data_offsets":[0,0]}}`, math.MaxInt), ""),
			[]Tensor{{"a", "F32", []int{0, math.MaxInt}, nil}}, nil},
		{"F4 pair", file(`{"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}`, "\x21"),
			[]Tensor{{"a", "F4", []int{2}, []byte{0x21}}}, nil},
		{"empty name", file(`{"":{"dtype":"I8","shape":[],"data_offsets":[0,1]}}`, "\xff"),
			[]Tensor{{"", "I8", []int{}, []byte{0xff}}}, nil},
	} {
		ts, meta, err := Read(strings.NewReader(tc.file), 0)
		if err != nil {
			t.Errorf("%s: Read: %v", tc.name, err)
			continue
		}
		checkSame(t, tc.name, ts, meta, tc.want, tc.meta)
	}
}

// TestReadLimit checks that the limit bounds the whole file, is checked
// before the bytes are read, and admits a file of exactly its size.
func TestReadLimit(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, []Tensor{NewTensor("w", []int{3}, []float32{1, 2, 3})}, nil); err != nil {
		t.Fatal(err)
	}
	size := int64(b.Len())
	if _, _, err := Read(bytes.NewReader(b.Bytes()), size); err != nil {
		t.Errorf("limit = file size: %v", err)
	}
	_, _, err := Read(bytes.NewReader(b.Bytes()), size-1)
	if want := fmt.Sprintf("header describes 12 bytes of tensor data, which makes the file larger than the limit of %d bytes", size-1); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("limit = size-1: %v, want %q", err, want)
	}
	_, _, err = Read(bytes.NewReader(b.Bytes()), 20)
	if want := "makes the file larger than the limit of 20 bytes"; err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "header length") {
		t.Errorf("limit = 20: %v, want the header length named", err)
	}
	// A claim over the limit is refused before anything past the header
	// is read: the reader here has no data at all.
	claim := file(`{"a":{"dtype":"F64","shape":[1000000000],"data_offsets":[0,8000000000]}}`, "")
	r := &countingReader{r: strings.NewReader(claim)}
	if _, _, err := Read(r, 1<<20); err == nil || !strings.Contains(err.Error(), "limit of 1048576 bytes") {
		t.Errorf("claim over the limit: %v", err)
	}
	if r.n != int64(len(claim)) {
		t.Errorf("read %d bytes of a %d-byte input", r.n, len(claim))
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestReadAllocatesWhatArrives checks that sizes the input only claims are
// never allocated: a header length of 100 MB over a 10-byte input and a
// data section of 512 GiB over 1 KiB cost a few MiB at most.
func TestReadAllocatesWhatArrives(t *testing.T) {
	for _, tc := range []struct{ name, file string }{
		{"header", "\x00\xe1\xf5\x05\x00\x00\x00\x00{}{}{}{}{}"},
		{"data", file(`{"a":{"dtype":"F64","shape":[68719476736],"data_offsets":[0,549755813888]}}`, strings.Repeat("x", 1024))},
		{"many tensors", file(`{"a":{"dtype":"U8","shape":[1073741824],"data_offsets":[0,1073741824]},"b":{"dtype":"U8","shape":[1073741824],"data_offsets":[1073741824,2147483648]}}`, "x")},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := Read(strings.NewReader(tc.file), 0)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: Read accepted a truncated file", tc.name)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("%s: Read allocated %d bytes for a %d-byte input", tc.name, got, len(tc.file))
		}
	}
}

// TestReadLarge reads a tensor larger than readChunk (the reader grows its
// buffer several times) from a reader that returns a few bytes per call.
func TestReadLarge(t *testing.T) {
	want := make([]float64, 3*readChunk/8+5)
	for i := range want {
		want[i] = float64(i) * 0.5
	}
	var b bytes.Buffer
	if err := Write(&b, []Tensor{NewTensor("big", []int{len(want)}, want), NewTensor("s", []int{}, []float32{7})}, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	ts, meta, err := Read(io.LimitReader(&slowReader{b.Bytes()}, math.MaxInt64), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Name != "big" || ts[1].Name != "s" || meta["format"] != "pt" {
		t.Fatalf("got %d tensors, meta %v", len(ts), meta)
	}
	got := make([]float64, len(want))
	DecodeFloats(got, ts[0].Data)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("big[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// slowReader returns at most 7 bytes per Read.
type slowReader struct{ b []byte }

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 7)], s.b)
	s.b = s.b[n:]
	return n, nil
}

// TestReadIOError checks that a reader's own error is passed on (wrapped),
// at every point of the file.
func TestReadIOError(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, []Tensor{NewTensor("w", []int{2}, []float32{1, 2})}, nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	for n := 0; n <= b.Len(); n++ {
		r := io.MultiReader(bytes.NewReader(b.Bytes()[:n]), &errReader{boom})
		_, _, err := Read(r, 0)
		if !errors.Is(err, boom) {
			t.Errorf("error after %d bytes: %v, want boom wrapped", n, err)
		}
	}
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

func TestWriteOrderAndEscapes(t *testing.T) {
	ts := []Tensor{
		{"z", "U8", []int{1}, []byte{1}},
		{"b", "F32", []int{1}, make([]byte, 4)},
		{"a", "F32", []int{1}, make([]byte, 4)},
		{"m", "F64", []int{1}, make([]byte, 8)},
		{"q", "BF16", []int{1}, make([]byte, 2)},
		{"n", "F16", []int{1}, make([]byte, 2)},
		{"i", "I64", []int{1}, make([]byte, 8)},
		{"u", "U64", []int{}, make([]byte, 8)},
		{"c", "C64", []int{1}, make([]byte, 8)},
		{"k", "I32", []int{0}, nil},
		{"t", "BOOL", []int{2}, []byte{0, 1}},
		{"s", "I8", []int{1}, []byte{2}},
		{"\"<&>\u2028é\x01\x1f\x7f\t\\", "U16", []int{1}, make([]byte, 2)},
	}
	meta := map[string]string{"b": "2", "a": "1\n", "": ""}
	var b bytes.Buffer
	if err := Write(&b, ts, meta); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	n := binary.LittleEndian.Uint64([]byte(out[:8]))
	if n%8 != 0 || int(n)+8 > len(out) {
		t.Fatalf("header length %d", n)
	}
	header := out[8 : 8+n]
	wantHeader := `{"__metadata__":{"":"","a":"1\n","b":"2"},` +
		`"u":{"dtype":"U64","shape":[],"data_offsets":[0,8]},` +
		`"i":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},` +
		`"m":{"dtype":"F64","shape":[1],"data_offsets":[16,24]},` +
		`"c":{"dtype":"C64","shape":[1],"data_offsets":[24,32]},` +
		`"a":{"dtype":"F32","shape":[1],"data_offsets":[32,36]},` +
		`"b":{"dtype":"F32","shape":[1],"data_offsets":[36,40]},` +
		`"k":{"dtype":"I32","shape":[0],"data_offsets":[40,40]},` +
		`"q":{"dtype":"BF16","shape":[1],"data_offsets":[40,42]},` +
		`"n":{"dtype":"F16","shape":[1],"data_offsets":[42,44]},` +
		`"\"<&>` + "\u2028é" + `\u0001\u001f` + "\x7f" + `\t\\":{"dtype":"U16","shape":[1],"data_offsets":[44,46]},` +
		`"s":{"dtype":"I8","shape":[1],"data_offsets":[46,47]},` +
		`"z":{"dtype":"U8","shape":[1],"data_offsets":[47,48]},` +
		`"t":{"dtype":"BOOL","shape":[2],"data_offsets":[48,50]}}`
	if got := strings.TrimRight(header, " "); got != wantHeader {
		t.Errorf("header\n%s\nwant\n%s", got, wantHeader)
	}
	if pad := len(header) - len(strings.TrimRight(header, " ")); pad > 7 {
		t.Errorf("%d bytes of padding", pad)
	}
	var decoded map[string]any
	if err := json.Unmarshal([]byte(header), &decoded); err != nil {
		t.Errorf("encoding/json cannot read the header: %v", err)
	}
	if _, ok := decoded[ts[12].Name]; !ok {
		t.Errorf("encoding/json reads the escaped name differently: %v", decoded)
	}
	// Deterministic: the same input in another order gives the same bytes.
	rev := make([]Tensor, len(ts))
	for i := range ts {
		rev[len(ts)-1-i] = ts[i]
	}
	var b2 bytes.Buffer
	if err := Write(&b2, rev, meta); err != nil {
		t.Fatal(err)
	}
	if b2.String() != out {
		t.Error("the output depends on the order of the tensors given")
	}
}

func TestWriteRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		ts   []Tensor
		meta map[string]string
		want string
	}{
		{"duplicate", []Tensor{{"a", "U8", []int{1}, []byte{1}}, {"a", "U8", []int{1}, []byte{1}}}, nil, `tensor "a": name used twice`},
		{"metadata name", []Tensor{{"__metadata__", "U8", []int{1}, []byte{1}}}, nil, `a tensor may not be called "__metadata__"`},
		{"bad UTF-8 name", []Tensor{{"a\xff", "U8", []int{1}, []byte{1}}}, nil, `name is not valid UTF-8`},
		{"bad UTF-8 metadata", nil, map[string]string{"k": "\xff"}, `metadata "k": key or value is not valid UTF-8`},
		{"unknown dtype", []Tensor{{"a", "float32", []int{1}, make([]byte, 4)}}, nil, `tensor "a": unknown dtype "float32"`},
		{"negative dim", []Tensor{{"a", "F32", []int{-1}, nil}}, nil, `tensor "a": negative dimension in shape [-1]`},
		{"short data", []Tensor{{"0.weight", "F32", []int{10, 20}, make([]byte, 400)}}, nil, `tensor "0.weight": 400 bytes of data but shape [10 20] F32 needs 800`},
		{"long data", []Tensor{{"a", "F64", []int{}, make([]byte, 9)}}, nil, `tensor "a": 9 bytes of data but shape [] F64 needs 8`},
		{"overflow", []Tensor{{"a", "F64", []int{1 << 30, 1 << 30, 1 << 30}, nil}}, nil, `overflows a 64-bit size`},
		{"F4 odd", []Tensor{{"a", "F4", []int{1}, nil}}, nil, `tensor "a": shape [1] of F4 is not a whole number of bytes`},
	} {
		w := &countingWriter{}
		err := Write(w, tc.ts, tc.meta)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Write error = %v, want one containing %q", tc.name, err, tc.want)
		}
		if w.n != 0 {
			t.Errorf("%s: Write wrote %d bytes before failing", tc.name, w.n)
		}
	}
}

// TestHeaderLimit checks the limit on the header on both sides, with the
// limit lowered to 64 bytes so that no test builds a 100 MB header.
func TestHeaderLimit(t *testing.T) {
	defer func(l int) { headerLimit = l }(headerLimit)
	headerLimit = 64
	for _, tc := range []struct {
		name string
		meta map[string]string
		want string
	}{
		{"fits", map[string]string{"k": strings.Repeat("a", 64-25)}, ""}, // 25 = len(`{"__metadata__":{"k":""}}`)
		// The strings fit, the escapes and the JSON around them do not.
		{"escapes", map[string]string{"k": strings.Repeat("\n", 20)}, "safetensors: header of 72 bytes exceeds the format's limit of 64"},
		{"padding", map[string]string{"k": strings.Repeat("a", 64-24)}, "safetensors: header of 72 bytes exceeds the format's limit of 64"},
		// Checked before the header is built.
		{"strings", map[string]string{"k": strings.Repeat("a", 64)}, "safetensors: header of more than 65 bytes exceeds the format's limit of 64"},
	} {
		w := &countingWriter{}
		err := Write(w, nil, tc.meta)
		if tc.want == "" {
			if err != nil || w.n != 8+64 {
				t.Errorf("%s: Write wrote %d bytes, error %v; want 72 bytes", tc.name, w.n, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: Write error = %v, want %q", tc.name, err, tc.want)
		}
		if w.n != 0 {
			t.Errorf("%s: Write wrote %d bytes before failing", tc.name, w.n)
		}
	}
	h := "{}" + strings.Repeat(" ", 63)
	_, _, err := Read(strings.NewReader(file(h, "")), 0)
	if want := "safetensors: header length 65 exceeds the format's limit of 64 bytes"; err == nil || err.Error() != want {
		t.Errorf("Read error = %v, want %q", err, want)
	}
	if _, _, err := Read(strings.NewReader(file(h[:64], "")), 0); err != nil {
		t.Errorf("Read of a 64-byte header: %v", err)
	}
}

type countingWriter struct{ n, fail int }

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.fail > 0 && c.n+len(p) > c.fail {
		return 0, errors.New("disk full")
	}
	c.n += len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	ts := []Tensor{NewTensor("a", []int{4}, []float64{1, 2, 3, 4}), NewTensor("b", []int{4}, []float32{1, 2, 3, 4})}
	for _, fail := range []int{1, 100, 120} {
		if err := Write(&countingWriter{fail: fail}, ts, nil); err == nil || err.Error() != "disk full" {
			t.Errorf("writer failing after %d bytes: Write returned %v", fail, err)
		}
	}
}

// TestRoundTrip writes random files and reads them back.
func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 200 {
		var ts []Tensor
		for i := range rng.IntN(6) {
			d := &dtypes[rng.IntN(len(dtypes))]
			shape := make([]int, rng.IntN(4))
			for j := range shape {
				shape[j] = rng.IntN(5)
			}
			size, _, partial := d.byteSize(shape)
			if partial {
				shape = append(shape, 8)
				size, _, _ = d.byteSize(shape)
			}
			data := make([]byte, size)
			for j := range data {
				data[j] = byte(rng.Uint32())
			}
			ts = append(ts, Tensor{Name: fmt.Sprintf("layer.%d.%c", i, 'a'+rng.IntN(26)), DType: d.name, Shape: shape, Data: data})
		}
		var meta map[string]string
		if rng.IntN(2) == 0 {
			meta = map[string]string{"iter": fmt.Sprint(iter), "framework": "lanes"}
		}
		var b bytes.Buffer
		if err := Write(&b, ts, meta); err != nil {
			t.Fatal(err)
		}
		got, gotMeta, err := Read(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		byName := map[string]Tensor{}
		for _, g := range got {
			byName[g.Name] = g
		}
		for _, w := range ts {
			g, ok := byName[w.Name]
			if !ok || g.DType != w.DType || !equalInts(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
				t.Fatalf("iter %d: tensor %q read back as %+v, want %+v", iter, w.Name, g, w)
			}
		}
		if len(got) != len(ts) || len(gotMeta) != len(meta) || (meta == nil) != (gotMeta == nil) {
			t.Fatalf("iter %d: %d tensors, meta %v; want %d, %v", iter, len(got), gotMeta, len(ts), meta)
		}
		if int(binary.LittleEndian.Uint64(b.Bytes()))%8 != 0 {
			t.Fatalf("iter %d: header not padded to 8", iter)
		}
	}
}
