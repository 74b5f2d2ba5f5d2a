package prob

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/lanes-go/lanes/internal/asm"
)

// Categorical is the distribution on the categories 0 .. len(P)−1 with
// P(X = i) = P[i] / ΣP: the weights need not sum to 1. It is also the
// distribution behind Multinomial counts.
//
// Bulk draws use a Walker/Vose alias table, built on the first draw (one
// allocation) and kept in the value: draw from a *Categorical (or from the
// result of NewCategorical) and do not change P afterwards, or build a new
// one. Validity: P is non-empty, every weight is finite and ≥ 0, and the
// sum is > 0 and finite; otherwise NewCategorical and Validate return an
// error and the methods panic with its message.
type Categorical[T Float] struct {
	P     []T
	alias *aliasTable
}

// aliasTable is Vose's alias method: column i (chosen uniformly) keeps i
// when the draw's fraction is below accept[i], else gives alias[i].
type aliasTable struct {
	accept []uint64 // acceptance probability · 2⁶⁴ (saturated)
	alias  []int
	src    uintptr // &P[0] it was built from
	n      int
	sum    float64
}

// NewCategorical returns a Categorical with weights p (not copied), its
// alias table built, or an error if the weights are invalid.
func NewCategorical[T Float](p []T) (*Categorical[T], error) {
	c := &Categorical[T]{P: p}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.table()
	return c, nil
}

// Validate returns an error unless the weights are valid (see Categorical).
func (c *Categorical[T]) Validate() error {
	_, err := c.sum()
	return err
}

func (c *Categorical[T]) sum() (float64, error) {
	if len(c.P) == 0 {
		return 0, fmt.Errorf("prob.Categorical: no weights")
	}
	var s float64
	for i, w := range c.P {
		if !(w >= 0) || math.IsInf(float64(w), 1) {
			return 0, fmt.Errorf("prob.Categorical: P[%d]=%v is not finite and ≥ 0", i, w)
		}
		s += float64(w)
	}
	if !(s > 0) || math.IsInf(s, 1) {
		return 0, fmt.Errorf("prob.Categorical: the weights sum to %v, not a finite value > 0", s)
	}
	return s, nil
}

func (c *Categorical[T]) mustSum() float64 {
	s, err := c.sum()
	if err != nil {
		panic(err.Error())
	}
	return s
}

// table returns the alias table, building it if P changed identity or
// length (a weight changed in place is not detected: see Categorical).
func (c *Categorical[T]) table() *aliasTable {
	n := len(c.P)
	if t := c.alias; t != nil && n > 0 && t.n == n && t.src == uintptrOf(c.P) {
		return t
	}
	sum := c.mustSum()
	t := &aliasTable{accept: make([]uint64, n), alias: make([]int, n), src: uintptrOf(c.P), n: n, sum: sum}
	// Vose (1991): scaled probabilities q = n·p; columns with q < 1 are
	// topped up from columns with q ≥ 1.
	q := make([]float64, n)
	small := make([]int, 0, n)
	large := make([]int, 0, n)
	for i, w := range c.P {
		q[i] = float64(w) * float64(n) / sum
		if q[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.accept[s] = fraction(q[s])
		t.alias[s] = l
		q[l] = (q[l] + q[s]) - 1
		if q[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left is 1 up to rounding: always keep the column.
	for _, i := range append(small, large...) {
		t.accept[i] = math.MaxUint64
		t.alias[i] = i
	}
	c.alias = t
	return t
}

// fraction is q·2⁶⁴ for q ∈ [0, 1), saturated.
func fraction(q float64) uint64 {
	if q <= 0 {
		return 0
	}
	if q >= 1 {
		return math.MaxUint64
	}
	return uint64(q * 0x1p64)
}

// draw maps the 64 bits v = w0 | w1<<32 to a category: the column is the
// high word of v·n, the acceptance test uses the low word (the fraction of
// v·n), which is uniform to within n·2⁻⁶⁴.
func (t *aliasTable) draw(w0, w1 uint32) int {
	hi, lo := bits.Mul64(uint64(w0)|uint64(w1)<<32, uint64(t.n))
	a := t.alias[hi]
	if lo < t.accept[hi] { // a conditional move, not a branch
		a = int(hi)
	}
	return a
}

// Sample fills dst with independent categories, two words per draw, the
// same on every ISA and for any chunking of dst. The two words make a
// 64-bit v (the first word low); the 128-bit product v·len(P) gives the
// column of the Walker/Vose alias table (its high 64 bits) and the uniform
// that chooses between the column and its alias (its low 64 bits).
func (c *Categorical[T]) Sample(r *RNG, dst []int) { categoricalFill(asm.Current(), r, c.table(), dst) }

func categoricalFill(k *asm.Table, r *RNG, t *aliasTable, dst []int) {
	if len(dst) == 0 {
		return
	}
	w := wordsOf(dst) // 8 bytes per int: two words, read before written
	if len(w) != 2*len(dst) {
		// 32-bit int: go through scratch.
		for len(dst) > 0 {
			m := min(len(dst), scratchWords/2)
			s := r.scratch[:2*m]
			r.fill(k, s)
			for i := range m {
				dst[i] = t.draw(s[2*i], s[2*i+1])
			}
			dst = dst[m:]
		}
		return
	}
	r.fill(k, w)
	for i := range dst {
		dst[i] = t.draw(w[2*i], w[2*i+1])
	}
}

// Rand returns one draw, the value Sample would write.
func (c *Categorical[T]) Rand(r *RNG) int {
	t := c.table()
	w0 := r.Uint32()
	return t.draw(w0, r.Uint32())
}

// Multinomial sets counts[i] to the number of the n draws (the next n
// values Sample would give) that fell in category i: a multinomial(n, p)
// vector. It panics if len(counts) != len(P) or n < 0. The cost is O(n).
func (c *Categorical[T]) Multinomial(r *RNG, counts []int, n int) {
	if len(counts) != len(c.P) {
		panic(fmt.Sprintf("prob.Categorical.Multinomial: len(counts)=%d != len(P)=%d", len(counts), len(c.P)))
	}
	if n < 0 {
		panic(fmt.Sprintf("prob.Categorical.Multinomial: n=%d < 0", n))
	}
	t := c.table()
	clear(counts)
	k := asm.Current()
	for n > 0 {
		m := min(n, scratchWords/2)
		s := r.scratch[:2*m]
		r.fill(k, s)
		for i := range m {
			counts[t.draw(s[2*i], s[2*i+1])]++
		}
		n -= m
	}
}

// PMF is P(X = i) = P[i]/ΣP, 0 outside 0..len(P)−1.
func (c *Categorical[T]) PMF(i int) T {
	s := c.mustSum()
	if i < 0 || i >= len(c.P) {
		return 0
	}
	return T(float64(c.P[i]) / s)
}

// LogPMF is ln PMF(i).
func (c *Categorical[T]) LogPMF(i int) T { return T(math.Log(float64(c.PMF(i)))) }

// CDF is P(X ≤ i) = Σ_{j ≤ i} P[j]/ΣP (0 for i < 0, 1 for i ≥ len(P)−1).
func (c *Categorical[T]) CDF(i int) T {
	s := c.mustSum()
	if i < 0 {
		return 0
	}
	if i >= len(c.P)-1 {
		return 1
	}
	var a float64
	for _, w := range c.P[:i+1] {
		a += float64(w)
	}
	return T(min(a/s, 1))
}

// Mean is Σ i·P[i]/ΣP.
func (c *Categorical[T]) Mean() T {
	s := c.mustSum()
	var m float64
	for i, w := range c.P {
		m += float64(i) * float64(w)
	}
	return T(m / s)
}

// Variance is Σ (i − Mean)²·P[i]/ΣP.
func (c *Categorical[T]) Variance() T {
	s := c.mustSum()
	var m float64
	for i, w := range c.P {
		m += float64(i) * float64(w)
	}
	m /= s
	var v float64
	for i, w := range c.P {
		d := float64(i) - m
		v += d * d * float64(w)
	}
	return T(v / s)
}
