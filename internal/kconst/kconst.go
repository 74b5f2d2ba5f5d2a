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

// ---- act: GELU (erf form, fdlibm's erf/erfc) and GELUTanh, in float64 lanes ----

// The coefficients of fdlibm's erf and erfc (Sun Microsystems 1993,
// s_erf.c; the same values as glibc's sysdeps/ieee754/dbl-64/s_erf.c and
// Go's math/erf.go, hex bits checked by act's TestErfConsts).
// With v = |x/√2|:
//
//	v < 0.84375:       erf v = v + v·PP(v²)/QQ(v²)          (|error| < 2⁻⁵⁷·⁹⁰)
//	0.84375 ≤ v < 1.25: erf v = Erx + PA(s)/QA(s), s = v − 1  (< 2⁻⁵⁹·⁰⁶)
//	1.25 ≤ v < 1/0.35:  erfc v = e^(−v² − 0.5625 + RA(t)/SA(t))/v, t = 1/v² (< 2⁻⁵⁷·⁹⁰)
//	1/0.35 ≤ v < 28:    the same with RB/SB                  (< 2⁻⁵⁶·¹⁸)
//
// ErfX holds each polynomial's coefficients by power (the denominators'
// constant term 1 included).
const (
	Erx     = 8.45062911510467529297e-01 // 0x3FEB0AC160000000: erf(1) to 24 bits
	ErfMid  = 0.84375                    // 0x3FEB000000000000: the small-v bound
	ErfTail = 1.25                       // 0x3FF4000000000000: the tail bound
	ErfFar  = 0x1.6db6ep+01              // 0x4006DB6E00000000: 1/0.35 as fdlibm compares it
)

var (
	ErfPP = [5]float64{
		1.28379167095512558561e-01,  // 0x3FC06EBA8214DB68
		-3.25042107247001499370e-01, // 0xBFD4CD7D691CB913
		-2.84817495755985104766e-02, // 0xBF9D2A51DBD7194F
		-5.77027029648944159157e-03, // 0xBF77A291236668E4
		-2.37630166566501626084e-05, // 0xBEF8EAD6120016AC
	}
	ErfQQ = [6]float64{1,
		3.97917223959155352819e-01,  // 0x3FD97779CDDADC09
		6.50222499887672944485e-02,  // 0x3FB0A54C5536CEBA
		5.08130628187576562776e-03,  // 0x3F74D022C4D36B0F
		1.32494738004321644526e-04,  // 0x3F215DC9221C1A10
		-3.96022827877536812320e-06, // 0xBED09C4342A26120
	}
	ErfPA = [7]float64{
		-2.36211856075265944077e-03, // 0xBF6359B8BEF77538
		4.14856118683748331666e-01,  // 0x3FDA8D00AD92B34D
		-3.72207876035701323847e-01, // 0xBFD7D240FBB8C3F1
		3.18346619901161753674e-01,  // 0x3FD45FCA805120E4
		-1.10894694282396677476e-01, // 0xBFBC63983D3E28EC
		3.54783043256182359371e-02,  // 0x3FA22A36599795EB
		-2.16637559486879084300e-03, // 0xBF61BF380A96073F
	}
	ErfQA = [7]float64{1,
		1.06420880400844228286e-01, // 0x3FBB3E6618EEE323
		5.40397917702171048937e-01, // 0x3FE14AF092EB6F33
		7.18286544141962662868e-02, // 0x3FB2635CD99FE9A7
		1.26171219808761642112e-01, // 0x3FC02660E763351F
		1.36370839120290507362e-02, // 0x3F8BEDC26B51DD1C
		1.19844998467991074170e-02, // 0x3F888B545735151D
	}
	ErfRA = [8]float64{
		-9.86494403484714822705e-03, // 0xBF843412600D6435
		-6.93858572707181764372e-01, // 0xBFE63416E4BA7360
		-1.05586262253232909814e+01, // 0xC0251E0441B0E726
		-6.23753324503260060396e+01, // 0xC04F300AE4CBA38D
		-1.62396669462573470355e+02, // 0xC0644CB184282266
		-1.84605092906711035994e+02, // 0xC067135CEBCCABB2
		-8.12874355063065934246e+01, // 0xC054526557E4D2F2
		-9.81432934416914548592e+00, // 0xC023A0EFC69AC25C
	}
	ErfSA = [9]float64{1,
		1.96512716674392571292e+01,  // 0x4033A6B9BD707687
		1.37657754143519042600e+02,  // 0x4061350C526AE721
		4.34565877475229228821e+02,  // 0x407B290DD58A1A71
		6.45387271733267880336e+02,  // 0x40842B1921EC2868
		4.29008140027567833386e+02,  // 0x407AD02157700314
		1.08635005541779435134e+02,  // 0x405B28A3EE48AE2C
		6.57024977031928170135e+00,  // 0x401A47EF8E484A93
		-6.04244152148580987438e-02, // 0xBFAEEFF2EE749A62
	}
	ErfRB = [7]float64{
		-9.86494292470009928597e-03, // 0xBF84341239E86F4A
		-7.99283237680523006574e-01, // 0xBFE993BA70C285DE
		-1.77579549177547519889e+01, // 0xC031C209555F995A
		-1.60636384855821916062e+02, // 0xC064145D43C5ED98
		-6.37566443368389627722e+02, // 0xC083EC881375F228
		-1.02509513161107724954e+03, // 0xC09004616A2E5992
		-4.83519191608651397019e+02, // 0xC07E384E9BDC383F
	}
	ErfSB = [8]float64{1,
		3.03380607434824582924e+01,  // 0x403E568B261D5190
		3.25792512996573918826e+02,  // 0x40745CAE221B9F0A
		1.53672958608443695994e+03,  // 0x409802EB189D5118
		3.19985821950859553908e+03,  // 0x40A8FFB7688C246A
		2.55305040643316442583e+03,  // 0x40A3F219CEDF3BE6
		4.74528541206955367215e+02,  // 0x407DA874E79FE763
		-2.24409524465858183362e+01, // 0xC03670E242712D62
	}
)

// ErfD is (2/√π)·e^(−z) to within 0.5% for 0 ≤ z ≤ 1.5625 (Taylor, degree
// 6): erf′(v) at z = v², the weight of the low part of v in erf v (GELU).
var ErfD = [7]float64{TwoOverSqrtPi, -TwoOverSqrtPi, TwoOverSqrtPi / 2, -TwoOverSqrtPi / 6,
	TwoOverSqrtPi / 24, -TwoOverSqrtPi / 120, TwoOverSqrtPi / 720}

// TwoOverSqrtPi is 2/√π rounded.
const TwoOverSqrtPi = 0x1.20dd750429b6dp+0

// GELU's other constants; *Lo is the rest of the exact value (x = hi + lo
// to about 2⁻¹⁰⁶ relative).
const (
	InvSqrt2   = 0x1.6a09e667f3bcdp-1   // 1/√2
	InvSqrt2Lo = -0x1.bdd3413b26456p-55 //
	// GELUTailC is 0.5625 + ln(2)/2: the tail gives x·erfc(v)/2 =
	// e^(−v² − GELUTailC + RA/SA) directly (x/(2v) = ±1/√2).
	GELUTailC   = 0x1.d17217f7d1cf8p-1
	GELUTailCLo = -0x1.950d871319ff0p-55
	InvSqrt2Pi  = 0x1.9884533d43651p-2 // 1/√(2π)
	ErfCHalfP   = (1 + Erx) / 2        // exact: Erx has 24 bits
	ErfCHalfN   = (1 - Erx) / 2        // exact
	GELULo64    = -39.0                // GELU(x) and its derivative round to −0 below (e^(−x²/2) < 2⁻¹⁰⁹⁰)
	GELUHi64    = 10.0                 // GELU(x) rounds to x and its derivative to 1 above

	// GELUTanh: x·σ(z) with z = 2u = A·x + B·x³, A = 2√(2/π),
	// B = 0.044715·A (u = √(2/π)·(x + 0.044715·x³)); its derivative
	// σ(z)·(1 + g·σ(−z)) with g = x·(A + 3B·x²), G3 = 3B rounded.
	GELUTanhA    = 0x1.9884533d43651p+0
	GELUTanhALo  = -0x1.cbc0d30ebfd15p-54
	GELUTanhB    = 0x1.2444f2a4d8b4bp-4
	GELUTanhBLo  = -0x1.6c843a29d1c70p-61
	GELUTanhG3   = 0x1.b6676bf7450f0p-3
	GELUTanhLo64 = -22.0  // |x|·σ(z) < 2⁻¹¹⁰⁰ below: GELUTanh and its derivative round to −0
	GELUTanhHi64 = 10.0   // σ(z) rounds to 1 and g·σ(−z) < 2⁻¹¹⁰ above
	GELUTanhZLo  = -760.0 // the exponential's lower clamp: |x|·e^−760 < 2⁻¹⁰⁹² for |x| ≤ 22
)

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
