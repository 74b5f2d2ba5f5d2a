package grad

import (
	"github.com/lanes-go/lanes/internal/par"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// The element-wise passes over a batch (activations, their gradients, the
// sums of gradient contributions) are split into bands of whole rows over
// mat's threads (mat.SetThreads), as mat splits a convolution or a pooling
// over images: band i of every pass goes to the same goroutine, so the rows
// a core wrote in one pass are in its cache for the next. An element-wise
// pass gives the same bits on any split.

// pass names a row pass of a node.
type pass uint8

const (
	passUnary     pass = iota // n.value = f(a.value)
	passBackUnary             // dst = f'(a.value, n.value, n.grad)
	passFlush                 // p.grad += dst
)

// minSplit is the fewest elements a band gets: about 10 µs of an
// element-wise kernel over memory, well above the cost of a fan-out. Tests
// lower it to split small passes.
var minSplit = 1 << 15

// rowJob is one row pass, split into parts bands of rows.
type rowJob[T vec.Float] struct {
	n, p        *Node[T]
	dst         *mat.Dense[T]
	pass        pass
	rows, parts int
}

func (j *rowJob[T]) RunPart(i int) {
	r0, r1 := par.Band(i, j.parts, j.rows)
	switch j.pass {
	case passUnary:
		j.n.unaryRows(r0, r1)
	case passBackUnary:
		j.n.backUnaryRows(j.dst, r0, r1)
	case passFlush:
		addRows(&j.p.grad, j.dst, r0, r1)
	}
}

// rows runs pass ps of node n (with p and dst where the pass needs them)
// over rows×cols elements, split into bands of rows.
func (t *Tape[T]) rows(ps pass, n, p *Node[T], dst *mat.Dense[T], rows, cols int) {
	parts := max(1, min(mat.Threads(), rows, rows*cols/minSplit))
	t.job = rowJob[T]{n: n, p: p, dst: dst, pass: ps, rows: rows, parts: parts}
	t.fan.Run(&t.job, parts)
	t.job = rowJob[T]{}
}

// span is blocks for rows [r0, r1): one block (flat) if every matrix is
// contiguous, else a block per row; blkSpan returns block i of m.
func span[T vec.Float](r0, r1 int, ms ...*mat.Dense[T]) (flat bool, nb int) {
	if blocks(ms...) == 1 {
		return true, 1
	}
	return false, r1 - r0
}

func blkSpan[T vec.Float](m *mat.Dense[T], flat bool, r0, r1, i int) []T {
	if flat {
		lo, hi := r0*m.Cols, r1*m.Cols
		return m.Data[lo:hi:hi]
	}
	return m.Row(r0 + i)
}

// addRows adds rows [r0, r1) of s to those of d.
func addRows[T vec.Float](d, s *mat.Dense[T], r0, r1 int) {
	flat, nb := span(r0, r1, d, s)
	for i := 0; i < nb; i++ {
		x := blkSpan(d, flat, r0, r1, i)
		vec.Add(x, x, blkSpan(s, flat, r0, r1, i))
	}
}
