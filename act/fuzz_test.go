package act

import (
	le "encoding/binary"
	"math"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// The fuzz targets feed arbitrary bit patterns to every kernel and require
// every ISA to return the generic kernel's bits (NaN payloads aside).

func fuzzCheck[T Float](t *testing.T, a, b []T) {
	g := asm.Get(isa.Generic)
	want, got := make([]T, len(a)), make([]T, len(a))
	for _, kn := range kernels[T]() {
		kn.run(g, want, a, b)
		for _, isa := range isa.Available() {
			kn.run(asm.Get(isa), got, a, b)
			for i := range got {
				if !tu.Same(got[i], want[i]) {
					t.Fatalf("%s %s(%v, %v) = %v (%#x), generic %v (%#x)", isa, kn.name, a[i], b[i], got[i], tu.Bits(got[i]), want[i], tu.Bits(want[i]))
				}
			}
		}
	}
}

func FuzzKernels32(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0x7f, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 8
		a, b := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i] = math.Float32frombits(le.LittleEndian.Uint32(data[8*i:]))
			b[i] = math.Float32frombits(le.LittleEndian.Uint32(data[8*i+4:]))
		}
		fuzzCheck(t, a, b)
	})
}

func FuzzKernels64(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 16
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i] = math.Float64frombits(le.LittleEndian.Uint64(data[16*i:]))
			b[i] = math.Float64frombits(le.LittleEndian.Uint64(data[16*i+8:]))
		}
		fuzzCheck(t, a, b)
	})
}
