package grad_test

import (
	"math"
	"testing"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// uniform returns a rows×cols matrix of draws from [lo, hi).
func uniform[T vec.Float](r *prob.RNG, rows, cols int, lo, hi T) *mat.Dense[T] {
	m := mat.New[T](rows, cols)
	prob.Uniform[T]{Lo: lo, Hi: hi}.Sample(r, m.Data)
	return m
}

// awayFromZero returns a rows×cols matrix with elements in ±[0.1, 1), so that
// a finite difference with a step below 0.1 never crosses the kink of ReLU.
func awayFromZero[T vec.Float](r *prob.RNG, rows, cols int) *mat.Dense[T] {
	m := uniform[T](r, rows, cols, -0.9, 0.9)
	for i, x := range m.Data {
		if x < 0 {
			m.Data[i] = x - 0.1
		} else {
			m.Data[i] = x + 0.1
		}
	}
	return m
}

// strided returns a rows×cols view, with Stride = cols+3, of a matrix whose
// other columns are NaN: an op that reads or writes outside the view shows.
func strided[T vec.Float](r *prob.RNG, rows, cols int) *mat.Dense[T] {
	big := mat.New[T](rows, cols+3)
	for i := range big.Data {
		big.Data[i] = T(math.NaN())
	}
	v := big.Slice(0, rows, 1, cols+1)
	for i := 0; i < rows; i++ {
		prob.Uniform[T]{Lo: -1, Hi: 1}.Sample(r, v.Row(i))
	}
	return v
}

type checkCase[T vec.Float] struct {
	name  string
	build func(r *prob.RNG) (loss *grad.Node[T], params []*grad.Node[T])
}

// unaryCase checks op through an MSE against a random target (whose
// gradient 2(y−t)/N is a random, dense upstream gradient).
func unaryCase[T vec.Float](name string, op func(*grad.Node[T]) *grad.Node[T]) checkCase[T] {
	return checkCase[T]{name, func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
		x := grad.Param(awayFromZero[T](r, 4, 5))
		t := grad.Const(uniform[T](r, 4, 5, -1, 1))
		return grad.MSE(op(x), t), []*grad.Node[T]{x}
	}}
}

func cases[T vec.Float]() []checkCase[T] {
	return []checkCase[T]{
		{"MatMul", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			a := grad.Param(uniform[T](r, 3, 4, -1, 1))
			b := grad.Param(uniform[T](r, 4, 5, -1, 1))
			t := grad.Const(uniform[T](r, 3, 5, -1, 1))
			return grad.MSE(grad.MatMul(a, b), t), []*grad.Node[T]{a, b}
		}},
		{"MatMul/const-a/strided", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			a := grad.Const(strided[T](r, 5, 3))
			b := grad.Param(strided[T](r, 3, 2))
			t := grad.Const(uniform[T](r, 5, 2, -1, 1))
			return grad.MSE(grad.MatMul(a, b), t), []*grad.Node[T]{b}
		}},
		{"AddBias", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			x := grad.Param(strided[T](r, 4, 3))
			b := grad.Param(uniform[T](r, 1, 3, -1, 1))
			t := grad.Const(uniform[T](r, 4, 3, -1, 1))
			return grad.MSE(grad.AddBias(x, b), t), []*grad.Node[T]{x, b}
		}},
		unaryCase("Sigmoid", grad.Sigmoid[T]),
		unaryCase("Tanh", grad.Tanh[T]),
		unaryCase("ReLU", grad.ReLU[T]),
		unaryCase("LeakyReLU", func(x *grad.Node[T]) *grad.Node[T] { return grad.LeakyReLU(x, 0.1) }),
		unaryCase("Softmax", grad.Softmax[T]),
		{"Sigmoid/strided", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			x := grad.Param(strided[T](r, 3, 4))
			t := grad.Const(uniform[T](r, 3, 4, -1, 1))
			return grad.MSE(grad.Sigmoid(x), t), []*grad.Node[T]{x}
		}},
		{"MSE/both", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			p := grad.Param(uniform[T](r, 3, 4, -1, 1))
			t := grad.Param(strided[T](r, 3, 4))
			return grad.MSE(p, t), []*grad.Node[T]{p, t}
		}},
		{"SoftmaxCrossEntropy", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			z := grad.Param(uniform[T](r, 5, 4, -2, 2))
			return grad.SoftmaxCrossEntropy(z, []int{0, 3, 1, 1, 2}), []*grad.Node[T]{z}
		}},
		{"BinaryCrossEntropy", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			z := grad.Param(uniform[T](r, 4, 3, -3, 3))
			y := grad.Param(uniform[T](r, 4, 3, 0, 1))
			return grad.BinaryCrossEntropy(z, y), []*grad.Node[T]{z, y}
		}},
		{"reuse", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			// x feeds four ops; its gradient is the sum of four paths.
			x := grad.Param(uniform[T](r, 3, 3, -1, 1))
			return grad.MSE(grad.Tanh(grad.MatMul(x, x)), grad.Sigmoid(x)), []*grad.Node[T]{x}
		}},
		{"MLP", func(r *prob.RNG) (*grad.Node[T], []*grad.Node[T]) {
			x := grad.Const(uniform[T](r, 6, 3, -1, 1))
			w1 := grad.Param(uniform[T](r, 3, 5, -1, 1))
			b1 := grad.Param(uniform[T](r, 1, 5, -1, 1))
			w2 := grad.Param(uniform[T](r, 5, 4, -1, 1))
			b2 := grad.Param(uniform[T](r, 1, 4, -1, 1))
			h := grad.Tanh(grad.AddBias(grad.MatMul(x, w1), b1))
			z := grad.AddBias(grad.MatMul(h, w2), b2)
			return grad.SoftmaxCrossEntropy(z, []int{0, 1, 2, 3, 0, 1}), []*grad.Node[T]{w1, b1, w2, b2}
		}},
	}
}

// Tolerances of the gradient checks.
//
// float64, h = 1e-5. Every loss here is O(1) and is evaluated with an
// absolute error δ ≲ 50·u ≈ 5.6e-15 (u = 2⁻⁵³): each loss is a mean of
// N ≤ 30 terms (≤ N roundings in the sum) and each term has ≤ 20 roundings
// on its path (Gemm with k ≤ 5, a few element-wise ops, transcendentals
// within 2 ULP). The central difference then carries a rounding error
// ≤ δ/h ≈ 5.6e-10 and a truncation error h²/6·|f‴| ≈ 1.7e-11·|f‴|
// ≲ 1.7e-10 (|f‴| ≲ 10 for these smooth functions of inputs in [−3, 3]):
// together ≲ 7.3e-10. The largest gradient element of every parameter is
// ≥ minGrad = 1e-2 (asserted), so the relative error is ≲ 7.3e-8:
// tol64 = 1e-7. A wrong backward (a missing term, a transpose, a factor)
// gives errors of order 1 (TestCheckCatches: 1e-3 is caught). Measured:
// ≤ 2.5e-10 for every case (AVX-512, AVX2, generic).
//
// float32, h = 1e-2 (a sanity run of the same code at float32): δ ≲ 50·2⁻²⁴
// ≈ 3e-6, so δ/h ≈ 3e-4, plus truncation ≲ 1.7e-4: ≲ 4.7e-4 absolute,
// ≲ 4.7e-2 relative: tol32 = 5e-2. Measured: ≤ 1.2e-4. This only shows
// that the float32 instantiation computes the same gradients.
const (
	h64, tol64 = 1e-5, 1e-7
	h32, tol32 = 1e-2, 5e-2
	minGrad    = 1e-2
)

func testCheck[T vec.Float](t *testing.T, h, tol float64) {
	for k, c := range cases[T]() {
		t.Run(c.name, func(t *testing.T) {
			r := prob.NewStream(7, uint64(k))
			loss, params := c.build(r)
			res := grad.Check(loss, params, h)
			if !(res.MaxRelErr <= tol) {
				t.Errorf("%v (tol %g)", res, tol)
			}
			for i, p := range params {
				if g := vec.Max(absAll(p.Grad().Data)); g < minGrad {
					t.Errorf("params[%d]: largest gradient %g < %g: the error estimate does not apply", i, g, minGrad)
				}
			}
			if testing.Verbose() {
				t.Logf("%v", res)
			}
		})
	}
}

func absAll[T vec.Float](x []T) []T {
	y := make([]T, len(x))
	for i, v := range x {
		y[i] = T(math.Abs(float64(v)))
	}
	return y
}

func TestCheck64(t *testing.T) { testCheck[float64](t, h64, tol64) }
func TestCheck32(t *testing.T) { testCheck[float32](t, h32, tol32) }
