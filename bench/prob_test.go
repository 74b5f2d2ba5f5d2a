package bench

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lanes-go/lanes/prob"
)

// The prob benchmarks fill n = 4096 values per op. impl=lanes is the batch
// sampler; impl=randv2 is math/rand/v2 (PCG) one value at a time, the way a
// Go user writes it; impl=gonum is gonum's stat/distuv over a PCG source.
const probN = 4096

func BenchmarkNormal(b *testing.B) {
	d32, d64 := make([]float32, probN), make([]float64, probN)
	r := prob.New(1)
	n32, _ := prob.NewNormal[float32](0, 1)
	n64, _ := prob.NewNormal[float64](0, 1)
	pcg := rand.New(rand.NewPCG(1, 2))
	g := distuv.Normal{Mu: 0, Sigma: 1, Src: rand.NewPCG(1, 2)}
	b.Run("type=f32/impl=lanes", func(b *testing.B) {
		for b.Loop() {
			n32.Sample(r, d32)
		}
	})
	b.Run("type=f32/impl=randv2", func(b *testing.B) {
		for b.Loop() {
			for i := range d32 {
				d32[i] = float32(pcg.NormFloat64())
			}
		}
	})
	b.Run("type=f64/impl=lanes", func(b *testing.B) {
		for b.Loop() {
			n64.Sample(r, d64)
		}
	})
	b.Run("type=f64/impl=randv2", func(b *testing.B) {
		for b.Loop() {
			for i := range d64 {
				d64[i] = pcg.NormFloat64()
			}
		}
	})
	b.Run("type=f64/impl=gonum", func(b *testing.B) {
		for b.Loop() {
			for i := range d64 {
				d64[i] = g.Rand()
			}
		}
	})
}

func BenchmarkUniform(b *testing.B) {
	d32 := make([]float32, probN)
	r := prob.New(1)
	u, _ := prob.NewUniform[float32](0, 1)
	pcg := rand.New(rand.NewPCG(1, 2))
	b.Run("type=f32/impl=lanes", func(b *testing.B) {
		for b.Loop() {
			u.Sample(r, d32)
		}
	})
	b.Run("type=f32/impl=randv2", func(b *testing.B) {
		for b.Loop() {
			for i := range d32 {
				d32[i] = pcg.Float32()
			}
		}
	})
}

func BenchmarkCategorical(b *testing.B) {
	w := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} // 10 classes
	dst := make([]int, probN)
	r := prob.New(1)
	c, err := prob.NewCategorical(w)
	if err != nil {
		b.Fatal(err)
	}
	g := distuv.NewCategorical(w, rand.NewPCG(1, 2))
	b.Run("k=10/impl=lanes", func(b *testing.B) {
		for b.Loop() {
			c.Sample(r, dst)
		}
	})
	b.Run("k=10/impl=gonum", func(b *testing.B) {
		for b.Loop() {
			for i := range dst {
				dst[i] = int(g.Rand())
			}
		}
	})
}
