package grad_test

import (
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// wantPanic runs f and fails unless it panics with a message containing want.
func wantPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		msg, _ := r.(string)
		if !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want one containing %q", r, want)
		}
	}()
	f()
}

// The second bug of issue #11: with the old graph API, x=2, w=3, then x set
// to 5 and Backward without Forward gave dL/dw = 60 for L = (x·w)², since
// the stored activation x·w = 6 was stale. The tape records the step from
// the current data: 2·w·x² = 150.
func TestRefilledInputGivesFreshGradient(t *testing.T) {
	xm := mat.NewFrom(1, 1, []float64{2})
	w := grad.NewParam("w", mat.NewFrom(1, 1, []float64{3}))
	tape := grad.NewTape[float64]()
	step := func() float64 {
		tape.Reset()
		w.ZeroGrad()
		y := tape.MatMul(tape.Const(xm), tape.Use(w))
		tape.Backward(tape.Mul(y, y))
		return w.Grad.At(0, 0)
	}
	if g := step(); g != 24 {
		t.Fatalf("x=2: dL/dw = %v, want 24", g)
	}
	xm.Set(0, 0, 5)
	if g := step(); g != 150 {
		t.Fatalf("x=5: dL/dw = %v, want 150", g)
	}
}

// The first bug of issue #11: refilling the batch and labels at the top of
// a step must pair this batch's activations with this batch's labels; and
// refilling the labels slice after recording must not change the gradient
// (SoftmaxCrossEntropy copies them).
func TestRefilledLabelsAreCopied(t *testing.T) {
	r := prob.New(3)
	z := grad.NewParam("z", randMat[float64](r, 4, 3))
	labels := []int{0, 1, 2, 1}
	tape := grad.NewTape[float64]()
	tape.Backward(tape.SoftmaxCrossEntropy(tape.Use(z), labels))
	want := append([]float64(nil), z.Grad.Data...)

	z.ZeroGrad()
	tape.Reset()
	loss := tape.SoftmaxCrossEntropy(tape.Use(z), labels)
	labels[0], labels[1] = 2, 2 // the next batch's labels, too early
	tape.Backward(loss)
	for i, g := range z.Grad.Data {
		if g != want[i] {
			t.Fatalf("grad[%d] = %v after refilling the labels, want %v", i, g, want[i])
		}
	}
}

func TestStaleNodesPanic(t *testing.T) {
	tape := grad.NewTape[float32]()
	w := grad.NewParam("w", mat.New[float32](2, 2))
	x := tape.Const(mat.New[float32](2, 2))
	loss := tape.Sum(tape.MatMul(x, tape.Use(w)))
	tape.Reset()
	const msg = "node (Sum) from step 1 used after Tape.Reset (step 2)"
	wantPanic(t, msg, func() { tape.Backward(loss) })
	wantPanic(t, msg, func() { loss.Value() })
	wantPanic(t, msg, func() { loss.Scalar() })
	wantPanic(t, "node (Const) from step 1 used after Tape.Reset (step 2)", func() { tape.ReLU(x) })
	// A node of the previous step is caught even when its place on the
	// tape has been recorded again (nodes alternate between two sets).
	tape.Sum(tape.MatMul(tape.Const(mat.New[float32](2, 2)), tape.Use(w)))
	wantPanic(t, msg, func() { tape.Backward(loss) })
	wantPanic(t, "from step 1 used after Tape.Reset (step 2)", func() { tape.Add(x, x) })

	other := grad.NewTape[float32]()
	y := other.Const(mat.New[float32](2, 2))
	wantPanic(t, "belongs to another Tape", func() { tape.Add(tape.Const(mat.New[float32](2, 2)), y) })
}

func TestShapePanics(t *testing.T) {
	tape := grad.NewTape[float64]()
	a := tape.Const(mat.New[float64](2, 3))
	b := tape.Const(mat.New[float64](2, 3))
	wantPanic(t, "grad: MatMul: op(a) is 2×3, op(b) is 2×3", func() { tape.MatMul(a, b) })
	wantPanic(t, "grad: Add: a is 2×3, b is 3×2", func() { tape.Add(a, tape.Const(mat.New[float64](3, 2))) })
	wantPanic(t, "want 1×3", func() { tape.AddBias(a, b) })
	wantPanic(t, "labels[1]=3 is not in [0, 3)", func() { tape.SoftmaxCrossEntropy(a, []int{0, 3}) })
	wantPanic(t, "cannot be 4×2", func() { tape.Reshape(a, 4, 2) })
	wantPanic(t, "not 1×1", func() { tape.Backward(a) })
	wantPanic(t, "p = 1.5 is not in [0, 1]", func() { tape.Dropout(a, 1.5, prob.New(1)) })
	wantPanic(t, "grad: Conv2D: x is 2×3", func() {
		tape.Conv2D(a, tape.Const(mat.New[float64](1, 1)), nil, mat.ConvShape{C: 1, H: 2, W: 2, K: 1, KH: 1, KW: 1})
	})
}

// Backward twice without ZeroGrad accumulates into Param.Grad, as PyTorch.
func TestBackwardAccumulates(t *testing.T) {
	w := grad.NewParam("w", mat.NewFrom(1, 2, []float64{1, -2}))
	tape := grad.NewTape[float64]()
	loss := tape.Sum(tape.Mul(tape.Use(w), tape.Use(w))) // dL/dw = 2w
	tape.Backward(loss)
	tape.Backward(loss)
	if g := w.Grad.Data; g[0] != 4 || g[1] != -8 {
		t.Fatalf("grad after two Backward = %v, want [4 -8]", g)
	}
	// Intermediate gradients do not accumulate.
	tape.Reset()
	w.ZeroGrad()
	y := tape.Scale(tape.Use(w), 3)
	loss = tape.Sum(y)
	tape.Backward(loss)
	tape.Backward(loss)
	if g := y.Grad().Data; g[0] != 1 || g[1] != 1 {
		t.Fatalf("intermediate grad = %v, want [1 1]", g)
	}
	if g := w.Grad.Data; g[0] != 6 || g[1] != 6 {
		t.Fatalf("param grad = %v, want [6 6]", g)
	}
}

func TestEvalMode(t *testing.T) {
	r := prob.New(1)
	l := grad.NewLinear[float32](r, 3, 2, true)
	tape := grad.NewTape[float32]()
	tape.SetTrain(false)
	x := tape.Const(randMat[float32](r, 4, 3))
	h := l.Forward(tape, x)
	if h.Grad() != nil {
		t.Fatal("evaluation mode: node has a gradient")
	}
	if d := tape.Dropout(h, 0.5, r); d != h {
		t.Fatal("evaluation mode: Dropout is not the identity")
	}
	loss := tape.Mean(h)
	wantPanic(t, "evaluation mode", func() { tape.Backward(loss) })
	for _, p := range l.Params() {
		for _, g := range p.Grad.Data {
			if g != 0 {
				t.Fatal("evaluation mode touched a gradient")
			}
		}
	}
}

// A node no gradient reaches has a zero gradient after Backward, and nodes
// without a Param upstream have none.
func TestGradOfUnusedBranch(t *testing.T) {
	w := grad.NewParam("w", mat.NewFrom(1, 2, []float64{1, 2}))
	tape := grad.NewTape[float64]()
	u := tape.Use(w)
	side := tape.Tanh(u) // not used by the loss
	c := tape.Const(mat.NewFrom(1, 2, []float64{1, 1}))
	cc := tape.ReLU(c)
	loss := tape.Sum(u)
	if loss.Grad() != nil {
		t.Fatal("Grad before Backward is not nil")
	}
	tape.Backward(loss)
	if g := side.Grad(); g == nil || g.Data[0] != 0 || g.Data[1] != 0 {
		t.Fatalf("unused branch grad = %v, want zeros", g)
	}
	if cc.Grad() != nil || c.Grad() != nil {
		t.Fatal("a node without a Param upstream has a gradient")
	}
}

func TestActivationValues(t *testing.T) {
	tape := grad.NewTape[float64]()
	x := tape.Const(mat.NewFrom(1, 3, []float64{1, -2, 0.5}))
	for _, c := range []struct {
		name string
		y    *grad.Node[float64]
		want []float64 // the definitions evaluated by Python's math (C's libm)
	}{
		{"GELU", tape.GELU(x), []float64{0.8413447460685429, -0.04550026389635842, 0.34573123063700656}},
		// GELUTanh: correctly rounded (mpmath); Python's float formula gives
		// −0.04540230591222494 at −2, 7 ULP off where 1 + tanh u cancels.
		{"GELUTanh", tape.GELUTanh(x), []float64{0.8411919906082767, -0.04540230591222498, 0.34571400982514394}},
		{"SiLU", tape.SiLU(x), []float64{0.7310585786300049, -0.2384058440442351, 0.3112296656009273}},
	} {
		for i, v := range c.y.Value().Data {
			if math.Abs(v-c.want[i]) > 4e-16*math.Abs(c.want[i]) {
				t.Errorf("%s(%v) = %v, want %v", c.name, x.Value().Data[i], v, c.want[i])
			}
		}
	}
}

func TestDropout(t *testing.T) {
	const p = 0.25
	x := mat.New[float32](64, 50)
	for i := range x.Data {
		x.Data[i] = 1
	}
	tape := grad.NewTape[float32]()
	y := tape.Dropout(tape.Const(x), p, prob.New(7)).Value()
	tape64 := grad.NewTape[float64]()
	x64 := mat.New[float64](64, 50)
	for i := range x64.Data {
		x64.Data[i] = 1
	}
	y64 := tape64.Dropout(tape64.Const(x64), p, prob.New(7)).Value()
	kept := 0
	for i, v := range y.Data {
		switch v {
		case 0:
		case 1 / (1 - p):
			kept++
		default:
			t.Fatalf("mask value %v, want 0 or %v", v, 1/(1-p))
		}
		if (v == 0) != (y64.Data[i] == 0) {
			t.Fatalf("float32 and float64 masks differ at %d", i)
		}
	}
	if f := float64(kept) / float64(len(y.Data)); math.Abs(f-(1-p)) > 0.03 {
		t.Fatalf("kept fraction %v, want about %v", f, 1-p)
	}
	tape.Reset()
	y2 := tape.Dropout(tape.Const(x), p, prob.New(7)).Value()
	for i := range y.Data {
		if y.Data[i] != y2.Data[i] {
			t.Fatal("same seed, different mask")
		}
	}
}

func randMat[T vec.Float](r *prob.RNG, rows, cols int) *mat.Dense[T] {
	m := mat.New[T](rows, cols)
	prob.Normal[T]{Mu: 0, Sigma: 1}.Sample(r, m.Data)
	return m
}
