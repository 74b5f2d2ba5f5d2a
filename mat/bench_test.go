package mat

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/vec"
)

// peak returns the single-thread FMA peak of table k for T in GFLOPS,
// measured now by the generated peakFMA kernel (the best of 100 runs of
// about 0.3 ms, so that a shared machine's preemptions drop out), so that
// GEMM efficiency is a ratio of two numbers from the same run.
func peak[T vec.Float](k *asm.Table) float64 {
	f := k.PeakFMAF64
	if cast.Is32[T]() {
		f = k.PeakFMAF32
	}
	best := 0.0
	for try := 0; try < 100; try++ {
		start := time.Now()
		flops := f(1 << 12)
		best = max(best, float64(flops)/time.Since(start).Seconds()/1e9)
	}
	return best
}

func BenchmarkPeakFMA(b *testing.B) {
	for _, isa := range isa.Available() {
		k := asm.Get(isa)
		b.Run(fmt.Sprintf("%s/f32", isa), func(b *testing.B) { benchPeak(b, k.PeakFMAF32) })
		b.Run(fmt.Sprintf("%s/f64", isa), func(b *testing.B) { benchPeak(b, k.PeakFMAF64) })
	}
}

func benchPeak(b *testing.B, f func(int) int) {
	flops := 0
	for b.Loop() {
		flops += f(1 << 16)
	}
	b.ReportMetric(float64(flops)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// BenchmarkGemm measures c = op(a)·op(b) for square sizes and the layer
// shapes of an MLP layer 784→256 with a batch of 64 (forward X·W, backward
// δ·Wᵀ and Xᵀ·δ), on every ISA, with one thread and with GOMAXPROCS. It
// reports GFLOPS (the mean over b.N calls), best-GFLOPS (the fastest call)
// and %peak1: best-GFLOPS as a percentage of the one-core FMA peak that the
// peakFMA kernel of the same ISA and type measures (also best-of) in the
// same run. On a shared machine the best-of figures are the meaningful ones.
//
//	go test -run '^$' -bench 'Gemm/avx512/f32/(n=1024|n=256)/t=1' -benchtime 20x ./mat/
func BenchmarkGemm(b *testing.B) {
	// {m, n, k, transposes (bit 0: a, bit 1: b)}
	shapes := [][4]int{{64, 64, 64, 0}, {128, 128, 128, 0}, {256, 256, 256, 0}, {512, 512, 512, 0}, {1024, 1024, 1024, 0},
		{64, 256, 784, 0}, // forward X·W: 64×784 · 784×256
		{64, 784, 256, 2}, // backward δ·Wᵀ: 64×256 · (784×256)ᵀ
		{784, 256, 64, 1}, // backward Xᵀ·δ: (64×784)ᵀ · 64×256
	}
	for _, isa := range isa.Available() {
		k := asm.Get(isa)
		benchGemm[float32](b, string(isa)+"/f32", k, shapes)
		benchGemm[float64](b, string(isa)+"/f64", k, shapes)
	}
}

func benchGemm[T vec.Float](b *testing.B, name string, k *asm.Table, shapes [][4]int) {
	var pk float64
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range shapes {
		m, n, kk, tA, tB := s[0], s[1], s[2], s[3]&1 != 0, s[3]&2 != 0
		label := fmt.Sprintf("n=%d", m)
		if m != n || n != kk || tA || tB {
			label = fmt.Sprintf("%dx%dx%d", m, kk, n)
			if tA {
				label += "_tA"
			}
			if tB {
				label += "_tB"
			}
		}
		for _, th := range []int{1, 0} {
			threads := th
			if th == 0 {
				threads = Threads()
			}
			b.Run(fmt.Sprintf("%s/%s/t=%d", name, label, threads), func(b *testing.B) {
				if pk == 0 {
					pk = peak[T](k)
				}
				a, bb, c := New[T](m, kk), New[T](kk, n), New[T](m, n)
				if tA {
					a = New[T](kk, m)
				}
				if tB {
					bb = New[T](n, kk)
				}
				tu.Fill(r, a.Data, tu.Normal)
				tu.Fill(r, bb.Data, tu.Normal)
				flop := 2 * float64(m) * float64(n) * float64(kk)
				best := time.Duration(1 << 62)
				for b.Loop() {
					start := time.Now()
					gemm(k, threads, tA, tB, 1, a, bb, 0, c)
					best = min(best, time.Since(start))
				}
				b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
				b.ReportMetric(flop/best.Seconds()/1e9, "best-GFLOPS")
				b.ReportMetric(100*flop/best.Seconds()/1e9/pk, "%peak1")
			})
		}
	}
}
