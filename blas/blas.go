package blas

import (
	"sync"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// Implementation is gonum's blas.Float32 and blas.Float64 on lanes' kernels
// (see the package documentation for which routines run on lanes). The
// zero value is ready to use; it holds no state.
type Implementation struct {
	gonum.Implementation
}

var (
	_ gblas.Float32 = Implementation{}
	_ gblas.Float64 = Implementation{}
)

// isTrans reports whether t is Trans or ConjTrans (the same for real types).
// It assumes t was checked.
func isTrans(t gblas.Transpose) bool { return t == gblas.Trans || t == gblas.ConjTrans }

func validTrans(t gblas.Transpose) bool {
	return t == gblas.NoTrans || t == gblas.Trans || t == gblas.ConjTrans
}

func validUplo(u gblas.Uplo) bool { return u == gblas.Upper || u == gblas.Lower }

func validSide(s gblas.Side) bool { return s == gblas.Left || s == gblas.Right }

func validDiag(d gblas.Diag) bool { return d == gblas.Unit || d == gblas.NonUnit }

// vecOK reports whether a vector of n ≥ 1 elements with increment inc
// (≠ 0) fits in a slice of length l, as gonum checks it.
func vecOK(n, inc, l int) bool {
	if inc > 0 {
		return l > (n-1)*inc
	}
	return l > (1-n)*inc
}

// start is the index of the first element of a vector of n elements with
// increment inc (BLAS: a negative increment walks the slice backwards).
func start(n, inc int) int {
	if inc < 0 {
		return (1 - n) * inc
	}
	return 0
}

// scratch holds the buffers of one call: matrix views for mat.Gemm and
// vectors for the strided Level 2 arguments. Pooled, so that a call does
// not allocate in steady state.
type scratch[T vec.Float] struct {
	a, b, c mat.Dense[T]
	x, y, t []T
}

var (
	scratch32 = sync.Pool{New: func() any { return new(scratch[float32]) }}
	scratch64 = sync.Pool{New: func() any { return new(scratch[float64]) }}
)

func getScratch[T vec.Float]() *scratch[T] {
	var z T
	if _, ok := any(z).(float32); ok {
		return scratch32.Get().(*scratch[T])
	}
	return scratch64.Get().(*scratch[T])
}

func (s *scratch[T]) put() {
	s.a.Data, s.b.Data, s.c.Data = nil, nil, nil
	if _, ok := any(s).(*scratch[float32]); ok {
		scratch32.Put(s)
		return
	}
	scratch64.Put(s)
}

// grow returns s resized to n, reallocated if its capacity is too small.
func grow[T vec.Float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// view sets d to the rows×cols matrix at a with leading dimension ld
// (rows, cols ≥ 1) and returns it; Data ends with the last element, as a
// BLAS argument may.
func view[T vec.Float](d *mat.Dense[T], rows, cols int, a []T, ld int) *mat.Dense[T] {
	*d = mat.Dense[T]{Rows: rows, Cols: cols, Stride: ld, Data: a[:(rows-1)*ld+cols]}
	return d
}

// gather returns the n elements of x with increment inc as a contiguous
// slice: x itself when inc == 1, else a copy in buf (grown as needed).
func gather[T vec.Float](buf *[]T, x []T, n, inc int) []T {
	if inc == 1 {
		return x[:n:n]
	}
	*buf = grow(*buf, n)
	b := *buf
	ix := start(n, inc)
	for i := range b {
		b[i] = x[ix]
		ix += inc
	}
	return b
}
