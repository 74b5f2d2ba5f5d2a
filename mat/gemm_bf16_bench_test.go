package mat

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/vec"
)

// BenchmarkPeakBF16 measures the bfloat16 peak of each bfloat16 table
// (independent chains of VDPBF16PS where the CPU has AVX512_BF16; the
// generic chains elsewhere): GFLOPS, 4 per pair of products.
//
//	go test -run '^$' -bench 'PeakBF16|PeakFMA/avx512/f32' ./mat
func BenchmarkPeakBF16(b *testing.B) {
	for _, tb := range bf16Tables() {
		k := tb.k
		b.Run(tb.name, func(b *testing.B) { benchPeak(b, k.PeakBF16) })
	}
}

// peakBF16 is peak for the bfloat16 peak kernel of k.
func peakBF16(k *asm.Table) float64 {
	best := 0.0
	for try := 0; try < 100; try++ {
		start := time.Now()
		flops := k.PeakBF16(1 << 12)
		best = max(best, float64(flops)/time.Since(start).Seconds()/1e9)
	}
	return best
}

// BenchmarkGemmBF16 measures GemmBF16 (bfloat16 operands, float32 result)
// on the shapes of BenchmarkGemm, on every ISA, one thread and GOMAXPROCS,
// with the metrics of BenchmarkGemm: GFLOPS (2·m·n·k per call, mean),
// best-GFLOPS (fastest call) and %peak1, the best figure as a percentage of
// the float32 FMA peak of the same ISA measured in the same run (for the
// FMA emulation of avx2 and avx512-without-bf16, the table of the avx512
// ISA as on a CPU without AVX512_BF16, 100% is the ceiling); where the CPU
// has AVX512_BF16, also %peakbf16, the best figure as a percentage of the
// VDPBF16PS peak (BenchmarkPeakBF16) measured in the same run. Compare with
// BenchmarkGemm/<isa>/f32 of the same run:
//
//	go test -run '^$' -bench 'Gemm(BF16)?/avx512(/f32)?/(n=1024|64x784x256)/t=1$' ./mat
//	go test -run '^$' -bench 'Gemm(BF16)?/avx2(/f32)?/n=(256|1024)/t=1$' ./mat
func BenchmarkGemmBF16(b *testing.B) {
	shapes := [][4]int{{64, 64, 64, 0}, {256, 256, 256, 0}, {1024, 1024, 1024, 0},
		{64, 256, 784, 0}, // forward X·W: 64×784 · 784×256
		{64, 784, 256, 2}, // backward δ·Wᵀ
		{784, 256, 64, 1}, // backward Xᵀ·δ
	}
	r := rand.New(rand.NewPCG(1, 1))
	for _, tb := range bf16Tables() {
		i, k := tb.name, tb.k
		var pk, pkb float64
		native := tb.name == string(isa.AVX512) && isa.HasFeature(isa.AVX512, isa.BF16)
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
				b.Run(fmt.Sprintf("%s/%s/t=%d", i, label, threads), func(b *testing.B) {
					if pk == 0 {
						pk = peak[float32](k)
						if native {
							pkb = peakBF16(k)
						}
					}
					ar, ac, br, bc := m, kk, kk, n
					if tA {
						ar, ac = kk, m
					}
					if tB {
						br, bc = n, kk
					}
					a, bb := newRawBF16(r, ar, ac, 0, tu.Normal), newRawBF16(r, br, bc, 0, tu.Normal)
					c := New[float32](m, n)
					flop := 2 * float64(m) * float64(n) * float64(kk)
					best := time.Duration(1 << 62)
					for b.Loop() {
						start := time.Now()
						g := bf16Jobs.get()
						g.a = bf16Src{h: rawBits(a), stride: a.Stride, trans: tA}
						g.b = bf16Src{h: rawBits(bb), stride: bb.Stride, trans: tB}
						gemmBF16(g, k, threads, kk, 1, 0, c)
						best = min(best, time.Since(start))
					}
					b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
					b.ReportMetric(flop/best.Seconds()/1e9, "best-GFLOPS")
					b.ReportMetric(100*flop/best.Seconds()/1e9/pk, "%peak1")
					if native {
						b.ReportMetric(100*flop/best.Seconds()/1e9/pkb, "%peakbf16")
					}
				})
			}
		}
	}
}

var _ = vec.BF16(0)
