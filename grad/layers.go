package grad

import (
	"math"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// Linear is a fully connected layer as torch.nn.Linear: y = x·Wᵀ + b, with
// Weight out×in and Bias 1×out (nil for none), x a batch of rows of in
// features. Its parameters are named "weight" and "bias", as in PyTorch's
// state_dict; Named adds a prefix. Save writes them with PyTorch's shapes,
// [out, in] and [out] (NewLinear sets the bias's Param.Shape).
type Linear[T vec.Float] struct {
	Weight, Bias *Param[T]
}

// NewLinear returns a Linear layer from in to out features initialised as
// PyTorch does by default (kaiming_uniform_ with a = √5): every element of
// the weight and the bias drawn from Uniform{−1/√in, 1/√in} with r, weight
// first, row by row. For Xavier or He initialisation, refill
// l.Weight.Value.Data with prob.Xavier or prob.He. It panics unless in and
// out are positive.
func NewLinear[T vec.Float](r *prob.RNG, in, out int, bias bool) *Linear[T] {
	if in < 1 || out < 1 {
		panic("grad: NewLinear: in and out must be positive")
	}
	bound := T(1 / math.Sqrt(float64(in)))
	u := prob.Uniform[T]{Lo: -bound, Hi: bound}
	l := &Linear[T]{Weight: NewParam("weight", mat.New[T](out, in))}
	u.Sample(r, l.Weight.Value.Data)
	if bias {
		l.Bias = NewParam("bias", mat.New[T](1, out))
		l.Bias.Shape = []int{out}
		u.Sample(r, l.Bias.Value.Data)
	}
	return l
}

// Forward records x·Wᵀ + b on t (MatMulT with transB, then AddBias).
func (l *Linear[T]) Forward(t *Tape[T], x *Node[T]) *Node[T] {
	y := t.MatMulT(x, t.Use(l.Weight), false, true)
	if l.Bias != nil {
		y = t.AddBias(y, t.Use(l.Bias))
	}
	return y
}

// Params returns the weight and, if any, the bias.
func (l *Linear[T]) Params() []*Param[T] { return params(l.Weight, l.Bias) }

// Conv2D is a 2-D convolution layer as torch.nn.Conv2d with the stride and
// padding of Shape: Weight K×(C·KH·KW) (PyTorch's K×C×KH×KW, flattened),
// Bias 1×K (nil for none), named "weight" and "bias". NewConv2D sets their
// Param.Shape to PyTorch's [K, C, KH, KW] and [K], the shapes Save writes; a
// Conv2D built by hand must set them too for its file to load into PyTorch.
type Conv2D[T vec.Float] struct {
	Weight, Bias *Param[T]
	Shape        mat.ConvShape
}

// NewConv2D returns a Conv2D layer initialised as PyTorch does by default:
// weight and bias from Uniform{−1/√fanIn, 1/√fanIn}, fanIn = C·KH·KW, drawn
// from r, weight first. It panics unless C, K, KH and KW are positive.
func NewConv2D[T vec.Float](r *prob.RNG, s mat.ConvShape, bias bool) *Conv2D[T] {
	if s.C < 1 || s.K < 1 || s.KH < 1 || s.KW < 1 {
		panic("grad: NewConv2D: C, K, KH and KW must be positive")
	}
	fanIn := s.C * s.KH * s.KW
	bound := T(1 / math.Sqrt(float64(fanIn)))
	u := prob.Uniform[T]{Lo: -bound, Hi: bound}
	c := &Conv2D[T]{Weight: NewParam("weight", mat.New[T](s.K, fanIn)), Shape: s}
	c.Weight.Shape = []int{s.K, s.C, s.KH, s.KW}
	u.Sample(r, c.Weight.Value.Data)
	if bias {
		c.Bias = NewParam("bias", mat.New[T](1, s.K))
		c.Bias.Shape = []int{s.K}
		u.Sample(r, c.Bias.Value.Data)
	}
	return c
}

// Forward records the convolution of the images x (N×(C·H·W)) on t.
func (c *Conv2D[T]) Forward(t *Tape[T], x *Node[T]) *Node[T] {
	var b *Node[T]
	if c.Bias != nil {
		b = t.Use(c.Bias)
	}
	return t.Conv2D(x, t.Use(c.Weight), b, c.Shape)
}

// Params returns the weight and, if any, the bias.
func (c *Conv2D[T]) Params() []*Param[T] { return params(c.Weight, c.Bias) }

func params[T vec.Float](w, b *Param[T]) []*Param[T] {
	if b == nil {
		return []*Param[T]{w}
	}
	return []*Param[T]{w, b}
}

// Named prefixes the name of every parameter of ps with prefix and a dot,
// as PyTorch's state_dict names the parameters of a submodule (a layer at
// index 0 of an nn.Sequential gives "0.weight", "0.bias"), and returns ps.
func Named[T vec.Float](prefix string, ps []*Param[T]) []*Param[T] {
	for _, p := range ps {
		p.Name = prefix + "." + p.Name
	}
	return ps
}
