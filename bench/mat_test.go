package bench

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// BenchmarkMatMul: float32 C = A·B, n×n. lanes (mat.SetThreads) and, when
// built with -tags openblas, OpenBLAS get GOMAXPROCS threads, so -cpu 1
// holds every implementation to one core (gonum splits large products
// across GOMAXPROCS goroutines; vek is single-threaded) and -cpu 2 runs
// lanes, OpenBLAS and gonum on two. The GFLOPS metric is 2n³ per op.
//
//	go test -run '^$' -bench MatMul -benchtime 10x -count 3 -cpu 1
//
// With OpenBLAS beside them (see openblas_cgo.go):
//
//	OPENBLAS_NUM_THREADS=1 go test -tags openblas -run '^$' -bench MatMul -benchtime 10x -count 3 -cpu 1,2
func BenchmarkMatMul(b *testing.B) {
	benchMatMul(b, func(n int, a, bb, c *mat.Dense[float32]) []matImpl {
		ga := blas32.General{Rows: n, Cols: n, Stride: n, Data: a.Data}
		gb := blas32.General{Rows: n, Cols: n, Stride: n, Data: bb.Data}
		gc := blas32.General{Rows: n, Cols: n, Stride: n, Data: c.Data}
		ims := []matImpl{
			{"lanes", func() { mat.Mul(c, a, bb) }},
			{"gonum", func() { blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 0, gc) }},
			{"vek", func() { vek32.MatMul_Into(c.Data, a.Data, bb.Data, n) }},
		}
		if openBLAS != nil {
			ims = append(ims, matImpl{"openblas", func() { openBLAS.sgemm(n, a.Data, bb.Data, c.Data) }})
		}
		return ims
	})
}

// BenchmarkMatMul64 is BenchmarkMatMul for float64.
func BenchmarkMatMul64(b *testing.B) {
	benchMatMul(b, func(n int, a, bb, c *mat.Dense[float64]) []matImpl {
		ga := blas64.General{Rows: n, Cols: n, Stride: n, Data: a.Data}
		gb := blas64.General{Rows: n, Cols: n, Stride: n, Data: bb.Data}
		gc := blas64.General{Rows: n, Cols: n, Stride: n, Data: c.Data}
		ims := []matImpl{
			{"lanes", func() { mat.Mul(c, a, bb) }},
			{"gonum", func() { blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 0, gc) }},
			{"vek", func() { vek.MatMul_Into(c.Data, a.Data, bb.Data, n) }},
		}
		if openBLAS != nil {
			ims = append(ims, matImpl{"openblas", func() { openBLAS.dgemm(n, a.Data, bb.Data, c.Data) }})
		}
		return ims
	})
}

// aboutOnce prints the OpenBLAS build once, as a benchstat configuration
// line (key: value) above the results.
var aboutOnce sync.Once

// matImpl is one implementation of the product of the matrices it closes over.
type matImpl struct {
	name string
	run  func()
}

func benchMatMul[T vec.Float](b *testing.B, impls func(n int, a, bb, c *mat.Dense[T]) []matImpl) {
	defer mat.SetThreads(0)
	if openBLAS != nil {
		aboutOnce.Do(func() { fmt.Printf("openblas: %s\n", openBLAS.about) })
	}
	for _, n := range []int{64, 256, 1024} {
		a, bb, c := mat.New[T](n, n), mat.New[T](n, n), mat.New[T](n, n)
		for i := range a.Data {
			a.Data[i], bb.Data[i] = T(i%7)/7, T(i%5)/5
		}
		flops := 2 * float64(n) * float64(n) * float64(n)
		for _, im := range impls(n, a, bb, c) {
			b.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(b *testing.B) {
				// -cpu sets GOMAXPROCS per leaf benchmark, so the thread
				// counts are set here. (A b.Loop benchmark would be timed in
				// its first call, which runs before -cpu sets GOMAXPROCS:
				// hence the b.N loop.)
				threads := runtime.GOMAXPROCS(0)
				mat.SetThreads(threads)
				if openBLAS != nil {
					openBLAS.setThreads(threads)
					if got := openBLAS.threads(); got != threads {
						b.Fatalf("OpenBLAS runs %d threads, want %d", got, threads)
					}
				}
				var cpu0 float64
				if openBLAS != nil {
					cpu0 = openBLAS.cpuTime()
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					im.run()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
				if openBLAS != nil {
					b.ReportMetric((openBLAS.cpuTime()-cpu0)/b.Elapsed().Seconds(), "cpus")
				}
			})
		}
	}
}
