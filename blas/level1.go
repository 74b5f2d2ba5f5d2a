package blas

import (
	"math"

	"github.com/lanes-go/lanes/vec"
)

// Level 1. Unit increments with valid arguments run on lanes; every other
// call (other increments, n ≤ 0, short slices, alpha = 0 in axpy and scal)
// runs gonum's routine, which also raises gonum's panics.

// Sdot returns Σ x[i]·y[i] (vec.Dot for unit increments).
func (impl Implementation) Sdot(n int, x []float32, incX int, y []float32, incY int) float32 {
	if incX == 1 && incY == 1 && n > 0 && len(x) >= n && len(y) >= n {
		return vec.Dot(x[:n], y[:n])
	}
	return impl.Implementation.Sdot(n, x, incX, y, incY)
}

// Ddot returns Σ x[i]·y[i] (vec.Dot for unit increments).
func (impl Implementation) Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	if incX == 1 && incY == 1 && n > 0 && len(x) >= n && len(y) >= n {
		return vec.Dot(x[:n], y[:n])
	}
	return impl.Implementation.Ddot(n, x, incX, y, incY)
}

// axpyOK reports whether an axpy call is valid, non-trivial and has unit
// increments.
func axpyOK(n int, alpha float64, lx, incX, ly, incY int) bool {
	return incX == 1 && incY == 1 && n > 0 && lx >= n && ly >= n && alpha != 0
}

// Saxpy sets y += alpha·x (vec.Axpy for unit increments: one fused
// multiply-add per element).
func (impl Implementation) Saxpy(n int, alpha float32, x []float32, incX int, y []float32, incY int) {
	if axpyOK(n, float64(alpha), len(x), incX, len(y), incY) {
		vec.Axpy(alpha, x[:n], y[:n])
		return
	}
	impl.Implementation.Saxpy(n, alpha, x, incX, y, incY)
}

// Daxpy sets y += alpha·x (vec.Axpy for unit increments: one fused
// multiply-add per element).
func (impl Implementation) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if axpyOK(n, alpha, len(x), incX, len(y), incY) {
		vec.Axpy(alpha, x[:n], y[:n])
		return
	}
	impl.Implementation.Daxpy(n, alpha, x, incX, y, incY)
}

// Sscal sets x *= alpha (vec.Scale for unit increments; alpha = 0 sets x
// to zero without reading it, as gonum).
func (impl Implementation) Sscal(n int, alpha float32, x []float32, incX int) {
	if incX == 1 && n > 0 && len(x) >= n && alpha != 0 {
		vec.Scale(alpha, x[:n])
		return
	}
	impl.Implementation.Sscal(n, alpha, x, incX)
}

// Dscal sets x *= alpha (vec.Scale for unit increments; alpha = 0 sets x
// to zero without reading it, as gonum).
func (impl Implementation) Dscal(n int, alpha float64, x []float64, incX int) {
	if incX == 1 && n > 0 && len(x) >= n && alpha != 0 {
		vec.Scale(alpha, x[:n])
		return
	}
	impl.Implementation.Dscal(n, alpha, x, incX)
}

// Snrm2 returns the Euclidean norm of x (vec.Norm for unit increments: no
// overflow or underflow for finite x).
func (impl Implementation) Snrm2(n int, x []float32, incX int) float32 {
	if incX == 1 && n > 1 && len(x) >= n {
		return vec.Norm(x[:n])
	}
	return impl.Implementation.Snrm2(n, x, incX)
}

// Dnrm2 returns the Euclidean norm of x (vec.Norm for unit increments: no
// overflow or underflow for finite x).
func (impl Implementation) Dnrm2(n int, x []float64, incX int) float64 {
	if incX == 1 && n > 1 && len(x) >= n {
		return vec.Norm(x[:n])
	}
	return impl.Implementation.Dnrm2(n, x, incX)
}

// Sasum returns Σ |x[i]| (for unit increments a pure-Go loop with four
// partial sums: lanes has no absolute-sum kernel).
func (impl Implementation) Sasum(n int, x []float32, incX int) float32 {
	if incX == 1 && n > 0 && len(x) >= n {
		return asum(x[:n])
	}
	return impl.Implementation.Sasum(n, x, incX)
}

// Dasum returns Σ |x[i]| (for unit increments a pure-Go loop with four
// partial sums: lanes has no absolute-sum kernel).
func (impl Implementation) Dasum(n int, x []float64, incX int) float64 {
	if incX == 1 && n > 0 && len(x) >= n {
		return asum(x[:n])
	}
	return impl.Implementation.Dasum(n, x, incX)
}

// Isamax returns the index of the first element of x with the largest
// absolute value, as gonum's (NaN elements are skipped unless x[0] is NaN,
// then it returns 0). Unit increments: a pure-Go loop with four partial
// maxima.
func (impl Implementation) Isamax(n int, x []float32, incX int) int {
	if incX == 1 && n > 1 && len(x) >= n {
		return iamax(x[:n])
	}
	return impl.Implementation.Isamax(n, x, incX)
}

// Idamax returns the index of the first element of x with the largest
// absolute value, as gonum's (NaN elements are skipped unless x[0] is NaN,
// then it returns 0). Unit increments: a pure-Go loop with four partial
// maxima.
func (impl Implementation) Idamax(n int, x []float64, incX int) int {
	if incX == 1 && n > 1 && len(x) >= n {
		return iamax(x[:n])
	}
	return impl.Implementation.Idamax(n, x, incX)
}

func abs[T vec.Float](v T) T { return T(math.Abs(float64(v))) }

// asum returns Σ |x[i]| in four partial sums (error ≤ γₙ·Σ|x[i]|).
func asum[T vec.Float](x []T) T {
	var s0, s1, s2, s3 T
	for len(x) >= 4 {
		s0 += abs(x[0])
		s1 += abs(x[1])
		s2 += abs(x[2])
		s3 += abs(x[3])
		x = x[4:]
	}
	for _, v := range x {
		s0 += abs(v)
	}
	return (s0 + s1) + (s2 + s3)
}

// iamax returns the index of the first element of x with the largest
// absolute value, skipping NaNs unless x[0] is NaN (gonum's semantics);
// len(x) ≥ 1. One pass finds the maximum in four partial maxima, a second
// finds its first index.
func iamax[T vec.Float](x []T) int {
	m0 := abs(x[0])
	if m0 != m0 {
		return 0
	}
	m1, m2, m3 := m0, m0, m0
	y := x[1:]
	for len(y) >= 4 {
		// v > m is false for NaN: NaNs are skipped.
		if v := abs(y[0]); v > m0 {
			m0 = v
		}
		if v := abs(y[1]); v > m1 {
			m1 = v
		}
		if v := abs(y[2]); v > m2 {
			m2 = v
		}
		if v := abs(y[3]); v > m3 {
			m3 = v
		}
		y = y[4:]
	}
	for _, v := range y {
		if v := abs(v); v > m0 {
			m0 = v
		}
	}
	m := max(m0, m1, m2, m3)
	for i, v := range x {
		if abs(v) == m {
			return i
		}
	}
	panic("unreachable: blas.iamax found no element equal to the maximum")
}
