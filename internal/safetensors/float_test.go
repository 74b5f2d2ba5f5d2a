package safetensors

import (
	"bytes"
	"math"
	"testing"
)

// special32 and special64 hold the values whose bits must survive: signed
// zeros, infinities, quiet and signalling NaNs with payloads, denormals.
var (
	special32 = []float32{0, float32(math.Copysign(0, -1)), 1, -2.5, float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xff800123), math.Float32frombits(1), math.MaxFloat32, math.SmallestNonzeroFloat32}
	special64 = []float64{0, math.Copysign(0, -1), 1, -2.5, math.Inf(1), math.Inf(-1),
		math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff0000000000123), math.Float64frombits(1), math.MaxFloat64, math.SmallestNonzeroFloat64}
)

func TestFloatsKnownBytes(t *testing.T) {
	if got := AppendFloats(nil, []float32{1, -2}); !bytes.Equal(got, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}) {
		t.Errorf("float32 1, -2 → % x", got)
	}
	if got := AppendFloats([]byte("x"), []float64{1}); !bytes.Equal(got, []byte{'x', 0, 0, 0, 0, 0, 0, 0xf0, 0x3f}) {
		t.Errorf("float64 1 appended to x → % x", got)
	}
	if DTypeOf[float32]() != "F32" || DTypeOf[float64]() != "F64" {
		t.Errorf("DTypeOf: %s %s", DTypeOf[float32](), DTypeOf[float64]())
	}
}

func TestFloatsRoundTrip(t *testing.T) {
	testFloatsRoundTrip(t, special32)
	testFloatsRoundTrip(t, special64)
}

func testFloatsRoundTrip[T Float](t *testing.T, special []T) {
	t.Helper()
	for n := range 2 * len(special) {
		src := make([]T, n)
		for i := range src {
			src[i] = special[i%len(special)]
		}
		enc := AppendFloats(nil, src)
		gen := make([]byte, len(enc))
		encodeGeneric(gen, src) // the big-endian hosts' path
		if !bytes.Equal(enc, gen) {
			t.Fatalf("%s n=%d: fast and generic encodings differ:\n% x\n% x", DTypeOf[T](), n, enc, gen)
		}
		// Decode from an odd offset: the source need not be aligned.
		odd := append([]byte{0}, enc...)[1:]
		dst := make([]T, n)
		DecodeFloats(dst, odd)
		dst2 := make([]T, n)
		decodeGeneric(dst2, odd)
		if !bytes.Equal(asBytes(dst), asBytes(src)) || !bytes.Equal(asBytes(dst2), asBytes(src)) {
			t.Fatalf("%s n=%d: decoded %v / %v, want %v (bit for bit)", DTypeOf[T](), n, dst, dst2, src)
		}
	}
}

func TestFloatsAllocs(t *testing.T) {
	src := make([]float64, 1000)
	buf := make([]byte, 0, 8*len(src))
	dst := make([]float64, len(src))
	if a := testing.AllocsPerRun(10, func() { buf = AppendFloats(buf[:0], src) }); a != 0 {
		t.Errorf("AppendFloats with capacity: %v allocations", a)
	}
	if a := testing.AllocsPerRun(10, func() { DecodeFloats(dst, buf) }); a != 0 {
		t.Errorf("DecodeFloats: %v allocations", a)
	}
	if a := testing.AllocsPerRun(10, func() { _ = AppendFloats(nil, src) }); a != 1 {
		t.Errorf("AppendFloats(nil, ...): %v allocations, want 1", a)
	}
}

func TestDecodeFloatsPanics(t *testing.T) {
	dst := []float32{7, 7}
	defer func() {
		const want = "safetensors.DecodeFloats: len(src)=7 != 4·len(dst)=8"
		if r := recover(); r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
		if dst[0] != 7 || dst[1] != 7 {
			t.Errorf("dst written before the panic: %v", dst)
		}
	}()
	DecodeFloats(dst, make([]byte, 7))
}
