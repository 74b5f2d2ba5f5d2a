package blas

import (
	"testing"

	"gonum.org/v1/gonum/blas/testblas"
)

// gonum's own BLAS tests (float64) on Implementation, for every routine
// routed to lanes and, as a check that the embedding forwards them, a few
// that stay gonum's.

var impl Implementation

func TestTestblasLevel1(t *testing.T) {
	t.Run("Ddot", func(t *testing.T) { testblas.DdotTest(t, impl) })
	t.Run("Daxpy", func(t *testing.T) { testblas.DaxpyTest(t, impl) })
	t.Run("Dscal", func(t *testing.T) { testblas.DscalTest(t, impl) })
	t.Run("Dnrm2", func(t *testing.T) { testblas.Dnrm2Test(t, impl) })
	t.Run("Dasum", func(t *testing.T) { testblas.DasumTest(t, impl) })
	t.Run("Idamax", func(t *testing.T) { testblas.IdamaxTest(t, impl) })
	t.Run("Dswap", func(t *testing.T) { testblas.DswapTest(t, impl) })
	t.Run("Dcopy", func(t *testing.T) { testblas.DcopyTest(t, impl) })
}

func TestTestblasLevel2(t *testing.T) {
	t.Run("Dgemv", func(t *testing.T) { testblas.DgemvTest(t, impl) })
	t.Run("Dger", func(t *testing.T) { testblas.DgerTest(t, impl) })
	t.Run("Dtrsv", func(t *testing.T) { testblas.DtrsvTest(t, impl) })
	t.Run("Dsymv", func(t *testing.T) { testblas.DsymvTest(t, impl) })
}

func TestTestblasLevel3(t *testing.T) {
	t.Run("Dgemm", func(t *testing.T) { testblas.TestDgemm(t, impl) })
	t.Run("Dsyrk", func(t *testing.T) { testblas.DsyrkTest(t, impl) })
	t.Run("Dtrsm", func(t *testing.T) { testblas.DtrsmTest(t, impl) })
	t.Run("Dtrmm", func(t *testing.T) { testblas.DtrmmTest(t, impl) })
	t.Run("Dsymm", func(t *testing.T) { testblas.DsymmTest(t, impl) })
	t.Run("Dsyr2k", func(t *testing.T) { testblas.Dsyr2kTest(t, impl) })
}
