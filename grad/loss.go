package grad

import (
	"fmt"

	"github.com/lanes-go/lanes/act"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// MSE returns the 1×1 mean squared error (1/N)·Σ (pred − target)² over all
// N elements. Backward adds dpred += (2/N)·(pred − target)·dL and
// dtarget −= the same (target may be a Const or a Param). It panics unless
// pred and target have the same, non-empty, shape.
func MSE[T vec.Float](pred, target *Node[T]) *Node[T] {
	pv, tv := pred.value, target.value
	if !sameShape(pv, tv) || pv.Rows*pv.Cols == 0 {
		panic(fmt.Sprintf("grad.MSE: pred is %s, target is %s (want the same non-empty shape)", shape(pv), shape(tv)))
	}
	N := T(pv.Rows * pv.Cols)
	diff := mat.New[T](pv.Rows, pv.Cols)
	n := newOp("MSE", 1, 1, pred, target)
	n.forward = func() {
		for i := 0; i < pv.Rows; i++ {
			vec.Sub(diff.Row(i), pv.Row(i), tv.Row(i))
		}
		n.value.Data[0] = vec.Dot(diff.Data, diff.Data) / N
	}
	n.backward = func() {
		s := 2 * n.grad.Data[0] / N
		if needs(pred) {
			vec.Axpy(s, diff.Data, pred.grad.Data)
		}
		if needs(target) {
			vec.Axpy(-s, diff.Data, target.grad.Data)
		}
	}
	n.forward()
	return n
}

// SoftmaxCrossEntropy returns the 1×1 mean cross-entropy of the rows of the
// m×k logits against the integer class labels (len(labels) = m, each in
// [0, k)):
//
//	L = −(1/m)·Σᵢ log softmax(zᵢ)[labels[i]]
//
// computed with act.LogSoftmax, which subtracts the row maximum, so no
// logit is too large. Backward adds dz += (softmax(z) − onehot(labels))·dL/m.
// The labels slice is kept, not copied: change its elements and call Forward
// to use new labels. It panics if the lengths or shapes disagree or the
// logits are empty, and (at construction or in Forward, before anything is
// written) if a label is out of range.
func SoftmaxCrossEntropy[T vec.Float](logits *Node[T], labels []int) *Node[T] {
	zv := logits.value
	if len(labels) != zv.Rows || zv.Rows*zv.Cols == 0 {
		panic(fmt.Sprintf("grad.SoftmaxCrossEntropy: logits are %s, len(labels)=%d (want %d labels and non-empty logits)", shape(zv), len(labels), zv.Rows))
	}
	m, k := zv.Rows, zv.Cols
	logp := mat.New[T](m, k)
	n := newOp("SoftmaxCrossEntropy", 1, 1, logits)
	n.forward = func() {
		for i, c := range labels {
			if c < 0 || c >= k {
				panic(fmt.Sprintf("grad.SoftmaxCrossEntropy: labels[%d]=%d is not in [0, %d)", i, c, k))
			}
		}
		var sum T
		for i, c := range labels {
			row := logp.Row(i)
			act.LogSoftmax(row, zv.Row(i))
			sum += row[c]
		}
		n.value.Data[0] = -sum / T(m)
	}
	if needs(logits) {
		p := make([]T, k)
		n.backward = func() {
			s := n.grad.Data[0] / T(m)
			for i, c := range labels {
				act.Exp(p, logp.Row(i)) // softmax(zᵢ)
				p[c]--
				vec.Axpy(s, p, logits.grad.Row(i))
			}
		}
	}
	n.forward()
	return n
}

// BinaryCrossEntropy returns the 1×1 mean binary cross-entropy of the
// logits z against the targets y ∈ [0, 1] (same shape), over all N elements:
// the loss of σ(z) against y, computed from z in the stable form
//
//	ℓ(z, y) = max(z, 0) − z·y + log(1 + e^−|z|)
//
// which neither overflows nor takes the log of 0 for any finite z. Backward
// adds dz += (σ(z) − y)·dL/N and, if the targets are a Param, dy −= z·dL/N.
// It panics unless z and y have the same, non-empty, shape.
func BinaryCrossEntropy[T vec.Float](logits, targets *Node[T]) *Node[T] {
	zv, yv := logits.value, targets.value
	if !sameShape(zv, yv) || zv.Rows*zv.Cols == 0 {
		panic(fmt.Sprintf("grad.BinaryCrossEntropy: logits are %s, targets are %s (want the same non-empty shape)", shape(zv), shape(yv)))
	}
	N := T(zv.Rows * zv.Cols)
	tmp := mat.New[T](zv.Rows, zv.Cols)
	n := newOp("BinaryCrossEntropy", 1, 1, logits, targets)
	n.forward = func() {
		var sum T
		for i := 0; i < zv.Rows; i++ {
			z, y, t := zv.Row(i), yv.Row(i), tmp.Row(i)
			for j, zj := range z {
				t[j] = -abs(zj)
				sum += max(zj, 0) - zj*y[j]
			}
		}
		act.Exp(tmp.Data, tmp.Data) // e^−|z| ∈ (0, 1]
		for j := range tmp.Data {
			tmp.Data[j]++
		}
		act.Log(tmp.Data, tmp.Data) // log(1 + e^−|z|) ∈ (0, ln 2]
		n.value.Data[0] = (sum + vec.Sum(tmp.Data)) / N
	}
	n.backward = func() {
		s := n.grad.Data[0] / N
		for i := 0; i < zv.Rows; i++ {
			z, y := zv.Row(i), yv.Row(i)
			if needs(logits) {
				t := tmp.Row(i) // the forward's scratch, free until the next Forward
				act.Sigmoid(t, z)
				vec.Sub(t, t, y)
				vec.Axpy(s, t, logits.grad.Row(i))
			}
			if needs(targets) {
				vec.Axpy(-s, z, targets.grad.Row(i))
			}
		}
	}
	n.forward()
	return n
}

func abs[T vec.Float](x T) T {
	if x < 0 {
		return -x
	}
	return x
}
