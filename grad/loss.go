package grad

import (
	"fmt"

	"github.com/lanes-go/lanes/act"
	"github.com/lanes-go/lanes/vec"
)

// MSE records the 1×1 mean squared error (1/N)·Σ (pred − target)² over all
// N elements. Backward: dpred += (2/N)·(pred − target)·dL, dtarget −= the
// same. It panics unless pred and target have the same, non-empty, shape.
func (t *Tape[T]) MSE(pred, target *Node[T]) *Node[T] {
	t.check(pred, "MSE")
	t.check(target, "MSE")
	pv, tv := &pred.value, &target.value
	if !sameShape(pv, tv) || pv.Rows*pv.Cols == 0 {
		panic(fmt.Sprintf("grad: MSE: pred is %s, target is %s (want the same non-empty shape)", shape(pv), shape(tv)))
	}
	n := t.node(opMSE, 1, 1, pred, target, nil)
	n.s.auxM = dense(&n.s.aux, pv.Rows, pv.Cols)
	diff := &n.s.auxM
	nb := blocks(diff, pv, tv)
	for i := 0; i < nb; i++ {
		vec.Sub(blk(diff, i, nb), blk(pv, i, nb), blk(tv, i, nb))
	}
	n.value.Data[0] = vec.Dot(diff.Data, diff.Data) / T(len(diff.Data))
	return n
}

func (n *Node[T]) backMSE() {
	diff := n.auxM()
	s := 2 * n.grad.Data[0] / T(len(diff.Data))
	give(n.a, s, diff)
	give(n.b, -s, diff)
}

// SoftmaxCrossEntropy records the 1×1 mean cross-entropy of the rows of the
// m×k logits against the integer class labels (len(labels) = m, each in
// [0, k)):
//
//	L = −(1/m)·Σᵢ log softmax(zᵢ)[labels[i]]
//
// computed with act.LogSoftmax, which subtracts the row maximum, so no
// logit is too large. Backward: dz += (softmax(z) − onehot(labels))·dL/m.
// The labels are copied, so the caller may refill the slice before
// Backward. It panics, before recording anything, if the lengths disagree,
// the logits are empty or a label is out of range.
func (t *Tape[T]) SoftmaxCrossEntropy(logits *Node[T], labels []int) *Node[T] {
	t.check(logits, "SoftmaxCrossEntropy")
	zv := &logits.value
	m, k := zv.Rows, zv.Cols
	if len(labels) != m || m*k == 0 {
		panic(fmt.Sprintf("grad: SoftmaxCrossEntropy: logits are %s, len(labels)=%d (want %d labels and non-empty logits)", shape(zv), len(labels), m))
	}
	for i, c := range labels {
		if c < 0 || c >= k {
			panic(fmt.Sprintf("grad: SoftmaxCrossEntropy: labels[%d]=%d is not in [0, %d)", i, c, k))
		}
	}
	n := t.node(opSoftmaxCrossEntropy, 1, 1, logits, nil, nil)
	copy(grow(&n.s.ints, m), labels)
	n.s.auxM = dense(&n.s.aux, m, k)
	logp := &n.s.auxM
	var sum T
	for i, c := range labels {
		row := logp.Row(i)
		act.LogSoftmax(row, zv.Row(i))
		sum += row[c]
	}
	n.value.Data[0] = -sum / T(m)
	return n
}

func (n *Node[T]) backSoftmaxCrossEntropy() {
	z := n.a
	if !z.hasGrad {
		return
	}
	logp := n.auxM()
	s := n.grad.Data[0] / T(logp.Rows)
	first := !z.ready
	z.ready = true
	p := grow(&n.s.row, logp.Cols)
	for i, c := range n.s.ints {
		d := z.grad.Row(i)
		if first {
			act.Exp(d, logp.Row(i)) // softmax(zᵢ)
			d[c]--
			vec.Scale(s, d)
			continue
		}
		act.Exp(p, logp.Row(i))
		p[c]--
		vec.Axpy(s, p, d)
	}
}

// BinaryCrossEntropy records the 1×1 mean binary cross-entropy of the
// logits z against the targets y ∈ [0, 1] (same shape), over all N
// elements: the loss of σ(z) against y (PyTorch's
// binary_cross_entropy_with_logits), in the stable form
//
//	ℓ(z, y) = max(z, 0) − z·y + log(1 + e^−|z|)
//
// which neither overflows nor takes the log of 0 for any finite z.
// Backward: dz += (σ(z) − y)·dL/N, dy −= z·dL/N. It panics unless z and y
// have the same, non-empty, shape.
func (t *Tape[T]) BinaryCrossEntropy(logits, targets *Node[T]) *Node[T] {
	t.check(logits, "BinaryCrossEntropy")
	t.check(targets, "BinaryCrossEntropy")
	zv, yv := &logits.value, &targets.value
	if !sameShape(zv, yv) || zv.Rows*zv.Cols == 0 {
		panic(fmt.Sprintf("grad: BinaryCrossEntropy: logits are %s, targets are %s (want the same non-empty shape)", shape(zv), shape(yv)))
	}
	n := t.node(opBinaryCrossEntropy, 1, 1, logits, targets, nil)
	tmp := dense(&n.s.aux, zv.Rows, zv.Cols)
	var sum T
	for i := 0; i < zv.Rows; i++ {
		z, y, tr := zv.Row(i), yv.Row(i), tmp.Row(i)
		for j, zj := range z {
			tr[j] = -abs(zj)
			sum += max(zj, 0) - zj*y[j]
		}
	}
	act.Exp(tmp.Data, tmp.Data) // e^−|z| ∈ (0, 1]
	for j := range tmp.Data {
		tmp.Data[j]++
	}
	act.Log(tmp.Data, tmp.Data) // log(1 + e^−|z|) ∈ (0, ln 2]
	n.value.Data[0] = (sum + vec.Sum(tmp.Data)) / T(len(tmp.Data))
	return n
}

func (n *Node[T]) backBinaryCrossEntropy() {
	z, y := n.a, n.b
	zv, yv := &z.value, &y.value
	s := n.grad.Data[0] / T(zv.Rows*zv.Cols)
	if z.hasGrad {
		dst, sc := n.into(z)
		for i := 0; i < zv.Rows; i++ {
			d := dst.Row(i)
			act.Sigmoid(d, zv.Row(i))
			vec.Sub(d, d, yv.Row(i))
			vec.Scale(s, d)
		}
		n.flush(z, dst, sc)
	}
	give(y, -s, zv)
}

func abs[T vec.Float](x T) T {
	if x < 0 {
		return -x
	}
	return x
}
