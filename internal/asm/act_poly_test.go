package asm

import (
	"math"
	"testing"

	"github.com/lanes-go/lanes/internal/kconst"
)

// TestExpPoly32 re-checks the approximation error of the float32
// exponential's polynomial: with the float32 coefficients kconst.E2..kconst.E6,
// |1 + r + r²·P(r) − eʳ| ≤ 2⁻²⁷·⁹ · eʳ on |r| ≤ 0.34661, the reduced range
// (|x·log₂e − k| ≤ 1/2 plus |x|·|kconst.Log2eF32 − log₂e| for |x| ≤ 104, times
// ln 2, is below 0.34659). The polynomial is evaluated in float64, whose
// own error (< 2⁻⁵⁰ here) is far below the bound.
func TestExpPoly32(t *testing.T) {
	if d := 104 * math.Abs(kconst.Log2eF32-1/math.Ln2); (0.5+d)*math.Ln2 > 0.34661 {
		t.Fatalf("reduced range %v exceeds the checked one", (0.5+d)*math.Ln2)
	}
	const h, n = 0.34661, 1 << 21
	worst := 0.0
	for i := 0; i <= n; i++ {
		r := -h + 2*h*float64(i)/n
		p := (((kconst.E6*r+kconst.E5)*r+kconst.E4)*r+kconst.E3)*r + kconst.E2
		e := math.Abs((1+r+r*r*p)/math.Exp(r) - 1)
		worst = max(worst, e)
	}
	if bound := math.Exp2(-27.9); worst > bound {
		t.Fatalf("relative error %v = 2^%.2f, want ≤ 2^-27.9", worst, math.Log2(worst))
	}
	t.Logf("relative error ≤ 2^%.2f", math.Log2(worst))
}
