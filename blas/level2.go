package blas

import (
	gblas "gonum.org/v1/gonum/blas"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// gemvOK reports whether a gemv call has valid arguments (gonum's checks)
// and real work: otherwise gonum's routine handles it (panic, quick return
// or y = beta·y when alpha = 0).
func gemvOK(tA gblas.Transpose, m, n, lda, lx, incX, ly, incY int, alpha, beta float64) bool {
	if !validTrans(tA) || m <= 0 || n <= 0 || lda < max(1, n) || incX == 0 || incY == 0 {
		return false
	}
	lenX, lenY := m, n
	if tA == gblas.NoTrans {
		lenX, lenY = n, m
	}
	return vecOK(lenX, incX, lx) && vecOK(lenY, incY, ly) && alpha != 0
}

// Sgemv computes y = alpha·op(A)·x + beta·y with mat.MulVec (op(A) = A) or
// mat.MulVecTrans (op(A) = Aᵀ), A m×n. beta = 0: y is not read.
func (impl Implementation) Sgemv(tA gblas.Transpose, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	if !gemvOK(tA, m, n, lda, len(x), incX, len(y), incY, float64(alpha), float64(beta)) || len(a) < lda*(m-1)+n {
		impl.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	gemv(isTrans(tA), m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dgemv computes y = alpha·op(A)·x + beta·y with mat.MulVec (op(A) = A) or
// mat.MulVecTrans (op(A) = Aᵀ), A m×n. beta = 0: y is not read.
func (impl Implementation) Dgemv(tA gblas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if !gemvOK(tA, m, n, lda, len(x), incX, len(y), incY, alpha, beta) || len(a) < lda*(m-1)+n {
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	gemv(isTrans(tA), m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// gemv: arguments valid, m, n ≥ 1, alpha ≠ 0. op(A)·x goes to a buffer t
// (MulVec: a dot product per row; MulVecTrans: an axpy per row), then
// y[i] = alpha·t[i] + beta·y[i].
func gemv[T vec.Float](trans bool, m, n int, alpha T, a []T, lda int, x []T, incX int, beta T, y []T, incY int) {
	s := getScratch[T]()
	lenX, lenY := n, m
	if trans {
		lenX, lenY = m, n
	}
	xs := gather(&s.x, x, lenX, incX)
	s.t = grow(s.t, lenY)
	t := s.t
	av := view(&s.a, m, n, a, lda)
	if trans {
		mat.MulVecTrans(t, av, xs)
	} else {
		mat.MulVec(t, av, xs)
	}
	iy := start(lenY, incY)
	if beta == 0 {
		for _, v := range t {
			y[iy] = alpha * v
			iy += incY
		}
	} else {
		for _, v := range t {
			y[iy] = alpha*v + beta*y[iy]
			iy += incY
		}
	}
	s.put()
}

// gerOK reports whether a ger call has valid arguments and real work.
func gerOK(m, n, lda int, lx, incX, ly, incY int, alpha float64) bool {
	return m > 0 && n > 0 && lda >= max(1, n) && incX != 0 && incY != 0 &&
		vecOK(m, incX, lx) && vecOK(n, incY, ly) && alpha != 0
}

// Sger computes A += alpha·x·yᵀ, A m×n: an axpy (vec.Axpy, fused) per row
// of A, as mat.AddOuter.
func (impl Implementation) Sger(m, n int, alpha float32, x []float32, incX int, y []float32, incY int, a []float32, lda int) {
	if !gerOK(m, n, lda, len(x), incX, len(y), incY, float64(alpha)) || len(a) < lda*(m-1)+n {
		impl.Implementation.Sger(m, n, alpha, x, incX, y, incY, a, lda)
		return
	}
	ger(m, n, alpha, x, incX, y, incY, a, lda)
}

// Dger computes A += alpha·x·yᵀ, A m×n: an axpy (vec.Axpy, fused) per row
// of A, as mat.AddOuter.
func (impl Implementation) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	if !gerOK(m, n, lda, len(x), incX, len(y), incY, alpha) || len(a) < lda*(m-1)+n {
		impl.Implementation.Dger(m, n, alpha, x, incX, y, incY, a, lda)
		return
	}
	ger(m, n, alpha, x, incX, y, incY, a, lda)
}

// ger is mat.AddOuter's loop, written out so that x and y may lie in the
// same slice as A outside the m×n block (as LAPACK passes them); AddOuter
// would reject overlapping address ranges.
func ger[T vec.Float](m, n int, alpha T, x []T, incX int, y []T, incY int, a []T, lda int) {
	s := getScratch[T]()
	ys := gather(&s.y, y, n, incY)
	ix := start(m, incX)
	for i := 0; i < m; i++ {
		vec.Axpy(alpha*x[ix], ys, a[i*lda:i*lda+n])
		ix += incX
	}
	s.put()
}
