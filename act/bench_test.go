package act

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
)

// Benchmarks: every function, type and available ISA, plus the plain
// math-package loop (impl=math) for comparison. Names are
// BenchmarkExp/f32/n=4096/impl=avx512 so benchstat can compare them.

var benchSizes = []int{4096}

func benchInputs[T Float](name string, n int) []T {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]T, n)
	for i := range x {
		v := (2*r.Float64() - 1) * 10
		if name == "Log" {
			v = math.Abs(v) + 0x1p-10
		}
		x[i] = T(v)
	}
	return x
}

func mathLoop[T Float](name string) func(dst, x []T) {
	f := map[string]func(float64) float64{
		"Exp":     math.Exp,
		"Log":     math.Log,
		"Sigmoid": func(v float64) float64 { return 1 / (1 + math.Exp(-v)) },
		"Tanh":    math.Tanh,
		"ReLU":    func(v float64) float64 { return max(v, 0) },
		// grad's former loops (before the GELU kernels).
		"GELU":     func(v float64) float64 { return 0.5 * v * (1 + math.Erf(v/math.Sqrt2)) },
		"GELUTanh": func(v float64) float64 { return 0.5 * v * (1 + math.Tanh(sqrt2OverPi*(v+geluC*v*v*v))) },
	}[name]
	return func(dst, x []T) {
		for i, v := range x {
			dst[i] = T(f(float64(v)))
		}
	}
}

func benchFunc[T Float](b *testing.B, name string, run func(k *asm.Table, dst, x []T)) {
	for _, n := range benchSizes {
		x := benchInputs[T](name, n)
		dst := make([]T, n)
		for _, isa := range isa.Available() {
			k := asm.Get(isa)
			b.Run(fmt.Sprintf("n=%d/impl=%s", n, isa), func(b *testing.B) {
				b.SetBytes(int64(n) * int64(sizeOf[T]()))
				for b.Loop() {
					run(k, dst, x)
				}
			})
		}
		f := mathLoop[T](name)
		b.Run(fmt.Sprintf("n=%d/impl=math", n), func(b *testing.B) {
			b.SetBytes(int64(n) * int64(sizeOf[T]()))
			for b.Loop() {
				f(dst, x)
			}
		})
	}
}

func sizeOf[T Float]() int {
	var z T
	if any(z) == any(float32(0)) {
		return 4
	}
	return 8
}

func bench(b *testing.B, name string, r32 func(k *asm.Table, dst, x []float32), r64 func(k *asm.Table, dst, x []float64)) {
	b.Run("f32", func(b *testing.B) { benchFunc(b, name, r32) })
	b.Run("f64", func(b *testing.B) { benchFunc(b, name, r64) })
}

func BenchmarkExp(b *testing.B)     { bench(b, "Exp", exp[float32], exp[float64]) }
func BenchmarkLog(b *testing.B)     { bench(b, "Log", log[float32], log[float64]) }
func BenchmarkSigmoid(b *testing.B) { bench(b, "Sigmoid", sigmoid[float32], sigmoid[float64]) }
func BenchmarkTanh(b *testing.B)    { bench(b, "Tanh", tanh[float32], tanh[float64]) }
func BenchmarkReLU(b *testing.B)    { bench(b, "ReLU", relu[float32], relu[float64]) }

func BenchmarkGELU(b *testing.B)     { bench(b, "GELU", gelu[float32], gelu[float64]) }
func BenchmarkGELUTanh(b *testing.B) { bench(b, "GELUTanh", geluTanh[float32], geluTanh[float64]) }

// The constants of grad's former GELUTanh loop.
const (
	sqrt2OverPi = 0.7978845608028654 // √(2/π)
	invSqrt2Pi  = 0.3989422804014327 // 1/√(2π)
	geluC       = 0.044715
)

// mathGrad are grad's former backward loops: dst = dy·f'(x) in float64.
var mathGrad = map[string]func(x float64) float64{
	"GELUGrad": func(x float64) float64 {
		return 0.5*(1+math.Erf(x/math.Sqrt2)) + x*invSqrt2Pi*math.Exp(-0.5*x*x)
	},
	"GELUTanhGrad": func(x float64) float64 {
		th := math.Tanh(sqrt2OverPi * (x + geluC*x*x*x))
		return 0.5*(1+th) + 0.5*x*(1-th*th)*sqrt2OverPi*(1+3*geluC*x*x)
	},
}

func benchGradFunc[T Float](b *testing.B, name string, run func(k *asm.Table, dst, x, dy []T)) {
	for _, n := range benchSizes {
		x, dy := benchInputs[T](name, n), benchInputs[T]("dy", n)
		dst := make([]T, n)
		for _, isa := range isa.Available() {
			k := asm.Get(isa)
			b.Run(fmt.Sprintf("n=%d/impl=%s", n, isa), func(b *testing.B) {
				b.SetBytes(int64(n) * int64(sizeOf[T]()))
				for b.Loop() {
					run(k, dst, x, dy)
				}
			})
		}
		f := mathGrad[name]
		b.Run(fmt.Sprintf("n=%d/impl=math", n), func(b *testing.B) {
			b.SetBytes(int64(n) * int64(sizeOf[T]()))
			for b.Loop() {
				for i, v := range x {
					dst[i] = dy[i] * T(f(float64(v)))
				}
			}
		})
	}
}

func benchGrad(b *testing.B, name string, r32 func(k *asm.Table, dst, x, dy []float32), r64 func(k *asm.Table, dst, x, dy []float64)) {
	b.Run("f32", func(b *testing.B) { benchGradFunc(b, name, r32) })
	b.Run("f64", func(b *testing.B) { benchGradFunc(b, name, r64) })
}

func BenchmarkGELUGrad(b *testing.B) {
	benchGrad(b, "GELUGrad", geluGrad[float32], geluGrad[float64])
}

func BenchmarkGELUTanhGrad(b *testing.B) {
	benchGrad(b, "GELUTanhGrad", geluTanhGrad[float32], geluTanhGrad[float64])
}
