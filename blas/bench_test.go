package blas

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// The benchmarks run gonum's mat with gonum's own BLAS (impl=gonum) and
// with Implementation (impl=lanes), in one run, so that benchstat -col
// /impl gives the ratio. Threads follow GOMAXPROCS (-cpu 1,2): lanes'
// Gemm and gonum's Dgemm both split over GOMAXPROCS goroutines.

func withImpl(b *testing.B, name string, f func(b *testing.B)) {
	b.Run("impl="+name, func(b *testing.B) {
		prev := blas64.Implementation()
		if name == "lanes" {
			blas64.Use(Implementation{})
		} else {
			blas64.Use(gonum.Implementation{})
		}
		defer blas64.Use(prev)
		f(b)
	})
}

func randDense(r *rand.Rand, m, n int) *mat.Dense {
	d := make([]float64, m*n)
	for i := range d {
		d[i] = r.Float64()*2 - 1
	}
	return mat.NewDense(m, n, d)
}

func BenchmarkMul(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{256, 1024} {
		x, y := randDense(r, n, n), randDense(r, n, n)
		var dst mat.Dense
		dst.ReuseAs(n, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for _, name := range []string{"lanes", "gonum"} {
				withImpl(b, name, func(b *testing.B) {
					for b.Loop() {
						dst.Mul(x, y)
					}
					b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
				})
			}
		})
	}
}

func BenchmarkLU(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 3))
	const n = 1024
	a := randDense(r, n, n)
	var lu mat.LU
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		for _, name := range []string{"lanes", "gonum"} {
			withImpl(b, name, func(b *testing.B) {
				for b.Loop() {
					lu.Factorize(a)
				}
			})
		}
	})
}

// spd returns a random symmetric positive definite n×n matrix, XᵀX + n·I.
func spd(r *rand.Rand, n int) *mat.SymDense {
	x := randDense(r, n, n)
	var s mat.SymDense
	s.SymOuterK(1, x)
	for i := 0; i < n; i++ {
		s.SetSym(i, i, s.At(i, i)+float64(n))
	}
	return &s
}

func BenchmarkCholesky(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 4))
	const n = 1024
	a := spd(r, n)
	var ch mat.Cholesky
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		for _, name := range []string{"lanes", "gonum"} {
			withImpl(b, name, func(b *testing.B) {
				for b.Loop() {
					if !ch.Factorize(a) {
						b.Fatal("not positive definite")
					}
				}
			})
		}
	})
}

func BenchmarkDdot(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 5))
	const n = 4096
	x, y := randDense(r, 1, n).RawMatrix().Data, randDense(r, 1, n).RawMatrix().Data
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		for _, name := range []string{"lanes", "gonum"} {
			withImpl(b, name, func(b *testing.B) {
				impl := blas64.Implementation()
				var s float64
				for b.Loop() {
					s += impl.Ddot(n, x, 1, y, 1)
				}
				sink = s
			})
		}
	})
}

func BenchmarkDaxpy(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 6))
	const n = 4096
	x, y := randDense(r, 1, n).RawMatrix().Data, randDense(r, 1, n).RawMatrix().Data
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		for _, name := range []string{"lanes", "gonum"} {
			withImpl(b, name, func(b *testing.B) {
				impl := blas64.Implementation()
				for b.Loop() {
					impl.Daxpy(n, 1e-9, x, 1, y, 1)
				}
			})
		}
	})
}

var sink float64

// BenchmarkGetrf and BenchmarkPotrf time the factorisations alone
// (lapack64.Getrf and Potrf, on a fresh copy of the matrix each time:
// the copy is in both columns), without the condition number estimate
// that mat.LU and mat.Cholesky compute in Factorize.
func BenchmarkGetrf(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 3))
	const n = 1024
	a := randDense(r, n, n).RawMatrix()
	w := a
	w.Data = make([]float64, len(a.Data))
	ipiv := make([]int, n)
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		for _, name := range []string{"lanes", "gonum"} {
			withImpl(b, name, func(b *testing.B) {
				for b.Loop() {
					copy(w.Data, a.Data)
					lapack64.Getrf(w, ipiv)
				}
			})
		}
	})
}

func BenchmarkPotrf(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 4))
	const n = 1024
	a := spd(r, n).RawSymmetric()
	w := blas64.Symmetric{Uplo: a.Uplo, N: n, Stride: a.Stride, Data: make([]float64, len(a.Data))}
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		for _, name := range []string{"lanes", "gonum"} {
			withImpl(b, name, func(b *testing.B) {
				for b.Loop() {
					copy(w.Data, a.Data)
					if _, ok := lapack64.Potrf(w); !ok {
						b.Fatal("not positive definite")
					}
				}
			})
		}
	})
}
