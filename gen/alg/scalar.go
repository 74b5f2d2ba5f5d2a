package alg

import (
	"math"

	"github.com/lanes-go/lanes/internal/asm"
)

// Scalar is the Go backend of Ops: one lane, a value is the lane's bits
// (the low 32 for float32 lanes). It performs each operation as the IEEE
// operation of the lane type (float32 fused multiply-adds exactly, with
// asm.FMA32), so running an algorithm on Scalar gives the bits every
// vector backend must give.
type Scalar struct{ Lane int } // 4 or 8

// Scalar64 and Scalar32 are the float64 and float32 lanes.
var (
	Scalar64 = Scalar{8}
	Scalar32 = Scalar{4}
)

func (s Scalar) Size() int { return s.Lane }

func (s Scalar) mask() uint64 {
	if s.Lane == 4 {
		return 1<<32 - 1
	}
	return ^uint64(0)
}

// Float returns the lane's value of bits b as a float64 (exact).
func (s Scalar) Float(b uint64) float64 {
	if s.Lane == 4 {
		return float64(math.Float32frombits(uint32(b)))
	}
	return math.Float64frombits(b)
}

// Of returns the bits of v rounded to the lane type.
func (s Scalar) Of(v float64) uint64 {
	if s.Lane == 4 {
		return uint64(math.Float32bits(float32(v)))
	}
	return math.Float64bits(v)
}

// f2 applies a binary operation in the lane type: op64 on float64 lanes,
// op32 on float32 lanes (Go rounds each float32 operation once).
func (s Scalar) f2(x, y uint64, op64 func(a, b float64) float64, op32 func(a, b float32) float32) uint64 {
	if s.Lane == 4 {
		return uint64(math.Float32bits(op32(math.Float32frombits(uint32(x)), math.Float32frombits(uint32(y)))))
	}
	return math.Float64bits(op64(math.Float64frombits(x), math.Float64frombits(y)))
}

func (s Scalar) F(c float64) uint64   { return s.Of(c) }
func (s Scalar) Bits(b uint64) uint64 { return b & s.mask() }
func (s Scalar) Add(x, y uint64) uint64 {
	return s.f2(x, y, func(a, b float64) float64 { return a + b }, func(a, b float32) float32 { return a + b })
}
func (s Scalar) Sub(x, y uint64) uint64 {
	return s.f2(x, y, func(a, b float64) float64 { return a - b }, func(a, b float32) float32 { return a - b })
}
func (s Scalar) Mul(x, y uint64) uint64 {
	return s.f2(x, y, func(a, b float64) float64 { return a * b }, func(a, b float32) float32 { return a * b })
}
func (s Scalar) Div(x, y uint64) uint64 {
	return s.f2(x, y, func(a, b float64) float64 { return a / b }, func(a, b float32) float32 { return a / b })
}
func (s Scalar) Sqrt(x uint64) uint64 {
	if s.Lane == 4 {
		return s.Of(float64(float32(math.Sqrt(s.Float(x))))) // correctly rounded: double rounding is innocuous for √
	}
	return math.Float64bits(math.Sqrt(math.Float64frombits(x)))
}
func (s Scalar) FMA(x, y, z uint64) uint64 {
	if s.Lane == 4 {
		f := math.Float32frombits
		return uint64(math.Float32bits(asm.FMA32(f(uint32(x)), f(uint32(y)), f(uint32(z)))))
	}
	f := math.Float64frombits
	return math.Float64bits(math.FMA(f(x), f(y), f(z)))
}
func (s Scalar) FNMA(x, y, z uint64) uint64     { return s.FMA(s.neg(x), y, z) }
func (s Scalar) MulAddTo(d, y, z uint64) uint64 { return s.FMA(d, y, z) }
func (s Scalar) SubMulTo(d, x, y uint64) uint64 { return s.FNMA(x, y, d) }
func (s Scalar) neg(x uint64) uint64            { return x ^ (s.mask()>>1 + 1) }
func (s Scalar) ClampLo(x, lo uint64) uint64 {
	if s.Float(x) < s.Float(lo) {
		return lo
	}
	return x
}
func (s Scalar) ClampHi(x, hi uint64) uint64 {
	if s.Float(x) > s.Float(hi) {
		return hi
	}
	return x
}

func (s Scalar) And(x, y uint64) uint64  { return x & y }
func (s Scalar) Or(x, y uint64) uint64   { return x | y }
func (s Scalar) Xor(x, y uint64) uint64  { return x ^ y }
func (s Scalar) AddI(x, y uint64) uint64 { return (x + y) & s.mask() }
func (s Scalar) SubI(x, y uint64) uint64 { return (x - y) & s.mask() }
func (s Scalar) ShlI(n int, x uint64) uint64 {
	return x << n & s.mask()
}
func (s Scalar) ShrI(n int, x uint64) uint64 { return x >> n }
func (s Scalar) SarI(n int, x uint64) uint64 {
	if s.Lane == 4 {
		return uint64(uint32(int32(uint32(x)) >> n))
	}
	return uint64(int64(x) >> n)
}
func (s Scalar) CvtU2F(x uint64) uint64 { return math.Float64bits(float64(x)) }
func (s Scalar) CvtI2F(x uint64) uint64 { return math.Float64bits(float64(int64(x))) }

func (s Scalar) pred(b bool) uint64 {
	if b {
		return s.mask()
	}
	return 0
}
func (s Scalar) Lt(x, y uint64) uint64 { return s.pred(s.Float(x) < s.Float(y)) }
func (s Scalar) Ge(x, y uint64) uint64 { return s.pred(s.Float(x) >= s.Float(y)) }
func (s Scalar) Eq(x, y uint64) uint64 { return s.pred(s.Float(x) == s.Float(y)) }
func (s Scalar) Unord(x uint64) uint64 { return s.pred(s.Float(x) != s.Float(x)) }
func (s Scalar) Odd(x uint64) uint64   { return s.pred(x&1 != 0) }
func (s Scalar) Sel(m, t, f uint64) uint64 {
	if m != 0 {
		return t
	}
	return f
}

// Scalef is false: Scale and Pow2 take the integer exponent and two
// products, as the generic kernels do.
func (s Scalar) Scalef() bool               { return false }
func (s Scalar) ScaleF(v, kf uint64) uint64 { panic("alg.Scalar has no ScaleF") }

var _ Ops[uint64] = Scalar{}
