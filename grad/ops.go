package grad

import (
	"fmt"
	"unsafe"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// MatMul records a·b (m×k times k×n), computed by mat.Gemm. It panics if
// a.Cols != b.Rows.
func (t *Tape[T]) MatMul(a, b *Node[T]) *Node[T] { return t.MatMulT(a, b, false, false) }

// MatMulT records op(a)·op(b), op(x) = xᵀ if its flag is set, else x, by
// mat.Gemm with those transpose flags (no transposed copy is made, forward
// or backward): with transB, a linear layer's x·Wᵀ for W out×in. Backward
// adds, for C = op(A)·op(B),
//
//	dA += dC·op(B)ᵀ (or op(B)·dCᵀ if transA),  dB += op(A)ᵀ·dC (or dCᵀ·op(A) if transB)
//
// each one Gemm with beta = 0 for a first contribution, else 1. After
// SetBF16(true) the three products are mat.GemmBF16F32 products instead.
// It panics if the inner dimensions differ.
func (t *Tape[T]) MatMulT(a, b *Node[T], transA, transB bool) *Node[T] {
	t.check(a, "MatMul")
	t.check(b, "MatMul")
	m, k := a.value.Rows, a.value.Cols
	if transA {
		m, k = k, m
	}
	k2, nc := b.value.Rows, b.value.Cols
	if transB {
		k2, nc = nc, k2
	}
	if k != k2 {
		panic(fmt.Sprintf("grad: MatMul: op(a) is %d×%d, op(b) is %d×%d (inner dimensions differ)", m, k, k2, nc))
	}
	n := t.node(opMatMul, m, nc, a, b, nil)
	n.transA, n.transB, n.bf16 = transA, transB, t.bf16
	n.gemm(transA, transB, &a.value, &b.value, 0, &n.value)
	return n
}

// gemm is c = op(a)·op(b) + beta·c by mat.Gemm, or by mat.GemmBF16F32 if
// the node records bfloat16 products (T is then float32).
func (n *Node[T]) gemm(transA, transB bool, a, b *mat.Dense[T], beta T, c *mat.Dense[T]) {
	if !n.bf16 {
		mat.Gemm(transA, transB, 1, a, b, beta, c)
		return
	}
	f := func(m *mat.Dense[T]) *mat.Dense[float32] { return (*mat.Dense[float32])(unsafe.Pointer(m)) }
	mat.GemmBF16F32(transA, transB, 1, f(a), f(b), float32(beta), f(c))
}

func (n *Node[T]) backMatMul() {
	a, b, dc := n.a, n.b, &n.grad
	if a.hasGrad {
		beta := n.beta(a)
		if !n.transA {
			n.gemm(false, !n.transB, dc, &b.value, beta, &a.grad)
		} else {
			n.gemm(n.transB, true, &b.value, dc, beta, &a.grad)
		}
	}
	if b.hasGrad {
		beta := n.beta(b)
		if !n.transB {
			n.gemm(!n.transA, false, &a.value, dc, beta, &b.grad)
		} else {
			n.gemm(true, n.transA, dc, &a.value, beta, &b.grad)
		}
	}
}

// beta returns 0 for the first gradient contribution to p in this Backward
// (overwrite) and 1 after (accumulate), and marks p as written.
func (n *Node[T]) beta(p *Node[T]) T {
	if p.ready {
		return 1
	}
	p.ready = true
	return 0
}

func (t *Tape[T]) binary(o op, name string, a, b *Node[T]) *Node[T] {
	t.check(a, name)
	t.check(b, name)
	if !sameShape(&a.value, &b.value) {
		panic(fmt.Sprintf("grad: %s: a is %s, b is %s (want the same shape)", name, shape(&a.value), shape(&b.value)))
	}
	n := t.node(o, a.value.Rows, a.value.Cols, a, b, nil)
	nb := blocks(&n.value, &a.value, &b.value)
	for i := 0; i < nb; i++ {
		d, x, y := blk(&n.value, i, nb), blk(&a.value, i, nb), blk(&b.value, i, nb)
		switch o {
		case opAdd:
			vec.Add(d, x, y)
		case opSub:
			vec.Sub(d, x, y)
		case opMul:
			vec.Mul(d, x, y)
		}
	}
	return n
}

// Add records a + b (same shape), element-wise. Backward: da += dc, db += dc.
func (t *Tape[T]) Add(a, b *Node[T]) *Node[T] { return t.binary(opAdd, "Add", a, b) }

// Sub records a − b (same shape), element-wise. Backward: da += dc, db −= dc.
func (t *Tape[T]) Sub(a, b *Node[T]) *Node[T] { return t.binary(opSub, "Sub", a, b) }

// Mul records a ⊙ b (same shape), element-wise. Backward: da += dc ⊙ b,
// db += dc ⊙ a.
func (t *Tape[T]) Mul(a, b *Node[T]) *Node[T] { return t.binary(opMul, "Mul", a, b) }

// Scale records s·a. Backward: da += s·dc.
func (t *Tape[T]) Scale(a *Node[T], s T) *Node[T] {
	t.check(a, "Scale")
	n := t.node(opScale, a.value.Rows, a.value.Cols, a, nil, nil)
	n.alpha = s
	nb := blocks(&n.value, &a.value)
	for i := 0; i < nb; i++ {
		d := blk(&n.value, i, nb)
		copy(d, blk(&a.value, i, nb))
		vec.Scale(s, d)
	}
	return n
}

// AddBias records x + b with the 1×n row b added to every row of the m×n
// x. Backward: dx += dy, db += Σ_rows dy (column sums). It panics unless b
// is 1×x.Cols.
func (t *Tape[T]) AddBias(x, b *Node[T]) *Node[T] {
	t.check(x, "AddBias")
	t.check(b, "AddBias")
	if b.value.Rows != 1 || b.value.Cols != x.value.Cols {
		panic(fmt.Sprintf("grad: AddBias: x is %s, b is %s (want 1×%d)", shape(&x.value), shape(&b.value), x.value.Cols))
	}
	n := t.node(opAddBias, x.value.Rows, x.value.Cols, x, b, nil)
	brow := b.value.Row(0)
	for i := 0; i < x.value.Rows; i++ {
		vec.Add(n.value.Row(i), x.value.Row(i), brow)
	}
	return n
}

// colSums adds (or, for the first contribution, writes) the column sums of
// g into p's 1×n gradient.
func colSums[T vec.Float](p *Node[T], g *mat.Dense[T]) {
	if !p.hasGrad {
		return
	}
	db := p.grad.Row(0)
	i := 0
	if !p.ready {
		p.ready = true
		if g.Rows == 0 {
			clear(db)
			return
		}
		copy(db, g.Row(0))
		i = 1
	}
	for ; i < g.Rows; i++ {
		vec.Add(db, db, g.Row(i))
	}
}

// Sum records the 1×1 sum of the elements of x. Backward: dx += dy (every
// element).
func (t *Tape[T]) Sum(x *Node[T]) *Node[T] { return t.reduce(opSum, "Sum", x) }

// Mean records the 1×1 mean of the elements of x (NaN if x is empty).
// Backward: dx += dy/N.
func (t *Tape[T]) Mean(x *Node[T]) *Node[T] { return t.reduce(opMean, "Mean", x) }

func (t *Tape[T]) reduce(o op, name string, x *Node[T]) *Node[T] {
	t.check(x, name)
	n := t.node(o, 1, 1, x, nil, nil)
	var s T
	nb := blocks(&x.value)
	for i := 0; i < nb; i++ {
		s += vec.Sum(blk(&x.value, i, nb))
	}
	if o == opMean {
		s /= T(x.value.Rows * x.value.Cols)
	}
	n.value.Data[0] = s
	return n
}

func (n *Node[T]) backReduce() {
	x := n.a
	if !x.hasGrad {
		return
	}
	g := n.grad.Data[0]
	if n.op == opMean {
		g /= T(x.value.Rows * x.value.Cols)
	}
	first := !x.ready
	x.ready = true
	nb := blocks(&x.grad)
	for i := 0; i < nb; i++ {
		d := blk(&x.grad, i, nb)
		if first {
			for j := range d {
				d[j] = g
			}
		} else {
			for j := range d {
				d[j] += g
			}
		}
	}
}

// Reshape records x with its elements, in row-major order, viewed as r×c
// (a view of x's value when it is contiguous, else a copy). Backward: dx +=
// dy in the same order. It panics unless r·c equals x's number of elements.
func (t *Tape[T]) Reshape(x *Node[T], r, c int) *Node[T] {
	t.check(x, "Reshape")
	if r < 0 || c < 0 || r*c != x.value.Rows*x.value.Cols {
		panic(fmt.Sprintf("grad: Reshape: x is %s, cannot be %d×%d", shape(&x.value), r, c))
	}
	n := t.node(opReshape, r, c, x, nil, nil)
	if f, ok := flat(&x.value); ok {
		n.value = mat.Dense[T]{Rows: r, Cols: c, Stride: c, Data: f}
	} else {
		for i := 0; i < x.value.Rows; i++ {
			copy(n.value.Data[i*x.value.Cols:], x.value.Row(i))
		}
	}
	return n
}

func (n *Node[T]) backReshape() {
	x := n.a
	if !x.hasGrad {
		return
	}
	first := !x.ready
	x.ready = true
	g := n.grad.Data // contiguous (a buffer of the tape)
	cols := x.grad.Cols
	if f, ok := flat(&x.grad); ok {
		if first {
			copy(f, g)
		} else {
			vec.Add(f, f, g)
		}
		return
	}
	for i := 0; i < x.grad.Rows; i++ {
		d, s := x.grad.Row(i), g[i*cols:(i+1)*cols]
		if first {
			copy(d, s)
		} else {
			vec.Add(d, d, s)
		}
	}
}

// give adds alpha·g into p's gradient (same shape), or writes it for the
// first contribution of this Backward.
func give[T vec.Float](p *Node[T], alpha T, g *mat.Dense[T]) {
	if !p.hasGrad {
		return
	}
	first := !p.ready
	p.ready = true
	nb := blocks(&p.grad, g)
	for i := 0; i < nb; i++ {
		d, s := blk(&p.grad, i, nb), blk(g, i, nb)
		switch {
		case !first:
			vec.Axpy(alpha, s, d)
		case alpha == 1:
			copy(d, s)
		default:
			copy(d, s)
			vec.Scale(alpha, d)
		}
	}
}

// into returns where n's next gradient contribution to p goes: p's gradient
// itself for the first contribution of this Backward (overwrite), else n's
// scratch matrix, to be added with flush.
func (n *Node[T]) into(p *Node[T]) (dst *mat.Dense[T], scratch bool) {
	if !p.ready {
		p.ready = true
		return &p.grad, false
	}
	return n.scratch(p.grad.Rows, p.grad.Cols), true
}

// flush adds the scratch of into to p's gradient.
func (n *Node[T]) flush(p *Node[T], tmp *mat.Dense[T], scratch bool) {
	if !scratch {
		return
	}
	n.tape.rows(passFlush, n, p, tmp, tmp.Rows, tmp.Cols)
}

// scratch returns a rows×cols contiguous matrix on n's scratch buffer.
func (n *Node[T]) scratch(rows, cols int) *mat.Dense[T] {
	m := dense(&n.s.tmp, rows, cols)
	n.s.tmpM = m
	return &n.s.tmpM
}

// giveMul adds g ⊙ m into p's gradient.
func (n *Node[T]) giveMul(p *Node[T], g, m *mat.Dense[T]) {
	if !p.hasGrad {
		return
	}
	dst, s := n.into(p)
	nb := blocks(dst, g, m)
	for i := 0; i < nb; i++ {
		vec.Mul(blk(dst, i, nb), blk(g, i, nb), blk(m, i, nb))
	}
	n.flush(p, dst, s)
}

// backward adds n's vector-Jacobian product into its parents' gradients.
func (n *Node[T]) backward() {
	switch n.op {
	case opMatMul:
		n.backMatMul()
	case opAdd:
		give(n.a, 1, &n.grad)
		give(n.b, 1, &n.grad)
	case opSub:
		give(n.a, 1, &n.grad)
		give(n.b, -1, &n.grad)
	case opMul:
		n.giveMul(n.a, &n.grad, &n.b.value)
		n.giveMul(n.b, &n.grad, &n.a.value)
	case opScale:
		give(n.a, n.alpha, &n.grad)
	case opAddBias:
		give(n.a, 1, &n.grad)
		colSums(n.b, &n.grad)
	case opSum, opMean:
		n.backReduce()
	case opReshape:
		n.backReshape()
	case opSigmoid, opTanh, opReLU, opLeakyReLU, opGELU, opGELUTanh, opSiLU:
		n.backUnary()
	case opSoftmax, opLogSoftmax:
		n.backSoftmax()
	case opDropout:
		n.giveMul(n.a, &n.grad, n.auxM())
	case opLayerNorm:
		n.backLayerNorm()
	case opConv2D:
		n.backConv2D()
	case opMaxPool2D:
		n.backMaxPool2D()
	case opMSE:
		n.backMSE()
	case opSoftmaxCrossEntropy:
		n.backSoftmaxCrossEntropy()
	case opBinaryCrossEntropy:
		n.backBinaryCrossEntropy()
	default:
		panic("grad: internal error: backward of " + n.op.String())
	}
}
