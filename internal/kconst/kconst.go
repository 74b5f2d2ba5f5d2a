// Package kconst holds every numeric constant of the lanes kernels, once.
// The generic kernels of internal/asm and both generators (gen/amd64,
// gen/arm64, through gen/alg) import it, so a coefficient, a split of ln 2
// or a tile size cannot differ between the Go code and the assembly.
//
// Names say where a constant is used: Exp*, Log*, Tanh* (package act's
// float64-lane algorithms), *F32 (its float32-lane ones), BM* (prob's
// Box–Muller transform), Philox*, Zig* and SplitMix* (prob's generators),
// Gemm* (mat's micro-kernel tiles).
package kconst

import "math"

// ---- act: exponential, logarithm, tanh in float64 lanes ----

const (
	Log2e = 0x1.71547652b82fep0   // 1/ln 2 rounded to float64
	Magic = 0x1.8p52              // 1.5·2⁵²: adding it rounds to an integer
	Ln2   = 0x1.62e42fefa39efp-1  // ln 2 rounded to float64
	Ln2Hi = 0x1.62e42feep-1       // ln 2, high 32 bits: k·Ln2Hi is exact for |k| < 2²¹ (fdlibm's ln2_hi)
	Ln2Lo = 0x1.a39ef35793c76p-33 // ln 2 − Ln2Hi rounded to float64 (fdlibm's ln2_lo)

	// log: fdlibm's minimax coefficients of R(z) ≈ 2·atanh(s)/s − 2, z = s²
	// (|error| < 2⁻⁵⁸·⁴⁵); prob's Box–Muller logarithm uses the same ones.
	Lg1 = 6.666666666666735130e-01 // 0x3FE5555555555593
	Lg2 = 3.999999999940941908e-01 // 0x3FD999999997FA04
	Lg3 = 2.857142874366239149e-01 // 0x3FD2492494229359
	Lg4 = 2.222219843214978396e-01 // 0x3FCC71C51D8E78AF
	Lg5 = 1.818357216161805012e-01 // 0x3FC7466496CB03DE
	Lg6 = 1.531383769920937332e-01 // 0x3FC39A09D078C69F
	Lg7 = 1.479819860511658591e-01 // 0x3FC2F112DF3E5244
	// The float32 log (computed in float64 lanes): fdlibm's float32
	// coefficients (|error| < 2⁻³⁴·²⁴).
	LgF1 = 0x1.555554p-1 // 0xaaaaaa.0p-24
	LgF2 = 0x1.999c26p-2 // 0xccce13.0p-25
	LgF3 = 0x1.23d3dcp-2 // 0x91e9ee.0p-25
	LgF4 = 0x1.f13c4cp-3 // 0xf89e26.0p-26

	SqrtHalfBits = 0x3fe6a09e667f3bcd                // bits of the lower end of m's range, ≈ √2/2
	LogShift     = 0x3ff0000000000000 - SqrtHalfBits // added to the bits of x before splitting
	MantMask     = 0x000fffffffffffff                // the mantissa bits of a float64
	ExpoBits     = 0x4330000000000000                // bits of 2⁵², or-ed with a small integer
	ExpoBias     = 0x1p52 + 1023                     // subtracted to get the unbiased exponent
	MagicBits    = 0x4338000000000000                // bits of Magic
	DefaultNaN   = 0x7ff8000000000000                // the quiet NaN the SIMD units produce
	Tiny64       = 0x1p-1022                         // smallest normal float64
	Normalize    = 0x1p54                            // scales a subnormal into the normals
	ExpLo64      = -746.0                            // e^-746 < 2⁻¹⁰⁷⁵: rounds to 0
	ExpHi64      = 710.0                             // e^710 > MaxFloat64
	ExpLo32      = -104.0                            // e^-104 < 2⁻¹⁵⁰: rounds to 0 in float32
	ExpHi32      = 89.0                              // e^89 > MaxFloat32
	TanhHi64     = 19.5                              // tanh x rounds to 1 for x > 19.1
	SiLULo64     = -760.0                            // |x|·e^x < 2⁻¹⁰⁸⁶ below: SiLU and its derivative round to −0
	SiLUHi64     = 45.0                              // σ(x) rounds to 1 and x·e^−x < 2⁻⁶⁰ above
	TanhHi32     = 10.0                              // tanh x rounds to 1 in float32 for x > 9.02
	Sign64       = 0x8000000000000000                // the sign bit of a float64
	Abs64        = 0x7fffffffffffffff                // every bit but the sign
)

// Taylor coefficients 1/n! of eˣ (float64 exp: degree 14; the float32 exp
// in float64 lanes: degree 8).
const (
	ExpC2  = 1.0 / 2
	ExpC3  = 1.0 / 6
	ExpC4  = 1.0 / 24
	ExpC5  = 1.0 / 120
	ExpC6  = 1.0 / 720
	ExpC7  = 1.0 / 5040
	ExpC8  = 1.0 / 40320
	ExpC9  = 1.0 / 362880
	ExpC10 = 1.0 / 3628800
	ExpC11 = 1.0 / 39916800
	ExpC12 = 1.0 / 479001600
	ExpC13 = 1.0 / 6227020800
	ExpC14 = 1.0 / 87178291200
)

// ExpC holds the same coefficients by index n = 0..14, for generators.
var ExpC = [15]float64{1, 1, ExpC2, ExpC3, ExpC4, ExpC5, ExpC6, ExpC7, ExpC8, ExpC9, ExpC10, ExpC11, ExpC12, ExpC13, ExpC14}

// ---- act: exponential, sigmoid, tanh in float32 lanes ----

const (
	Log2eF32     = 0x1.715476p+00 // log₂e rounded to float32
	MagicF32     = 0x1.8p+23      // 1.5·2²³: adding it rounds to an integer
	Ln2HiF32     = 0x1.62e43p-01  // ln 2 rounded to float32
	Ln2LoF32     = -0x1.05c61p-29 // ln 2 − Ln2HiF32 rounded to float32
	MagicF32Bits = 0x4b400000     // bits of MagicF32
	Sign32       = 0x80000000     // the sign bit of a float32
	Abs32        = 0x7fffffff     // every bit but the sign

	// P(r) = E2 + E3·r + E4·r² + E5·r³ + E6·r⁴ ≈ (eʳ − 1 − r)/r²: the
	// minimax fit (Lawson's iteration) of the relative error of
	// 1 + r + r²·P(r) on |r| ≤ 0.34661, rounded to float32.
	E2 = 0x1.fffffcp-02
	E3 = 0x1.555492p-03
	E4 = 0x1.5558f2p-05
	E5 = 0x1.1239e2p-07
	E6 = 0x1.6a2432p-10

	// tanh below TanhT32: tanh a ≈ a + a·z·P(z), z = a², P of degree 5
	// with these coefficients (a Lawson fit of the relative error of tanh
	// on [0, 0.875], 2^−26.4 in float64, then rounded to float32).
	TanhT32 = 0x1.cp-01
	TanhC0  = -0x1.555518p-02
	TanhC1  = 0x1.1104b4p-03
	TanhC2  = -0x1.b86a4p-05
	TanhC3  = 0x1.58582p-06
	TanhC4  = -0x1.caf70ap-08
	TanhC5  = 0x1.67658ap-10
)

// TanhC holds TanhC5..TanhC0, in Horner order.
var TanhC = [6]float64{TanhC5, TanhC4, TanhC3, TanhC2, TanhC1, TanhC0}

// ---- prob: the Box–Muller transform ----
//
// Its logarithm uses Ln2Hi, Ln2Lo and Lg1..Lg7 (fdlibm's e_log.c) with
// every product rounded on its own; act's float64 log uses the same
// constants with fused multiply-adds. The two stay separate algorithms:
// each has results pinned by tests (act's exhaustive ULP maxima, prob's
// SHA-256 of the first 2²⁰ normals).

const (
	// sin and cos on [0, π/4]: Cephes sin.c coefficients.
	BMS0 = 1.58962301576546568060e-10 // 0x3de5d8fd1fd19ccd
	BMS1 = -2.50507477628578072866e-8 // 0xbe5ae5e5a9291f5d
	BMS2 = 2.75573136213857245213e-6  // 0x3ec71de3567d48a1
	BMS3 = -1.98412698295895385996e-4 // 0xbf2a01a019bfdf03
	BMS4 = 8.33333333332211858878e-3  // 0x3f8111111110f7d0
	BMS5 = -1.66666666666666307295e-1 // 0xbfc5555555555548

	BMC0 = -1.13585365213876817300e-11 // 0xbda8fa49a0861a9b
	BMC1 = 2.08757008419747316778e-9   // 0x3e21ee9d7b4e3f05
	BMC2 = -2.75573141792967388112e-7  // 0xbe927e4f7eac4bc6
	BMC3 = 2.48015872888517045348e-5   // 0x3efa01a019c844f5
	BMC4 = -1.38888888888730564116e-3  // 0xbf56c16c16c14f91
	BMC5 = 4.16666666666665929218e-2   // 0x3fa555555555554b

	// BMScale turns the 53 angle bits of an octant into radians.
	BMScale = math.Pi / 4 * 0x1p-53
)

// ---- prob: Philox4x32-10 ----

const (
	PhiloxM0 = 0xD2511F53 // round multipliers
	PhiloxM1 = 0xCD9E8D57
	PhiloxW0 = 0x9E3779B9 // key increments (Weyl sequence)
	PhiloxW1 = 0xBB67AE85
)

// ---- prob: the ziggurat and its private SplitMix64 streams ----

const (
	ZigLayers = 128 // layers of the float32 normal ziggurat

	SplitMixGamma = 0x9E3779B97F4A7C15 // SplitMix64's increment
	SplitMixM1    = 0xBF58476D1CE4E5B9 // its finaliser's multipliers
	SplitMixM2    = 0x94D049BB133111EB
	// ZigPosMul spreads the word positions of the private streams: the
	// state of output k of the value at position p is key + p·ZigPosMul +
	// k·SplitMixGamma.
	ZigPosMul = 0xF1357AEA2E62A9C5
)

// ---- mat: GEMM micro-kernel tiles (MR rows × RowVecs vectors of C) ----

const (
	GemmMR            = 6 // rows of every SIMD tile
	GemmRowVecsAVX512 = 4 // 6×4 ZMM: 24 accumulators + 4 B + 1 broadcast of 32
	GemmRowVecsAVX2   = 2 // 6×2 YMM: 12 + 2 + 1 of 16
	GemmRowVecsNEON   = 4 // 6×4 V: 24 + 4 + 2 broadcasts + alpha, beta = 32
	GemmGenericMR     = 2 // the generic kernel's 2×4 tile
	GemmGenericNR     = 4
	GemmPeakAccs      = 12 // independent FMA chains of peakFMA (> 2 pipes × latency 4)
	// DotMR×DotNR is the tile of the dotTile kernel (rows of A × rows of B;
	// AVX-512: 20 accumulators + 4 A + 1 B of 32 ZMM).
	DotMR = 4
	DotNR = 5
	// GemmInd8MR×GemmInd8RowVecs is the tile of gemmInd8 (AVX-512: 24
	// accumulators + 3 B + 1 broadcast of 32 ZMM).
	GemmInd8MR      = 8
	GemmInd8RowVecs = 3
)
