package alg

import (
	"math"

	k "github.com/lanes-go/lanes/internal/kconst"
)

// The activation algorithms of package act. The float64-lane ones (Exp64,
// Sigmoid64, Tanh64, Log64, and ExpW32, LogW32 for float32 data widened to
// float64 lanes) keep double-word intermediates; the float32-lane ones
// (Exp32, Sigmoid32, Tanh32) have their own error analyses. Package act
// documents the bounds; its tests check them (exhaustively for float32).

// expParts64 reduces x (clamped to [xlo, ExpHi64]; xlo is ExpLo64 but for
// SiLU, whose results reach further down): k = round(x/ln 2),
// r + rlo = x − k·ln 2 (|r| ≤ ln2/2), and w with e^(r+rlo) ≈ 1 + r + w:
// w = r²·q(r) + rlo·(1 + r), q the Taylor polynomial of (eʳ−1−r)/r² of
// degree 12. It returns r, w and k as Expo.
func expParts64[V any](o Ops[V], x V, xlo float64) (r, w, kx V) {
	return expPartsLo64(o, x, nil, xlo)
}

// expPartsLo64 is expParts64 of x + *xl when xl is not nil (|xl| ≤ 2⁻⁴⁰,
// taken off k·Ln2Lo, so that r + rlo stays a normalized double word and
// w's first-order term rlo·(1 + r) stays accurate; GELU and GELUTanh pass
// their double-word arguments).
func expPartsLo64[V any](o Ops[V], x V, xl *V, xlo float64) (r, w, kx V) {
	x = o.ClampHi(o.ClampLo(x, o.F(xlo)), o.F(k.ExpHi64))
	t := o.FMA(x, o.F(k.Log2e), o.F(k.Magic))
	kf := o.Sub(t, o.F(k.Magic))
	hi := o.FMA(kf, o.F(-k.Ln2Hi), x) // exact
	lo := o.Mul(kf, o.F(k.Ln2Lo))
	if xl != nil {
		lo = o.Sub(lo, *xl)
	}
	r = o.Sub(hi, lo)
	rlo := o.Sub(o.Sub(hi, r), lo)
	r2 := o.Mul(r, r)
	q := o.FMA(o.F(k.ExpC[14]), r, o.F(k.ExpC[13]))
	for n := 12; n >= 2; n-- {
		q = o.MulAddTo(q, r, o.F(k.ExpC[n]))
	}
	w = o.FMA(r2, q, o.FMA(rlo, r, rlo))
	return r, w, Expo(o, t, kf, k.MagicBits)
}

// expSplit64 is 1 + r + w as s + c, s = 1 + r rounded.
func expSplit64[V any](o Ops[V], r, w V) (s, c V) {
	s = o.Add(r, o.F(1))
	c = o.Add(o.Add(o.Sub(o.F(1), s), r), w)
	return s, c
}

// Exp64 is eˣ (≤ 1 ULP).
func Exp64[V any](o Ops[V], x V) V {
	r, w, kx := expParts64(o, x, k.ExpLo64)
	s, c := expSplit64(o, r, w)
	return Scale(o, o.Add(s, c), kx)
}

// sigmoidParts64 is the common part of Sigmoid64, SiLU64 and SiLUGrad64:
// with a = |x| (e^−a clamped below at e^lo), e^−a = eh + el, 1 + e^−a =
// dh + dl, y0 = 1/dh and its residual rr, so that σ(a) = y0·(1 + rr) and
// σ(−a) = (pp + pl)·2ᵏ, scaled last so that no intermediate underflows.
func sigmoidParts64[V any](o Ops[V], x V, lo float64) (y0, rr, pp, pl, kx V) {
	return sigmoidPartsLo64(o, x, nil, lo)
}

// sigmoidPartsLo64 is sigmoidParts64 of a double word x + xl when nl (the
// low part of −|x + xl|) is not nil.
func sigmoidPartsLo64[V any](o Ops[V], x V, nl *V, lo float64) (y0, rr, pp, pl, kx V) {
	r, w, kx := expPartsLo64(o, NegAbs(o, x), nl, lo)
	s, c := expSplit64(o, r, w)
	mh := o.Add(s, c)
	ml := o.Sub(c, o.Sub(mh, s))
	eh := Scale(o, mh, kx)
	el := Scale(o, ml, kx)
	dh := o.Add(eh, o.F(1))
	dl := o.Add(o.Add(o.Sub(o.F(1), dh), eh), el)
	y0 = o.Div(o.F(1), dh)
	rr = o.FNMA(dh, y0, o.F(1))
	rr = o.FNMA(dl, y0, rr)
	pp = o.Mul(mh, y0)
	pe := o.FMA(mh, y0, Neg(o, pp))
	pl = o.FMA(pp, rr, pe)
	pl = o.FMA(ml, y0, pl)
	return y0, rr, pp, pl, kx
}

// Sigmoid64 is 1/(1 + e^−x): y0·(1 + rr) for x ≥ 0, (pp + pl)·2ᵏ for
// x < 0 (sigmoidParts64).
func Sigmoid64[V any](o Ops[V], x V) V {
	y0, rr, pp, pl, kx := sigmoidParts64(o, x, k.ExpLo64)
	pos := o.FMA(y0, rr, y0)
	neg := Scale(o, o.Add(pp, pl), kx)
	return o.Sel(o.Ge(x, o.F(0)), pos, neg)
}

// siluClamp is x clamped to [SiLULo64, SiLUHi64]: below, x·σ(x) and its
// derivative round to −0 (the kernels' results for −Inf); above, σ(x)
// rounds to 1 and x·σ(−x) vanishes against 1.
func siluClamp[V any](o Ops[V], x V) V {
	return o.ClampHi(o.ClampLo(x, o.F(k.SiLULo64)), o.F(k.SiLUHi64))
}

// SiLU64 is x·σ(x), the product kept exact before the last rounding: for
// x ≥ 0, x·y0·(1 + rr) = p + (p·rr + pe) with p + pe = x·y0 exactly; for
// x < 0, x·(pp + pl) = q + ql likewise, scaled by 2ᵏ last. Beyond
// SiLUHi64 the result is x; the sign of x is or-ed in, so SiLU(−0) = −0.
func SiLU64[V any](o Ops[V], x V) V {
	xc := siluClamp(o, x)
	y0, rr, pp, pl, kx := sigmoidParts64(o, xc, k.SiLULo64)
	p := o.Mul(xc, y0)
	pe := o.FMA(xc, y0, Neg(o, p))
	pos := o.Add(p, o.FMA(p, rr, pe))
	q := o.Mul(xc, pp)
	qe := o.FMA(xc, pp, Neg(o, q))
	ql := o.FMA(xc, pl, qe)
	neg := Scale(o, o.Add(q, ql), kx)
	y := o.Or(o.Sel(o.Ge(xc, o.F(0)), pos, neg), SignOf(o, x))
	return o.Sel(o.Lt(o.F(k.SiLUHi64), x), x, y)
}

// SiLUGrad64 is dy·(s·(1 + x·t)) with s = σ(x), t = σ(−x) = 1 − σ(x),
// both rounded from sigmoidParts64 (no cancellation in 1 − σ), and
// 1 + x·t one fused multiply-add.
func SiLUGrad64[V any](o Ops[V], x, dy V) V {
	xc := siluClamp(o, x)
	y0, rr, pp, pl, kx := sigmoidParts64(o, xc, k.SiLULo64)
	sp := o.FMA(y0, rr, y0)           // σ(|x|)
	sn := Scale(o, o.Add(pp, pl), kx) // σ(−|x|)
	pos := o.Ge(xc, o.F(0))
	s := o.Sel(pos, sp, sn)
	t := o.Sel(pos, sn, sp)
	return o.Mul(dy, o.Mul(s, o.FMA(xc, t, o.F(1))))
}

// Tanh64 is tanh x = (1 − e^−2a)/(1 + e^−2a) with a = |x| (clamped to
// TanhHi64), numerator and denominator as double words, one correction
// step of the quotient, and x's sign.
func Tanh64[V any](o Ops[V], x V) V {
	ab := o.ClampHi(Abs(o, x), o.F(k.TanhHi64))
	r, w, kx := expParts64(o, o.Mul(ab, o.F(-2)), k.ExpLo64)
	sc := Pow2(o, kx) // −56 ≤ k ≤ 0
	th := o.Add(r, w)
	tl := o.Sub(w, o.Sub(th, r))
	e := o.Mul(sc, th) // exact
	el := o.Mul(sc, tl)
	n0 := o.Sub(o.F(1), sc)
	n0l := o.Sub(o.Sub(o.F(1), n0), sc) // 1 − sc = n0 + n0l exactly
	nh := o.Sub(n0, e)
	nl := o.Add(o.Sub(o.Sub(n0, nh), e), o.Sub(n0l, el))
	d0 := o.Add(sc, o.F(1))
	d0l := o.Add(o.Sub(o.F(1), d0), sc)
	dh := o.Add(d0, e)
	dl := o.Add(o.Add(o.Sub(d0, dh), e), o.Add(el, d0l))
	inv := o.Div(o.F(1), dh)
	q0 := o.Mul(nh, inv)
	rr := o.FNMA(q0, dh, nh)
	rr = o.Add(rr, nl)
	rr = o.FNMA(q0, dl, rr)
	q := o.FMA(rr, inv, q0)
	return o.Or(Abs(o, q), SignOf(o, x))
}

// logFix applies the special cases of log in order of precedence (they
// exclude each other): +Inf → x, ±0 → −Inf, x < 0 → NaN, NaN → x.
func logFix[V any](o Ops[V], x, y V) V {
	y = o.Sel(o.Eq(x, o.F(math.Inf(1))), x, y)
	y = o.Sel(o.Eq(x, o.F(0)), o.F(math.Inf(-1)), y)
	y = o.Sel(o.Lt(x, o.F(0)), o.Bits(k.DefaultNaN), y)
	return o.Sel(o.Unord(x), x, y)
}

// logSplit returns kf and m with x = 2^kf·m, m ∈ [√2/2, √2), x normal.
func logSplit[V any](o Ops[V], x V) (kf, m V) {
	ix := o.AddI(x, o.Bits(k.LogShift))
	kf = o.Sub(o.Or(o.ShrI(52, ix), o.Bits(k.ExpoBits)), o.F(k.ExpoBias))
	m = o.AddI(o.And(ix, o.Bits(k.MantMask)), o.Bits(k.SqrtHalfBits))
	return kf, m
}

// Log64 is ln x (fdlibm's reduction and polynomial, f²/2 and the sum
// kept as double words): x = 2ᵏ·m, f = m − 1, s = f/(2 + f),
// ln m = f − f²/2 + s·(f²/2 + R(s²)).
func Log64[V any](o Ops[V], x V) V {
	sub := o.Lt(x, o.F(k.Tiny64))
	xs := o.Sel(sub, o.Mul(x, o.F(k.Normalize)), x)
	kadj := o.Sel(sub, o.F(54), o.F(0))
	kf, m := logSplit(o, xs)
	kf = o.Sub(kf, kadj)
	f := o.Sub(m, o.F(1))
	hf := o.Mul(f, o.F(0.5))
	h := o.Mul(hf, f)
	hl := o.FMA(hf, f, Neg(o, h))
	d := o.Add(f, o.F(2))
	s := o.Div(f, d)
	z := o.Mul(s, s)
	w := o.Mul(z, z)
	t1 := o.FMA(o.F(k.Lg6), w, o.F(k.Lg4))
	t1 = o.MulAddTo(t1, w, o.F(k.Lg2))
	t1 = o.Mul(w, t1)
	t2 := o.FMA(o.F(k.Lg7), w, o.F(k.Lg5))
	t2 = o.MulAddTo(t2, w, o.F(k.Lg3))
	t2 = o.MulAddTo(t2, w, o.F(k.Lg1))
	t2 = o.Mul(z, t2)
	r := o.Add(t1, t2)
	u := o.FMA(s, o.Add(h, r), Neg(o, hl))
	vh := o.Sub(f, h)
	vl := o.Sub(o.Sub(f, vh), h)
	A := o.Mul(kf, o.F(k.Ln2Hi)) // exact
	hi := o.Add(A, vh)
	lo := o.Add(o.Sub(A, hi), vh)
	y := o.Add(hi, o.Add(lo, o.Add(vl, o.FMA(kf, o.F(k.Ln2Lo), u))))
	return logFix(o, x, y)
}

// ExpW32 is eˣ of float32 data in float64 lanes (rounded to float32 by the
// caller): k = round(x/ln 2), r = x − k·ln 2, eʳ by its Taylor polynomial
// of degree 8, scaled by 2ᵏ.
func ExpW32[V any](o Ops[V], x V) V {
	x = o.ClampHi(o.ClampLo(x, o.F(k.ExpLo32)), o.F(k.ExpHi32))
	t := o.FMA(x, o.F(k.Log2e), o.F(k.Magic))
	kf := o.Sub(t, o.F(k.Magic))
	r := o.FMA(kf, o.F(-k.Ln2), x)
	q := o.FMA(o.F(k.ExpC[8]), r, o.F(k.ExpC[7]))
	for n := 6; n >= 1; n-- {
		q = o.MulAddTo(q, r, o.F(k.ExpC[n]))
	}
	e := o.FMA(q, r, o.F(1))
	if o.Scalef() {
		return o.ScaleF(e, kf)
	}
	return o.Mul(e, pow2i(o, o.SubI(t, o.Bits(k.MagicBits))))
}

// LogW32 is ln x of float32 data in float64 lanes (fdlibm's float32
// polynomial, rounded to float32 by the caller).
func LogW32[V any](o Ops[V], x V) V {
	kf, m := logSplit(o, x)
	f := o.Sub(m, o.F(1))
	s := o.Div(f, o.Add(f, o.F(2)))
	z := o.Mul(s, s)
	r := o.FMA(o.F(k.LgF4), z, o.F(k.LgF3))
	r = o.MulAddTo(r, z, o.F(k.LgF2))
	r = o.MulAddTo(r, z, o.F(k.LgF1))
	r = o.Mul(r, z)
	h := o.Mul(o.Mul(f, o.F(0.5)), f)
	lm := o.Add(f, o.FMA(s, o.Add(h, r), Neg(o, h)))
	return logFix(o, x, o.FMA(kf, o.F(k.Ln2), lm))
}

// expCore32 is the float32-lane reduction of x (already clamped):
// eˣ ≈ 2ᵏ·(1 + (rh + p)), with r = rh + u = x − k·ln 2 (rh exact) and
// p = r²·P(r) + u, P of degree 4 (Estrin's scheme).
func expCore32[V any](o Ops[V], x V) (rh, p, kx V) {
	t := o.FMA(o.F(k.Log2eF32), x, o.F(k.MagicF32))
	kf := o.Sub(t, o.F(k.MagicF32))
	rh = o.FMA(o.F(-k.Ln2HiF32), kf, x)
	u := o.Mul(kf, o.F(-k.Ln2LoF32))
	r := o.Add(rh, u)
	r2 := o.Mul(r, r)
	a := o.FMA(o.F(k.E3), r, o.F(k.E2))
	b := o.FMA(o.F(k.E5), r, o.F(k.E4))
	p = o.FMA(o.F(k.E6), r2, b)
	p = o.MulAddTo(p, r2, a) // P = (E2 + E3·r) + r²·((E4 + E5·r) + r²·E6)
	p = o.MulAddTo(p, r2, u) // r²·P + u
	return rh, p, Expo(o, t, kf, k.MagicF32Bits)
}

// Exp32 is eˣ in float32 lanes (≤ 1 ULP).
func Exp32[V any](o Ops[V], x V) V {
	x = o.ClampHi(o.ClampLo(x, o.F(k.ExpLo32)), o.F(k.ExpHi32))
	rh, p, kx := expCore32(o, x)
	return Scale(o, o.Add(o.Add(rh, p), o.F(1)), kx)
}

// Sigmoid32 is 1/(1 + e^−x) in float32 lanes: e^−|x| = eh, the quotient
// nh/(1 + eh) (nh = 1 for x ≥ 0, eh otherwise) with one correction step
// against the exact 1 + eh = dh + dl.
func Sigmoid32[V any](o Ops[V], x V) V {
	one := o.F(1)
	// The predicate and the final exponent are taken as early as
	// possible: fewer values live at once lets more vectors interleave.
	pos := o.Ge(x, o.F(0))
	na := o.ClampLo(NegAbs(o, x), o.F(k.ExpLo32))
	rh, p, kx := expCore32(o, na)
	m := o.Add(o.Add(rh, p), one)
	eh := Scale(o, m, kx)
	nh := o.Sel(pos, one, eh)
	dh := o.Add(eh, one)
	dl := o.Add(o.Sub(one, dh), eh)
	y := o.Div(one, dh)
	q0 := o.Mul(nh, y)
	res := o.SubMulTo(nh, q0, dh) // nh is not used again
	res = o.SubMulTo(res, q0, dl)
	return o.MulAddTo(res, y, q0)
}

// Tanh32 is tanh x in float32 lanes: a + a·z·P(z) (z = a², a = |x|)
// below TanhT32, 1 − 2t/(1 + t) with t = e^−2a above; both, then a select
// and x's sign.
func Tanh32[V any](o Ops[V], x V) V {
	one := o.F(1)
	a := o.ClampHi(Abs(o, x), o.F(k.TanhHi32))
	small := o.Lt(a, o.F(k.TanhT32))
	z := o.Mul(a, a)
	p := o.FMA(o.F(k.TanhC[0]), z, o.F(k.TanhC[1]))
	for _, c := range k.TanhC[2:] {
		p = o.MulAddTo(p, z, o.F(c))
	}
	ys := o.FMA(o.Mul(a, z), p, a)
	rh, q, kx := expCore32(o, o.Mul(a, o.F(-2)))
	t := Scale(o, o.Add(o.Add(rh, q), one), kx)
	yl := o.Sub(one, o.Div(o.Add(t, t), o.Add(t, one)))
	return o.Or(o.Sel(small, ys, yl), SignOf(o, x))
}
