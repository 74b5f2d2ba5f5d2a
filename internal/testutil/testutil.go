// Package testutil holds what the kernel tests of every lanes package share:
// guard pages, NaN guard elements, input generators with special values, and
// the error bounds of floating-point analysis.
package testutil

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/isa"
)

// Float is float32 | float64 (the internal twin of vec.Float).
type Float = cast.Float

// Lengths is the standard sweep: every length 0..300, then large ones that
// are not multiples of any vector width or unroll. With -short (the race
// and emulated runs) it is every length 0..130, which still crosses every
// unroll boundary of every ISA, and two large ones.
func Lengths() []int {
	last, large := 300, []int{511, 1000, 1024, 4099, 1<<16 + 3}
	if testing.Short() {
		last, large = 130, []int{1000, 4099}
	}
	var ls []int
	for n := 0; n <= last; n++ {
		ls = append(ls, n)
	}
	return append(ls, large...)
}

// Unit returns the unit roundoff u of T: 2⁻²⁴ for float32, 2⁻⁵³ for float64.
func Unit[T Float]() float64 {
	if Is32[T]() {
		return 0x1p-24
	}
	return 0x1p-53
}

// Eta returns the smallest positive subnormal of T, the bound on the absolute
// error of one underflowing multiplication (×½, kept whole for simplicity).
func Eta[T Float]() float64 {
	if Is32[T]() {
		return 0x1p-149
	}
	return 0x1p-1074
}

// Gamma returns γₙ = n·u/(1−n·u) for T (Higham, Accuracy and Stability of
// Numerical Algorithms, §3.1): the relative error bound of a sum or dot
// product of n terms in any order.
func Gamma[T Float](n int) float64 {
	nu := float64(n) * Unit[T]()
	return nu / (1 - nu)
}

// Is32 reports whether T is float32.
func Is32[T Float]() bool { return cast.Is32[T]() }

// ForISA runs f as a subtest once per ISA this CPU and build can run, with
// that ISA's kernel table.
func ForISA(t *testing.T, f func(t *testing.T, k *asm.Table)) {
	for _, isa := range isa.Available() {
		t.Run(string(isa), func(t *testing.T) { f(t, asm.Get(isa)) })
	}
}

// Same reports whether a and b are the same value: equal bits, or both NaN.
func Same[T Float](a, b T) bool {
	if a != a && b != b {
		return true
	}
	return Bits(a) == Bits(b)
}

// Bits returns the IEEE bits of v, widened to uint64.
func Bits[T Float](v T) uint64 {
	if Is32[T]() {
		return uint64(math.Float32bits(float32(v)))
	}
	return math.Float64bits(float64(v))
}

// Kind selects the values Fill draws.
type Kind int

const (
	Normal  Kind = iota // uniform in [-1, 1) times a random power of two in [2⁻⁴, 2⁴]
	Special             // Normal with NaN, ±Inf, ±0 and subnormals mixed in
	Tiny                // mostly subnormal and near-subnormal values
)

// Fill fills x with values of kind k from r.
func Fill[T Float](r *rand.Rand, x []T, k Kind) {
	for i := range x {
		v := (2*r.Float64() - 1) * math.Ldexp(1, r.IntN(9)-4)
		switch k {
		case Special:
			switch r.IntN(16) {
			case 0:
				v = math.NaN()
			case 1:
				v = math.Inf(1)
			case 2:
				v = math.Inf(-1)
			case 3:
				v = math.Copysign(0, -1)
			case 4:
				v = Subnormal[T](r)
			}
		case Tiny:
			v = Subnormal[T](r)
			if r.IntN(4) == 0 {
				v *= 1 << 20
			}
		}
		x[i] = T(v)
	}
}

// Subnormal returns a random subnormal of T (either sign), as a float64.
func Subnormal[T Float](r *rand.Rand) float64 {
	var v float64
	if Is32[T]() {
		v = float64(math.Float32frombits(uint32(r.Uint64N(1<<23-1) + 1)))
	} else {
		v = math.Float64frombits(r.Uint64N(1<<52-1) + 1)
	}
	if r.IntN(2) == 0 {
		v = -v
	}
	return v
}

// HasSpecial reports whether any element is NaN or ±Inf.
func HasSpecial[T Float](xs ...[]T) bool {
	for _, x := range xs {
		for _, v := range x {
			if v != v || math.IsInf(float64(v), 0) {
				return true
			}
		}
	}
	return false
}

// Sentinel is the bit pattern written into guard elements: a signalling NaN
// with a payload no kernel produces.
func Sentinel[T Float]() T {
	if Is32[T]() {
		v := math.Float32frombits(0x7f8badf0)
		return T(v)
	}
	return T(math.Float64frombits(0x7ff0000badf00d00))
}

// Padded is a slice with G guard elements on each side, all Sentinel.
type Padded[T Float] struct {
	buf []T
	G   int
}

// NewPadded returns n elements with g guard elements on each side.
func NewPadded[T Float](n, g int) *Padded[T] {
	p := &Padded[T]{buf: make([]T, n+2*g), G: g}
	for i := range p.buf {
		p.buf[i] = Sentinel[T]()
	}
	return p
}

// S is the inner slice (capacity limited to its length).
func (p *Padded[T]) S() []T { n := len(p.buf) - 2*p.G; return p.buf[p.G : p.G+n : p.G+n] }

// Intact reports whether every guard element still holds the sentinel bits.
func (p *Padded[T]) Intact() bool {
	n := len(p.buf) - 2*p.G
	for i, v := range p.buf {
		if (i < p.G || i >= p.G+n) && Bits(v) != Bits(Sentinel[T]()) {
			return false
		}
	}
	return true
}
