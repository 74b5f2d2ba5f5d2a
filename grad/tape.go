package grad

import (
	"fmt"
	"unsafe"

	"github.com/lanes-go/lanes/internal/par"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// Param is a trainable matrix and its gradient; it lives across steps.
// Backward adds into Grad (it accumulates until ZeroGrad, as PyTorch's
// .grad); the optimizers update Value in place. Name is the key under which
// the parameter is saved (PyTorch's state_dict names, e.g. "0.weight").
//
// Shape is the parameter's shape in PyTorch's state_dict, the shape that
// Save writes and Load requires, with as many elements as Value; nil means
// [Value.Rows, Value.Cols]. Set it where PyTorch's tensor is not a matrix:
// NewLinear sets [out] for its bias, NewConv2D [K, C, KH, KW] for its weight
// and [K] for its bias; a hand-made LayerNorm γ or β (1×n) needs [n], and
// []int{} (not nil) saves a 1×1 Param as a 0-dimensional tensor.
type Param[T vec.Float] struct {
	Name        string
	Value, Grad *mat.Dense[T]
	Shape       []int
}

// NewParam returns a Param holding v (not copied) with a zeroed gradient
// of v's shape.
func NewParam[T vec.Float](name string, v *mat.Dense[T]) *Param[T] {
	return &Param[T]{Name: name, Value: v, Grad: mat.New[T](v.Rows, v.Cols)}
}

// ZeroGrad sets p's gradient to zero.
func (p *Param[T]) ZeroGrad() {
	if p.Grad != nil {
		zero(p.Grad)
	}
}

// ZeroGrad sets the gradients of ps to zero.
func ZeroGrad[T vec.Float](ps []*Param[T]) {
	for _, p := range ps {
		p.ZeroGrad()
	}
}

// Tape records the operations of one step (define-by-run, as PyTorch): each
// operation computes its value when it is called and appends a node;
// Backward walks the nodes in reverse. Reset starts the next step and keeps
// every buffer, so a step with the shapes of an earlier one allocates
// nothing. A Tape is not safe for concurrent use.
//
// The zero value is not usable; call NewTape.
type Tape[T vec.Float] struct {
	gen   uint64        // step number, from 1; Reset adds 1
	train bool          // record gradients; Dropout active
	bf16  bool          // MatMul products on bfloat16 operands (SetBF16)
	nodes [2][]*Node[T] // node structs by parity of gen (see Reset)
	n     int           // nodes recorded in this step
	slots []*slot[T]    // buffers of the i-th node of a step, kept across steps
	fan   par.Fan       // the row passes' fan-out (see rows)
	job   rowJob[T]
}

// slot holds the buffers of the i-th node of a step. They only grow, so
// after the largest shape has been seen once, no step allocates.
type slot[T vec.Float] struct {
	val, grad, tmp, aux, aux2 []T
	row                       []T
	idx                       []int32
	ints                      []int
	tmpM, auxM                mat.Dense[T] // headers over tmp and aux
}

// NewTape returns an empty tape in training mode, at step 1.
func NewTape[T vec.Float]() *Tape[T] {
	return &Tape[T]{gen: 1, train: true}
}

// Reset starts a new step: it forgets the recorded nodes and keeps their
// buffers for the nodes of the next step. Nodes of earlier steps become
// invalid: using one in an operation, Backward, Value or Grad panics. (Node
// structs are reused too, alternating between two sets: a node of the
// previous step is always detected; a node kept across two or more Resets
// is detected unless its place has been recorded again in the current step.)
func (t *Tape[T]) Reset() {
	t.gen++
	t.n = 0
}

// Step returns the number of the current step: 1 for a new tape, plus one
// per Reset.
func (t *Tape[T]) Step() uint64 { return t.gen }

// SetTrain sets training mode (the default) or evaluation mode, from the
// next recorded node on. In evaluation mode no node has a gradient buffer,
// Backward panics and Dropout is the identity. Call it after Reset.
func (t *Tape[T]) SetTrain(train bool) { t.train = train }

// SetBF16 makes the matrix products of MatMul and MatMulT (hence Linear),
// forward and backward, mat.GemmBF16F32 products from the next recorded
// node on: the operands are rounded to bfloat16 while they are packed (2⁻⁹
// relative error each) and the products accumulate in float32; values,
// gradients and parameters (the master weights) stay float32. It lasts
// across Reset. It panics on a float64 tape.
func (t *Tape[T]) SetBF16(on bool) {
	var z T
	if on && unsafe.Sizeof(z) != 4 {
		panic("grad: SetBF16: the bfloat16 products are for float32 tapes")
	}
	t.bf16 = on
}

// BF16 reports whether MatMul records bfloat16 products (SetBF16).
func (t *Tape[T]) BF16() bool { return t.bf16 }

// Train reports whether the tape is in training mode.
func (t *Tape[T]) Train() bool { return t.train }

// Len returns the number of nodes recorded in this step.
func (t *Tape[T]) Len() int { return t.n }

// op identifies the operation of a node.
type op uint8

const (
	opConst op = iota
	opParam
	opMatMul
	opAdd
	opSub
	opMul
	opScale
	opAddBias
	opSum
	opMean
	opReshape
	opSigmoid
	opTanh
	opReLU
	opLeakyReLU
	opGELU
	opGELUTanh
	opSiLU
	opSoftmax
	opLogSoftmax
	opDropout
	opLayerNorm
	opConv2D
	opMaxPool2D
	opMSE
	opSoftmaxCrossEntropy
	opBinaryCrossEntropy
)

var opNames = [...]string{
	opConst: "Const", opParam: "Use", opMatMul: "MatMul", opAdd: "Add", opSub: "Sub", opMul: "Mul",
	opScale: "Scale", opAddBias: "AddBias", opSum: "Sum", opMean: "Mean", opReshape: "Reshape",
	opSigmoid: "Sigmoid", opTanh: "Tanh", opReLU: "ReLU", opLeakyReLU: "LeakyReLU", opGELU: "GELU",
	opGELUTanh: "GELUTanh", opSiLU: "SiLU", opSoftmax: "Softmax", opLogSoftmax: "LogSoftmax",
	opDropout: "Dropout", opLayerNorm: "LayerNorm", opConv2D: "Conv2D", opMaxPool2D: "MaxPool2D",
	opMSE: "MSE", opSoftmaxCrossEntropy: "SoftmaxCrossEntropy", opBinaryCrossEntropy: "BinaryCrossEntropy",
}

func (o op) String() string { return opNames[o] }

// Node is a matrix-valued vertex of the graph of one step: its value, its
// gradient (in training mode, when a Param lies upstream), the operation
// that made it and its parents. Nodes are made by the Tape's methods and
// are valid until the next Reset.
type Node[T vec.Float] struct {
	tape    *Tape[T]
	gen     uint64
	idx     int // position on the tape
	op      op
	a, b, c *Node[T]
	value   mat.Dense[T]
	grad    mat.Dense[T]
	hasGrad bool // grad is a buffer gradients flow into
	ready   bool // grad holds this Backward's contributions (else: not yet written)
	param   *Param[T]
	s       *slot[T]

	// operation arguments
	transA, transB bool
	bf16           bool // MatMul: products by mat.GemmBF16F32
	alpha          T
	conv           mat.ConvShape
	pool           mat.PoolShape
}

// Value returns the node's value. For Const and Use it is the caller's
// matrix (a header copy sharing Data); for the operations it is a buffer of
// the tape, rewritten by later steps. It panics if the node is stale.
func (n *Node[T]) Value() *mat.Dense[T] {
	n.tape.check(n, "Value")
	return &n.value
}

// Grad returns the gradient of the last Backward's loss with respect to the
// node (for Use, the Param's Grad, which accumulates), or nil if the node
// has none: a Const, evaluation mode, no Param upstream, or no Backward
// through it yet in this step. It panics if the node is stale.
func (n *Node[T]) Grad() *mat.Dense[T] {
	n.tape.check(n, "Grad")
	if !n.hasGrad || !n.ready {
		return nil
	}
	return &n.grad
}

// Scalar returns the value of a 1×1 node (a loss). It panics otherwise or
// if the node is stale.
func (n *Node[T]) Scalar() T {
	n.tape.check(n, "Scalar")
	if n.value.Rows != 1 || n.value.Cols != 1 {
		panic(fmt.Sprintf("grad: Scalar of %s, which is %s, not 1×1", n.op, shape(&n.value)))
	}
	return n.value.Data[0]
}

// check panics unless n is a node of t recorded in the current step.
func (t *Tape[T]) check(n *Node[T], fn string) {
	if n == nil {
		panic(fmt.Sprintf("grad: %s of a nil node", fn))
	}
	if n.tape != t {
		panic(fmt.Sprintf("grad: %s: node (%s) belongs to another Tape", fn, n.op))
	}
	if n.gen != t.gen {
		panic(fmt.Sprintf("grad: %s: node (%s) from step %d used after Tape.Reset (step %d)", fn, n.op, n.gen, t.gen))
	}
}

// leaf records a node without buffers of its own.
func (t *Tape[T]) leaf(o op) *Node[T] {
	p := t.gen & 1
	if t.n == len(t.nodes[p]) {
		t.nodes[p] = append(t.nodes[p], new(Node[T]))
	}
	if t.n == len(t.slots) {
		t.slots = append(t.slots, new(slot[T]))
	}
	n := t.nodes[p][t.n]
	*n = Node[T]{tape: t, gen: t.gen, idx: t.n, op: o, s: t.slots[t.n]}
	t.n++
	return n
}

// node records an operation node with a rows×cols value buffer and, in
// training mode when a parent has one, a gradient buffer. The parents must
// have been checked.
func (t *Tape[T]) node(o op, rows, cols int, a, b, c *Node[T]) *Node[T] {
	n := t.leaf(o)
	n.a, n.b, n.c = a, b, c
	n.value = dense(&n.s.val, rows, cols)
	n.hasGrad = t.train && (needs(a) || needs(b) || needs(c))
	if n.hasGrad {
		n.grad = dense(&n.s.grad, rows, cols)
	}
	return n
}

func needs[T vec.Float](p *Node[T]) bool { return p != nil && p.hasGrad }

// Const records a leaf holding m (not copied, no gradient): an input.
func (t *Tape[T]) Const(m *mat.Dense[T]) *Node[T] {
	if m == nil {
		panic("grad: Const(nil)")
	}
	n := t.leaf(opConst)
	n.value = *m
	return n
}

// Use records a leaf holding p's value (not copied). In training mode its
// gradient is p.Grad, into which Backward adds (allocated here, once, if
// nil or of another shape than p.Value).
func (t *Tape[T]) Use(p *Param[T]) *Node[T] {
	if p == nil || p.Value == nil {
		panic("grad: Use of a nil Param or a Param with a nil Value")
	}
	n := t.leaf(opParam)
	n.value = *p.Value
	n.param = p
	if t.train {
		if p.Grad == nil || p.Grad.Rows != p.Value.Rows || p.Grad.Cols != p.Value.Cols {
			p.Grad = mat.New[T](p.Value.Rows, p.Value.Cols)
		}
		n.grad = *p.Grad
		n.hasGrad, n.ready = true, true
	}
	return n
}

// Backward computes the gradient of loss, a 1×1 node of this step, with
// respect to every node recorded before it that has a gradient: it seeds
// d(loss)/d(loss) = 1 and runs the recorded operations in reverse, each
// adding its vector-Jacobian product into its parents' gradients, so a node
// used several times gets the sum.
//
// The gradients of the operation nodes start from zero at every Backward;
// the gradients of the Params accumulate: calling Backward twice without
// ZeroGrad adds the gradient twice, as PyTorch's loss.backward() does. If
// no Param lies upstream of loss, Backward does nothing. It panics if the
// tape is in evaluation mode, loss is stale or of another tape, or not 1×1.
func (t *Tape[T]) Backward(loss *Node[T]) {
	t.check(loss, "Backward")
	if !t.train {
		panic("grad: Backward on a Tape in evaluation mode (SetTrain(false))")
	}
	if loss.value.Rows != 1 || loss.value.Cols != 1 {
		panic(fmt.Sprintf("grad: Backward: loss (%s) is %s, not 1×1", loss.op, shape(&loss.value)))
	}
	if !loss.hasGrad {
		return
	}
	nodes := t.nodes[t.gen&1][:loss.idx+1]
	for _, n := range nodes {
		if n.param == nil {
			n.ready = false
		}
	}
	loss.grad.Data[0] = 1
	loss.ready = true
	for i := len(nodes) - 1; i >= 0; i-- {
		n := nodes[i]
		if !n.hasGrad || n.param != nil {
			continue
		}
		if !n.ready { // nothing flowed into it: its gradient is 0
			zero(&n.grad)
			n.ready = true
			continue
		}
		n.backward()
	}
}

// dense returns a contiguous rows×cols matrix on the buffer *b, growing it
// if needed (the only allocation of a step, and only for a larger shape).
func dense[T vec.Float](b *[]T, rows, cols int) mat.Dense[T] {
	return mat.Dense[T]{Rows: rows, Cols: cols, Stride: cols, Data: grow(b, rows*cols)}
}

func grow[E any](b *[]E, n int) []E {
	if cap(*b) < n {
		*b = make([]E, n)
	}
	*b = (*b)[:n]
	return *b
}

func shape[T vec.Float](m *mat.Dense[T]) string { return fmt.Sprintf("%d×%d", m.Rows, m.Cols) }

func sameShape[T vec.Float](a, b *mat.Dense[T]) bool { return a.Rows == b.Rows && a.Cols == b.Cols }

func zero[T vec.Float](m *mat.Dense[T]) {
	if f, ok := flat(m); ok {
		clear(f)
		return
	}
	for i := 0; i < m.Rows; i++ {
		clear(m.Row(i))
	}
}

// flat returns the elements of m as one slice when its rows are contiguous.
func flat[T vec.Float](m *mat.Dense[T]) ([]T, bool) {
	if m.Stride == m.Cols || m.Rows <= 1 {
		k := m.Rows * m.Cols
		return m.Data[:k:k], true
	}
	return nil, false
}

// blocks returns 1 if every matrix is contiguous (process all elements as
// one slice), else the number of rows (process row by row); see blk.
func blocks[T vec.Float](ms ...*mat.Dense[T]) int {
	for _, m := range ms {
		if m.Stride != m.Cols && m.Rows > 1 {
			return ms[0].Rows
		}
	}
	return 1
}

// blk returns block i of nb (from blocks) of m: blkSpan over all its rows.
func blk[T vec.Float](m *mat.Dense[T], i, nb int) []T {
	return blkSpan(m, nb == 1, 0, m.Rows, i)
}
