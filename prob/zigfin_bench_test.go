package prob

import (
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
)

// BenchmarkZigFinish times the slow path of 4096-value calls alone: the
// rejected words of fast-path passes over 64 different word sets (so branch
// predictors cannot learn one), finished by zigFinish; each op first
// restores its words, which the copy sub-benchmark times alone.
func BenchmarkZigFinish(b *testing.B) {
	const n, sets = 4096, 64
	g := rand.New(rand.NewPCG(1, 2))
	w := make([]uint32, n)
	d0 := make([][]float32, sets)
	rej := make([][]uint16, sets)
	nr := 0
	for s := range sets {
		for i := range w {
			w[i] = g.Uint32()
		}
		d0[s] = make([]float32, n)
		rej[s] = make([]uint16, n/16)
		asm.Get(isa.Generic).NormalZigF32(d0[s], w, rej[s], zigTable[:], 0, 1)
		for _, r := range rej[s] {
			for ; r != 0; r &= r - 1 {
				nr++
			}
		}
	}
	b.Logf("%.1f rejected words per call", float64(nr)/sets)
	d := make([]float32, n)
	b.Run("copy", func(b *testing.B) {
		s := 0
		for b.Loop() {
			copy(d, d0[s%sets])
			s++
		}
	})
	idx := make([]uint32, n)
	for _, i := range isa.Available() {
		k := asm.Get(i)
		b.Run("finish/"+string(i), func(b *testing.B) {
			s := 0
			for b.Loop() {
				copy(d, d0[s%sets])
				zigFinish(k, d, rej[s%sets], idx, 12345, 0, 0, 1)
				s++
			}
		})
	}
}

func BenchmarkZigKernel(b *testing.B) {
	const n = 4096
	g := rand.New(rand.NewPCG(1, 2))
	w0 := make([]uint32, n)
	for i := range w0 {
		w0[i] = g.Uint32()
	}
	w := make([]uint32, n)
	d := make([]float32, n)
	rej := make([]uint16, n/16)
	for _, i := range isa.Available() {
		k := asm.Get(i)
		b.Run(string(i), func(b *testing.B) {
			for b.Loop() {
				copy(w, w0)
				k.NormalZigF32(d, w, rej, zigTable[:], 0, 1)
			}
		})
	}
}
