package grad

import (
	"math"
	"testing"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// TestRowPassesSplit: the element-wise passes (every unary activation and
// its gradient, and the sum of two gradient contributions) give the same
// bits split into bands of rows over 2, 3 and 7 threads as on one, on
// contiguous and on strided matrices (a band a row, then).
func TestRowPassesSplit(t *testing.T) {
	defer func(m, th int) { minSplit = m; mat.SetThreads(th) }(minSplit, mat.Threads())
	minSplit = 1
	ops := []struct {
		name string
		f    func(t *Tape[float32], x *Node[float32]) *Node[float32]
	}{
		{"Sigmoid", (*Tape[float32]).Sigmoid},
		{"Tanh", (*Tape[float32]).Tanh},
		{"ReLU", (*Tape[float32]).ReLU},
		{"LeakyReLU", func(t *Tape[float32], x *Node[float32]) *Node[float32] { return t.LeakyReLU(x, 0.1) }},
		{"GELU", (*Tape[float32]).GELU},
		{"GELUTanh", (*Tape[float32]).GELUTanh},
		{"SiLU", (*Tape[float32]).SiLU},
	}
	r := prob.New(5)
	big := mat.New[float32](20, 50)
	prob.Normal[float32]{Mu: 0, Sigma: 2}.Sample(r, big.Data)
	c := mat.New[float32](13, 37)
	prob.Normal[float32]{Mu: 0, Sigma: 1}.Sample(r, c.Data)
	for _, strided := range []bool{false, true} {
		xv := mat.New[float32](13, 37)
		if strided {
			xv = big.Slice(3, 16, 5, 42)
		} else {
			copy(xv.Data, big.Data)
		}
		for _, o := range ops {
			// y = f(x) is used twice, so its gradient is the sum of two
			// contributions (the flush pass), and x's comes from f's
			// gradient pass
			run := func(threads int) (y, dx []float32) {
				mat.SetThreads(threads)
				x := NewParam("x", xv)
				tape := NewTape[float32]()
				fx := o.f(tape, tape.Use(x))
				tape.Backward(tape.Add(tape.Sum(tape.Mul(fx, tape.Const(c))), tape.Sum(fx)))
				return append([]float32(nil), fx.value.Data...), append([]float32(nil), x.Grad.Data...)
			}
			y1, d1 := run(1)
			for _, th := range []int{2, 3, 7} {
				y, d := run(th)
				if i := firstDiff(y, y1); i >= 0 {
					t.Fatalf("%s (strided %v), %d threads: y[%d] = %v, one thread %v", o.name, strided, th, i, y[i], y1[i])
				}
				if i := firstDiff(d, d1); i >= 0 {
					t.Fatalf("%s (strided %v), %d threads: dx[%d] = %v, one thread %v", o.name, strided, th, i, d[i], d1[i])
				}
			}
			if nonzero(d1) == 0 {
				t.Fatalf("%s: the gradient is all zero", o.name)
			}
		}
	}
}

func firstDiff[T vec.Float](a, b []T) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			return i
		}
	}
	return -1
}

func nonzero[T vec.Float](a []T) int {
	n := 0
	for _, v := range a {
		if v != 0 {
			n++
		}
	}
	return n
}

// TestOptimizerSplit: SGD (momentum, weight decay, Nesterov) and Adam
// (L2, decoupled) updates split over 2, 3 and 7 threads give the same bits
// as on one.
func TestOptimizerSplit(t *testing.T) {
	defer func(m, th int) { minSplit = m; mat.SetThreads(th) }(minSplit, mat.Threads())
	minSplit = 1
	opts := []struct {
		name string
		f    func(ps []*Param[float32]) Optimizer
	}{
		{"SGD", func(ps []*Param[float32]) Optimizer { return NewSGD(ps, 0.1) }},
		{"SGD momentum", func(ps []*Param[float32]) Optimizer {
			o := NewSGD(ps, 0.1)
			o.Momentum, o.WeightDecay = 0.9, 0.01
			return o
		}},
		{"SGD Nesterov", func(ps []*Param[float32]) Optimizer {
			o := NewSGD(ps, 0.1)
			o.Momentum, o.WeightDecay, o.Nesterov = 0.9, 0.01, true
			return o
		}},
		{"Adam L2", func(ps []*Param[float32]) Optimizer {
			o := NewAdam(ps, 0.01)
			o.WeightDecay = 0.01
			return o
		}},
		{"AdamW", func(ps []*Param[float32]) Optimizer { return NewAdamW(ps, 0.01, 0.01) }},
	}
	for _, o := range opts {
		run := func(threads int) [][]float32 {
			mat.SetThreads(threads)
			r := prob.New(9)
			var ps []*Param[float32]
			for _, sz := range [][2]int{{1, 1}, {3, 7}, {17, 29}, {1, 5}} {
				p := NewParam("p", mat.New[float32](sz[0], sz[1]))
				p.Grad = mat.New[float32](sz[0], sz[1])
				prob.Normal[float32]{Mu: 0, Sigma: 1}.Sample(r, p.Value.Data)
				ps = append(ps, p)
			}
			opt := o.f(ps)
			for step := 0; step < 3; step++ {
				for _, p := range ps {
					prob.Normal[float32]{Mu: 0, Sigma: 1}.Sample(r, p.Grad.Data)
				}
				opt.Step()
			}
			var out [][]float32
			for _, p := range ps {
				out = append(out, p.Value.Data)
			}
			return out
		}
		w1 := run(1)
		for _, th := range []int{2, 3, 7} {
			w := run(th)
			for k := range w {
				if i := firstDiff(w[k], w1[k]); i >= 0 {
					t.Fatalf("%s, %d threads: param %d [%d] = %v, one thread %v", o.name, th, k, i, w[k][i], w1[k][i])
				}
			}
		}
	}
}
