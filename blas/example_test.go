package blas_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/lanes-go/lanes/blas"
)

// One line makes gonum's mat (and lapack) run on lanes: products,
// factorisations and solves call Implementation's routines.
func Example() {
	blas64.Use(blas.Implementation{})

	a := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	b := mat.NewDense(2, 2, []float64{5, 6, 7, 8})
	var c mat.Dense
	c.Mul(a, b) // Dgemm
	fmt.Printf("a·b =\n%v\n", mat.Formatted(&c))

	var lu mat.LU
	lu.Factorize(a) // Dgetrf
	var x mat.VecDense
	if err := lu.SolveVecTo(&x, false, mat.NewVecDense(2, []float64{5, 11})); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("a·x = (5, 11): x = (%.6g, %.6g), det(a) = %.6g\n",
		x.AtVec(0), x.AtVec(1), lu.Det())
	// Output:
	// a·b =
	// ⎡19  22⎤
	// ⎣43  50⎦
	// a·x = (5, 11): x = (1, 2), det(a) = -2
}
