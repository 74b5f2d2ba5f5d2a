// Package act holds the element-wise activation functions of neural
// networks on float32 and float64 slices — Exp, Log, Sigmoid, Tanh, SiLU,
// ReLU, LeakyReLU — and their fused backward kernels (SigmoidGrad, TanhGrad,
// SiLUGrad, ReLUGrad, LeakyReLUGrad), which take the upstream gradient dy and return
// the vector-Jacobian product dy ⊙ f'(x) in one pass; and Softmax,
// LogSoftmax and SoftmaxGrad. Each call goes to the kernel of the active ISA
// (see package isa): AVX-512, AVX2+FMA, NEON, or pure Go.
//
// Every function writes its result into dst, which may be the input itself,
// for float32 or float64 slices:
//
//	x := []float32{-1, 0, 1, 2}
//	y := make([]float32, len(x))
//	act.Sigmoid(y, x)             // y = σ(x)
//	act.Tanh(x, x)                // in place
//	act.Softmax(y, x)             // probabilities, summing to 1
//	act.LogSoftmax(y, x)          // log-probabilities, stable for any x
//
// The backward kernels take the upstream gradient dy and return dy ⊙ f'(x),
// the vector-Jacobian product of back-propagation, in one pass. Sigmoid and
// Tanh get the derivative from their output y (which the forward pass has),
// ReLU, LeakyReLU and SiLU from their input x; dy = 1 gives the plain
// derivative:
//
//	act.SigmoidGrad(dx, y, dy)    // dx = dy·y·(1 − y), y = Sigmoid(x)
//	act.ReLUGrad(dx, x, dy)       // dx = dy where x > 0, else 0
//	act.SoftmaxGrad(dx, y, dy)    // dx = y ⊙ (dy − ⟨dy, y⟩), y = Softmax(x)
//
// The contract and the accuracy of every function follow; the algorithms
// and their error analysis are under "How the functions are computed".
//
// # Contract
//
// For every function and ISA:
//   - Slices of any length and offset. The lengths that must match are
//     checked first; a mismatch panics with a message naming the function and
//     the lengths ("act.Exp: len(dst)=3 != len(x)=4"), and nothing is written.
//   - dst may be the same slice as an input (in place); partial overlap is
//     undefined.
//   - No heap allocation.
//   - Reproducible: for the element-wise functions every ISA, the pure-Go
//     one included, returns the same bits for the same input (a NaN result
//     is a NaN on every ISA; its payload is unspecified), on amd64 and arm64
//     alike. Softmax, LogSoftmax and SoftmaxGrad contain a reduction (a sum,
//     a dot product) whose order follows the ISA's vector width, so their
//     last bits may differ between ISAs, within the bound each states; on
//     one ISA they are deterministic.
//
// # Accuracy
//
// Errors are in ULPs of the exact result, measured in its own format
// (subnormal results in units of the smallest subnormal; +Inf counts as
// 2¹²⁸ resp. 2¹⁰²⁴):
//
//	            float32    float64
//	Exp         ≤ 1 ULP    ≤ 1 ULP
//	Log         ≤ 1 ULP    ≤ 1 ULP
//	Sigmoid     ≤ 2 ULP    ≤ 2 ULP
//	Tanh        ≤ 2 ULP    ≤ 2 ULP
//	SiLU        ≤ 1 ULP    ≤ 1.5 ULP
//	GELU        ≤ 1 ULP    ≤ 3 ULP
//	GELUTanh    ≤ 1 ULP    ≤ 1.5 ULP
//
// over the whole domain, subnormal results included. The float32 bounds are
// proven by an exhaustive test over all 2³² inputs (LANES_EXHAUSTIVE=1; the
// ordinary run checks a dense sweep of more than 10⁶ inputs) against float64
// math, whose own error (< 2⁻²⁶ ULP of float32) is added to the bound; the
// float64 bounds come from an error analysis of each algorithm (outlined
// under "How the functions are computed" below) and are checked on random
// inputs spread over the exponent range and on the special values against
// double-double references (error < 2⁻⁹⁰ relative).
// The largest errors measured (float32: all 2³² inputs on AVX-512, AVX2 and
// pure Go, bit-identical, and every 61st input (Exp, Sigmoid, Tanh) or 64th
// (Log) on NEON under qemu; float64: 10⁷ random inputs plus a sweep of the
// subnormal results):
//
//	            float32                   float64
//	Exp         0.9022 ULP (x = 26.69)    0.7507 ULP (subnormal result)
//	Log         0.5004 ULP                0.6076 ULP
//	Sigmoid     1.4797 ULP (x = −4.846)   0.7538 ULP (subnormal result)
//	Tanh        1.2452 ULP (x = 0.8947)   0.6954 ULP
//	SiLU        0.5000 ULP                0.7538 ULP (subnormal result)
//	GELU        0.5000 ULP                2.51 ULP (x = −1.736, where 1 + erf cancels)
//	GELUTanh    0.5000 ULP                0.7220 ULP (subnormal result)
//
// (SiLU float32: every 3rd bit pattern, 1.43·10⁹ inputs, on AVX-512, AVX2
// and pure Go, bit-identical; NEON on the ordinary dense sweep under qemu.)
// (float32 Log and SiLU are computed in float64 lanes; float32 Exp, Sigmoid
// and Tanh in float32 lanes, which doubles their vector width, within the
// bounds.)
//
// ReLU and LeakyReLU are exact (one rounding for alpha·x). The Grad kernels
// round as their formulas are written (see each). SiLUGrad's bound is
// componentwise: at most 4u·|dy|·σ(x)·(1 + 2|x|·σ(−x)) (u = 2⁻⁵³), plus half
// an ULP for float32 and an underflow term for float64 (see SiLUGrad); it is
// a relative bound of a few u except near the zero of the derivative at
// x ≈ −1.2785. Measured against double-double references on 10⁶ inputs
// (every binade, and the inputs nearest to the zero): float64 3.06 u·|dy|·
// σ(x)·(1 + 2|x|σ(−x)); float32 0.5000 ULP, even at the float32 inputs
// nearest to the zero (float64 lanes leave 2²⁹ times the room).
//
// # How the functions are computed (and why every ISA agrees)
//
// The element-wise kernels are bit-identical across ISAs because the pure-Go
// kernels perform exactly the IEEE operations of the SIMD bodies in the same
// order: fused multiply-adds are math.FMA (float64) or a float32 FMA emulated
// exactly in Go (the float64 product, which is exact, plus the sum, with a
// correction where rounding it twice could differ from rounding it once),
// every other product that feeds an addition is rounded by an explicit
// conversion so that the Go compiler cannot fuse it, and selects (clamps,
// special cases) decide identically. float32 Exp, Sigmoid and Tanh compute
// in float32 lanes (16 per AVX-512 vector); float32 Log widens to float64,
// computes there and rounds once (its float64 intermediate is within a tiny
// fraction of an ULP, so the result is within 0.5 ULP plus that).
//
// Exp: x = k·ln2 + r with k = round(x/ln2) (by adding 1.5·2⁵² resp. 1.5·2²³
// in an FMA, which rounds to an integer), |r| ≤ ln2/2. float64: Cody–Waite
// with ln2 = hi + lo (hi has 32 significant bits, so k·hi and x − k·hi are
// exact), r kept as r + rlo; eʳ = s + c where s = 1 + r rounded and c carries
// that rounding error (Fast2Sum), rlo·(1+r) and r²·q(r) with q the degree-12
// Taylor polynomial (remainder < 2⁻⁶²). The result is (s + c)·2ᵏ scaled in
// two steps 2^(k>>1)·2^(k−k>>1), so a subnormal result is rounded once and
// overflow gives +Inf (AVX-512 uses VSCALEF, which rounds identically).
// Error: 0.5 ULP for the final rounding, < 0.25 ULP from c. float32: x is
// clamped to [−104, 89]; rh = x − k·ln2hi is exact (ln2hi = ln 2 rounded to
// float32, |k| ≤ 150), u = −k·ln2lo and r = rh + u; p = r²·P(r) + u with P
// the degree-4 minimax polynomial (Lawson's iteration) for the relative error
// of 1 + r + r²·P(r) on |r| ≤ 0.3466 (< 2⁻²⁷·⁹⁷ with float32 coefficients),
// by Estrin's scheme; eˣ = ((rh + p) + 1)·2ᵏ, scaled as above. Error: 0.5
// ULP (last rounding) + 0.25 (rh + p) + 0.064 (polynomial) + 0.1 (r's rounding
// inside r²·P) + 0.02 (P's roundings) ≤ 0.94 ULP.
//
// Log: x = 2ᵏ·m with m ∈ [√2/2, √2) (by integer arithmetic on the bits; a
// subnormal float64 is first scaled by 2⁵⁴), f = m − 1 exact, s = f/(2+f),
// log m = f − f²/2 + s·(f²/2 + R(s²)) with fdlibm's minimax R (degree 7 in s²
// for float64, 4 for float32). float64 keeps f²/2, f − f²/2 and k·ln2hi + … as
// exact double-word sums (FMA and Fast2Sum), so only the last addition rounds
// at the size of the result.
//
// Sigmoid: with a = |x| and e = e^−a from the Exp reduction, σ(a) =
// 1/(1 + e) and σ(−a) = e/(1 + e). float64: e = (s + c)·2ᵏ, 1 + e as a
// double-word dh + dl, y0 = 1/dh, the residual rr = 1 − (dh + dl)·y0 with
// two FMAs, and the result y0 + y0·rr, or (s + c)·y0·(1 + rr) scaled by 2ᵏ in
// two steps, so results down to the subnormals are within about 1 ULP.
// float32: e = m·2ᵏ with m = (rh + p) + 1 (relative error ≤ 1.25·2⁻²⁴), the
// quotient n/(dh + dl) with n = 1 (x ≥ 0) or e (x < 0; exact unless it is
// subnormal, and then 1 + e rounds to 1 and the result is e itself, rounded
// once), dh + dl = 1 + e exactly: one division y = 1/dh, q0 = n·y, the
// residual n − q0·(dh + dl) by two FMAs and q = q0 + y·residual. Error: m's,
// weighted by e/(1 + e) for x ≥ 0 and 1/(1 + e) for x < 0, plus the last
// rounding: ≤ 1.125 ULP for x ≥ 0, ≤ 1.75 ULP for x < 0.
// Never NaN for a finite or infinite input: σ(+Inf) = 1, σ(−Inf) = 0.
//
// Tanh, with a = |x| (the sign is copied from x at the end, so tanh(−0) =
// −0, tanh(±Inf) = ±1). float64: tanh a = (1 − e)/(1 + e) with e = e^−2a
// (a ≤ 19.5, beyond which tanh rounds to 1), 1 − e and 1 + e formed as
// exact double-words from the parts 2ᵏ·(s + c) of e, so there is no
// cancellation for small a, then one division and a residual correction
// with FMAs. float32: both of
//
//	a < 0.875:  a + (a·z)·P(z), z = a², P of degree 5 (Horner, FMAs): a
//	            Lawson fit of the relative error of tanh on [0, 0.875],
//	            2^−26.4 with float32 coefficients;
//	a ≥ 0.875:  1 − 2t/(1 + t), t = e^−2a = m·2ᵏ from the Exp reduction
//	            (a clamped to 10, where tanh rounds to 1), one division,
//
// then a select. Error below 0.875: the fit, the roundings of z and a·z
// (the correction a·z·P is at most 0.22·a) and the last FMA, about 1 ULP;
// above: t's relative error (≤ 1.25·2⁻²⁴, weighted by 1/(1 + t)), the
// roundings of 1 + t, of the quotient (< 0.3) and of 1 − q: at most about
// 1.3 ULP at a = 0.875, less beyond (measured: 1.2452 ULP at 0.8947). The
// former float32 method (the float64 one in float32 lanes, 0.94 ULP) took
// 20% longer.
//
// SiLU, x·σ(x), reuses the float64 Sigmoid up to its last rounding (float32
// data in float64 lanes, rounded once at the end): σ(|x|) = y0·(1 + rr) and
// σ(−|x|) = (pp + pl)·2ᵏ, and the product with x is kept exact (an FMA
// gives the error of x·y0, resp. x·pp) until one final rounding, followed
// for x < 0 by the scaling by 2ᵏ (so a subnormal result is rounded at most
// twice: ≤ 1.01 ULP; normal results ≤ 0.51 ULP). x is clamped to
// [−760, 45]: below, x·σ(x) rounds to −0, above, SiLU(x) = x. SiLU(−0) = −0
// (the sign of x is kept), SiLU(−Inf) = −0, the limit of x·σ(x); PyTorch's
// x/(1 + e^−x) gives NaN there (−Inf/Inf). SiLUGrad takes σ(x) and
// σ(−x) = 1 − σ(x) both from the same parts, each rounded once, so
// 1 − σ(x) never cancels, then s·(1 + x·t) with one FMA and dy·(…): each of
// these four roundings contributes u relative to its operand, hence the
// bound above. SiLUGrad(+Inf) = dy, SiLUGrad(−Inf) = dy·(−0).
//
// GELU and GELUTanh (float32 data in float64 lanes, rounded once; the
// GELU measurements: dense sweeps of 10⁶ inputs per region, float32 on
// the ordinary sweep) need their arguments as double words: Φ(x) =
// erfc(−x/√2)/2 and σ(z) are e^(−x²/2)- resp. eᶻ-like in the negative
// tail, so x/√2 or z = 2u rounded once would cost x²·u resp. |z|·u
// relative (100 resp. 260 ULP at x = −10). GELU follows fdlibm's erf/erfc
// (s_erf.c): erf v = v + v·R(v²) below |v| = 0.84375, Erx + P(s)/Q(s)
// below 1.25, and erfc v = e^(−v² − 0.5625 + R/S)/v above, where
// x·erfc(v)/2 = e^(−v² − 0.5625 − ln 2/2 + R/S) needs no division; the low
// part of v enters with weight erf′(v). Its float64 bound is fdlibm's:
// the rational functions are evaluated to about 3.5u, which Φ inherits
// where 1 + erf(x/√2) is small against erf (x ∈ [−1.77, −1.19], 2.51 ULP
// measured; 1.97 ULP at −1.763, just beyond); elsewhere ≤ 1.34 ULP
// measured. GELUTanh is x·σ(z) as SiLU, with z for x. GELUGrad =
// dy·(Φ + x·φ) (φ by the exponential of −x²/2 as a double word) is within
// 7u·|dy|·(Φ(x) + |x|·φ(x)) (measured up to 3.55u), GELUTanhGrad =
// dy·σ(z)·(1 + g·σ(−z)) within 8u·|dy|·σ(z)·(1 + |g|·σ(−z)) (measured up
// to 4.81u), plus underflow terms (see each), and for float32 half an ULP
// (measured 0.5768 and 0.5000 ULP, the inputs nearest the derivatives'
// zeros at x ≈ −0.7518 included).
//
// Softmax subtracts the maximum (vec's Max kernel) before exponentiating, so
// no term exceeds 1 and the sum lies in [1, n]; one fused kernel writes
// e^(x−m) and returns the sum, which vec's Scale kernel then divides out
// (multiplying by the rounded 1/sum). LogSoftmax sums e^(x−m) without
// storing it (so dst may alias x) and writes (x − m) − ln sum.
//
// Special values are those of the C library: NaN → NaN; Exp(+Inf) = +Inf,
// Exp(−Inf) = +0, overflow → +Inf, underflow → the correctly rounded
// subnormal or +0; Log(±0) = −Inf, Log(x<0) = NaN, Log(+Inf) = +Inf.
package act
