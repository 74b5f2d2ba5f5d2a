package grad

import (
	"fmt"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// Conv2D records the 2-D convolution of the images x (N×(C·H·W), one
// C×H×W image per row, NCHW as PyTorch) with the filters w (K×(C·KH·KW),
// PyTorch's K×C×KH×KW weight flattened) plus the bias b (K elements: a 1×K
// node, or nil for none), with the stride and zero padding of s: the
// N×(K·OH·OW) result of mat.Conv2D. Backward: dx by mat.Conv2DGradInput,
// dw and db by mat.Conv2DGradWeight (which add, so a Param's gradient
// accumulates). It panics if a shape does not agree with s.
func (t *Tape[T]) Conv2D(x, w, b *Node[T], s mat.ConvShape) *Node[T] {
	t.check(x, "Conv2D")
	t.check(w, "Conv2D")
	oh, ow := s.Out()
	if s.C < 1 || s.K < 1 || s.KH < 1 || s.KW < 1 || oh < 1 || ow < 1 {
		panic(fmt.Sprintf("grad: Conv2D: invalid shape %+v (output %d×%d)", s, oh, ow))
	}
	if x.value.Cols != s.C*s.H*s.W {
		panic(fmt.Sprintf("grad: Conv2D: x is %s, want N×(C·H·W) = N×%d", shape(&x.value), s.C*s.H*s.W))
	}
	if w.value.Rows != s.K || w.value.Cols != s.C*s.KH*s.KW {
		panic(fmt.Sprintf("grad: Conv2D: w is %s, want K×(C·KH·KW) = %d×%d", shape(&w.value), s.K, s.C*s.KH*s.KW))
	}
	var bias []T
	if b != nil {
		t.check(b, "Conv2D")
		bias = vecOf("Conv2D", "b", &b.value, s.K)
	}
	n := t.node(opConv2D, x.value.Rows, s.K*oh*ow, x, w, b)
	n.conv = s
	mat.Conv2D(&n.value, &x.value, &w.value, bias, s)
	return n
}

// vecOf returns the k elements of a 1×k or k×1 matrix as one slice.
func vecOf[T vec.Float](fn, name string, m *mat.Dense[T], k int) []T {
	f, ok := flat(m)
	if !ok || (m.Rows != 1 && m.Cols != 1) || len(f) != k {
		panic(fmt.Sprintf("grad: %s: %s is %s (Stride %d), want a contiguous 1×%d", fn, name, shape(m), m.Stride, k))
	}
	return f
}

func (n *Node[T]) backConv2D() {
	x, w, b, s := n.a, n.b, n.c, n.conv
	if x.hasGrad {
		dst, sc := n.into(x)
		mat.Conv2DGradInput(dst, &n.grad, &w.value, s)
		n.flush(x, dst, sc)
	}
	if !w.hasGrad && !needs(b) {
		return
	}
	var dw *mat.Dense[T]
	if w.hasGrad {
		if !w.ready {
			zero(&w.grad)
			w.ready = true
		}
		dw = &w.grad
	} else { // only the bias wants a gradient: dw goes to scratch
		n.s.auxM = dense(&n.s.aux, w.value.Rows, w.value.Cols)
		dw = &n.s.auxM
	}
	var db []T
	if needs(b) {
		if !b.ready {
			zero(&b.grad)
			b.ready = true
		}
		db = vecOf("Conv2D", "the bias gradient", &b.grad, s.K)
	}
	mat.Conv2DGradWeight(dw, db, &x.value, &n.grad, s)
}

// MaxPool2D records the max pooling of the images x (N×(C·H·W)) with the
// windows of s: the N×(C·OH·OW) result of mat.MaxPool2D, which also
// records the position of each maximum. Backward: dx += the gradient
// routed to those positions (mat.MaxPool2DGrad; overlapping windows add).
// It panics if a shape does not agree with s.
func (t *Tape[T]) MaxPool2D(x *Node[T], s mat.PoolShape) *Node[T] {
	t.check(x, "MaxPool2D")
	oh, ow := s.Out()
	if s.C < 1 || s.KH < 1 || s.KW < 1 || oh < 1 || ow < 1 {
		panic(fmt.Sprintf("grad: MaxPool2D: invalid shape %+v (output %d×%d)", s, oh, ow))
	}
	if x.value.Cols != s.C*s.H*s.W {
		panic(fmt.Sprintf("grad: MaxPool2D: x is %s, want N×(C·H·W) = N×%d", shape(&x.value), s.C*s.H*s.W))
	}
	n := t.node(opMaxPool2D, x.value.Rows, s.C*oh*ow, x, nil, nil)
	n.pool = s
	idx := grow(&n.s.idx, x.value.Rows*s.C*oh*ow)
	mat.MaxPool2D(&n.value, idx, &x.value, s)
	return n
}

func (n *Node[T]) backMaxPool2D() {
	x := n.a
	if !x.hasGrad {
		return
	}
	dst, sc := n.into(x)
	mat.MaxPool2DGrad(dst, &n.grad, n.s.idx, n.pool)
	n.flush(x, dst, sc)
}
