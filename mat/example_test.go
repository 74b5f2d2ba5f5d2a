package mat_test

import (
	"fmt"

	"github.com/lanes-go/lanes/mat"
)

// Mul multiplies two matrices; NewFrom wraps row-major data.
func ExampleMul() {
	a := mat.NewFrom(2, 3, []float64{
		1, 2, 3,
		4, 5, 6,
	})
	b := mat.NewFrom(3, 2, []float64{
		7, 8,
		9, 10,
		11, 12,
	})
	c := mat.New[float64](2, 2)
	mat.Mul(c, a, b)
	fmt.Println(c.Row(0), c.Row(1))
	// Output: [58 64] [139 154]
}

// Gemm computes c = alpha·op(a)·op(b) + beta·c; the transposes are flags,
// no copies.
func ExampleGemm() {
	a := mat.NewFrom(3, 2, []float32{ // used as aᵀ, 2×3
		1, 4,
		2, 5,
		3, 6,
	})
	b := mat.NewFrom(2, 3, []float32{ // used as bᵀ, 3×2
		1, 0, 1,
		0, 1, 1,
	})
	c := mat.NewFrom(2, 2, []float32{
		1, 1,
		1, 1,
	})
	mat.Gemm(true, true, 2, a, b, 10, c) // c = 2·aᵀ·bᵀ + 10·c
	fmt.Println(c.Row(0), c.Row(1))
	// Output: [18 20] [30 32]
}

// Slice is a view that shares the data: writes through it change the
// parent, and it works everywhere a matrix does.
func ExampleDense_Slice() {
	m := mat.NewFrom(3, 3, []float64{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	})
	v := m.Slice(1, 3, 1, 3) // rows 1..2, columns 1..2
	v.Set(0, 0, 50)
	fmt.Println(v.Rows, v.Cols, v.Stride, v.Row(0), v.Row(1))
	fmt.Println(m.Row(1))
	// Output:
	// 2 2 3 [50 6] [8 9]
	// [4 50 6]
}

// Example is the README's quick start for mat: a row-major matrix, its
// product with another and with a vector, and a view.
func Example() {
	a := mat.NewFrom(2, 3, []float32{
		1, 2, 3,
		4, 5, 6,
	})
	b := mat.NewFrom(3, 2, []float32{
		1, 0,
		0, 1,
		1, 1,
	})
	c := mat.New[float32](2, 2)
	mat.Mul(c, a, b) // c = a·b
	fmt.Println(c)

	y := make([]float32, 2)
	mat.MulVec(y, a, []float32{1, 1, 1}) // y = a·x: the row sums
	fmt.Println(y)

	d := mat.New[float32](3, 3)
	mat.Gemm(true, false, 1, a, a, 0, d) // d = aᵀ·a, no transposed copy
	fmt.Println(d.Slice(1, 3, 1, 3))     // a view of the lower right 2×2
	// Output:
	// ⎡ 4  5⎤
	// ⎣10 11⎦
	// [6 15]
	// ⎡29 36⎤
	// ⎣36 45⎦
}
