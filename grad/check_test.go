package grad_test

import (
	"testing"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

type checkCase[T vec.Float] struct {
	name string
	ps   []*grad.Param[T]
	f    func(*grad.Tape[T]) *grad.Node[T]
}

// weighted returns Σ x⊙R for a fixed random R of x's shape: a loss whose
// gradient with respect to x is R, so every element of x gets its own
// nonzero upstream gradient.
func weighted[T vec.Float](t *grad.Tape[T], x *grad.Node[T], seed uint64) *grad.Node[T] {
	v := x.Value()
	return t.Sum(t.Mul(x, t.Const(randMat[T](prob.New(seed), v.Rows, v.Cols))))
}

func param[T vec.Float](r *prob.RNG, name string, rows, cols int) *grad.Param[T] {
	return grad.NewParam(name, randMat[T](r, rows, cols))
}

// positive returns a Param with elements in [0.5, 1.5) (a ReLU or max-pool
// input away from the kinks is not needed then, but a divisor or a
// variance is safe).
func uniformParam[T vec.Float](r *prob.RNG, name string, rows, cols int, lo, hi T) *grad.Param[T] {
	m := mat.New[T](rows, cols)
	prob.Uniform[T]{Lo: lo, Hi: hi}.Sample(r, m.Data)
	return grad.NewParam(name, m)
}

func checkCases[T vec.Float]() []checkCase[T] {
	r := prob.New(42)
	var cs []checkCase[T]
	add := func(name string, f func(*grad.Tape[T]) *grad.Node[T], ps ...*grad.Param[T]) {
		cs = append(cs, checkCase[T]{name, ps, f})
	}
	a, b := param[T](r, "a", 3, 4), param[T](r, "b", 4, 5)
	add("MatMul", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.MatMul(t.Use(a), t.Use(b)), 1) }, a, b)
	at, bt := param[T](r, "at", 4, 3), param[T](r, "bt", 5, 4)
	add("MatMulT(a,bᵀ)", func(t *grad.Tape[T]) *grad.Node[T] {
		return weighted(t, t.MatMulT(t.Use(a), t.Use(bt), false, true), 2)
	}, a, bt)
	add("MatMulT(aᵀ,b)", func(t *grad.Tape[T]) *grad.Node[T] {
		return weighted(t, t.MatMulT(t.Use(at), t.Use(b), true, false), 3)
	}, at, b)
	add("MatMulT(aᵀ,bᵀ)", func(t *grad.Tape[T]) *grad.Node[T] {
		return weighted(t, t.MatMulT(t.Use(at), t.Use(bt), true, true), 4)
	}, at, bt)
	sq := param[T](r, "sq", 4, 4)
	add("MatMul(x,x)", func(t *grad.Tape[T]) *grad.Node[T] { x := t.Use(sq); return weighted(t, t.MatMul(x, x), 5) }, sq)

	x, y := param[T](r, "x", 3, 5), param[T](r, "y", 3, 5)
	add("Add", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.Add(t.Use(x), t.Use(y)), 6) }, x, y)
	add("Sub", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.Sub(t.Use(x), t.Use(y)), 7) }, x, y)
	add("Mul", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.Mul(t.Use(x), t.Use(y)), 8) }, x, y)
	add("Mul(x,x)", func(t *grad.Tape[T]) *grad.Node[T] { u := t.Use(x); return weighted(t, t.Mul(u, u), 9) }, x)
	add("Scale", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.Scale(t.Use(x), -1.5), 10) }, x)
	bias := param[T](r, "bias", 1, 5)
	add("AddBias", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.AddBias(t.Use(x), t.Use(bias)), 11) }, x, bias)
	add("Sum", func(t *grad.Tape[T]) *grad.Node[T] { u := t.Use(x); return t.Mul(t.Sum(u), t.Sum(u)) }, x)
	add("Mean", func(t *grad.Tape[T]) *grad.Node[T] { u := t.Use(x); return t.Mul(t.Mean(u), t.Mean(u)) }, x)
	add("Reshape", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.Reshape(t.Use(x), 5, 3), 12) }, x)
	sq5 := param[T](r, "w5", 5, 5)
	add("residual x+Tanh(x·W)", func(t *grad.Tape[T]) *grad.Node[T] {
		u := t.Use(x)
		return weighted(t, t.Add(u, t.Tanh(t.MatMul(u, t.Use(sq5)))), 13)
	}, x, sq5)

	for _, c := range []struct {
		name string
		f    func(t *grad.Tape[T], x *grad.Node[T]) *grad.Node[T]
	}{
		{"Sigmoid", (*grad.Tape[T]).Sigmoid},
		{"Tanh", (*grad.Tape[T]).Tanh},
		{"ReLU", (*grad.Tape[T]).ReLU},
		{"LeakyReLU", func(t *grad.Tape[T], x *grad.Node[T]) *grad.Node[T] { return t.LeakyReLU(x, 0.1) }},
		{"GELU", (*grad.Tape[T]).GELU},
		{"GELUTanh", (*grad.Tape[T]).GELUTanh},
		{"SiLU", (*grad.Tape[T]).SiLU},
		{"Softmax", (*grad.Tape[T]).Softmax},
		{"LogSoftmax", (*grad.Tape[T]).LogSoftmax},
		{"Dropout(0.4)", func(t *grad.Tape[T], x *grad.Node[T]) *grad.Node[T] { return t.Dropout(x, 0.4, prob.New(5)) }},
	} {
		add(c.name, func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, c.f(t, t.Use(x)), 14) }, x)
	}

	g, be := uniformParam[T](r, "gamma", 1, 5, 0.5, 1.5), param[T](r, "beta", 1, 5)
	add("LayerNorm", func(t *grad.Tape[T]) *grad.Node[T] {
		return weighted(t, t.LayerNorm(t.Use(x), t.Use(g), t.Use(be), 1e-5), 15)
	}, x, g, be)
	add("LayerNorm(no affine)", func(t *grad.Tape[T]) *grad.Node[T] {
		return weighted(t, t.LayerNorm(t.Use(x), nil, nil, 1e-5), 16)
	}, x)

	for i, s := range []mat.ConvShape{
		{C: 2, H: 5, W: 6, K: 3, KH: 3, KW: 3, Stride: 1, Pad: 0},
		{C: 2, H: 7, W: 5, K: 3, KH: 3, KW: 2, Stride: 2, Pad: 2},
		{C: 3, H: 5, W: 5, K: 2, KH: 5, KW: 5, Stride: 1, Pad: 2},
		{C: 1, H: 9, W: 7, K: 4, KH: 3, KW: 3, Stride: 2, Pad: 0},
	} {
		cx := param[T](r, "x", 2, s.C*s.H*s.W)
		cw := param[T](r, "w", s.K, s.C*s.KH*s.KW)
		cb := param[T](r, "b", 1, s.K)
		add("Conv2D"+convName(s), func(t *grad.Tape[T]) *grad.Node[T] {
			return weighted(t, t.Conv2D(t.Use(cx), t.Use(cw), t.Use(cb), s), uint64(20+i))
		}, cx, cw, cb)
		if i == 1 {
			add("Conv2D(no bias)"+convName(s), func(t *grad.Tape[T]) *grad.Node[T] {
				return weighted(t, t.Conv2D(t.Use(cx), t.Use(cw), nil, s), 30)
			}, cx, cw)
		}
	}
	for i, s := range []mat.PoolShape{
		{C: 2, H: 6, W: 6, KH: 2, KW: 2},
		{C: 3, H: 7, W: 5, KH: 3, KW: 2, Stride: 1},
	} {
		px := distinctParam[T](r, 2, s.C*s.H*s.W)
		add("MaxPool2D", func(t *grad.Tape[T]) *grad.Node[T] { return weighted(t, t.MaxPool2D(t.Use(px), s), uint64(40+i)) }, px)
	}

	add("MSE", func(t *grad.Tape[T]) *grad.Node[T] { return t.MSE(t.Use(x), t.Use(y)) }, x, y)
	labels := []int{4, 0, 2}
	add("SoftmaxCrossEntropy", func(t *grad.Tape[T]) *grad.Node[T] { return t.SoftmaxCrossEntropy(t.Use(x), labels) }, x)
	p01 := uniformParam[T](r, "y", 3, 5, 0, 1)
	add("BinaryCrossEntropy", func(t *grad.Tape[T]) *grad.Node[T] { return t.BinaryCrossEntropy(t.Use(x), t.Use(p01)) }, x, p01)

	l1 := grad.NewLinear[T](r, 5, 4, true)
	l2 := grad.NewLinear[T](r, 4, 3, true)
	xin := randMat[T](r, 6, 5)
	add("Linear-ReLU-Linear-CE", func(t *grad.Tape[T]) *grad.Node[T] {
		h := t.ReLU(l1.Forward(t, t.Const(xin)))
		return t.SoftmaxCrossEntropy(l2.Forward(t, h), []int{0, 1, 2, 0, 1, 2})
	}, append(l1.Params(), l2.Params()...)...)
	return cs
}

func convName(s mat.ConvShape) string {
	return "(" + itoa(s.C) + "×" + itoa(s.H) + "×" + itoa(s.W) + "→" + itoa(s.K) + " " + itoa(s.KH) + "×" + itoa(s.KW) +
		" s" + itoa(max(s.Stride, 1)) + " p" + itoa(s.Pad) + ")"
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestCheck checks the gradient of every op and loss against central
// differences: in float64 with h = 1e-5, where the error of the difference
// is about 1e-10 relative, the tolerance is 1e-7; in float32 with h = 1e-2
// (truncation error h²·|f‴|/6 and rounding δ/h both near 1e-4), 1e-2.
func TestCheck(t *testing.T) {
	t.Run("float64", func(t *testing.T) {
		for _, c := range checkCases[float64]() {
			res := grad.Check(c.f, c.ps, 1e-5)
			t.Logf("%-40s %.2g", c.name, res.MaxRelErr)
			if !(res.MaxRelErr < 1e-7) {
				t.Errorf("%s: %v", c.name, res)
			}
		}
	})
	t.Run("float32", func(t *testing.T) {
		for _, c := range checkCases[float32]() {
			res := grad.Check(c.f, c.ps, 1e-2)
			t.Logf("%-40s %.2g", c.name, res.MaxRelErr)
			if !(res.MaxRelErr < 1e-2) {
				t.Errorf("%s: %v", c.name, res)
			}
		}
	})
}

// distinctParam returns a rows×cols Param holding a random permutation of
// 0.1·(k − rows·cols/2), k = 0, 1, …: elements at least 0.1 apart, so the
// maximum of a pooling window does not change within a step h < 0.05.
func distinctParam[T vec.Float](r *prob.RNG, rows, cols int) *grad.Param[T] {
	m := mat.New[T](rows, cols)
	n := rows * cols
	for i := range m.Data {
		m.Data[i] = T(0.1 * float64(i-n/2))
	}
	for i := n - 1; i > 0; i-- {
		j := int(r.Uint64() % uint64(i+1))
		m.Data[i], m.Data[j] = m.Data[j], m.Data[i]
	}
	return grad.NewParam("x", m)
}
