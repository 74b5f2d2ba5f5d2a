package mat

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// peakInt8 returns the single-thread int8 peak of table k in GOPS (2 per
// u8·s8 multiply-add), measured now by the peakI8 kernel (chains of the
// micro-kernel's instruction; best of 100 runs, as peak).
func peakInt8(k *asm.Table) float64 {
	best := 0.0
	for try := 0; try < 100; try++ {
		start := time.Now()
		ops := k.PeakI8(1 << 12)
		best = max(best, float64(ops)/time.Since(start).Seconds()/1e9)
	}
	return best
}

func BenchmarkPeakInt8(b *testing.B) {
	for _, i := range isa.Available() {
		k := asm.Get(i)
		b.Run(string(i), func(b *testing.B) {
			ops := 0
			for b.Loop() {
				ops += k.PeakI8(1 << 16)
			}
			b.ReportMetric(float64(ops)/b.Elapsed().Seconds()/1e9, "GOPS")
		})
	}
}

// BenchmarkGemmInt8 measures c = op(a)·op(b) in int8 for the shapes of
// BenchmarkGemm, on every ISA, one thread and GOMAXPROCS. An operation is
// a multiply or an add (2·m·n·k per product, as a flop of the float
// GEMM). It reports GOPS (mean), best-GOPS (fastest call), %peak1:
// best-GOPS as a percentage of the one-core int8 peak that the peakI8
// kernel of the same ISA measures in the same run, and xf32peak1:
// best-GOPS over the float32 FMA peak (GFLOPS) of the same ISA and run.
//
//	go test -run '^$' -bench 'GemmInt8/avx512/n=1024/t=1' -benchtime 20x ./mat/
func BenchmarkGemmInt8(b *testing.B) {
	shapes := [][4]int{{64, 64, 64, 0}, {256, 256, 256, 0}, {1024, 1024, 1024, 0}, {1024, 1024, 1024, 2},
		{64, 256, 784, 0}, {64, 256, 784, 2}}
	for _, i := range isa.Available() {
		k := asm.Get(i)
		var pk, pk8 float64
		r := rand.New(rand.NewPCG(1, 1))
		for _, s := range shapes {
			m, n, kk, tA, tB := s[0], s[1], s[2], s[3]&1 != 0, s[3]&2 != 0
			label := shapeLabel(m, n, kk, tA, tB)
			for _, th := range []int{1, 0} {
				threads := th
				if th == 0 {
					threads = Threads()
				}
				b.Run(fmt.Sprintf("%s/%s/t=%d", i, label, threads), func(b *testing.B) {
					if pk == 0 {
						pk, pk8 = peak[float32](k), peakInt8(k)
					}
					a, bb, c := randInt8(r, m, kk, n, tA, tB)
					ops := 2 * float64(m) * float64(n) * float64(kk)
					best := time.Duration(1 << 62)
					for b.Loop() {
						start := time.Now()
						gemmInt8(k, threads, tA, tB, a, bb, c)
						best = min(best, time.Since(start))
					}
					b.ReportMetric(ops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOPS")
					b.ReportMetric(ops/best.Seconds()/1e9, "best-GOPS")
					b.ReportMetric(100*ops/best.Seconds()/1e9/pk8, "%peak1")
					b.ReportMetric(ops/best.Seconds()/1e9/pk, "xf32peak1")
				})
			}
		}
	}
}

// BenchmarkInt8VsF32 alternates GemmInt8 and the float32 Gemm of the same
// shape on one thread, call by call, so that both see the same machine
// load, and reports the ratio of their best times (int8 operations per
// second over float32 flops per second: the operation counts are equal),
// with both best rates, the float32 FMA peak and the int8 peak of the
// same run.
//
//	go test -run '^$' -bench 'Int8VsF32/avx512/n=1024' -benchtime 20x ./mat/
func BenchmarkInt8VsF32(b *testing.B) {
	shapes := [][4]int{{256, 256, 256, 0}, {1024, 1024, 1024, 0}, {1024, 1024, 1024, 2}, {64, 256, 784, 0}}
	for _, i := range isa.Available() {
		k := asm.Get(i)
		var pk, pk8 float64
		r := rand.New(rand.NewPCG(2, 2))
		for _, s := range shapes {
			m, n, kk, tA, tB := s[0], s[1], s[2], s[3]&1 != 0, s[3]&2 != 0
			b.Run(fmt.Sprintf("%s/%s", i, shapeLabel(m, n, kk, tA, tB)), func(b *testing.B) {
				if pk == 0 {
					pk, pk8 = peak[float32](k), peakInt8(k)
				}
				a, bb, c := randInt8(r, m, kk, n, tA, tB)
				af, bf, cf := New[float32](m, kk), New[float32](kk, n), New[float32](m, n)
				if tB {
					bf = New[float32](n, kk)
				}
				tu.Fill(r, af.Data, tu.Normal)
				tu.Fill(r, bf.Data, tu.Normal)
				ops := 2 * float64(m) * float64(n) * float64(kk)
				bestI, bestF := time.Duration(1<<62), time.Duration(1<<62)
				for b.Loop() {
					start := time.Now()
					gemmInt8(k, 1, tA, tB, a, bb, c)
					bestI = min(bestI, time.Since(start))
					start = time.Now()
					gemm(k, 1, tA, tB, 1, af, bf, 0, cf)
					bestF = min(bestF, time.Since(start))
				}
				b.ReportMetric(ops/bestI.Seconds()/1e9, "int8-GOPS")
				b.ReportMetric(ops/bestF.Seconds()/1e9, "f32-GFLOPS")
				b.ReportMetric(pk, "f32-peak")
				b.ReportMetric(pk8, "int8-peak")
				b.ReportMetric(bestF.Seconds()/bestI.Seconds(), "ratio")
			})
		}
	}
}

func shapeLabel(m, n, k int, tA, tB bool) string {
	if m == n && n == k && !tA && !tB {
		return fmt.Sprintf("n=%d", m)
	}
	l := fmt.Sprintf("%dx%dx%d", m, k, n)
	if tA {
		l += "_tA"
	}
	if tB {
		l += "_tB"
	}
	return l
}

func randInt8(r *rand.Rand, m, k, n int, tA, tB bool) (*Raw[uint8], *Raw[int8], *Raw[int32]) {
	a, b := randInt8Raw(r, m, k, n, tA, tB)
	return a, b, NewRaw[int32](m, n)
}
