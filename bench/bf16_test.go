package bench

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// BenchmarkMatMulBF16: C (float32) = A·B with bfloat16 A and B, n×n, the
// inputs of BenchmarkMatMul rounded to bfloat16; lanes' mat.GemmBF16 on
// GOMAXPROCS threads (-cpu 1: one core). pyside.py prints PyTorch's
// bfloat16 torch.mm under the same names (impl=torch). GFLOPS: 2n³ per op.
//
//	taskset -c 1 go test -run '^$' -bench MatMulBF16 -count 5 -cpu 1
func BenchmarkMatMulBF16(b *testing.B) {
	defer mat.SetThreads(0)
	for _, n := range []int{64, 256, 1024} {
		a, bb, c := mat.NewRaw[vec.BF16](n, n), mat.NewRaw[vec.BF16](n, n), mat.New[float32](n, n)
		for i := range a.Data {
			a.Data[i], bb.Data[i] = vec.BF16Of(float32(i%7)/7), vec.BF16Of(float32(i%5)/5)
		}
		flops := 2 * float64(n) * float64(n) * float64(n)
		b.Run(fmt.Sprintf("n=%d/impl=lanes", n), func(b *testing.B) {
			mat.SetThreads(runtime.GOMAXPROCS(0))
			for i := 0; i < b.N; i++ {
				mat.GemmBF16(false, false, 1, a, bb, 0, c)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}
