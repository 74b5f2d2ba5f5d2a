package mat

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/vec"
)

// BenchmarkConv measures the convolutions of an MNIST CNN at batch 64,
// conv1 (1→16, 5×5, 28×28 → 24×24) and conv2 (16→32, 5×5, 12×12 → 8×8),
// on every ISA and one thread: the forward pass (fwd), the input gradient
// (gin), the weight and bias gradients (gw), and a whole step (step: fwd +
// gw, plus gin for conv2; the first layer needs no input gradient). FLOPs
// are 2·N·K·OH·OW·C·KH·KW per product (the useful multiply-adds; the
// padding of tiles and the packing are overhead). It reports GFLOPS (mean),
// best-GFLOPS (fastest call) and %peak1, best-GFLOPS as a percentage of the
// one-core FMA peak that the peakFMA kernel of the same ISA and type
// measures in the same run (see BenchmarkGemm).
//
//	go test -run '^$' -bench 'Conv/avx512/f32' -benchtime 50x ./mat/
func BenchmarkConv(b *testing.B) {
	shapes := []struct {
		name string
		s    ConvShape
	}{
		{"conv1", ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5}},
		{"conv2", ConvShape{C: 16, H: 12, W: 12, K: 32, KH: 5, KW: 5}},
	}
	for _, i := range isa.Available() {
		k := asm.Get(i)
		for _, sh := range shapes {
			benchConv[float32](b, fmt.Sprintf("%s/f32/%s", i, sh.name), k, sh.s)
			benchConv[float64](b, fmt.Sprintf("%s/f64/%s", i, sh.name), k, sh.s)
		}
	}
}

func benchConv[T vec.Float](b *testing.B, name string, k *asm.Table, s ConvShape) {
	const n = 64
	d := dimsOf("bench", s)
	r := rand.New(rand.NewPCG(1, 1))
	x, w, y := New[T](n, d.chw), New[T](d.K, d.ckk), New[T](n, d.kow)
	dy, dx, dw := New[T](n, d.kow), New[T](n, d.chw), New[T](d.K, d.ckk)
	bias, db := make([]T, d.K), make([]T, d.K)
	for _, m := range []*Dense[T]{x, w, dy} {
		tu.Fill(r, m.Data, tu.Normal)
	}
	th := 1
	fwd := func() { conv(k, th, convFwd, d, x, w, y, nil, bias) }
	gin := func() { conv(k, th, convGradIn, d, dy, w, dx, nil, nil) }
	gw := func() { conv(k, th, convGradW, d, x, dy, dw, db, nil) }
	step := func() {
		fwd()
		gw()
		if s.C > 1 {
			gin()
		}
	}
	flop := 2 * float64(n) * float64(d.kow) * float64(d.ckk)
	steps := 2.0
	if s.C > 1 {
		steps = 3
	}
	var pk float64
	for _, op := range []struct {
		name string
		f    func()
		flop float64
	}{{"fwd", fwd, flop}, {"gin", gin, flop}, {"gw", gw, flop}, {"step", step, steps * flop}} {
		// on one thread and, where there are two, on two (against the
		// one-thread peak)
		for _, t := range []int{1, 2} {
			if t > runtime.GOMAXPROCS(0) {
				break
			}
			sub := name + "/" + op.name
			if t > 1 {
				sub += fmt.Sprintf("/t=%d", t)
			}
			b.Run(sub, func(b *testing.B) {
				th = t
				if pk == 0 {
					pk = peak[T](k)
				}
				best := time.Duration(1 << 62)
				for b.Loop() {
					start := time.Now()
					op.f()
					best = min(best, time.Since(start))
				}
				b.ReportMetric(op.flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
				b.ReportMetric(op.flop/best.Seconds()/1e9, "best-GFLOPS")
				b.ReportMetric(100*op.flop/best.Seconds()/1e9/pk, "%peak1")
			})
		}
	}
}
