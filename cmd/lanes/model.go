package main

import (
	"fmt"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/internal/par"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// model is a network of train and eval: its parameters, named as PyTorch's
// state_dict names those of the same nn.Sequential, and its forward pass.
type model struct {
	name    string
	summary string
	params  []*grad.Param[float32]
	forward func(t *grad.Tape[float32], x *grad.Node[float32]) *grad.Node[float32]
}

var modelNames = []string{"mlp", "cnn"}

// newModel returns the model called name, initialised as PyTorch does by
// default (grad.NewLinear, grad.NewConv2D) from r, layer by layer.
func newModel(name string, r *prob.RNG) (*model, error) {
	switch name {
	case "mlp":
		return newMLP(r), nil
	case "cnn":
		return newCNN(r), nil
	}
	return nil, usagef("unknown model %q (want mlp or cnn)", name)
}

// newMLP is, in PyTorch,
//
//	nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
//
// with the Linear layers at indices 0, 2 and 4.
func newMLP(r *prob.RNG) *model {
	l0 := grad.NewLinear[float32](r, pixels, 256, true)
	l2 := grad.NewLinear[float32](r, 256, 128, true)
	l4 := grad.NewLinear[float32](r, 128, 10, true)
	m := &model{name: "mlp", summary: "784-256-128-10, ReLU"}
	m.params = append(m.params, grad.Named("0", l0.Params())...)
	m.params = append(m.params, grad.Named("2", l2.Params())...)
	m.params = append(m.params, grad.Named("4", l4.Params())...)
	m.forward = func(t *grad.Tape[float32], x *grad.Node[float32]) *grad.Node[float32] {
		x = t.ReLU(l0.Forward(t, x))
		x = t.ReLU(l2.Forward(t, x))
		return l4.Forward(t, x)
	}
	return m
}

// newCNN is, in PyTorch,
//
//	nn.Sequential(
//		nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),   # 0 1 2: 16×24×24 → 16×12×12
//		nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),  # 3 4 5: 32×8×8 → 32×4×4
//		nn.Flatten(),                                      # 6: 512, channel-major (NCHW)
//		nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 10)) # 7 8 9
//
// with the parameters at indices 0, 3, 7 and 9. A row of the batch is a
// 1×28×28 image; the conv and pool outputs are rows of C·H·W values in
// NCHW order, so the flattening is the identity, as nn.Flatten's.
func newCNN(r *prob.RNG) *model {
	s0 := mat.ConvShape{C: 1, H: side, W: side, K: 16, KH: 5, KW: 5}
	p2 := mat.PoolShape{C: 16, H: 24, W: 24, KH: 2, KW: 2}
	s3 := mat.ConvShape{C: 16, H: 12, W: 12, K: 32, KH: 5, KW: 5}
	p5 := mat.PoolShape{C: 32, H: 8, W: 8, KH: 2, KW: 2}
	c0 := grad.NewConv2D[float32](r, s0, true)
	c3 := grad.NewConv2D[float32](r, s3, true)
	l7 := grad.NewLinear[float32](r, 32*4*4, 128, true)
	l9 := grad.NewLinear[float32](r, 128, 10, true)
	m := &model{name: "cnn", summary: "conv 1→16 5×5, ReLU, maxpool 2, conv 16→32 5×5, ReLU, maxpool 2, 512-128-10"}
	m.params = append(m.params, grad.Named("0", c0.Params())...)
	m.params = append(m.params, grad.Named("3", c3.Params())...)
	m.params = append(m.params, grad.Named("7", l7.Params())...)
	m.params = append(m.params, grad.Named("9", l9.Params())...)
	m.forward = func(t *grad.Tape[float32], x *grad.Node[float32]) *grad.Node[float32] {
		x = t.MaxPool2D(t.ReLU(c0.Forward(t, x)), p2)
		x = t.MaxPool2D(t.ReLU(c3.Forward(t, x)), p5)
		x = t.ReLU(l7.Forward(t, x))
		return l9.Forward(t, x)
	}
	return m
}

// size returns the number of parameters.
func (m *model) size() int {
	n := 0
	for _, p := range m.params {
		n += p.Value.Rows * p.Value.Cols
	}
	return n
}

// String describes the model in one line.
func (m *model) String() string {
	return fmt.Sprintf("%s (%s; %d parameters)", m.name, m.summary, m.size())
}

// scale is the pixel transform: x/255 in float32, as torchvision's
// ToTensor.
var scale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return
}()

// gatherer fills a batch with images, x/255, split over mat's threads into
// bands of rows as the layers split a batch (so the first convolution
// finds each band in the cache of the core that wrote it).
type gatherer struct {
	fan   par.Fan
	x     *mat.Dense[float32]
	d     *dataset
	idx   []int
	parts int
}

// gather fills the rows of x with the images idx of d.
func (g *gatherer) gather(x *mat.Dense[float32], d *dataset, idx []int) {
	g.x, g.d, g.idx = x, d, idx
	g.parts = max(1, min(mat.Threads(), len(idx)/8))
	g.fan.Run(g, g.parts)
	g.x, g.d, g.idx = nil, nil, nil
}

func (g *gatherer) RunPart(i int) {
	r0, r1 := par.Band(i, g.parts, len(g.idx))
	gather(g.x.Slice(r0, r1, 0, pixels), g.d, g.idx[r0:r1])
}

// gather fills the rows of x with the images idx of d, x/255.
func gather(x *mat.Dense[float32], d *dataset, idx []int) {
	for r, i := range idx {
		row := x.Row(r)[:pixels]
		src := d.pixels[i*pixels:][:pixels]
		for j := 0; j < pixels; j += 8 { // 784 = 98·8; no bounds checks
			s, d := src[j:j+8:j+8], row[j:j+8:j+8]
			d[0], d[1], d[2], d[3] = scale[s[0]], scale[s[1]], scale[s[2]], scale[s[3]]
			d[4], d[5], d[6], d[7] = scale[s[4]], scale[s[5]], scale[s[6]], scale[s[7]]
		}
	}
}

// evaluator computes the accuracy of a model on a data set, in batches,
// on a tape of its own that keeps no gradients.
type evaluator struct {
	gather gatherer
	tape   *grad.Tape[float32]
	x      *mat.Dense[float32]
	idx    []int
	batch  int
}

const evalBatch = 500

func newEvaluator() *evaluator {
	t := grad.NewTape[float32]()
	t.SetTrain(false)
	return &evaluator{tape: t, x: mat.New[float32](evalBatch, pixels), idx: make([]int, evalBatch), batch: evalBatch}
}

// accuracy returns the fraction of the images of d whose largest logit is
// at their label.
func (e *evaluator) accuracy(m *model, d *dataset) float64 {
	ok := 0
	for i := 0; i < d.n; i += e.batch {
		k := min(e.batch, d.n-i)
		idx := e.idx[:k]
		for j := range idx {
			idx[j] = i + j
		}
		x := e.x.Slice(0, k, 0, pixels)
		e.gather.gather(x, d, idx)
		e.tape.Reset()
		z := m.forward(e.tape, e.tape.Const(x)).Value()
		for j := range k {
			if vec.ArgMax(z.Row(j)) == int(d.labels[i+j]) {
				ok++
			}
		}
	}
	return float64(ok) / float64(d.n)
}
