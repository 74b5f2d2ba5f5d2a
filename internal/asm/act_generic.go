package asm

import (
	"math"

	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/internal/kconst"
)

// The generic (pure-Go) act kernels. They perform exactly the IEEE
// operations of the generated AVX-512, AVX2 and NEON bodies, in the same
// order, so every ISA returns the same bits (NaN payloads aside):
//
//   - every fused multiply-add is math.FMA (float64) or FMA32 (float32,
//     exact), which the SIMD bodies compute with their own FMA
//     instructions (one rounding either way);
//   - every product that feeds an addition is wrapped in an explicit
//     conversion: the Go specification lets the compiler fuse x*y + z into
//     an FMA otherwise (it does on arm64), and a conversion forbids that;
//   - comparisons and clamps take the same branch for every input the
//     vector selects take, NaN included.
//
// The float32 Exp, Sigmoid and Tanh compute in float32 lanes (16 per
// AVX-512 vector), with error analyses of their own (below) checked over
// all 2³² inputs. The float32 Log and the float32 pieces of Softmax widen
// each element to float64, compute there and round once at the end.

// actPow2 returns 2ᵏ for −1022 ≤ k ≤ 1023 (only the low 12 bits of k+1023
// are used, as the SIMD bodies do).
func actPow2(k int64) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// expParts64 reduces x for the float64 exponential: with k = round(x/ln 2)
// (x clamped to [xlo, 710]; xlo is −746 but for SiLU) and r = x − k·ln 2
// (|r| ≤ ln2/2, kept as r + rlo), it returns r and w with eʳ⁺ʳˡᵒ ≈ 1 + r + w, |w| < 0.07,
// and the bits of magic+k, whose low bits are k.
//
// w = r²·q(r) + rlo·(1 + r) with q the Taylor polynomial of (eʳ−1−r)/r² of
// degree 12 (remainder < 2⁻⁶²·⁶ on |r| ≤ 0.347).
func expParts64(x, xlo float64) (r, w float64, kb uint64) {
	r, rlo, t := expReduce64(x, 0, xlo)
	return r, expPoly64(r, rlo), math.Float64bits(t)
}

// expPartsLo64 is expParts64 of the double word x + xl (|xl| ≤ 2⁻⁴⁰):
// xl joins rlo.
func expPartsLo64(x, xl, xlo float64) (r, w float64, kb uint64) {
	r, rlo, t := expReduce64(x, xl, xlo)
	return r, expPoly64(r, rlo), math.Float64bits(t)
}

// expReduce64 is expParts64's reduction: r + rlo = x + xl − k·ln 2,
// t = magic + k (xl is taken off k·Ln2Lo).
func expReduce64(x, xl, xlo float64) (r, rlo, t float64) {
	if x < xlo {
		x = xlo
	}
	if x > kconst.ExpHi64 {
		x = kconst.ExpHi64
	}
	t = math.FMA(x, kconst.Log2e, kconst.Magic)
	kf := t - kconst.Magic
	hi := math.FMA(kf, -kconst.Ln2Hi, x) // exact
	lo := float64(kf * kconst.Ln2Lo)
	lo -= xl
	r = hi - lo
	rlo = (hi - r) - lo
	return r, rlo, t
}

// expPoly64 is w = r²·q(r) + rlo·(1 + r).
func expPoly64(r, rlo float64) float64 {
	r2 := float64(r * r)
	q := math.FMA(kconst.ExpC14, r, kconst.ExpC13)
	q = math.FMA(q, r, kconst.ExpC12)
	q = math.FMA(q, r, kconst.ExpC11)
	q = math.FMA(q, r, kconst.ExpC10)
	q = math.FMA(q, r, kconst.ExpC9)
	q = math.FMA(q, r, kconst.ExpC8)
	q = math.FMA(q, r, kconst.ExpC7)
	q = math.FMA(q, r, kconst.ExpC6)
	q = math.FMA(q, r, kconst.ExpC5)
	q = math.FMA(q, r, kconst.ExpC4)
	q = math.FMA(q, r, kconst.ExpC3)
	q = math.FMA(q, r, kconst.ExpC2)
	return math.FMA(r2, q, math.FMA(rlo, r, rlo))
}

// expSplit64 returns s + c = 1 + r + w with s = 1 + r rounded and c the
// rest: its rounding error (exact, Fast2Sum) plus w.
func expSplit64(r, w float64) (s, c float64) {
	s = 1 + r
	c = ((1 - s) + r) + w
	return s, c
}

// actK returns k from the bits of magic+k.
func actK(kb uint64) int64 { return int64(kb - kconst.MagicBits) }

// scale2 returns v·2ᵏ rounded once (v normal, −1076 ≤ k ≤ 1024): the two
// factors 2^(k>>1) and 2^(k−k>>1) are normal and the first product is
// exact, so only the second rounds (to a subnormal, or to +Inf).
func scale2(v float64, k int64) float64 {
	k1 := k >> 1
	return float64(float64(v*actPow2(k1)) * actPow2(k-k1))
}

func exp64(x float64) float64 {
	r, w, kb := expParts64(x, kconst.ExpLo64)
	s, c := expSplit64(r, w)
	return scale2(s+c, actK(kb))
}

// sigmoidParts64 returns, for a = |x| (e^−a clamped below at e^lo), y0
// and rr with 1/(1 + e^−a) = y0·(1 + rr) + O(rr²), and p, lo, k with
// e^−a/(1 + e^−a) = (p + lo)·2ᵏ.
func sigmoidParts64(x, lo float64) (y0, rr, p, pl float64, k int64) {
	r, w, kb := expParts64(-math.Abs(x), lo)
	return sigmoidFromExp(r, w, kb)
}

// sigmoidPartsLo64 is sigmoidParts64 of a double word x + xl, given the low
// part nl of −|x + xl|.
func sigmoidPartsLo64(x, nl, lo float64) (y0, rr, p, pl float64, k int64) {
	r, w, kb := expPartsLo64(-math.Abs(x), nl, lo)
	return sigmoidFromExp(r, w, kb)
}

// sigmoidFromExp is the rest of sigmoidParts64, from e^−a's reduction.
func sigmoidFromExp(r, w float64, kb uint64) (y0, rr, p, pl float64, k int64) {
	s, c := expSplit64(r, w)
	k = actK(kb)
	// e^−a = (mh + ml)·2ᵏ ≤ 1 with mh = s + c rounded, ml its error.
	mh := s + c
	ml := c - (mh - s)
	eh := scale2(mh, k)
	el := scale2(ml, k)
	dh := 1 + eh
	dl := ((1 - dh) + eh) + el // 1 + e^−a = dh + dl, |dl| ≤ 2⁻⁵²
	y0 = 1 / dh
	rr = math.FMA(-dh, y0, 1)
	rr = math.FMA(-dl, y0, rr) // 1/(1+e^−a) = y0·(1 + rr) + O(rr²)
	// σ(−a) = e^−a/(1 + e^−a) = (mh + ml)·y0·(1 + rr)·2ᵏ.
	p = float64(mh * y0)
	pe := math.FMA(mh, y0, -p)
	pl = math.FMA(p, rr, pe)
	pl = math.FMA(ml, y0, pl)
	return y0, rr, p, pl, k
}

func sigmoid64(x float64) float64 {
	y0, rr, p, pl, k := sigmoidParts64(x, kconst.ExpLo64)
	if x >= 0 {
		return math.FMA(y0, rr, y0)
	}
	return scale2(p+pl, k)
}

// siluClamp clamps x to [SiLULo64, SiLUHi64] (NaN stays NaN).
func siluClamp(x float64) float64 {
	if x < kconst.SiLULo64 {
		x = kconst.SiLULo64
	}
	if x > kconst.SiLUHi64 {
		x = kconst.SiLUHi64
	}
	return x
}

// silu64 is x·σ(x) with the product exact before the last rounding:
// x·y0·(1 + rr) = p + (p·rr + pe) for x ≥ 0 (p + pe = x·y0 exactly),
// x·(sp + sl)·2ᵏ = (q + ql)·2ᵏ for x < 0; x itself beyond SiLUHi64, and
// x's sign or-ed in (SiLU(−0) = −0).
func silu64(x float64) float64 {
	if x > kconst.SiLUHi64 {
		return x
	}
	xc := siluClamp(x)
	y0, rr, sp, sl, k := sigmoidParts64(xc, kconst.SiLULo64)
	var y float64
	if xc >= 0 {
		p := float64(xc * y0)
		pe := math.FMA(xc, y0, -p)
		y = p + math.FMA(p, rr, pe)
	} else {
		q := float64(xc * sp)
		qe := math.FMA(xc, sp, -q)
		ql := math.FMA(xc, sl, qe)
		y = scale2(q+ql, k)
	}
	return math.Float64frombits(math.Float64bits(y) | math.Float64bits(x)&(1<<63))
}

// siluGrad64 is dy·(s·(1 + x·t)) with s = σ(x) and t = σ(−x), both from
// sigmoidParts64 (so 1 − σ(x) has no cancellation), 1 + x·t one FMA.
func siluGrad64(x, dy float64) float64 {
	xc := siluClamp(x)
	y0, rr, p, pl, k := sigmoidParts64(xc, kconst.SiLULo64)
	sp := math.FMA(y0, rr, y0)
	sn := scale2(p+pl, k)
	s, t := sn, sp
	if xc >= 0 {
		s, t = sp, sn
	}
	return dy * float64(s*math.FMA(xc, t, 1))
}

func tanh64(x float64) float64 {
	a := math.Abs(x)
	if a > kconst.TanhHi64 {
		a = kconst.TanhHi64
	}
	r, w, kb := expParts64(-2*a, kconst.ExpLo64)
	sc := actPow2(actK(kb)) // −56 ≤ k ≤ 0
	// e^−2a = sc·(1 + th + tl) with th + tl = r + w exactly (Fast2Sum), so
	// 1 − e^−2a = (1 − sc) − sc·th − sc·tl has no cancellation error: for
	// k = 0 it is −th − tl, for k < 0 it is at least 0.29.
	th := r + w
	tl := w - (th - r)
	e := float64(sc * th) // exact
	el := float64(sc * tl)
	n0 := 1 - sc
	n0l := (1 - n0) - sc // 1 − sc = n0 + n0l exactly (Fast2Sum)
	nh := n0 - e
	nl := ((n0 - nh) - e) + (n0l - el)
	d0 := 1 + sc
	d0l := (1 - d0) + sc
	dh := d0 + e
	dl := ((d0 - dh) + e) + (el + d0l)
	// tanh a = (nh + nl)/(dh + dl): one division and a residual correction.
	inv := 1 / dh
	q0 := float64(nh * inv)
	rr := math.FMA(-q0, dh, nh)
	rr = rr + nl
	rr = math.FMA(-q0, dl, rr)
	q := math.FMA(rr, inv, q0)
	return math.Copysign(q, x)
}

func log64(x float64) float64 {
	switch {
	case x != x:
		return x
	case x < 0:
		return math.Float64frombits(kconst.DefaultNaN)
	case x == 0:
		return math.Inf(-1)
	case x > math.MaxFloat64:
		return x
	}
	xs, kadj := x, 0.0
	if x < kconst.Tiny64 {
		xs, kadj = x*kconst.Normalize, 54
	}
	ix := math.Float64bits(xs) + kconst.LogShift
	kf := math.Float64frombits(ix>>52|kconst.ExpoBits) - kconst.ExpoBias
	kf = kf - kadj
	m := math.Float64frombits(ix&kconst.MantMask + kconst.SqrtHalfBits)
	f := m - 1 // exact; m ∈ [√2/2, √2)
	hf := 0.5 * f
	h := float64(hf * f)
	hl := math.FMA(hf, f, -h) // f²/2 = h + hl exactly
	d := 2 + f
	s := f / d
	z := float64(s * s)
	w := float64(z * z)
	t1 := float64(w * math.FMA(math.FMA(kconst.Lg6, w, kconst.Lg4), w, kconst.Lg2))
	t2 := float64(z * math.FMA(math.FMA(math.FMA(kconst.Lg7, w, kconst.Lg5), w, kconst.Lg3), w, kconst.Lg1))
	r := t1 + t2
	// log m = f − f²/2 + s·(f²/2 + R).
	u := math.FMA(s, h+r, -hl)
	vh := f - h
	vl := (f - vh) - h
	A := float64(kf * kconst.Ln2Hi) // exact
	hi := A + vh
	lo := (A - hi) + vh
	return hi + (lo + (vl + math.FMA(kf, kconst.Ln2Lo, u)))
}

// expParts32 reduces x (a float32 widened) for the float32 exponential:
// k = round(x/ln 2) (x clamped to [−104, 89]), r = x − k·ln 2 in one
// rounding, and Q with eʳ − 1 ≈ r·Q(r) (Taylor of degree 8: relative error
// < 2⁻³⁰·⁷ on |r| ≤ 0.347).
func expParts32(x float64) (r, q float64, kb uint64) {
	if x < kconst.ExpLo32 {
		x = kconst.ExpLo32
	}
	if x > kconst.ExpHi32 {
		x = kconst.ExpHi32
	}
	t := math.FMA(x, kconst.Log2e, kconst.Magic)
	kf := t - kconst.Magic
	r = math.FMA(kf, -kconst.Ln2, x)
	q = math.FMA(kconst.ExpC8, r, kconst.ExpC7)
	q = math.FMA(q, r, kconst.ExpC6)
	q = math.FMA(q, r, kconst.ExpC5)
	q = math.FMA(q, r, kconst.ExpC4)
	q = math.FMA(q, r, kconst.ExpC3)
	q = math.FMA(q, r, kconst.ExpC2)
	q = math.FMA(q, r, 1)
	return r, q, math.Float64bits(t)
}

// The float32 exponential runs in float32 lanes (16 per AVX-512 vector):
//
//	k  = round(x·log₂e)             (x clamped to [−104, 89]; an FMA with 1.5·2²³)
//	rh = x − k·ln2hi                (exact: ln2hi has 24 bits, |k| ≤ 150, |rh| < 0.35)
//	u  = k·(−ln2lo), r = rh + u     (r rounded; used only inside the polynomial)
//	p  = r²·P(r) + u                (P: degree-4 minimax, Estrin's scheme)
//	eˣ = 2ᵏ·((rh + p) + 1)          (two roundings, then an exact scaling, or
//	                                 for a subnormal result one more rounding)
//
// Error in ULPs of the result: 0.5 for 1 + s, ≤ 0.25 for s = rh + p
// (|s| < 0.42), ≤ 0.064 for the polynomial (relative error < 2⁻²⁷·⁹ with the
// float32 coefficients, TestExpPoly32), ≤ 0.1 for r's rounding inside r²·P(r),
// and below 0.02 for P's own roundings: ≤ 0.94 ULP; the exhaustive test
// over all 2³² inputs measures 0.9022 (package act). A subnormal result
// adds its final rounding to a scaled-down error: ≤ 0.5 + 0.47.
// pow2F32 returns 2ᵏ for −126 ≤ k ≤ 127 (only the low 9 bits of k+127 are
// used, as the SIMD bodies do).
func pow2F32(k int32) float32 { return math.Float32frombits(uint32(k+127) << 23) }

// scale32 returns v·2ᵏ rounded once (v ∈ [0.5, 2), −150 ≤ k ≤ 128): the
// first product is exact and normal, so only the second rounds.
func scale32(v float32, k int32) float32 {
	k1 := k >> 1
	return float32(float32(v*pow2F32(k1)) * pow2F32(k-k1))
}

// expCore32 returns rh, p and k with eˣ ≈ 2ᵏ·(1 + (rh + p)), for x
// already clamped to [−104, 89].
func expCore32(x float32) (rh, p float32, k int32) {
	t := FMA32(x, kconst.Log2eF32, kconst.MagicF32)
	kf := t - kconst.MagicF32
	rh = FMA32(kf, -kconst.Ln2HiF32, x) // exact
	u := float32(kf * -kconst.Ln2LoF32)
	r := rh + u
	r2 := float32(r * r)
	a := FMA32(kconst.E3, r, kconst.E2)
	b := FMA32(kconst.E5, r, kconst.E4)
	p = FMA32(kconst.E6, r2, b)
	p = FMA32(p, r2, a) // P(r), by Estrin's scheme
	p = FMA32(p, r2, u)
	return rh, p, int32(math.Float32bits(t) - kconst.MagicF32Bits)
}

func exp32(x float32) float32 {
	if x < kconst.ExpLo32 {
		x = kconst.ExpLo32
	}
	if x > kconst.ExpHi32 {
		x = kconst.ExpHi32
	}
	rh, p, k := expCore32(x)
	return scale32((rh+p)+1, k)
}

// sigmoid32 is 1/(1 + e⁻ˣ) for x ≥ 0 and e^−a/(1 + e^−a) for x < 0
// (a = |x|), with e^−a = 2ᵏ·m: the quotient n/d (n = 1 or eh = 2ᵏ·m) is
// one division and one residual correction for the rounding of
// d = 1 + 2ᵏ·m (dh + dl exactly). eh is exact unless it is subnormal, and
// then d = 1, dl = eh and the result is eh itself, rounded once. Its error is the
// relative error of m (≤ 1.25·2⁻²⁴: the roundings of rh + p and 1 + s, the
// polynomial) weighted by 1/(1 + e^−a) or e^−a/(1 + e^−a), plus the final
// rounding: ≤ 1.75 ULP (x < 0), ≤ 1.125 ULP (x ≥ 0); measured exhaustively
// in package act.
func sigmoid32(x float32) float32 {
	na := math.Float32frombits(math.Float32bits(x) | 1<<31) // −|x|
	if na < kconst.ExpLo32 {
		na = kconst.ExpLo32
	}
	rh, p, k := expCore32(na)
	m := (rh + p) + 1
	eh := scale32(m, k)
	dh := eh + 1
	dl := (1 - dh) + eh // 1 + eh = dh + dl exactly
	nh := float32(1)
	if !(x >= 0) {
		nh = eh
	}
	y := 1 / dh
	q0 := float32(nh * y)
	res := FMA32(-q0, dh, nh)
	res = FMA32(-q0, dl, res) // nh − q0·(dh + dl)
	return FMA32(res, y, q0)
}

// tanh32 is, for a = |x| (sign restored at the end):
//
//   - a < 0.875: a + (a·z)·P(z), z = a² (P: kconst.TanhC0..C5, Horner);
//   - a ≥ 0.875 (clamped to 10, where tanh rounds to 1): 1 − 2t/(1 + t)
//     with t = e^−2a = 2ᵏ·m from expCore32, one division.
//
// Error, in ULP of the result: below 0.875 the fit (2^−26.4 relative),
// the roundings of z, a·z and P (a correction at most 0.22·a) and the
// final FMA, about 1 ULP; above, the error of t (≤ 1.25·2⁻²⁴ relative,
// weighted by 1/(1 + t)), the roundings of 1 + t and of the quotient
// (q < 0.3) and of 1 − q: ≤ 1.3 ULP at a = 0.875, less beyond. Measured
// exhaustively in package act.
func tanh32(x float32) float32 {
	a := math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
	if a > kconst.TanhHi32 {
		a = kconst.TanhHi32
	}
	z := float32(a * a)
	p := FMA32(kconst.TanhC5, z, kconst.TanhC4)
	p = FMA32(p, z, kconst.TanhC3)
	p = FMA32(p, z, kconst.TanhC2)
	p = FMA32(p, z, kconst.TanhC1)
	p = FMA32(p, z, kconst.TanhC0)
	y := FMA32(float32(a*z), p, a)
	rh, q, k := expCore32(float32(a * -2))
	t := scale32((rh+q)+1, k)
	if !(a < kconst.TanhT32) { // NaN included
		y = 1 - (t+t)/(t+1)
	}
	return math.Float32frombits(math.Float32bits(y) | math.Float32bits(x)&(1<<31))
}

func log32(x float32) float32 {
	xd := float64(x)
	switch {
	case xd != xd:
		return x
	case xd < 0:
		return float32(math.Float64frombits(kconst.DefaultNaN))
	case xd == 0:
		return float32(math.Inf(-1))
	case xd > math.MaxFloat64:
		return x
	}
	ix := math.Float64bits(xd) + kconst.LogShift
	kf := math.Float64frombits(ix>>52|kconst.ExpoBits) - kconst.ExpoBias
	m := math.Float64frombits(ix&kconst.MantMask + kconst.SqrtHalfBits)
	f := m - 1
	s := f / (2 + f)
	z := float64(s * s)
	r := float64(math.FMA(math.FMA(math.FMA(kconst.LgF4, z, kconst.LgF3), z, kconst.LgF2), z, kconst.LgF1) * z)
	h := float64(float64(0.5*f) * f)
	lm := f + math.FMA(s, h+r, -h)
	return float32(math.FMA(kf, kconst.Ln2, lm))
}

func expGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	if cast.Is32[T]() {
		for i, v := range x {
			dst[i] = T(exp32(float32(v)))
		}
		return
	}
	for i, v := range x {
		dst[i] = T(exp64(float64(v)))
	}
}

func logGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	if cast.Is32[T]() {
		for i, v := range x {
			dst[i] = T(log32(float32(v)))
		}
		return
	}
	for i, v := range x {
		dst[i] = T(log64(float64(v)))
	}
}

func sigmoidGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	if cast.Is32[T]() {
		for i, v := range x {
			dst[i] = T(sigmoid32(float32(v)))
		}
		return
	}
	for i, v := range x {
		dst[i] = T(sigmoid64(float64(v)))
	}
}

func tanhGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	if cast.Is32[T]() {
		for i, v := range x {
			dst[i] = T(tanh32(float32(v)))
		}
		return
	}
	for i, v := range x {
		dst[i] = T(tanh64(float64(v)))
	}
}

// siluGeneric: float32 widens to float64, follows silu64 and rounds once
// more.
func siluGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = T(silu64(float64(v)))
	}
}

func siluGradGeneric[T Float](dst, x, dy []T) {
	x, dy = x[:len(dst)], dy[:len(dst)]
	for i, v := range x {
		dst[i] = T(siluGrad64(float64(v), float64(dy[i])))
	}
}

func reluGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	for i, v := range x {
		if v > 0 || v != v {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}

func leakyReluGeneric[T Float](alpha T, dst, x []T) {
	x = x[:len(dst)]
	for i, v := range x {
		if v > 0 {
			dst[i] = v
		} else {
			dst[i] = alpha * v
		}
	}
}

// sigmoidGradGeneric: float32 in float64 (three exact-enough roundings, then
// one to float32), float64 directly.
func sigmoidGradGeneric[T Float](dst, y, dy []T) {
	y, dy = y[:len(dst)], dy[:len(dst)]
	if cast.Is32[T]() {
		for i := range dst {
			v := float64(y[i])
			dst[i] = T(float32(float64(dy[i]) * float64(v*(1-v))))
		}
		return
	}
	for i := range dst {
		v := y[i]
		dst[i] = dy[i] * T(v*(1-v))
	}
}

func tanhGradGeneric[T Float](dst, y, dy []T) {
	y, dy = y[:len(dst)], dy[:len(dst)]
	if cast.Is32[T]() {
		for i := range dst {
			v := float64(y[i])
			dst[i] = T(float32(float64(dy[i]) * math.FMA(-v, v, 1)))
		}
		return
	}
	for i := range dst {
		v := float64(y[i])
		dst[i] = T(float64(dy[i]) * math.FMA(-v, v, 1))
	}
}

func reluGradGeneric[T Float](dst, x, dy []T) {
	x, dy = x[:len(dst)], dy[:len(dst)]
	for i, v := range x {
		switch {
		case v > 0:
			dst[i] = dy[i]
		case v != v:
			dst[i] = v
		default:
			dst[i] = 0
		}
	}
}

func leakyReluGradGeneric[T Float](alpha T, dst, x, dy []T) {
	x, dy = x[:len(dst)], dy[:len(dst)]
	for i, v := range x {
		switch {
		case v > 0:
			dst[i] = dy[i]
		case v != v:
			dst[i] = v
		default:
			dst[i] = alpha * dy[i]
		}
	}
}

// expSubGeneric: float32 widens x and c and subtracts in float64, then
// follows exp32; the sum adds the stored (rounded) values in float64 in four
// partial sums. float64 subtracts in float64 and follows exp64.
func expSubGeneric[T Float](dst, x []T, c T) T {
	x = x[:len(dst)]
	var s [4]float64
	if cast.Is32[T]() {
		cd := float64(c)
		for i, v := range x {
			e := expF32(float64(v) - cd)
			dst[i] = T(e)
			s[i&3] += float64(e)
		}
	} else {
		for i, v := range x {
			e := exp64(float64(v - c))
			dst[i] = T(e)
			s[i&3] += e
		}
	}
	return T((s[0] + s[1]) + (s[2] + s[3]))
}

// expF32 is exp32 on a float64 argument.
func expF32(x float64) float32 {
	r, q, kb := expParts32(x)
	return float32(float64(math.FMA(q, r, 1) * actPow2(actK(kb))))
}

func expSumGeneric[T Float](x []T, c T) T {
	var s [4]float64
	if cast.Is32[T]() {
		cd := float64(c)
		for i, v := range x {
			s[i&3] += float64(expF32(float64(v) - cd))
		}
	} else {
		for i, v := range x {
			s[i&3] += exp64(float64(v - c))
		}
	}
	return T((s[0] + s[1]) + (s[2] + s[3]))
}

func subSubGeneric[T Float](dst, x []T, a, b T) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = (v - a) - b
	}
}

func mulSubGeneric[T Float](d T, dst, y, dy []T) {
	y, dy = y[:len(dst)], dy[:len(dst)]
	for i, v := range y {
		dst[i] = v * (dy[i] - d)
	}
}
