package bench

import (
	"fmt"
	"testing"

	"github.com/viterin/vek/vek32"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/lanes-go/lanes/mat"
)

// BenchmarkMatMul: float32 C = A·B, n×n, single thread for every
// implementation (mat.SetThreads(1); run with -cpu 1 so that gonum, which
// splits large products across GOMAXPROCS goroutines, is held to one core
// too). The GFLOPS metric is 2n³ per op.
func BenchmarkMatMul(b *testing.B) {
	mat.SetThreads(1)
	defer mat.SetThreads(0)
	for _, n := range []int{64, 256, 1024} {
		a, bb, c := mat.New[float32](n, n), mat.New[float32](n, n), mat.New[float32](n, n)
		for i := range a.Data {
			a.Data[i], bb.Data[i] = float32(i%7)/7, float32(i%5)/5
		}
		ga := blas32.General{Rows: n, Cols: n, Stride: n, Data: a.Data}
		gb := blas32.General{Rows: n, Cols: n, Stride: n, Data: bb.Data}
		gc := blas32.General{Rows: n, Cols: n, Stride: n, Data: c.Data}
		flops := 2 * float64(n) * float64(n) * float64(n)
		for _, im := range []struct {
			name string
			run  func()
		}{
			{"lanes", func() { mat.Mul(c, a, bb) }},
			{"gonum", func() { blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 0, gc) }},
			{"vek", func() { vek32.MatMul_Into(c.Data, a.Data, bb.Data, n) }},
		} {
			b.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(b *testing.B) {
				for b.Loop() {
					im.run()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}
