package grad

import (
	"fmt"

	"github.com/lanes-go/lanes/act"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// MatMul returns the node a·b (m×k times k×n), computed by mat.Gemm. Backward
// adds dA += dC·bᵀ and dB += aᵀ·dC with Gemm's transpose flags and beta = 1
// (no transposed copies). It panics if a.Cols != b.Rows.
func MatMul[T vec.Float](a, b *Node[T]) *Node[T] {
	av, bv := a.value, b.value
	if av.Cols != bv.Rows {
		panic(fmt.Sprintf("grad.MatMul: a is %s, b is %s (a.Cols != b.Rows)", shape(av), shape(bv)))
	}
	n := newOp("MatMul", av.Rows, bv.Cols, a, b)
	n.forward = func() { mat.Gemm(false, false, 1, av, bv, 0, n.value) }
	n.backward = func() {
		if needs(a) {
			mat.Gemm(false, true, 1, n.grad, bv, 1, a.grad)
		}
		if needs(b) {
			mat.Gemm(true, false, 1, av, n.grad, 1, b.grad)
		}
	}
	n.forward()
	return n
}

// AddBias returns x + b with the 1×n row vector b added to every row of the
// m×n matrix x. Backward adds dx += dy and db += Σ_rows dy (the column sums).
// It panics unless b is 1×x.Cols.
func AddBias[T vec.Float](x, b *Node[T]) *Node[T] {
	xv, bv := x.value, b.value
	if bv.Rows != 1 || bv.Cols != xv.Cols {
		panic(fmt.Sprintf("grad.AddBias: x is %s, b is %s (want 1×%d)", shape(xv), shape(bv), xv.Cols))
	}
	n := newOp("AddBias", xv.Rows, xv.Cols, x, b)
	n.forward = func() {
		brow := bv.Row(0)
		for i := 0; i < xv.Rows; i++ {
			vec.Add(n.value.Row(i), xv.Row(i), brow)
		}
	}
	n.backward = func() {
		if needs(x) {
			vec.Add(x.grad.Data, x.grad.Data, n.grad.Data) // both contiguous
		}
		if needs(b) {
			db := b.grad.Row(0)
			for i := 0; i < n.grad.Rows; i++ {
				vec.Add(db, db, n.grad.Row(i))
			}
		}
	}
	n.forward()
	return n
}

// Sigmoid returns σ(x) = 1/(1+e^−x) element-wise (act.Sigmoid). Backward adds
// dx += dy·y·(1−y) from the output y (act.SigmoidGrad).
func Sigmoid[T vec.Float](x *Node[T]) *Node[T] {
	return elementwise("Sigmoid", x, act.Sigmoid[T], func(dst, _, y, dy []T) { act.SigmoidGrad(dst, y, dy) })
}

// Tanh returns tanh x element-wise (act.Tanh). Backward adds dx += dy·(1−y²)
// from the output y (act.TanhGrad).
func Tanh[T vec.Float](x *Node[T]) *Node[T] {
	return elementwise("Tanh", x, act.Tanh[T], func(dst, _, y, dy []T) { act.TanhGrad(dst, y, dy) })
}

// ReLU returns max(x, 0) element-wise (act.ReLU). Backward adds dx += dy·[x>0]
// from the input x (act.ReLUGrad; the derivative at 0 is taken as 0).
func ReLU[T vec.Float](x *Node[T]) *Node[T] {
	return elementwise("ReLU", x, act.ReLU[T], func(dst, x, _, dy []T) { act.ReLUGrad(dst, x, dy) })
}

// LeakyReLU returns x where x > 0 and alpha·x elsewhere (act.LeakyReLU).
// Backward adds dx += dy where x > 0 and alpha·dy elsewhere
// (act.LeakyReLUGrad).
func LeakyReLU[T vec.Float](x *Node[T], alpha T) *Node[T] {
	return elementwise("LeakyReLU", x,
		func(dst, x []T) { act.LeakyReLU(dst, x, alpha) },
		func(dst, x, _, dy []T) { act.LeakyReLUGrad(dst, x, dy, alpha) })
}

// elementwise builds y = f(x) for an element-wise f whose backward kernel
// writes dst = dy·f'(x) from x or y; the result goes through a scratch
// buffer and is added into x's gradient.
func elementwise[T vec.Float](op string, x *Node[T], f func(dst, x []T), df func(dst, x, y, dy []T)) *Node[T] {
	xv := x.value
	n := newOp(op, xv.Rows, xv.Cols, x)
	n.forward = func() { each2(n.value, xv, f) }
	if needs(x) {
		tmp := mat.New[T](xv.Rows, xv.Cols)
		n.backward = func() {
			// tmp, n.value and the gradients are contiguous (made by
			// mat.New); only a leaf's value may be a strided view.
			if fx, ok := flat(xv); ok {
				df(tmp.Data, fx, n.value.Data, n.grad.Data)
			} else {
				for i := 0; i < xv.Rows; i++ {
					df(tmp.Row(i), xv.Row(i), n.value.Row(i), n.grad.Row(i))
				}
			}
			vec.Add(x.grad.Data, x.grad.Data, tmp.Data)
		}
	}
	n.forward()
	return n
}

// Softmax returns the softmax of each row of x (act.Softmax, which subtracts
// the row maximum first). Backward adds, row by row, dx += y⊙(dy − ⟨dy, y⟩)
// (act.SoftmaxGrad).
func Softmax[T vec.Float](x *Node[T]) *Node[T] {
	xv := x.value
	n := newOp("Softmax", xv.Rows, xv.Cols, x)
	n.forward = func() {
		for i := 0; i < xv.Rows; i++ {
			act.Softmax(n.value.Row(i), xv.Row(i))
		}
	}
	if needs(x) {
		tmp := make([]T, xv.Cols)
		n.backward = func() {
			for i := 0; i < xv.Rows; i++ {
				act.SoftmaxGrad(tmp, n.value.Row(i), n.grad.Row(i))
				dx := x.grad.Row(i)
				vec.Add(dx, dx, tmp)
			}
		}
	}
	n.forward()
	return n
}
