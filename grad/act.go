package grad

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/act"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

func (t *Tape[T]) unary(o op, x *Node[T], alpha T) *Node[T] {
	t.check(x, o.String())
	n := t.node(o, x.value.Rows, x.value.Cols, x, nil, nil)
	n.alpha = alpha
	t.rows(passUnary, n, nil, nil, n.value.Rows, n.value.Cols)
	return n
}

// unaryRows computes rows [r0, r1) of the value of a unary node.
func (n *Node[T]) unaryRows(r0, r1 int) {
	x := n.a
	flat, nb := span(r0, r1, &n.value, &x.value)
	for i := 0; i < nb; i++ {
		y, xs := blkSpan(&n.value, flat, r0, r1, i), blkSpan(&x.value, flat, r0, r1, i)
		switch n.op {
		case opSigmoid:
			act.Sigmoid(y, xs)
		case opTanh:
			act.Tanh(y, xs)
		case opReLU:
			act.ReLU(y, xs)
		case opLeakyReLU:
			act.LeakyReLU(y, xs, n.alpha)
		case opGELU:
			act.GELU(y, xs)
		case opGELUTanh:
			act.GELUTanh(y, xs)
		case opSiLU:
			act.SiLU(y, xs)
		}
	}
}

func (n *Node[T]) backUnary() {
	x := n.a
	if !x.hasGrad {
		return
	}
	dst, s := n.into(x)
	n.tape.rows(passBackUnary, n, nil, dst, dst.Rows, dst.Cols)
	n.flush(x, dst, s)
}

// backUnaryRows computes rows [r0, r1) of a unary node's input gradient
// contribution, into dst.
func (n *Node[T]) backUnaryRows(dst *mat.Dense[T], r0, r1 int) {
	x := n.a
	flat, nb := span(r0, r1, dst, &x.value, &n.value, &n.grad)
	for i := 0; i < nb; i++ {
		d, xs := blkSpan(dst, flat, r0, r1, i), blkSpan(&x.value, flat, r0, r1, i)
		y, dy := blkSpan(&n.value, flat, r0, r1, i), blkSpan(&n.grad, flat, r0, r1, i)
		switch n.op {
		case opSigmoid:
			act.SigmoidGrad(d, y, dy)
		case opTanh:
			act.TanhGrad(d, y, dy)
		case opReLU:
			act.ReLUGrad(d, xs, dy)
		case opLeakyReLU:
			act.LeakyReLUGrad(d, xs, dy, n.alpha)
		case opGELU:
			act.GELUGrad(d, xs, dy)
		case opGELUTanh:
			act.GELUTanhGrad(d, xs, dy)
		case opSiLU:
			act.SiLUGrad(d, xs, dy)
		}
	}
}

// Sigmoid records σ(x) = 1/(1+e^−x) element-wise (act.Sigmoid). Backward:
// dx += dy·y·(1−y) (act.SigmoidGrad).
func (t *Tape[T]) Sigmoid(x *Node[T]) *Node[T] { return t.unary(opSigmoid, x, 0) }

// Tanh records tanh x element-wise (act.Tanh). Backward: dx += dy·(1−y²)
// (act.TanhGrad).
func (t *Tape[T]) Tanh(x *Node[T]) *Node[T] { return t.unary(opTanh, x, 0) }

// ReLU records max(x, 0) element-wise (act.ReLU). Backward: dx += dy·[x>0]
// (act.ReLUGrad; the derivative at 0 is taken as 0).
func (t *Tape[T]) ReLU(x *Node[T]) *Node[T] { return t.unary(opReLU, x, 0) }

// LeakyReLU records x where x > 0 and alpha·x elsewhere (act.LeakyReLU).
// Backward: dx += dy where x > 0, alpha·dy elsewhere (act.LeakyReLUGrad).
func (t *Tape[T]) LeakyReLU(x *Node[T], alpha T) *Node[T] { return t.unary(opLeakyReLU, x, alpha) }

// GELU records the exact Gaussian error linear unit, element-wise
// (PyTorch's gelu with approximate='none'):
//
//	y = x·Φ(x) = x/2·(1 + erf(x/√2)),  dy/dx = Φ(x) + x·φ(x)
//
// with act.GELU; backward: dx += dy·(Φ(x) + x·φ(x)) (act.GELUGrad, from the
// input).
func (t *Tape[T]) GELU(x *Node[T]) *Node[T] { return t.unary(opGELU, x, 0) }

// GELUTanh records the tanh approximation of GELU, element-wise (PyTorch's
// gelu with approximate='tanh'):
//
//	y = x/2·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
//	dy/dx = (1 + tanh u)/2 + x/2·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)
//
// with act.GELUTanh; backward: act.GELUTanhGrad, from the input.
func (t *Tape[T]) GELUTanh(x *Node[T]) *Node[T] { return t.unary(opGELUTanh, x, 0) }

// SiLU records the sigmoid linear unit (swish) x·σ(x), element-wise
// (act.SiLU); backward: dx += dy·σ(x)·(1 + x·(1 − σ(x))) (act.SiLUGrad,
// from the input).
func (t *Tape[T]) SiLU(x *Node[T]) *Node[T] { return t.unary(opSiLU, x, 0) }

// Softmax records the softmax of each row of x (act.Softmax, which
// subtracts the row maximum). Backward, per row: dx += y⊙(dy − ⟨dy, y⟩)
// (act.SoftmaxGrad).
func (t *Tape[T]) Softmax(x *Node[T]) *Node[T] { return t.softmax(opSoftmax, x) }

// LogSoftmax records the log-softmax of each row of x (act.LogSoftmax:
// (xᵢ − m) − log Σⱼ e^(xⱼ−m), m the row maximum). Backward, per row:
// dx += dy − softmax(x)·Σⱼ dyⱼ, with softmax(x) = e^y (act.Exp).
func (t *Tape[T]) LogSoftmax(x *Node[T]) *Node[T] { return t.softmax(opLogSoftmax, x) }

func (t *Tape[T]) softmax(o op, x *Node[T]) *Node[T] {
	t.check(x, o.String())
	n := t.node(o, x.value.Rows, x.value.Cols, x, nil, nil)
	for i := 0; i < x.value.Rows; i++ {
		if o == opSoftmax {
			act.Softmax(n.value.Row(i), x.value.Row(i))
		} else {
			act.LogSoftmax(n.value.Row(i), x.value.Row(i))
		}
	}
	return n
}

func (n *Node[T]) backSoftmax() {
	x := n.a
	if !x.hasGrad {
		return
	}
	dst, s := n.into(x)
	for i := 0; i < dst.Rows; i++ {
		d, y, dy := dst.Row(i), n.value.Row(i), n.grad.Row(i)
		if n.op == opSoftmax {
			act.SoftmaxGrad(d, y, dy)
		} else {
			act.Exp(d, y)
			vec.Scale(-vec.Sum(dy), d)
			vec.Add(d, d, dy)
		}
	}
	n.flush(x, dst, s)
}

// Dropout records inverted dropout of x with drop probability p ∈ [0, 1]:
// y = x ⊙ mask, each element of the mask 1/(1−p) with probability 1−p and
// 0 otherwise (0 everywhere for p = 1), drawn from r with
// prob.Bernoulli{1−p}.Sample, one word per element in row-major order, so a
// seed gives the same mask on every ISA. Backward: dx += dy ⊙ mask. In
// evaluation mode, or for p = 0, it returns x itself and draws nothing. It
// panics if p is not in [0, 1].
func (t *Tape[T]) Dropout(x *Node[T], p T, r *prob.RNG) *Node[T] {
	t.check(x, "Dropout")
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("grad: Dropout: p = %v is not in [0, 1]", p))
	}
	if !t.train || p == 0 {
		return x
	}
	n := t.node(opDropout, x.value.Rows, x.value.Cols, x, nil, nil)
	n.s.auxM = dense(&n.s.aux, x.value.Rows, x.value.Cols)
	mask := n.s.auxM.Data
	if p == 1 {
		clear(mask)
	} else {
		prob.Bernoulli[T]{P: 1 - p}.Sample(r, mask)
		vec.Scale(1/(1-p), mask)
	}
	nb := blocks(&n.value, &x.value)
	for i := 0; i < nb; i++ {
		vec.Mul(blk(&n.value, i, nb), blk(&x.value, i, nb), blk(&n.s.auxM, i, nb))
	}
	return n
}

func (n *Node[T]) auxM() *mat.Dense[T] { return &n.s.auxM }

// LayerNorm records the layer normalisation of each row of the m×n x (as
// PyTorch's layer_norm over the last dimension):
//
//	y = x̂ ⊙ γ + β,  x̂ = (x − μ)/√(σ² + eps)
//
// μ and σ² the mean and the (biased) variance of the row. gamma and beta
// are 1×n nodes, or nil for none (γ = 1, β = 0). Backward, with
// g = dy ⊙ γ and r = 1/√(σ² + eps), per row:
//
//	dx += r·(g − mean(g) − x̂·mean(g ⊙ x̂)),  dγ += Σ_rows dy ⊙ x̂,  dβ += Σ_rows dy
//
// It panics unless gamma and beta are 1×n (or nil) and eps ≥ 0.
func (t *Tape[T]) LayerNorm(x, gamma, beta *Node[T], eps T) *Node[T] {
	t.check(x, "LayerNorm")
	m, k := x.value.Rows, x.value.Cols
	for _, p := range [2]*Node[T]{gamma, beta} {
		if p == nil {
			continue
		}
		t.check(p, "LayerNorm")
		if p.value.Rows != 1 || p.value.Cols != k {
			panic(fmt.Sprintf("grad: LayerNorm: x is %s, gamma or beta is %s (want 1×%d)", shape(&x.value), shape(&p.value), k))
		}
	}
	if !(eps >= 0) {
		panic(fmt.Sprintf("grad: LayerNorm: eps = %v < 0", eps))
	}
	n := t.node(opLayerNorm, m, k, x, gamma, beta)
	n.s.auxM = dense(&n.s.aux, m, k) // x̂
	rstd := grow(&n.s.aux2, m)
	for i := 0; i < m; i++ {
		xs, xh, y := x.value.Row(i), n.s.auxM.Row(i), n.value.Row(i)
		mu := vec.Sum(xs) / T(k)
		for j, v := range xs {
			xh[j] = v - mu
		}
		r := T(1 / math.Sqrt(float64(vec.Dot(xh, xh)/T(k)+eps)))
		rstd[i] = r
		vec.Scale(r, xh)
		if gamma != nil {
			vec.Mul(y, xh, gamma.value.Row(0))
		} else {
			copy(y, xh)
		}
		if beta != nil {
			vec.Add(y, y, beta.value.Row(0))
		}
	}
	return n
}

func (n *Node[T]) backLayerNorm() {
	x, gamma, beta := n.a, n.b, n.c
	xhat, dy := n.auxM(), &n.grad
	m, k := xhat.Rows, xhat.Cols
	if needs(beta) {
		colSums(beta, dy)
	}
	if needs(gamma) {
		g := gamma.grad.Row(0)
		row := grow(&n.s.row, k)
		for i := 0; i < m; i++ {
			if !gamma.ready {
				gamma.ready = true
				vec.Mul(g, dy.Row(i), xhat.Row(i))
				continue
			}
			vec.Mul(row, dy.Row(i), xhat.Row(i))
			vec.Add(g, g, row)
		}
		if !gamma.ready { // no rows
			gamma.ready = true
			clear(g)
		}
	}
	if !x.hasGrad {
		return
	}
	dst, s := n.into(x)
	rstd := n.s.aux2
	g := grow(&n.s.row, k)
	for i := 0; i < m; i++ {
		xh, d := xhat.Row(i), dst.Row(i)
		if gamma != nil {
			vec.Mul(g, dy.Row(i), gamma.value.Row(0))
		} else {
			copy(g, dy.Row(i))
		}
		a := vec.Sum(g) / T(k)
		b := vec.Dot(g, xh) / T(k)
		r := rstd[i]
		for j := range d {
			d[j] = r * (g[j] - a - xh[j]*b)
		}
	}
	n.flush(x, dst, s)
}
