package vec

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// floats32 splits fuzz bytes into two float32 slices of equal length
// (arbitrary bit patterns: NaNs, infinities, subnormals included).
func floats32(data []byte) (x, y []float32) {
	n := len(data) / 8
	x, y = make([]float32, n), make([]float32, n)
	for i := range n {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[8*i:]))
		y[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[8*i+4:]))
	}
	return x, y
}

func seeds(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 8*37))
	b := make([]byte, 8*100)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	f.Add(b)
}

// FuzzDot compares every ISA's Dot, Sum and Max with the float64 reference
// under the error bound (or the NaN/Inf class of the plain loop).
func FuzzDot(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		x, y := floats32(data)
		for i := range x { // products ≤ 1e32: no float32 overflow for any length a fuzzer makes
			if v := math.Abs(float64(x[i])); v > 1e16 && !math.IsInf(v, 0) {
				x[i] = 1e16
			}
			if v := math.Abs(float64(y[i])); v > 1e16 && !math.IsInf(v, 0) {
				y[i] = -1e16
			}
		}
		for _, isa := range isa.Available() {
			k := asm.Get(isa)
			checkReduction(t, string(isa)+" Dot", dot(k, x, y), x, y)
			checkReduction(t, string(isa)+" Sum", sum(k, x), x, ones[float32](len(x)))
			if len(x) > 0 {
				if got, want := max_(k, x), maxRef(x); !(got == want || got != got && want != want) {
					t.Fatalf("%s Max: got %v want %v", isa, got, want)
				}
			}
		}
	})
}

// FuzzElementwise: every ISA gives the generic kernel's bits (NaN payloads
// aside) for Add, Sub, Mul, Scale and Axpy.
func FuzzElementwise(f *testing.F) {
	seeds(f)
	g := asm.Get(isa.Generic)
	f.Fuzz(func(t *testing.T, data []byte) {
		x, y := floats32(data)
		want, got := make([]float32, len(x)), make([]float32, len(x))
		for _, e := range elementwiseKernels[float32]() {
			e.run(g, want, x, y)
			for _, isa := range isa.Available() {
				e.run(asm.Get(isa), got, x, y)
				for i := range got {
					if !tu.Same(got[i], want[i]) {
						t.Fatalf("%s %s [%d]: got %x want %x (x=%x y=%x)", isa, e.name, i,
							math.Float32bits(got[i]), math.Float32bits(want[i]), math.Float32bits(x[i]), math.Float32bits(y[i]))
					}
				}
			}
		}
	})
}
