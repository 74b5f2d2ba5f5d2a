package bench

import (
	"fmt"
	"math"
	"testing"

	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/floats"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/vec"
)

var sizes = []int{256, 4096, 1 << 20}

// impl is one implementation of a kernel on (x, y, dst) of one length.
type impl[T vec.Float] struct {
	name string
	run  func(x, y, d []T)
}

var sink32 float32
var sink64 float64
var sinkInt int

// bench runs every implementation for every size. streams is the number of
// slices the kernel touches (for b.SetBytes).
func bench[T vec.Float](b *testing.B, typ string, streams int, impls func(n int) []impl[T]) {
	size := 4
	if typ == "f64" {
		size = 8
	}
	for _, n := range sizes {
		x, y, d := make([]T, n), make([]T, n), make([]T, n)
		for i := range x {
			x[i], y[i] = T(i%17)/17+0.5, T(i%13)/13+0.5
		}
		for _, im := range impls(n) {
			b.Run(fmt.Sprintf("type=%s/n=%d/impl=%s", typ, n, im.name), func(b *testing.B) {
				b.SetBytes(int64(n * size * streams))
				for b.Loop() {
					im.run(x, y, d)
				}
			})
		}
	}
}

// perISA returns one impl per available ISA. mk gets that ISA's kernel table
// and returns the closure to time, so it costs one call like every other impl.
func perISA[T vec.Float](mk func(t *asm.Table) func(x, y, d []T)) []impl[T] {
	var out []impl[T]
	for _, a := range isa.Available() {
		out = append(out, impl[T]{string(a), mk(asm.Get(a))})
	}
	return out
}

func v32(x []float32) blas32.Vector { return blas32.Vector{N: len(x), Inc: 1, Data: x} }

func BenchmarkDot(b *testing.B) {
	bench(b, "f32", 2, func(int) []impl[float32] {
		return append(perISA(func(t *asm.Table) func(x, y, _ []float32) { return func(x, y, _ []float32) { sink32 = t.DotF32(x, y) } }),
			impl[float32]{"lanes", func(x, y, _ []float32) { sink32 = vec.Dot(x, y) }},
			impl[float32]{"gonum", func(x, y, _ []float32) { sink32 = blas32.Dot(v32(x), v32(y)) }},
			impl[float32]{"vek", func(x, y, _ []float32) { sink32 = vek32.Dot(x, y) }},
			impl[float32]{"loop", func(x, y, _ []float32) {
				var s float32
				for i := range x {
					s += x[i] * y[i]
				}
				sink32 = s
			}})
	})
	bench(b, "f64", 2, func(int) []impl[float64] {
		return append(perISA(func(t *asm.Table) func(x, y, _ []float64) { return func(x, y, _ []float64) { sink64 = t.DotF64(x, y) } }),
			impl[float64]{"lanes", func(x, y, _ []float64) { sink64 = vec.Dot(x, y) }},
			impl[float64]{"gonum", func(x, y, _ []float64) { sink64 = floats.Dot(x, y) }},
			impl[float64]{"vek", func(x, y, _ []float64) { sink64 = vek.Dot(x, y) }},
			impl[float64]{"loop", func(x, y, _ []float64) {
				var s float64
				for i := range x {
					s += x[i] * y[i]
				}
				sink64 = s
			}})
	})
}

func BenchmarkAxpy(b *testing.B) {
	// y += alpha·x with alpha = 1e-30 leaves y unchanged (|alpha·x| is far
	// below half an ulp of y) however long the loop runs, yet every
	// implementation does the full work; alpha = 0 would not do, because BLAS
	// implementations (gonum's included) return at once when alpha is 0.
	bench(b, "f32", 3, func(n int) []impl[float32] {
		tmp := make([]float32, n)
		return append(perISA(func(t *asm.Table) func(x, y, _ []float32) { return func(x, y, _ []float32) { t.AxpyF32(1e-30, x, y) } }),
			impl[float32]{"lanes", func(x, y, _ []float32) { vec.Axpy(1e-30, x, y) }},
			impl[float32]{"gonum", func(x, y, _ []float32) { blas32.Axpy(1e-30, v32(x), v32(y)) }},
			// vek has no axpy: a vek user composes it from two calls.
			impl[float32]{"vek", func(x, y, _ []float32) { vek32.MulNumber_Into(tmp, x, 1e-30); vek32.Add_Inplace(y, tmp) }},
			impl[float32]{"loop", func(x, y, _ []float32) {
				for i := range x {
					y[i] += 1e-30 * x[i]
				}
			}})
	})
	bench(b, "f64", 3, func(n int) []impl[float64] {
		return append(perISA(func(t *asm.Table) func(x, y, _ []float64) { return func(x, y, _ []float64) { t.AxpyF64(1e-30, x, y) } }),
			impl[float64]{"lanes", func(x, y, _ []float64) { vec.Axpy(1e-30, x, y) }},
			impl[float64]{"gonum", func(x, y, _ []float64) { floats.AddScaled(y, 1e-30, x) }},
			impl[float64]{"loop", func(x, y, _ []float64) {
				for i := range x {
					y[i] += 1e-30 * x[i]
				}
			}})
	})
}

func BenchmarkScale(b *testing.B) {
	bench(b, "f32", 2, func(int) []impl[float32] {
		return append(perISA(func(t *asm.Table) func(x, _, _ []float32) { return func(x, _, _ []float32) { t.ScaleF32(1, x) } }),
			impl[float32]{"lanes", func(x, _, _ []float32) { vec.Scale(1, x) }},
			impl[float32]{"gonum", func(x, _, _ []float32) { blas32.Scal(1, v32(x)) }},
			impl[float32]{"vek", func(x, _, _ []float32) { vek32.MulNumber_Inplace(x, 1) }},
			impl[float32]{"loop", func(x, _, _ []float32) {
				for i := range x {
					x[i] *= 1
				}
			}})
	})
	bench(b, "f64", 2, func(int) []impl[float64] {
		return append(perISA(func(t *asm.Table) func(x, _, _ []float64) { return func(x, _, _ []float64) { t.ScaleF64(1, x) } }),
			impl[float64]{"lanes", func(x, _, _ []float64) { vec.Scale(1, x) }},
			impl[float64]{"gonum", func(x, _, _ []float64) { floats.Scale(1, x) }},
			impl[float64]{"vek", func(x, _, _ []float64) { vek.MulNumber_Inplace(x, 1) }},
			impl[float64]{"loop", func(x, _, _ []float64) {
				for i := range x {
					x[i] *= 1
				}
			}})
	})
}

func BenchmarkAdd(b *testing.B) {
	bench(b, "f32", 3, func(int) []impl[float32] {
		return append(perISA(func(t *asm.Table) func(x, y, d []float32) { return func(x, y, d []float32) { t.AddF32(d, x, y) } }),
			impl[float32]{"lanes", func(x, y, d []float32) { vec.Add(d, x, y) }},
			impl[float32]{"vek", func(x, y, d []float32) { vek32.Add_Into(d, x, y) }},
			impl[float32]{"loop", func(x, y, d []float32) {
				for i := range d {
					d[i] = x[i] + y[i]
				}
			}})
	})
	bench(b, "f64", 3, func(int) []impl[float64] {
		return append(perISA(func(t *asm.Table) func(x, y, d []float64) { return func(x, y, d []float64) { t.AddF64(d, x, y) } }),
			impl[float64]{"lanes", func(x, y, d []float64) { vec.Add(d, x, y) }},
			impl[float64]{"gonum", func(x, y, d []float64) { floats.AddTo(d, x, y) }},
			impl[float64]{"vek", func(x, y, d []float64) { vek.Add_Into(d, x, y) }},
			impl[float64]{"loop", func(x, y, d []float64) {
				for i := range d {
					d[i] = x[i] + y[i]
				}
			}})
	})
}

func BenchmarkMul(b *testing.B) {
	bench(b, "f32", 3, func(int) []impl[float32] {
		return append(perISA(func(t *asm.Table) func(x, y, d []float32) { return func(x, y, d []float32) { t.MulF32(d, x, y) } }),
			impl[float32]{"lanes", func(x, y, d []float32) { vec.Mul(d, x, y) }},
			impl[float32]{"vek", func(x, y, d []float32) { vek32.Mul_Into(d, x, y) }},
			impl[float32]{"loop", func(x, y, d []float32) {
				for i := range d {
					d[i] = x[i] * y[i]
				}
			}})
	})
	bench(b, "f64", 3, func(int) []impl[float64] {
		return append(perISA(func(t *asm.Table) func(x, y, d []float64) { return func(x, y, d []float64) { t.MulF64(d, x, y) } }),
			impl[float64]{"lanes", func(x, y, d []float64) { vec.Mul(d, x, y) }},
			impl[float64]{"gonum", func(x, y, d []float64) { floats.MulTo(d, x, y) }},
			impl[float64]{"vek", func(x, y, d []float64) { vek.Mul_Into(d, x, y) }},
			impl[float64]{"loop", func(x, y, d []float64) {
				for i := range d {
					d[i] = x[i] * y[i]
				}
			}})
	})
}

func BenchmarkSum(b *testing.B) {
	bench(b, "f32", 1, func(int) []impl[float32] {
		return append(perISA(func(t *asm.Table) func(x, _, _ []float32) { return func(x, _, _ []float32) { sink32 = t.SumF32(x) } }),
			impl[float32]{"lanes", func(x, _, _ []float32) { sink32 = vec.Sum(x) }},
			impl[float32]{"gonum", func(x, _, _ []float32) { sink32 = blas32.Asum(v32(x)) }},
			impl[float32]{"vek", func(x, _, _ []float32) { sink32 = vek32.Sum(x) }},
			impl[float32]{"loop", func(x, _, _ []float32) {
				var s float32
				for _, v := range x {
					s += v
				}
				sink32 = s
			}})
	})
	bench(b, "f64", 1, func(int) []impl[float64] {
		return append(perISA(func(t *asm.Table) func(x, _, _ []float64) { return func(x, _, _ []float64) { sink64 = t.SumF64(x) } }),
			impl[float64]{"lanes", func(x, _, _ []float64) { sink64 = vec.Sum(x) }},
			impl[float64]{"gonum", func(x, _, _ []float64) { sink64 = floats.Sum(x) }},
			impl[float64]{"vek", func(x, _, _ []float64) { sink64 = vek.Sum(x) }},
			impl[float64]{"loop", func(x, _, _ []float64) {
				var s float64
				for _, v := range x {
					s += v
				}
				sink64 = s
			}})
	})
}

func BenchmarkNorm(b *testing.B) {
	bench(b, "f32", 1, func(int) []impl[float32] {
		return []impl[float32]{
			{"lanes", func(x, _, _ []float32) { sink32 = vec.Norm(x) }},
			{"gonum", func(x, _, _ []float32) { sink32 = blas32.Nrm2(v32(x)) }},
			{"vek", func(x, _, _ []float32) { sink32 = vek32.Norm(x) }},
			{"loop", func(x, _, _ []float32) {
				var s float32
				for _, v := range x {
					s += v * v
				}
				sink32 = float32(math.Sqrt(float64(s)))
			}}}
	})
	bench(b, "f64", 1, func(int) []impl[float64] {
		return []impl[float64]{
			{"lanes", func(x, _, _ []float64) { sink64 = vec.Norm(x) }},
			{"gonum", func(x, _, _ []float64) { sink64 = floats.Norm(x, 2) }},
			{"vek", func(x, _, _ []float64) { sink64 = vek.Norm(x) }},
		}
	})
}

func BenchmarkCosine(b *testing.B) {
	bench(b, "f32", 2, func(int) []impl[float32] {
		return []impl[float32]{
			{"lanes", func(x, y, _ []float32) { sink32 = vec.Cosine(x, y) }},
			{"vek", func(x, y, _ []float32) { sink32 = vek32.CosineSimilarity(x, y) }},
		}
	})
	bench(b, "f64", 2, func(int) []impl[float64] {
		return []impl[float64]{
			{"lanes", func(x, y, _ []float64) { sink64 = vec.Cosine(x, y) }},
			{"vek", func(x, y, _ []float64) { sink64 = vek.CosineSimilarity(x, y) }},
		}
	})
}

func BenchmarkMax(b *testing.B) {
	bench(b, "f32", 1, func(int) []impl[float32] {
		return append(perISA(func(t *asm.Table) func(x, _, _ []float32) { return func(x, _, _ []float32) { sink32 = t.MaxF32(x) } }),
			impl[float32]{"lanes", func(x, _, _ []float32) { sink32 = vec.Max(x) }},
			impl[float32]{"vek", func(x, _, _ []float32) { sink32 = vek32.Max(x) }},
			impl[float32]{"loop", func(x, _, _ []float32) {
				m := x[0]
				for _, v := range x {
					m = max(m, v)
				}
				sink32 = m
			}})
	})
	bench(b, "f64", 1, func(int) []impl[float64] {
		return append(perISA(func(t *asm.Table) func(x, _, _ []float64) { return func(x, _, _ []float64) { sink64 = t.MaxF64(x) } }),
			impl[float64]{"lanes", func(x, _, _ []float64) { sink64 = vec.Max(x) }},
			impl[float64]{"gonum", func(x, _, _ []float64) { sink64 = floats.Max(x) }},
			impl[float64]{"vek", func(x, _, _ []float64) { sink64 = vek.Max(x) }},
		)
	})
}

func BenchmarkArgMax(b *testing.B) {
	bench(b, "f32", 1, func(int) []impl[float32] {
		return []impl[float32]{
			{"lanes", func(x, _, _ []float32) { sinkInt = vec.ArgMax(x) }},
			{"vek", func(x, _, _ []float32) { sinkInt = vek32.ArgMax(x) }},
		}
	})
	bench(b, "f64", 1, func(int) []impl[float64] {
		return []impl[float64]{
			{"lanes", func(x, _, _ []float64) { sinkInt = vec.ArgMax(x) }},
			{"gonum", func(x, _, _ []float64) { sinkInt = floats.MaxIdx(x) }},
			{"vek", func(x, _, _ []float64) { sinkInt = vek.ArgMax(x) }},
		}
	})
}
