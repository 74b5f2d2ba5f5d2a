package vec_test

import (
	"fmt"

	"github.com/lanes-go/lanes/vec"
)

func ExampleDot() {
	x := []float32{1, 2, 3}
	y := []float32{4, 5, 6}
	fmt.Println(vec.Dot(x, y))
	// Output: 32
}

func ExampleAxpy() {
	x := []float64{1, 2, 3}
	y := []float64{10, 20, 30}
	vec.Axpy(2, x, y) // y += 2·x
	fmt.Println(y)
	// Output: [12 24 36]
}

func ExampleNorm() {
	// The sum of squares would overflow float32; Norm rescales instead.
	fmt.Println(vec.Norm([]float32{3e30, 4e30}))
	// Output: 5e+30
}

func ExampleArgMax() {
	fmt.Println(vec.ArgMax([]float32{1, 7, 3, 7}))
	// Output: 1
}
