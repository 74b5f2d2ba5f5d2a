package grad

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/vec"
)

// CheckResult is what Check found: the largest relative error over the
// parameters and, for the element where it occurs, both derivatives.
type CheckResult struct {
	// MaxRelErr is the largest, over the parameters p, of
	// ‖a_p − n_p‖∞ / max(‖a_p‖∞, ‖n_p‖∞), a the gradient of Backward and n
	// the central difference (0 where both are 0). The error is relative to
	// each parameter's largest gradient element, so elements with a zero or
	// tiny gradient are measured on the scale of the others.
	MaxRelErr float64
	// Param, Row, Col locate the element with the largest |a − n| in the
	// worst parameter; Analytic and Numeric are a and n there.
	Param, Row, Col   int
	Analytic, Numeric float64
}

func (r CheckResult) String() string {
	return fmt.Sprintf("max relative error %.3g at params[%d](%d,%d): backward %.17g, central difference %.17g",
		r.MaxRelErr, r.Param, r.Row, r.Col, r.Analytic, r.Numeric)
}

// Check compares the gradients that Backward computes for the loss that f
// records (a 1×1 node) with respect to ps against central differences
//
//	n = (f(p₊) − f(p₋)) / (p₊ − p₋),  p± = p ± h rounded to T
//
// formed in float64 (so the rounding of the step in float32 does not count
// as error). f runs on a fresh tape in training mode, once for Backward and
// twice per element of every parameter (after a Reset each time), so it
// must record the same computation each time: a Dropout inside f must draw
// from an RNG that f creates with a fixed seed. The truncation error is
// about h²·|f‴|/6 and the rounding error about δ/h, δ the absolute error of
// one evaluation of f: h near (3δ/|f‴|)^(1/3), e.g. 1e-5 for float64 and
// 1e-2 for float32 on inputs of order 1. Non-differentiable points (a ReLU
// input within h of 0, ties in a max pool) give large errors.
//
// Check restores every parameter value and leaves in each gradient the
// gradient of f's loss alone (it zeroes them first). It allocates.
func Check[T vec.Float](f func(*Tape[T]) *Node[T], ps []*Param[T], h float64) CheckResult {
	t := NewTape[T]()
	ZeroGrad(ps)
	t.Backward(f(t))
	eval := func() float64 {
		t.Reset()
		return float64(f(t).Scalar())
	}
	var res CheckResult
	for k, p := range ps {
		var maxDiff, maxA, maxN float64
		var at [2]int
		var atA, atN float64
		for i := 0; i < p.Value.Rows; i++ {
			row := p.Value.Row(i)
			for j, x := range row {
				a := float64(p.Grad.At(i, j))
				xp, xm := T(float64(x)+h), T(float64(x)-h)
				row[j] = xp
				fp := eval()
				row[j] = xm
				fm := eval()
				row[j] = x
				n := (fp - fm) / (float64(xp) - float64(xm))
				d := math.Abs(a - n)
				if math.IsNaN(d) {
					d = math.Inf(1)
				}
				if d > maxDiff || (i == 0 && j == 0) {
					maxDiff, at, atA, atN = d, [2]int{i, j}, a, n
				}
				maxA, maxN = max(maxA, math.Abs(a)), max(maxN, math.Abs(n))
			}
		}
		rel := 0.0
		if maxDiff > 0 {
			rel = maxDiff / max(maxA, maxN)
		}
		if rel > res.MaxRelErr || k == 0 {
			res = CheckResult{MaxRelErr: rel, Param: k, Row: at[0], Col: at[1], Analytic: atA, Numeric: atN}
		}
	}
	return res
}
