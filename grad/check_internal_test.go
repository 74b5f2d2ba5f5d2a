package grad

import (
	"testing"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// double is y = 2x with a backward that adds factor·dy (2 is right).
func double(x *Node[float64], factor float64) *Node[float64] {
	n := newOp("double", x.value.Rows, x.value.Cols, x)
	n.forward = func() {
		copy(n.value.Data, x.value.Data)
		vec.Scale(2, n.value.Data)
	}
	n.backward = func() { vec.Axpy(factor, n.grad.Data, x.grad.Data) }
	n.forward()
	return n
}

// TestCheckCatches shows that Check is not blind: a backward wrong by a
// relative 1e-3, or wrong in one element only, is reported.
func TestCheckCatches(t *testing.T) {
	x := mat.NewFrom(2, 3, []float64{0.3, -0.7, 0.5, 0.9, -0.2, 0.4})
	y := mat.NewFrom(2, 3, []float64{0.1, 0.2, -0.3, 0.4, 0.5, -0.6})
	for _, tc := range []struct {
		factor   float64
		min, max float64
	}{{2, 0, 1e-9}, {2.002, 0.9e-3, 1.1e-3}, {0, 1, 1}} {
		p := Param(x)
		loss := MSE(double(p, tc.factor), Const(y))
		res := Check(loss, []*Node[float64]{p}, 1e-5)
		if res.MaxRelErr < tc.min || res.MaxRelErr > tc.max {
			t.Errorf("factor %g: %v, want the error in [%g, %g]", tc.factor, res, tc.min, tc.max)
		}
	}
}
