package grad

import (
	"fmt"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// Node is a matrix-valued vertex of a computation graph: its value, its
// gradient (nil when no parameter lies upstream, so nothing needs it), its
// parents, and two closures: forward recomputes the value from the parents'
// values, backward adds the node's vector-Jacobian product into the parents'
// gradients. Leaves (Const, Param) have neither closure.
//
// Nodes are built by Const, Param and the operations of this package; each
// operation computes its value when it is called, so a graph is evaluated as
// it is written. Gradients and the values of operation nodes are allocated
// by the package, contiguous (Stride = Cols); the value of a Const or Param
// is the caller's matrix and may be a strided view. A Node is not safe for
// concurrent use.
type Node[T vec.Float] struct {
	value    *mat.Dense[T]
	grad     *mat.Dense[T]
	op       string
	param    bool
	parents  []*Node[T]
	forward  func()
	backward func()
	order    []*Node[T] // topological order of the graph ending here, built on first use
}

// Const returns a leaf holding m (not copied): an input of the graph, with no
// gradient. To re-run a graph on new data, overwrite the elements of m (its
// shape is fixed) and call Forward.
func Const[T vec.Float](m *mat.Dense[T]) *Node[T] {
	return &Node[T]{value: m, op: "Const"}
}

// Param returns a leaf holding m (not copied) with a zeroed gradient of the
// same shape: a trainable parameter. Backward adds into its gradient (it
// accumulates across calls until ZeroGrad); the optimizers update m in place.
func Param[T vec.Float](m *mat.Dense[T]) *Node[T] {
	return &Node[T]{value: m, grad: mat.New[T](m.Rows, m.Cols), op: "Param", param: true}
}

// Value returns the node's value. Its elements may be read (and, for a
// Const or Param, written); its shape must not change.
func (n *Node[T]) Value() *mat.Dense[T] { return n.value }

// Grad returns the gradient of the last Backward's loss with respect to the
// node, of the node's shape, or nil if the node does not depend on any Param.
func (n *Node[T]) Grad() *mat.Dense[T] { return n.grad }

// IsParam reports whether n was made by Param.
func (n *Node[T]) IsParam() bool { return n.param }

// Scalar returns the value of a 1×1 node (a loss). It panics otherwise.
func (n *Node[T]) Scalar() T {
	if n.value.Rows != 1 || n.value.Cols != 1 {
		panic(fmt.Sprintf("grad.Scalar: %s is %s, not 1×1", n.op, shape(n.value)))
	}
	return n.value.Data[0]
}

// ZeroGrad sets n's gradient to zero (nothing if n has none).
func (n *Node[T]) ZeroGrad() {
	if n.grad != nil {
		zero(n.grad)
	}
}

// Forward recomputes the value of every operation node the graph of root
// depends on, parents before children: after Const values or Param values
// change, it brings the graph up to date. It allocates only the first time
// it is called on a root (the topological order, cached in root).
func Forward[T vec.Float](root *Node[T]) {
	for _, n := range root.topo() {
		if n.forward != nil {
			n.forward()
		}
	}
}

// Backward computes the gradient of loss, a 1×1 node, with respect to every
// node of its graph that has a gradient. It resets the gradients of the
// operation nodes, seeds d(loss)/d(loss) = 1 and runs the backward closures
// in reverse topological order, each adding (+=) into its parents'
// gradients, so a node used several times receives the sum. The gradients of
// Params are not reset: they accumulate over calls until ZeroGrad. The
// values must be current (as after building the graph or Forward).
//
// If no Param lies upstream of loss, Backward does nothing. It allocates
// only the first time it is called on a loss (the topological order, cached
// in loss). It panics if loss is not 1×1.
func Backward[T vec.Float](loss *Node[T]) {
	if loss.value.Rows != 1 || loss.value.Cols != 1 {
		panic(fmt.Sprintf("grad.Backward: loss (%s) is %s, not 1×1", loss.op, shape(loss.value)))
	}
	if loss.grad == nil {
		return // no Param upstream: nothing to differentiate
	}
	order := loss.topo()
	for _, n := range order {
		if n.grad != nil && !n.param {
			zero(n.grad)
		}
	}
	loss.grad.Data[0]++
	for i := len(order) - 1; i >= 0; i-- {
		if n := order[i]; n.backward != nil && n.grad != nil {
			n.backward()
		}
	}
}

// topo returns the nodes of the graph ending at n, each after its parents,
// computing the order once (the parents of a node never change).
func (n *Node[T]) topo() []*Node[T] {
	if n.order == nil {
		seen := make(map[*Node[T]]bool)
		var visit func(*Node[T])
		visit = func(v *Node[T]) {
			if seen[v] {
				return
			}
			seen[v] = true
			for _, p := range v.parents {
				visit(p)
			}
			n.order = append(n.order, v)
		}
		visit(n)
	}
	return n.order
}

// newOp returns an operation node of the given shape whose value is computed
// by forward (called once here) and whose gradient exists if a parent has one.
func newOp[T vec.Float](op string, rows, cols int, parents ...*Node[T]) *Node[T] {
	n := &Node[T]{value: mat.New[T](rows, cols), op: op, parents: parents}
	for _, p := range parents {
		if p.grad != nil {
			n.grad = mat.New[T](rows, cols)
			break
		}
	}
	return n
}

// needs reports whether gradients flow into p.
func needs[T vec.Float](p *Node[T]) bool { return p.grad != nil }

func shape[T vec.Float](m *mat.Dense[T]) string { return fmt.Sprintf("%d×%d", m.Rows, m.Cols) }

func sameShape[T vec.Float](a, b *mat.Dense[T]) bool { return a.Rows == b.Rows && a.Cols == b.Cols }

func zero[T vec.Float](m *mat.Dense[T]) {
	for i := 0; i < m.Rows; i++ {
		clear(m.Row(i))
	}
}

// flat returns the elements of m as one slice when its rows are contiguous.
func flat[T vec.Float](m *mat.Dense[T]) ([]T, bool) {
	if m.Stride == m.Cols || m.Rows <= 1 {
		return m.Data[: m.Rows*m.Cols : m.Rows*m.Cols], true
	}
	return nil, false
}

// each2 applies f to matching pieces of a and b (same shape): once to all
// elements when both are contiguous, else row by row.
func each2[T vec.Float](a, b *mat.Dense[T], f func(a, b []T)) {
	if fa, ok := flat(a); ok {
		if fb, ok := flat(b); ok {
			f(fa, fb)
			return
		}
	}
	for i := 0; i < a.Rows; i++ {
		f(a.Row(i), b.Row(i))
	}
}
