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

// Example is the README's quick start for vec: the level-1 kernels take
// float32 or float64 slices and run on the best ISA of the machine.
func Example() {
	x := []float32{1, 2, 3, 4}
	y := []float32{4, 3, 2, 1}
	fmt.Println(vec.Dot(x, y), vec.Sum(x), vec.Max(y), vec.ArgMax(y))

	vec.Axpy(2, x, y) // y += 2·x
	vec.Add(y, y, x)  // y = y + x, in place
	fmt.Println(y)

	z := []float64{3, 4}
	fmt.Println(vec.Norm(z), vec.Cosine(z, []float64{6, 8}))
	// Output:
	// 20 10 4 0
	// [7 9 11 13]
	// 5 1
}
