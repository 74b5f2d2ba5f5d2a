package prob

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
)

// Benchmarks per ISA (impl=<isa>) against math/rand/v2 with PCG
// (impl=randv2). Compare with benchstat; ns/op is per call of n elements.

const benchN = 4096

func benchISAs(b *testing.B, f func(b *testing.B, k *asm.Table)) {
	for _, isa := range isa.Available() {
		b.Run("impl="+string(isa), func(b *testing.B) { f(b, asm.Get(isa)) })
	}
}

func BenchmarkWords(b *testing.B) {
	w := make([]uint32, benchN)
	benchISAs(b, func(b *testing.B, k *asm.Table) {
		r := New(1)
		b.SetBytes(4 * benchN)
		for b.Loop() {
			r.fill(k, w)
		}
	})
	b.Run("impl=randv2", func(b *testing.B) {
		g := rand.New(rand.NewPCG(1, 2))
		b.SetBytes(4 * benchN)
		for b.Loop() {
			for i := 0; i < len(w); i += 2 {
				v := g.Uint64()
				w[i], w[i+1] = uint32(v), uint32(v>>32)
			}
		}
	})
}

func BenchmarkNormal(b *testing.B) {
	b.Run("T=float32", func(b *testing.B) {
		x := make([]float32, benchN)
		benchISAs(b, func(b *testing.B, k *asm.Table) {
			r := New(1)
			for b.Loop() {
				normalFill(k, r, x, 0, 1)
			}
		})
		b.Run("impl=randv2", func(b *testing.B) {
			g := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				for i := range x {
					x[i] = float32(g.NormFloat64())
				}
			}
		})
	})
	b.Run("T=float64", func(b *testing.B) {
		x := make([]float64, benchN)
		benchISAs(b, func(b *testing.B, k *asm.Table) {
			r := New(1)
			for b.Loop() {
				normalFill(k, r, x, 0, 1)
			}
		})
		b.Run("impl=randv2", func(b *testing.B) {
			g := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				for i := range x {
					x[i] = g.NormFloat64()
				}
			}
		})
	})
}

func BenchmarkUniform(b *testing.B) {
	b.Run("T=float32", func(b *testing.B) {
		x := make([]float32, benchN)
		benchISAs(b, func(b *testing.B, k *asm.Table) {
			r := New(1)
			for b.Loop() {
				uniformFill(k, r, x, 0, 1)
			}
		})
		b.Run("impl=randv2", func(b *testing.B) {
			g := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				for i := range x {
					x[i] = g.Float32()
				}
			}
		})
	})
}

func BenchmarkCategorical(b *testing.B) {
	w := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	c, _ := NewCategorical(w)
	x := make([]int, benchN)
	benchISAs(b, func(b *testing.B, k *asm.Table) {
		r := New(1)
		for b.Loop() {
			categoricalFill(k, r, c.table(), x)
		}
	})
	// The usual one-at-a-time method: a uniform and a binary search of the
	// cumulative weights (O(log k) per draw, like gonum's distuv.Categorical).
	b.Run("impl=randv2-cdf", func(b *testing.B) {
		g := rand.New(rand.NewPCG(1, 2))
		cdf := make([]float64, len(w))
		var s float64
		for i, v := range w {
			s += v
			cdf[i] = s
		}
		for b.Loop() {
			for i := range x {
				x[i], _ = slices.BinarySearch(cdf, g.Float64()*s)
			}
		}
	})
}

func BenchmarkBernoulli(b *testing.B) {
	x := make([]float32, benchN)
	benchISAs(b, func(b *testing.B, k *asm.Table) {
		r := New(1)
		for b.Loop() {
			bernoulliFill(k, r, x, bernoulliThreshold(0.5))
		}
	})
	b.Run("impl=randv2", func(b *testing.B) {
		g := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			for i := range x {
				x[i] = 0
				if g.Float32() < 0.5 {
					x[i] = 1
				}
			}
		}
	})
}

func BenchmarkMoments(b *testing.B) {
	x := make([]float64, benchN)
	Normal[float64]{1e8, 1}.Sample(New(1), x)
	b.Run("Mean", func(b *testing.B) {
		for b.Loop() {
			Mean(x)
		}
	})
	b.Run("Variance", func(b *testing.B) {
		for b.Loop() {
			Variance(x)
		}
	})
}
