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
