package blas

import (
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/testlapack"
)

// useLanes makes Implementation gonum's float64 BLAS for the rest of the
// test, restoring the previous one after it.
func useLanes(t *testing.T) {
	prev := blas64.Implementation()
	blas64.Use(Implementation{})
	t.Cleanup(func() { blas64.Use(prev) })
}

// gonum's LAPACK tests of the blocked factorisations, with their Level 3
// work (gemm, syrk, trsm, trmm) and the Level 1/2 calls of their panel
// factorisations on Implementation.

func TestLapackDgetrf(t *testing.T) {
	useLanes(t)
	testlapack.DgetrfTest(t, gonum.Implementation{})
}

func TestLapackDpotrf(t *testing.T) {
	useLanes(t)
	testlapack.DpotrfTest(t, gonum.Implementation{})
}

func TestLapackDgeqrf(t *testing.T) {
	useLanes(t)
	testlapack.DgeqrfTest(t, gonum.Implementation{})
}
