package asm_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// TestAdam: every ISA's Adam kernels give the generic kernel's bits (NaN
// payloads aside) for w, m and v, at every length up to 70 and a few larger
// ones (each vector width, block and tail), on slices against guard pages
// on either side, with special values (±0, ±Inf, NaN, subnormals, squares
// that overflow) mixed into random data.
func TestAdam(t *testing.T) {
	g := asm.Get(isa.Generic)
	for _, i := range isa.Available() {
		k := asm.Get(i)
		t.Run(string(i), func(t *testing.T) {
			testAdam(t, k.AdamF32, g.AdamF32, false)
			testAdam(t, k.AdamL2F32, g.AdamL2F32, true)
			testAdam(t, k.AdamF64, g.AdamF64, false)
			testAdam(t, k.AdamL2F64, g.AdamL2F64, true)
		})
	}
}

func testAdam[T float32 | float64](t *testing.T, f, ref func(w, g, m, v []T, coef *[8]T), l2 bool) {
	r := rand.New(rand.NewPCG(1, 2))
	specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-40, -1e-310, 3e38, 1e200}
	val := func() T {
		if r.IntN(8) == 0 {
			return T(specials[r.IntN(len(specials))])
		}
		return T(r.NormFloat64())
	}
	const st, bc2 = 0.01 / (1 - 0.9*0.9), 1 - 0.999*0.999
	coef := [8]T{0.9, 0.1, 0.999, 0.001, -st, T(1 / math.Sqrt(bc2)), 1e-8, 0.01}
	lens := []int{1000, 4099}
	for n := 0; n <= 70; n++ {
		lens = append(lens, n)
	}
	for _, n := range lens {
		for _, atEnd := range []bool{false, true} {
			var in, want [4][]T
			for j := range in {
				in[j] = testutil.Guarded[T](t, n, atEnd)
				want[j] = make([]T, n)
				for e := range in[j] {
					in[j][e] = val()
					if j == 3 { // v is a running mean of squares: ≥ 0
						in[j][e] = T(math.Abs(float64(in[j][e])))
					}
				}
				copy(want[j], in[j])
			}
			ref(want[0], want[1], want[2], want[3], &coef)
			f(in[0], in[1], in[2], in[3], &coef)
			for j, name := range []string{"w", "g", "m", "v"} {
				for e := range in[j] {
					got, w := in[j][e], want[j][e]
					if got != w && !(got != got && w != w) || got == 0 && w == 0 && math.Signbit(float64(got)) != math.Signbit(float64(w)) {
						t.Fatalf("%T l2=%v n=%d: %s[%d] = %v, generic %v", got, l2, n, name, e, got, w)
					}
				}
			}
		}
	}
}
