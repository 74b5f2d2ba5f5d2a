package act_test

import (
	"fmt"

	"github.com/lanes-go/lanes/act"
)

// Softmax turns scores into probabilities; dst may be x itself.
func ExampleSoftmax() {
	x := []float32{1, 2, 3, 4}
	act.Softmax(x, x)
	fmt.Printf("%.4f\n", x)
	// Output: [0.0321 0.0871 0.2369 0.6439]
}

// The *Grad kernels take the upstream gradient dy and fuse the chain rule:
// dst = dy·σ'(x), computed from the forward output y = σ(x).
func ExampleSigmoidGrad() {
	x := []float64{-2, 0, 2}
	y := make([]float64, len(x))
	act.Sigmoid(y, x)
	dy := []float64{1, 1, 0.5} // dy = 1: the plain derivative
	dx := make([]float64, len(x))
	act.SigmoidGrad(dx, y, dy)
	fmt.Printf("%.6f\n%.6f\n", y, dx)
	// Output:
	// [0.119203 0.500000 0.880797]
	// [0.104994 0.250000 0.052497]
}

// Example is the README's quick start for act: each function writes f(x)
// into dst (which may be x itself), and each Grad kernel multiplies the
// upstream gradient dy by the derivative.
func Example() {
	x := []float64{-1, 0, 1, 2}
	y := make([]float64, len(x))

	act.ReLU(y, x)
	fmt.Println(y)
	act.Tanh(y, x)
	fmt.Printf("%.4f\n", y)

	dx := make([]float64, len(x))
	act.TanhGrad(dx, y, []float64{1, 1, 1, 1}) // dy·(1 − y²)
	fmt.Printf("%.4f\n", dx)

	act.Softmax(y, x)
	fmt.Printf("%.4f\n", y)
	// Output:
	// [0 0 1 2]
	// [-0.7616 0.0000 0.7616 0.9640]
	// [0.4200 1.0000 0.4200 0.0707]
	// [0.0321 0.0871 0.2369 0.6439]
}
