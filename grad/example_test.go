package grad_test

import (
	"fmt"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
)

// Example trains a 2-8-1 network on XOR with binary cross-entropy and Adam.
// The graph is built once; each step is Backward, Step and Forward.
func Example() {
	x := grad.Const(mat.NewFrom(4, 2, []float64{0, 0, 0, 1, 1, 0, 1, 1}))
	y := grad.Const(mat.NewFrom(4, 1, []float64{0, 1, 1, 0}))

	r := prob.New(1)
	w1, w2 := mat.New[float64](2, 8), mat.New[float64](8, 1)
	prob.Xavier(r, w1.Data, 2, 8)
	prob.Xavier(r, w2.Data, 8, 1)
	W1, B1 := grad.Param(w1), grad.Param(mat.New[float64](1, 8))
	W2, B2 := grad.Param(w2), grad.Param(mat.New[float64](1, 1))

	h := grad.Tanh(grad.AddBias(grad.MatMul(x, W1), B1))
	logits := grad.AddBias(grad.MatMul(h, W2), B2) // 4×1
	loss := grad.BinaryCrossEntropy(logits, y)
	fmt.Printf("loss before: %.2f\n", loss.Scalar())

	opt := grad.NewAdam([]*grad.Node[float64]{W1, B1, W2, B2}, 0.1)
	for range 200 {
		opt.ZeroGrad()
		grad.Backward(loss)
		opt.Step()
		grad.Forward(loss)
	}
	fmt.Println("loss below 0.01:", loss.Scalar() < 0.01)
	for i := range 4 {
		a, b := x.Value().At(i, 0), x.Value().At(i, 1)
		out := 0
		if logits.Value().At(i, 0) > 0 { // σ(z) > 1/2
			out = 1
		}
		fmt.Printf("%v xor %v → %d\n", a, b, out)
	}
	// Output:
	// loss before: 0.76
	// loss below 0.01: true
	// 0 xor 0 → 0
	// 0 xor 1 → 1
	// 1 xor 0 → 1
	// 1 xor 1 → 0
}
