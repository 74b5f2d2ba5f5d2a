package grad_test

import (
	"fmt"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// Example trains a 2-32-32-3 classifier on three spirals with Adam and
// mini-batches of 32 (300 points: the last batch of each epoch has 12),
// refilling one batch matrix and label slice every step, then evaluates it
// on fresh points with the tape in evaluation mode.
func Example() {
	x, labels := spirals[float32](1, 100, 3) // 300×2 points, classes 0, 1, 2
	r := prob.New(7)
	l1 := grad.NewLinear[float32](r, 2, 32, true)
	l2 := grad.NewLinear[float32](r, 32, 32, true)
	l3 := grad.NewLinear[float32](r, 32, 3, true)
	forward := func(t *grad.Tape[float32], x *grad.Node[float32]) *grad.Node[float32] {
		h := t.ReLU(l1.Forward(t, x))
		h = t.ReLU(l2.Forward(t, h))
		return l3.Forward(t, h) // logits
	}
	var params []*grad.Param[float32]
	params = append(params, grad.Named("0", l1.Params())...)
	params = append(params, grad.Named("2", l2.Params())...)
	params = append(params, grad.Named("4", l3.Params())...)
	opt := grad.NewAdam(params, 0.01)

	tape := grad.NewTape[float32]()
	const batch = 32
	bx, bl := mat.New[float32](batch, 2), make([]int, batch)
	for epoch := range 100 {
		var sum float32
		for i := 0; i < len(labels); i += batch {
			n := min(batch, len(labels)-i)
			xb, lb := bx.Slice(0, n, 0, 2), bl[:n]
			copy(xb.Data, x.Data[2*i:2*(i+n)])
			copy(lb, labels[i:i+n])

			tape.Reset()
			loss := tape.SoftmaxCrossEntropy(forward(tape, tape.Const(xb)), lb)
			tape.Backward(loss)
			opt.Step()
			opt.ZeroGrad()
			sum += loss.Scalar() * float32(n)
		}
		if epoch == 0 {
			fmt.Printf("epoch 1: loss above 0.5: %v\n", sum/float32(len(labels)) > 0.5)
		}
	}

	// Evaluation: no gradients, one pass over the test set.
	xt, lt := spirals[float32](2, 100, 3)
	tape.SetTrain(false)
	tape.Reset()
	logits := forward(tape, tape.Const(xt)).Value()
	right := 0
	for i, c := range lt {
		if vec.ArgMax(logits.Row(i)) == c {
			right++
		}
	}
	fmt.Printf("test accuracy: %.2f (chance 0.33)\n", float64(right)/float64(len(lt)))
	// Output:
	// epoch 1: loss above 0.5: true
	// test accuracy: 0.99 (chance 0.33)
}

// Example_regression is the README's quick start for grad: a linear layer
// fitted to y = 3·x₀ − 2·x₁ + 1 by SGD on mini-batches, then evaluated on
// data it has not seen.
func Example_regression() {
	r := prob.New(1)
	data := func(n int) (x, y *mat.Dense[float64]) {
		x, y = mat.New[float64](n, 2), mat.New[float64](n, 1)
		prob.Normal[float64]{Mu: 0, Sigma: 1}.Sample(r, x.Data)
		for i := range n {
			y.Set(i, 0, 3*x.At(i, 0)-2*x.At(i, 1)+1)
		}
		return x, y
	}
	x, y := data(256)

	lin := grad.NewLinear[float64](r, 2, 1, true) // y = x·Wᵀ + b
	opt := grad.NewSGD(lin.Params(), 0.1)
	tape := grad.NewTape[float64]()
	for range 20 { // epochs
		for i := 0; i < 256; i += 32 { // mini-batches of 32 rows (views, no copies)
			tape.Reset()
			pred := lin.Forward(tape, tape.Const(x.Slice(i, i+32, 0, 2)))
			loss := tape.MSE(pred, tape.Const(y.Slice(i, i+32, 0, 1)))
			tape.Backward(loss)
			opt.Step()
			opt.ZeroGrad()
		}
	}
	fmt.Printf("W %.3f, b %.3f\n", lin.Weight.Value.Data, lin.Bias.Value.Data)

	xt, yt := data(1000)
	tape.SetTrain(false) // evaluation: no gradients
	tape.Reset()
	loss := tape.MSE(lin.Forward(tape, tape.Const(xt)), tape.Const(yt))
	fmt.Printf("test loss below 1e-6: %v\n", loss.Scalar() < 1e-6)
	// Output:
	// W [3.000 -2.000], b [1.000]
	// test loss below 1e-6: true
}
