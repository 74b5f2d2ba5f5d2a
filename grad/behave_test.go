package grad_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

func params64(ps ...*grad.Node[float64]) []*grad.Node[float64] { return ps }

// TestBackwardAccumulates: Param gradients add up over Backward calls until
// ZeroGrad; operation gradients are recomputed by each Backward.
func TestBackwardAccumulates(t *testing.T) {
	r := prob.New(2)
	w := grad.Param(uniform[float64](r, 3, 2, -1, 1))
	x := grad.Const(uniform[float64](r, 4, 3, -1, 1))
	h := grad.MatMul(x, w)
	loss := grad.MSE(grad.Tanh(h), grad.Const(uniform[float64](r, 4, 2, -1, 1)))
	grad.Backward(loss)
	g1 := append([]float64(nil), w.Grad().Data...)
	h1 := append([]float64(nil), h.Grad().Data...)
	grad.Backward(loss)
	for i := range g1 {
		if w.Grad().Data[i] != 2*g1[i] {
			t.Fatalf("param grad after two Backward: %v, want 2×%v", w.Grad().Data, g1)
		}
	}
	for i := range h1 {
		if h.Grad().Data[i] != h1[i] {
			t.Fatalf("op grad after two Backward: %v, want %v", h.Grad().Data, h1)
		}
	}
	if loss.Grad().Data[0] != 1 {
		t.Errorf("loss grad = %v, want 1", loss.Grad().Data[0])
	}
	w.ZeroGrad()
	if vec.Max(absAll(w.Grad().Data)) != 0 {
		t.Errorf("ZeroGrad left %v", w.Grad().Data)
	}
	if x.Grad() != nil {
		t.Errorf("a Const has a gradient")
	}
}

// TestForwardRerun: a graph built once, re-run with new Const data, gives
// the value and gradients of a graph built on that data.
func TestForwardRerun(t *testing.T) {
	r := prob.New(3)
	wm := uniform[float64](r, 3, 2, -1, 1)
	xm := uniform[float64](r, 4, 3, -1, 1)
	labels := []int{0, 1, 1, 0}
	w := grad.Param(wm)
	loss := grad.SoftmaxCrossEntropy(grad.Sigmoid(grad.MatMul(grad.Const(xm), w)), labels)
	grad.Backward(loss)

	xm2 := uniform[float64](r, 4, 3, -1, 1)
	copy(xm.Data, xm2.Data)
	labels[2] = 0
	grad.Forward(loss)
	w.ZeroGrad()
	grad.Backward(loss)

	w2 := grad.Param(mat.NewFrom(3, 2, append([]float64(nil), wm.Data...)))
	fresh := grad.SoftmaxCrossEntropy(grad.Sigmoid(grad.MatMul(grad.Const(xm2), w2)), []int{0, 1, 0, 0})
	grad.Backward(fresh)
	if loss.Scalar() != fresh.Scalar() {
		t.Errorf("re-run loss %v, fresh %v", loss.Scalar(), fresh.Scalar())
	}
	for i := range w.Grad().Data {
		if w.Grad().Data[i] != w2.Grad().Data[i] {
			t.Fatalf("re-run grad %v, fresh %v", w.Grad().Data, w2.Grad().Data)
		}
	}
}

// TestNoParam: a graph without parameters has no gradients and Backward
// does nothing.
func TestNoParam(t *testing.T) {
	x := grad.Const(mat.NewFrom(1, 2, []float64{1, 2}))
	loss := grad.MSE(grad.ReLU(x), x)
	grad.Backward(loss)
	if loss.Grad() != nil || loss.Scalar() != 0 {
		t.Errorf("loss %v grad %v", loss.Scalar(), loss.Grad())
	}
}

func wantPanic(t *testing.T, name string, want []string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		e := recover()
		if e == nil {
			t.Errorf("%s: no panic", name)
			return
		}
		msg := fmt.Sprint(e)
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: panic %q does not contain %q", name, msg, w)
			}
		}
	}()
	f()
}

func TestPanics(t *testing.T) {
	m := func(r, c int) *grad.Node[float64] { return grad.Param(mat.New[float64](r, c)) }
	wantPanic(t, "MatMul", []string{"grad.MatMul", "2×3", "4×5"}, func() { grad.MatMul(m(2, 3), m(4, 5)) })
	wantPanic(t, "AddBias", []string{"grad.AddBias", "2×3", "1×4"}, func() { grad.AddBias(m(2, 3), m(1, 4)) })
	wantPanic(t, "AddBias/rows", []string{"grad.AddBias", "2×3", "2×3"}, func() { grad.AddBias(m(2, 3), m(2, 3)) })
	wantPanic(t, "MSE", []string{"grad.MSE", "2×3", "3×2"}, func() { grad.MSE(m(2, 3), m(3, 2)) })
	wantPanic(t, "MSE/empty", []string{"grad.MSE", "0×3"}, func() { grad.MSE(m(0, 3), m(0, 3)) })
	wantPanic(t, "BinaryCrossEntropy", []string{"grad.BinaryCrossEntropy", "2×3", "2×2"}, func() { grad.BinaryCrossEntropy(m(2, 3), m(2, 2)) })
	wantPanic(t, "SoftmaxCrossEntropy/len", []string{"grad.SoftmaxCrossEntropy", "2×3", "len(labels)=3"}, func() { grad.SoftmaxCrossEntropy(m(2, 3), []int{0, 1, 2}) })
	wantPanic(t, "SoftmaxCrossEntropy/label", []string{"grad.SoftmaxCrossEntropy", "labels[1]=3", "[0, 3)"}, func() { grad.SoftmaxCrossEntropy(m(2, 3), []int{0, 3}) })
	wantPanic(t, "Backward", []string{"grad.Backward", "2×3"}, func() { grad.Backward(grad.Sigmoid(m(2, 3))) })
	wantPanic(t, "Scalar", []string{"grad.Scalar", "2×3"}, func() { m(2, 3).Scalar() })
	c := grad.Const(mat.New[float64](1, 1))
	wantPanic(t, "NewSGD", []string{"grad.NewSGD", "params[1]", "Const"}, func() { grad.NewSGD(params64(m(1, 1), c), 0.1, 0) })
	wantPanic(t, "NewAdam", []string{"grad.NewAdam", "params[0]", "Const"}, func() { grad.NewAdam(params64(c), 0.1) })
	wantPanic(t, "Check", []string{"grad.Check", "params[0]"}, func() { grad.Check(grad.MSE(c, c), params64(c), 1e-5) })

	// A label made invalid before a re-run panics in Forward before the
	// loss value is overwritten.
	z := grad.Param(mat.NewFrom(2, 2, []float64{1, 2, 3, 4}))
	labels := []int{0, 1}
	loss := grad.SoftmaxCrossEntropy(z, labels)
	before := loss.Scalar()
	labels[1] = -1
	wantPanic(t, "Forward/label", []string{"grad.SoftmaxCrossEntropy", "labels[1]=-1"}, func() { grad.Forward(loss) })
	if loss.Scalar() != before {
		t.Errorf("loss written before the label check: %v, was %v", loss.Scalar(), before)
	}
}

// TestStableLosses: logits of ±1e4 give the exact finite losses and
// gradients, where the naive formulas overflow (e^1e4) or take log 0.
func TestStableLosses(t *testing.T) {
	t.Run("float32", testStable[float32])
	t.Run("float64", testStable[float64])
}

func testStable[T vec.Float](t *testing.T) {
	// Softmax cross-entropy: row 0 has the right class at 1e4 (loss 0), row 1
	// has it at −1e4 against 1e4 (loss 2e4); the mean is 1e4.
	z := grad.Param(mat.NewFrom(2, 3, []T{1e4, -1e4, 0, 1e4, -1e4, 0}))
	sce := grad.SoftmaxCrossEntropy(z, []int{0, 1})
	grad.Backward(sce)
	if got := sce.Scalar(); got != 1e4 {
		t.Errorf("SoftmaxCrossEntropy = %v, want 1e4", got)
	}
	// (softmax − onehot)/2: row 0 → 0, row 1 → (1, −1, 0)/2.
	if want := []T{0, 0, 0, 0.5, -0.5, 0}; fmt.Sprint(z.Grad().Data) != fmt.Sprint(want) {
		t.Errorf("SoftmaxCrossEntropy grad = %v, want %v", z.Grad().Data, want)
	}

	// Binary cross-entropy of z against y: ℓ(1e4, 1) = 0, ℓ(1e4, 0) = 1e4,
	// ℓ(−1e4, 0) = 0, ℓ(−1e4, 1) = 1e4; mean 5e3.
	b := grad.Param(mat.NewFrom(2, 2, []T{1e4, 1e4, -1e4, -1e4}))
	y := grad.Const(mat.NewFrom(2, 2, []T{1, 0, 0, 1}))
	bce := grad.BinaryCrossEntropy(b, y)
	grad.Backward(bce)
	if got := bce.Scalar(); got != 5e3 {
		t.Errorf("BinaryCrossEntropy = %v, want 5e3", got)
	}
	// (σ(z) − y)/4 = (0, 1, 0, −1)/4.
	if want := []T{0, 0.25, 0, -0.25}; fmt.Sprint(b.Grad().Data) != fmt.Sprint(want) {
		t.Errorf("BinaryCrossEntropy grad = %v, want %v", b.Grad().Data, want)
	}

	// Softmax itself: finite, one-hot.
	s := grad.Softmax(grad.Const(mat.NewFrom(1, 3, []T{1e4, -1e4, 0})))
	if want := []T{1, 0, 0}; fmt.Sprint(s.Value().Data) != fmt.Sprint(want) {
		t.Errorf("Softmax = %v, want %v", s.Value().Data, want)
	}
	for _, v := range append(z.Grad().Data, b.Grad().Data...) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("non-finite gradient %v", v)
		}
	}
}

// TestOptimizers checks one step of each against the formulas by hand.
func TestOptimizers(t *testing.T) {
	p := grad.Param(mat.NewFrom(1, 2, []float64{1, -2}))
	copy(p.Grad().Data, []float64{0.5, -4})
	sgd := grad.NewSGD(params64(p), 0.1, 0.9)
	sgd.Step() // v = g; p −= 0.1·g
	sgd.Step() // v = 0.9·g + g = 1.9·g; p −= 0.19·g
	if want := []float64{1 - 0.29*0.5, -2 + 0.29*4}; math.Abs(p.Value().Data[0]-want[0]) > 1e-15 || math.Abs(p.Value().Data[1]-want[1]) > 1e-15 {
		t.Errorf("SGD: %v, want %v", p.Value().Data, want)
	}
	sgd.ZeroGrad()
	if p.Grad().Data[0] != 0 || p.Grad().Data[1] != 0 {
		t.Errorf("SGD.ZeroGrad left %v", p.Grad().Data)
	}

	// Adam's first step moves each element by LR·g/(|g|+ε) ≈ LR·sign(g),
	// whatever the gradient's scale.
	q := grad.Param(mat.NewFrom(1, 3, []float64{1, 1, 1}))
	copy(q.Grad().Data, []float64{1e-3, -50, 2})
	adam := grad.NewAdam(params64(q), 0.01)
	adam.Step()
	for i, want := range []float64{0.99, 1.01, 0.99} {
		if math.Abs(q.Value().Data[i]-want) > 1e-6 { // ε = 1e-8 moves the first by 1e-7
			t.Errorf("Adam step 1: %v, want [0.99 1.01 0.99]", q.Value().Data)
			break
		}
	}
	// Step 2 with the same gradient: m̂ = g and v̂ = g² again (the bias
	// corrections undo the moving averages of a constant), same move.
	adam.Step()
	if math.Abs(q.Value().Data[1]-1.02) > 1e-6 {
		t.Errorf("Adam step 2: %v", q.Value().Data)
	}
}

// TestStridedParam: the optimizers update a Param that is a view, and only
// its elements.
func TestStridedParam(t *testing.T) {
	big := mat.NewFrom(2, 3, []float64{1, 2, 3, 4, 5, 6})
	p := grad.Param(big.Slice(0, 2, 1, 3))
	copy(p.Grad().Data, []float64{1, 1, 1, 1})
	grad.NewSGD(params64(p), 1, 0).Step()
	adam := grad.NewAdam(params64(p), 1)
	adam.Eps = 0 // so the step is exactly 1
	adam.Step()
	if want := []float64{1, 0, 1, 4, 3, 4}; fmt.Sprint(big.Data) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", big.Data, want)
	}
}

// TestAllocs: after the first run, Forward, Backward and the optimizer
// steps do not allocate.
func TestAllocs(t *testing.T) {
	loss, params := buildMLP[float32](prob.New(4), 16)
	sgd := grad.NewSGD(params, 0.1, 0.9)
	adam := grad.NewAdam(params, 0.01)
	run := func() {
		grad.Forward(loss)
		sgd.ZeroGrad()
		grad.Backward(loss)
		sgd.Step()
		adam.Step()
	}
	run()
	if n := testing.AllocsPerRun(20, run); n != 0 {
		t.Errorf("%v allocations per step, want 0", n)
	}
}
