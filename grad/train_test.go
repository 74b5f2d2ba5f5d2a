package grad_test

import (
	"math"
	"testing"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// spirals returns n points per class of k interleaved noisy spirals in the
// plane (as CS231n's toy data): point i of class c at radius r = i/n and
// angle 4·(c + r) + 0.2·noise, shuffled.
func spirals[T vec.Float](seed uint64, n, k int) (*mat.Dense[T], []int) {
	r := prob.New(seed)
	x := mat.New[T](n*k, 2)
	labels := make([]int, n*k)
	noise := make([]T, n*k)
	prob.Normal[T]{Mu: 0, Sigma: 1}.Sample(r, noise)
	for c := range k {
		for i := range n {
			j := c*n + i
			rad := float64(i) / float64(n)
			th := 4*(float64(c)+rad) + 0.2*float64(noise[j])
			x.Set(j, 0, T(rad*math.Sin(th)))
			x.Set(j, 1, T(rad*math.Cos(th)))
			labels[j] = c
		}
	}
	for i := n*k - 1; i > 0; i-- {
		j := int(r.Uint64() % uint64(i+1))
		x.Data[2*i], x.Data[2*j] = x.Data[2*j], x.Data[2*i]
		x.Data[2*i+1], x.Data[2*j+1] = x.Data[2*j+1], x.Data[2*i+1]
		labels[i], labels[j] = labels[j], labels[i]
	}
	return x, labels
}

// mlp is a ReLU multilayer perceptron of Linear layers.
type mlp[T vec.Float] struct{ layers []*grad.Linear[T] }

func newMLP[T vec.Float](r *prob.RNG, sizes ...int) *mlp[T] {
	m := &mlp[T]{}
	for i := 1; i < len(sizes); i++ {
		m.layers = append(m.layers, grad.NewLinear[T](r, sizes[i-1], sizes[i], true))
	}
	return m
}

func (m *mlp[T]) forward(t *grad.Tape[T], x *grad.Node[T]) *grad.Node[T] {
	for i, l := range m.layers {
		x = l.Forward(t, x)
		if i < len(m.layers)-1 {
			x = t.ReLU(x)
		}
	}
	return x
}

func (m *mlp[T]) params() []*grad.Param[T] {
	var ps []*grad.Param[T]
	for i, l := range m.layers {
		ps = append(ps, grad.Named(itoa(2*i), l.Params())...)
	}
	return ps
}

// accuracy returns the fraction of rows of x whose arg-max logit is the label.
func (m *mlp[T]) accuracy(t *grad.Tape[T], x *mat.Dense[T], labels []int) float64 {
	t.Reset()
	t.SetTrain(false)
	defer t.SetTrain(true)
	z := m.forward(t, t.Const(x)).Value()
	ok := 0
	for i, c := range labels {
		if vec.ArgMax(z.Row(i)) == c {
			ok++
		}
	}
	return float64(ok) / float64(len(labels))
}

// The first bug of issue #11, as a user met it: a 2-64-64-3 classifier on
// three spirals with Adam, refilling one batch matrix and labels slice at
// the top of every step, stayed at chance (1/3). On the tape it learns.
func TestSpiralsLearn(t *testing.T) {
	const perClass, batch = 100, 32 // 300 points: 9 full batches and one of 12
	x, labels := spirals[float32](1, perClass, 3)
	xt, lt := spirals[float32](2, perClass, 3)
	net := newMLP[float32](prob.New(3), 2, 64, 64, 3)
	ps := net.params()
	if ps[0].Name != "0.weight" || ps[3].Name != "2.bias" {
		t.Fatalf("names %q %q, want 0.weight 2.bias", ps[0].Name, ps[3].Name)
	}
	opt := grad.NewAdam(ps, 0.01)
	tape := grad.NewTape[float32]()
	bx := mat.New[float32](batch, 2) // refilled every step
	bl := make([]int, batch)
	var loss float32
	epochs := 150
	if testing.Short() {
		epochs = 60
	}
	for range epochs {
		for i := 0; i < len(labels); i += batch {
			j := min(i+batch, len(labels))
			xb := bx.Slice(0, j-i, 0, 2)
			copy(xb.Data, x.Data[2*i:2*j])
			lb := bl[:j-i]
			copy(lb, labels[i:j])

			tape.Reset()
			l := tape.SoftmaxCrossEntropy(net.forward(tape, tape.Const(xb)), lb)
			tape.Backward(l)
			opt.Step()
			opt.ZeroGrad()
			loss = l.Scalar()
		}
	}
	acc := net.accuracy(tape, xt, lt)
	t.Logf("last batch loss %.4f, test accuracy %.3f", loss, acc)
	if acc < 0.85 {
		t.Fatalf("test accuracy %.3f after %d epochs, want ≥ 0.85 (chance 0.33)", acc, epochs)
	}
}

// trainStep is one training step of net on (x, labels) with opt.
func trainStep[T vec.Float](tape *grad.Tape[T], net *mlp[T], opt grad.Optimizer, x *mat.Dense[T], labels []int) {
	tape.Reset()
	tape.Backward(tape.SoftmaxCrossEntropy(net.forward(tape, tape.Const(x)), labels))
	opt.Step()
	opt.ZeroGrad()
}

// A steady-state training step allocates nothing, with full and partial
// batches alternating (each shape allocates once) and evaluation steps in
// between.
func TestTrainingStepAllocatesNothing(t *testing.T) {
	r := prob.New(1)
	net := newMLP[float32](r, 20, 32, 16, 4)
	x, xs := randMat[float32](r, 16, 20), randMat[float32](r, 5, 20)
	labels := []int{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}
	tape := grad.NewTape[float32]()
	for _, opt := range []grad.Optimizer{
		grad.NewAdam(net.params(), 1e-3),
		&grad.SGD[float32]{},
	} {
		if _, ok := opt.(*grad.SGD[float32]); ok {
			s := grad.NewSGD(net.params(), 0.01)
			s.Momentum, s.Nesterov, s.WeightDecay = 0.9, true, 1e-4
			opt = s
		}
		step := func() {
			trainStep(tape, net, opt, x, labels)
			trainStep(tape, net, opt, xs, labels[:5])
			net.accuracy(tape, x, labels)
		}
		step() // the first steps allocate the buffers
		if n := testing.AllocsPerRun(20, step); n != 0 {
			t.Errorf("%T: %v allocations per three steps, want 0", opt, n)
		}
	}
}

func TestSGD(t *testing.T) {
	// PyTorch's SGD(lr, momentum, weight_decay, nesterov), by hand, on one
	// parameter with gradients 1, then −2, then 3.
	for _, c := range []struct {
		mom, wd  float64
		nesterov bool
	}{{0, 0, false}, {0.9, 0, false}, {0.9, 0.1, false}, {0.8, 0.05, true}} {
		p := grad.NewParam("p", mat.NewFrom(1, 1, []float64{1}))
		o := grad.NewSGD([]*grad.Param[float64]{p}, 0.1)
		o.Momentum, o.WeightDecay, o.Nesterov = c.mom, c.wd, c.nesterov
		w, v := 1.0, 0.0
		for _, g := range []float64{1, -2, 3} {
			p.Grad.Data[0] = g
			o.Step()
			d := g + c.wd*w
			if c.mom != 0 {
				v = c.mom*v + d
				if c.nesterov {
					d += c.mom * v
				} else {
					d = v
				}
			}
			w -= 0.1 * d
			if math.Abs(p.Value.Data[0]-w) > 1e-15 {
				t.Fatalf("%+v: p = %v, want %v", c, p.Value.Data[0], w)
			}
			if p.Grad.Data[0] != g {
				t.Fatal("Step changed the gradient")
			}
		}
	}
}

func TestAdam(t *testing.T) {
	for _, decoupled := range []bool{false, true} {
		p := grad.NewParam("p", mat.NewFrom(1, 2, []float64{1, -0.5}))
		var o *grad.Adam[float64]
		if decoupled {
			o = grad.NewAdamW([]*grad.Param[float64]{p}, 0.01, 0.1)
		} else {
			o = grad.NewAdam([]*grad.Param[float64]{p}, 0.01)
			o.WeightDecay = 0.1
		}
		w := []float64{1, -0.5}
		m, v := make([]float64, 2), make([]float64, 2)
		for step, gs := range [][]float64{{1, 0.5}, {-2, 0.25}, {3, -1}} {
			copy(p.Grad.Data, gs)
			o.Step()
			tt := float64(step + 1)
			for j, g := range gs {
				if decoupled {
					w[j] *= 1 - 0.01*0.1
				} else {
					g += 0.1 * w[j]
				}
				m[j] = 0.9*m[j] + 0.1*g
				v[j] = 0.999*v[j] + 0.001*g*g
				mh, vh := m[j]/(1-math.Pow(0.9, tt)), v[j]/(1-math.Pow(0.999, tt))
				w[j] -= 0.01 * mh / (math.Sqrt(vh) + 1e-8)
				if math.Abs(p.Value.Data[j]-w[j]) > 1e-14 {
					t.Fatalf("decoupled=%v step %d: p[%d] = %v, want %v", decoupled, step+1, j, p.Value.Data[j], w[j])
				}
			}
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	a := grad.NewParam("a", mat.NewFrom(1, 2, []float64{0, 0}))
	b := grad.NewParam("b", mat.NewFrom(1, 1, []float64{0}))
	copy(a.Grad.Data, []float64{3, 0})
	b.Grad.Data[0] = 4
	ps := []*grad.Param[float64]{a, b}
	if n := grad.ClipGradNorm(ps, 10); n != 5 || a.Grad.Data[0] != 3 {
		t.Fatalf("norm %v (want 5), grads changed below the limit: %v", n, a.Grad.Data)
	}
	if n := grad.ClipGradNorm(ps, 1); n != 5 {
		t.Fatalf("norm %v, want 5", n)
	}
	c := 1 / (5 + 1e-6)
	if math.Abs(a.Grad.Data[0]-3*c) > 1e-15 || math.Abs(b.Grad.Data[0]-4*c) > 1e-15 {
		t.Fatalf("clipped grads %v %v, want %v %v", a.Grad.Data, b.Grad.Data, 3*c, 4*c)
	}
}

func TestLinearIsTorchLinear(t *testing.T) {
	r := prob.New(9)
	l := grad.NewLinear[float64](r, 7, 3, true)
	if w := l.Weight.Value; w.Rows != 3 || w.Cols != 7 || l.Bias.Value.Cols != 3 {
		t.Fatal("Linear(7, 3): weight is not 3×7 or bias not 1×3")
	}
	bound := 1 / math.Sqrt(7)
	for _, p := range l.Params() {
		for _, v := range p.Value.Data {
			if math.Abs(v) > bound {
				t.Fatalf("%s element %v outside ±1/√in = %v", p.Name, v, bound)
			}
		}
	}
	x := randMat[float64](r, 4, 7)
	tape := grad.NewTape[float64]()
	y := l.Forward(tape, tape.Const(x)).Value()
	for i := range 4 {
		for o := range 3 {
			want := l.Bias.Value.Data[o]
			for k := range 7 {
				want += x.At(i, k) * l.Weight.Value.At(o, k)
			}
			if math.Abs(y.At(i, o)-want) > 1e-14 {
				t.Fatalf("y[%d][%d] = %v, want %v", i, o, y.At(i, o), want)
			}
		}
	}
	c := grad.NewConv2D[float32](r, mat.ConvShape{C: 3, H: 8, W: 8, K: 5, KH: 3, KW: 3}, true)
	ps := grad.Named("features.0", c.Params())
	if ps[0].Name != "features.0.weight" || ps[1].Name != "features.0.bias" ||
		ps[0].Value.Rows != 5 || ps[0].Value.Cols != 27 || ps[1].Value.Cols != 5 {
		t.Fatalf("conv params %q %s, %q %s", ps[0].Name, shapeOf(ps[0].Value), ps[1].Name, shapeOf(ps[1].Value))
	}
	t32 := grad.NewTape[float32]()
	out := c.Forward(t32, t32.Const(randMat[float32](r, 2, 3*8*8))).Value()
	if out.Rows != 2 || out.Cols != 5*6*6 {
		t.Fatalf("conv output %s, want 2×180", shapeOf(out))
	}
}

func shapeOf[T vec.Float](m *mat.Dense[T]) string { return itoa(m.Rows) + "×" + itoa(m.Cols) }
