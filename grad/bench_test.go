package grad_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/lanes-go/lanes/act"
	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
)

// BenchmarkMLPStep times one training step of a 784-256-128-10 ReLU MLP at
// batch 64 in float32 on one thread (issue #11's target: zero allocations,
// and within 10% of the sum of its GEMM and act kernel times):
//
//   - TapeStep: Reset, record the forward pass, SoftmaxCrossEntropy,
//     Backward (everything but the optimizer);
//   - SGD, Adam: TapeStep plus opt.Step and opt.ZeroGrad;
//   - Kernels: the same mat.Gemm calls (3 forward, 3 weight gradients,
//     2 input gradients) and act calls (ReLU, ReLUGrad, LogSoftmax, Exp)
//     on the same shapes, called directly: the floor of TapeStep;
//   - GEMMs: the Gemm calls alone.
//
// Compare TapeStep with Kernels in one run:
//
//	go test -run '^$' -bench MLPStep -count 10 ./grad | benchstat -
func BenchmarkMLPStep(b *testing.B) {
	defer mat.SetThreads(mat.Threads())
	mat.SetThreads(1)
	const batch = 64
	sizes := []int{784, 256, 128, 10}
	r := prob.New(1)
	net := newMLP[float32](r, sizes...)
	x := mat.New[float32](batch, 784)
	prob.Uniform[float32]{Lo: 0, Hi: 1}.Sample(r, x.Data)
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = i % 10
	}
	tape := grad.NewTape[float32]()
	tapeStep := func() {
		tape.Reset()
		tape.Backward(tape.SoftmaxCrossEntropy(net.forward(tape, tape.Const(x)), labels))
	}
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			f()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				f()
			}
		})
	}
	run("TapeStep", tapeStep)
	sgd := grad.NewSGD(net.params(), 1e-3)
	sgd.Momentum = 0.9
	run("SGD", func() { tapeStep(); sgd.Step(); sgd.ZeroGrad() })
	adam := grad.NewAdam(net.params(), 1e-4)
	run("Adam", func() { tapeStep(); adam.Step(); adam.ZeroGrad() })

	// The kernels of TapeStep, on buffers of the same shapes.
	var (
		w, dw    []*mat.Dense[float32]
		h, dh, z []*mat.Dense[float32] // layer inputs, their gradients, pre-activations
	)
	h = append(h, x)
	dh = append(dh, nil)
	for i := 1; i < len(sizes); i++ {
		w = append(w, net.layers[i-1].Weight.Value)
		dw = append(dw, mat.New[float32](sizes[i], sizes[i-1]))
		z = append(z, mat.New[float32](batch, sizes[i]))
		h = append(h, mat.New[float32](batch, sizes[i]))
		dh = append(dh, mat.New[float32](batch, sizes[i]))
	}
	logp, dz := mat.New[float32](batch, 10), mat.New[float32](batch, 10)
	dact := mat.New[float32](batch, 256)
	gemms := func() {
		for i := range w {
			mat.Gemm(false, true, 1, h[i], w[i], 0, z[i])
		}
		for i := len(w) - 1; i >= 0; i-- {
			g := dh[i+1]
			if i == len(w)-1 {
				g = dz
			}
			mat.Gemm(true, false, 1, g, h[i], 1, dw[i])
			if i > 0 {
				mat.Gemm(false, false, 1, g, w[i], 0, dh[i])
			}
		}
	}
	acts := func() {
		for i := 0; i < 2; i++ {
			act.ReLU(h[i+1].Data, z[i].Data)
		}
		for i := range batch {
			act.LogSoftmax(logp.Row(i), z[2].Row(i))
		}
		act.Exp(dz.Data, logp.Data)
		for i := 1; i >= 0; i-- {
			d := dact.Data[:len(z[i].Data)]
			act.ReLUGrad(d, z[i].Data, dh[i+1].Data)
		}
	}
	run("Kernels", func() { gemms(); acts() })
	run("GEMMs", gemms)

	// Ratio alternates TapeStep and Kernels in every iteration, so that
	// both see the same machine load, and reports their times and
	// TapeStep/Kernels.
	b.Run("Ratio", func(b *testing.B) {
		tapeStep()
		var tt, tk time.Duration
		for b.Loop() {
			t0 := time.Now()
			tapeStep()
			t1 := time.Now()
			gemms()
			acts()
			tk += time.Since(t1)
			tt += t1.Sub(t0)
		}
		b.ReportMetric(float64(tt.Nanoseconds())/float64(b.N), "tape-ns/op")
		b.ReportMetric(float64(tk.Nanoseconds())/float64(b.N), "kernels-ns/op")
		b.ReportMetric(float64(tt)/float64(tk), "tape/kernels")
	})
}

// BenchmarkCNNStep times one SGD training step (momentum 0.9) of lanes
// train's MNIST CNN (conv 1→16 5×5, ReLU, maxpool 2, conv 16→32 5×5, ReLU,
// maxpool 2, 512-128-10) at batch 64 in float32, on one thread (t=1), on
// two (t=2), and alternating blocks of 32 steps on each (Scaling: both see
// the same machine load; it reports their times per step and their ratio,
// issue #12's two-thread speed-up):
//
//	go test -run '^$' -bench CNNStep/Scaling -count 5 ./grad
func BenchmarkCNNStep(b *testing.B) {
	defer mat.SetThreads(mat.Threads())
	const batch = 64
	r := prob.New(1)
	s0 := mat.ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5}
	p2 := mat.PoolShape{C: 16, H: 24, W: 24, KH: 2, KW: 2}
	s3 := mat.ConvShape{C: 16, H: 12, W: 12, K: 32, KH: 5, KW: 5}
	p5 := mat.PoolShape{C: 32, H: 8, W: 8, KH: 2, KW: 2}
	c0 := grad.NewConv2D[float32](r, s0, true)
	c3 := grad.NewConv2D[float32](r, s3, true)
	l7 := grad.NewLinear[float32](r, 512, 128, true)
	l9 := grad.NewLinear[float32](r, 128, 10, true)
	var params []*grad.Param[float32]
	for _, ps := range [][]*grad.Param[float32]{c0.Params(), c3.Params(), l7.Params(), l9.Params()} {
		params = append(params, ps...)
	}
	// 32 batches of random images (a fifth of the pixels 0, as MNIST's
	// background) and labels, in turn: one batch repeated would be learnt,
	// its gradients going subnormal
	const batches = 32
	xs := make([]*mat.Dense[float32], batches)
	ls := make([][]int, batches)
	for i := range xs {
		xs[i] = mat.New[float32](batch, 28*28)
		prob.Uniform[float32]{Lo: -0.25, Hi: 1}.Sample(r, xs[i].Data)
		act.ReLU(xs[i].Data, xs[i].Data)
		ls[i] = make([]int, batch)
		for j := range ls[i] {
			ls[i][j] = int(r.Uint64() % 10)
		}
	}
	tape := grad.NewTape[float32]()
	sgd := grad.NewSGD(params, 1e-2)
	sgd.Momentum = 0.9
	next := 0
	step := func(threads int) {
		mat.SetThreads(threads)
		x, labels := xs[next], ls[next]
		next = (next + 1) % batches
		tape.Reset()
		h := tape.MaxPool2D(tape.ReLU(c0.Forward(tape, tape.Const(x))), p2)
		h = tape.MaxPool2D(tape.ReLU(c3.Forward(tape, h)), p5)
		h = l9.Forward(tape, tape.ReLU(l7.Forward(tape, h)))
		tape.Backward(tape.SoftmaxCrossEntropy(h, labels))
		sgd.Step()
		sgd.ZeroGrad()
	}
	for _, t := range []int{1, 2} {
		b.Run(fmt.Sprintf("t=%d", t), func(b *testing.B) {
			step(t)
			b.ReportAllocs()
			for b.Loop() {
				step(t)
			}
		})
	}
	b.Run("Scaling", func(b *testing.B) {
		// blocks of steps, the first of each untimed: after a block on
		// one thread the pool's worker has gone to sleep
		const block = 32
		var t1, t2 time.Duration
		for b.Loop() {
			for th := 1; th <= 2; th++ {
				step(th)
				s := time.Now()
				for range block {
					step(th)
				}
				if th == 1 {
					t1 += time.Since(s)
				} else {
					t2 += time.Since(s)
				}
			}
		}
		n := float64(b.N * block)
		b.ReportMetric(float64(t1.Nanoseconds())/n, "t1-ns/step")
		b.ReportMetric(float64(t2.Nanoseconds())/n, "t2-ns/step")
		b.ReportMetric(float64(t1)/float64(t2), "speedup")
	})
}
