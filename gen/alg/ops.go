// Package alg writes each kernel algorithm of lanes once, against Ops, a
// small set of lane-wise vector operations. Every backend implements Ops
// for one ISA: gen/amd64 (AVX2 and AVX-512, with avo), gen/arm64 (NEON,
// with the in-house emitter) and Scalar here, which runs the same
// description on Go values, one lane at a time. The tests run Scalar over
// many inputs and require the bits of the generic kernels of
// internal/asm: an algorithm that changes here changes every ISA at once,
// and a generic kernel that drifts from it fails a test.
//
// (The shape follows the standard library's math/big/internal/asmgen: one
// description per algorithm, one table of instructions per architecture.)
package alg

// Ops is one ISA's vector of lanes, all float64 or all float32 (Size).
// V is the backend's value: a register, a group of registers, a constant
// in memory, or (Scalar) the bits of one lane. Lane predicates (Lt, Ge,
// Eq, Unord) are values too, whatever form the ISA keeps them in (opmask,
// all-ones lanes), and are only passed to Sel.
//
// Every floating-point operation is one IEEE operation with one rounding,
// so a backend must not contract or reassociate. Constants passed to F are
// exactly representable in the lane type (all of kconst's are).
type Ops[V any] interface {
	Size() int // bytes per lane: 8 (float64) or 4 (float32)

	F(c float64) V    // the constant c in every lane
	Bits(b uint64) V  // the bit pattern b (Size bytes) in every lane
	Add(x, y V) V     // x + y
	Sub(x, y V) V     // x − y
	Mul(x, y V) V     // x·y
	Div(x, y V) V     // x/y
	Sqrt(x V) V       // √x
	FMA(x, y, z V) V  // x·y + z, one rounding
	FNMA(x, y, z V) V // z − x·y, one rounding
	// MulAddTo is d·y + z (one rounding) where d is not used again, so a
	// backend may compute it in d's register (a Horner step).
	MulAddTo(d, y, z V) V
	// SubMulTo is d − x·y (one rounding), d not used again.
	SubMulTo(d, x, y V) V
	ClampLo(x, lo V) V // lo if x < lo, else x (NaN stays NaN)
	ClampHi(x, hi V) V // hi if x > hi, else x (NaN stays NaN)

	And(x, y V) V // bitwise
	Or(x, y V) V
	Xor(x, y V) V
	AddI(x, y V) V     // lane integers, modulo 2^(8·Size)
	SubI(x, y V) V     //
	ShlI(n int, x V) V // logical shifts
	ShrI(n int, x V) V //
	// SarI is the arithmetic shift; a backend may compute it on the low 32
	// bits of a 64-bit lane only (AVX2 has no 64-bit form), so callers
	// keep |x| < 2³¹.
	SarI(n int, x V) V
	CvtU2F(x V) V // the lane integer x < 2⁵³ as a float64, exactly (Size 8)
	CvtI2F(x V) V // the signed lane integer |x| < 2⁵³ as a float64 (Size 8)

	Lt(x, y V) V     // x < y, false when either is NaN
	Ge(x, y V) V     // x ≥ y, false when either is NaN
	Eq(x, y V) V     // x = y, false when either is NaN
	Unord(x V) V     // x is NaN
	Odd(x V) V       // the lane integer x is odd
	Sel(m, t, f V) V // t where m holds, else f

	// Scalef reports whether the ISA scales by a power of two in one
	// instruction from a float exponent (AVX-512 VSCALEFPD/PS); ScaleF is
	// that instruction: v·2^⌊k⌋, rounded once.
	Scalef() bool
	ScaleF(v, kf V) V
}

// Neg is −x: the sign bit flipped (exact).
func Neg[V any](o Ops[V], x V) V { return o.Xor(x, o.Bits(sign(o))) }

// Abs is |x|: the sign bit cleared.
func Abs[V any](o Ops[V], x V) V { return o.And(x, o.Bits(sign(o)-1)) }

// NegAbs is −|x|: the sign bit set.
func NegAbs[V any](o Ops[V], x V) V { return o.Or(x, o.Bits(sign(o))) }

// SignOf keeps only the sign bit of x.
func SignOf[V any](o Ops[V], x V) V { return o.And(x, o.Bits(sign(o))) }

func sign[V any](o Ops[V]) uint64 { return 1 << (8*o.Size() - 1) }

// mantBits is the number of explicit mantissa bits of the lane type; bias
// the exponent bias.
func mantBits[V any](o Ops[V]) (mant int, bias uint64) {
	if o.Size() == 4 {
		return 23, 127
	}
	return 52, 1023
}

// Expo is the exponent k of a reduction t = x·log₂e + Magic (kf = t −
// Magic, an integer-valued float), in the form Scale and Pow2 take: kf
// itself when the ISA has ScaleF, else the integer k in the low bits of
// each lane (the bits of t minus those of Magic).
func Expo[V any](o Ops[V], t, kf V, magicBits uint64) V {
	if o.Scalef() {
		return kf
	}
	return o.SubI(t, o.Bits(magicBits))
}

// Pow2 is 2ᵏ from an Expo k whose power is a normal number: with ScaleF
// 1·2ᵏ, else (k + bias) shifted into the exponent field.
func Pow2[V any](o Ops[V], k V) V {
	if o.Scalef() {
		return o.ScaleF(o.F(1), k)
	}
	return pow2i(o, k)
}

func pow2i[V any](o Ops[V], k V) V {
	mant, bias := mantBits(o)
	return o.ShlI(mant, o.AddI(k, o.Bits(bias)))
}

// Scale is v·2ᵏ rounded once, for an Expo k: ScaleF, or two products
// v·2^(k>>1)·2^(k−(k>>1)), the first exact, whose powers are normal for
// every k the kernels produce.
func Scale[V any](o Ops[V], v, k V) V {
	if o.Scalef() {
		return o.ScaleF(v, k)
	}
	k1 := o.SarI(1, k)
	return o.Mul(o.Mul(v, pow2i(o, k1)), pow2i(o, o.SubI(k, k1)))
}
