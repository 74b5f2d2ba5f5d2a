package alg

import k "github.com/lanes-go/lanes/internal/kconst"

// The GELU kernels of package act, in float64 lanes (float32 data is
// widened and the result rounded once): GELU = x·Φ(x) with fdlibm's erf
// and erfc, GELUTanh = x·σ(z) with z = 2u, and their derivatives. Both
// need their argument as a double word: Φ(x) = erfc(−x/√2)/2 and σ(z)
// in the negative tail are e^(−x²/2)- and e^z-like, so an error δ in
// x/√2 or z becomes a relative error of x²·δ resp. δ·|z| (260 ULP for z
// rounded once at x = −10).

// twoSum returns s + e = a + b exactly (Knuth).
func twoSum[V any](o Ops[V], a, b V) (s, e V) {
	s = o.Add(a, b)
	bb := o.Sub(s, a)
	e = o.Add(o.Sub(a, o.Sub(s, bb)), o.Sub(b, bb))
	return s, e
}

// fastTwoSum returns s + e = a + b exactly for |a| ≥ |b| (Dekker).
func fastTwoSum[V any](o Ops[V], a, b V) (s, e V) {
	s = o.Add(a, b)
	return s, o.Sub(b, o.Sub(s, a))
}

// poly is c[0] + x·(c[1] + x·(… + x·c[n])) by Horner's rule with FMAs.
func poly[V any](o Ops[V], x V, c []float64) V {
	n := len(c) - 1
	p := o.FMA(o.F(c[n]), x, o.F(c[n-1]))
	for i := n - 2; i >= 0; i-- {
		p = o.MulAddTo(p, x, o.F(c[i]))
	}
	return p
}

// mulDW is x·(h + l) with x·h kept exact until one rounding.
func mulDW[V any](o Ops[V], x, h, l V) V {
	p := o.Mul(x, h)
	pe := o.FMA(x, h, Neg(o, p))
	return o.Add(p, o.FMA(x, l, pe))
}

// geluQ computes, for xc = x clamped to [GELULo64, GELUHi64], v = xc/√2
// = vh + vl, z = vh² and q = N/D, the rational function of fdlibm's region
// of |v| (PP/QQ in v² below 0.84375, PA/QA in |v| − 1 below 1.25, RA/SA
// resp. RB/SB in 1/v² above): the numerators and denominators are
// selected first, so one division (besides 1/v²) serves every region.
func geluQ[V any](o Ops[V], xc V) (vh, vl, z, q V) {
	vh = o.Mul(xc, o.F(k.InvSqrt2))
	vl = o.FMA(xc, o.F(k.InvSqrt2), Neg(o, vh))
	vl = o.FMA(xc, o.F(k.InvSqrt2Lo), vl)
	z = o.Mul(vh, vh)
	w := o.Div(o.F(1), z)
	near := o.Lt(Abs(o, vh), o.F(k.ErfFar))
	num := o.Sel(near, poly(o, w, k.ErfRA[:]), poly(o, w, k.ErfRB[:]))
	den := o.Sel(near, poly(o, w, k.ErfSA[:]), poly(o, w, k.ErfSB[:]))
	// s = |vh| − 1 is exact (the low part of v is geluPhi's).
	a := Abs(o, vh)
	s := o.Sub(a, o.F(1))
	mid := o.Lt(a, o.F(k.ErfTail))
	num = o.Sel(mid, poly(o, s, k.ErfPA[:]), num)
	den = o.Sel(mid, poly(o, s, k.ErfQA[:]), den)
	small := o.Lt(Abs(o, vh), o.F(k.ErfMid))
	num = o.Sel(small, poly(o, z, k.ErfPP[:]), num)
	den = o.Sel(small, poly(o, z, k.ErfQQ[:]), den)
	return vh, vl, z, o.Div(num, den)
}

// geluPhi is Φ(x) = ph + pl for |v| < 1.25 (elsewhere meaningless):
// below 0.84375, erf v = vh + vh·q + vl·erf′(v) = eh + el and Φ = 1/2 +
// erf(v)/2; above, Φ = (1 ± Erx)/2 ± (q + |v|'s low part·erf′(v))/2 with
// the sign of v. Both are the Fast2Sum of a constant and a smaller term
// (plus el/2 below 0.84375). erf′(v) (ErfD) weighs the low part of v: q
// is evaluated at vh, and taking vl with weight 1 instead costs up to
// 1.8 u of Φ where 1 + erf(v) cancels.
func geluPhi[V any](o Ops[V], vh, vl, z, q V) (ph, pl V) {
	small := o.Lt(Abs(o, vh), o.F(k.ErfMid))
	dv := o.Mul(vl, poly(o, z, k.ErfD[:])) // vl·erf′(v)
	eh, el := fastTwoSum(o, vh, o.FMA(vh, q, dv))
	c0 := o.Sel(small, o.F(0.5), o.Sel(o.Ge(vh, o.F(0)), o.F(k.ErfCHalfP), o.F(k.ErfCHalfN)))
	qm := o.Add(q, o.Xor(dv, SignOf(o, vh))) // PA/QA + |v|'s low part·erf′
	b := o.Sel(small, o.Mul(eh, o.F(0.5)), o.Xor(o.Mul(qm, o.F(0.5)), SignOf(o, vh)))
	ph, pe := fastTwoSum(o, c0, b)
	return ph, o.FMA(o.Sel(small, el, o.F(0)), o.F(0.5), pe)
}

// geluSq is v² = z + zl (zl = hl + 2·vh·vl; vl² < 2⁻⁹⁷ is dropped).
func geluSq[V any](o Ops[V], vh, vl, z V) V {
	hl := o.FMA(vh, vh, Neg(o, z))
	return o.FMA(o.Add(vh, vh), vl, hl)
}

// geluTail is, for |v| ≥ 1.25, T = e^(−v² − GELUTailC + q) =
// |x|·min(Φ(x), 1 − Φ(x)) (erfc v = e^(−v² − 0.5625 + q)/v, and
// x/(2v) = ±1/√2), the exponent −z + (q − C) − zl − Clo as a double word
// (error about 2⁻¹⁰⁴).
func geluTail[V any](o Ops[V], z, zl, q V) V {
	d, de := fastTwoSum(o, o.F(-k.GELUTailC), q) // |q| < 0.25
	eh, el := twoSum(o, Neg(o, z), d)
	el = o.Add(el, o.Sub(de, o.Add(zl, o.F(k.GELUTailCLo))))
	r, w, kx := expPartsLo64(o, eh, &el, k.ExpLo64)
	s, c := expSplit64(o, r, w)
	return Scale(o, o.Add(s, c), kx)
}

func geluClamp[V any](o Ops[V], x V) V {
	return o.ClampHi(o.ClampLo(x, o.F(k.GELULo64)), o.F(k.GELUHi64))
}

// GELU64 is x·Φ(x) = x/2·(1 + erf(x/√2)): x·(ph + pl) with the product
// exact until one rounding for |x/√2| < 1.25, else x − T (x > 0) or −T
// (x < 0) (geluTail); x itself beyond GELUHi64, and x's sign or-ed in
// (GELU(−0) = −0, GELU(−Inf) = −0).
func GELU64[V any](o Ops[V], x V) V {
	xc := geluClamp(o, x)
	vh, vl, z, q := geluQ(o, xc)
	ph, pl := geluPhi(o, vh, vl, z, q)
	yc := mulDW(o, xc, ph, pl)
	mid := o.Lt(Abs(o, vh), o.F(k.ErfTail))
	t := geluTail(o, z, geluSq(o, vh, vl, z), q)
	yt := o.Sel(o.Ge(xc, o.F(0)), o.Sub(xc, t), Neg(o, t))
	y := o.Or(o.Sel(mid, yc, yt), SignOf(o, x))
	return o.Sel(o.Lt(o.F(k.GELUHi64), x), x, y)
}

// GELUGrad64 is dy·(Φ(x) + x·φ(x)), φ(x) = e^(−x²/2)/√(2π): Φ = ph + pl
// (geluPhi), in the tail (x ≥ 0) − T/x; e^(−x²/2) = e^−(z + zl) by the
// exponential of a double word; x·φ + Φ one FMA. Below x = −1, where
// the derivative is negative, the sign is or-ed in, so that an underflow
// gives −0 (the limit at −Inf) rather than +0.
func GELUGrad64[V any](o Ops[V], x, dy V) V {
	xc := geluClamp(o, x)
	vh, vl, z, q := geluQ(o, xc)
	ph, pl := geluPhi(o, vh, vl, z, q)
	zl := geluSq(o, vh, vl, z)
	mid := o.Lt(Abs(o, vh), o.F(k.ErfTail))
	t := geluTail(o, z, zl, q)
	ft := o.Sub(o.Sel(o.Ge(xc, o.F(0)), o.F(1), o.F(0)), o.Div(t, xc))
	ph = o.Sel(mid, ph, ft)
	pl = o.Sel(mid, pl, o.F(0))
	nzl := Neg(o, zl)
	r, w, kx := expPartsLo64(o, Neg(o, z), &nzl, k.ExpLo64)
	s, c := expSplit64(o, r, w)
	phi := o.Mul(Scale(o, o.Add(s, c), kx), o.F(k.InvSqrt2Pi))
	g := o.Add(o.FMA(xc, phi, ph), pl)
	g = o.Sel(o.Lt(x, o.F(-1)), o.Or(g, o.Bits(sign(o))), g)
	return o.Mul(dy, g)
}

// geluTanhArg is z = A·x + B·x³ = x·(A + B·x²) as a double word zh + zl
// (relative error about 2⁻¹⁰⁴), and the low part nl of −|z|.
func geluTanhArg[V any](o Ops[V], x V) (zh, nl V) {
	x2 := o.Mul(x, x)
	x2l := o.FMA(x, x, Neg(o, x2))
	t := o.Mul(o.F(k.GELUTanhB), x2)
	tl := o.FMA(o.F(k.GELUTanhB), x2, Neg(o, t))
	tl = o.FMA(o.F(k.GELUTanhB), x2l, tl)
	tl = o.FMA(o.F(k.GELUTanhBLo), x2, tl)
	vh, ve := twoSum(o, o.F(k.GELUTanhA), t)
	vl := o.Add(ve, o.Add(tl, o.F(k.GELUTanhALo)))
	zh = o.Mul(x, vh)
	zl := o.FMA(x, vh, Neg(o, zh))
	zl = o.FMA(x, vl, zl)
	// −|z| = −|zh| − zl·sign(zh).
	return zh, o.Xor(zl, SignOf(o, Neg(o, zh)))
}

func geluTanhClamp[V any](o Ops[V], x V) V {
	return o.ClampHi(o.ClampLo(x, o.F(k.GELUTanhLo64)), o.F(k.GELUTanhHi64))
}

// GELUTanh64 is x·σ(z), z = 2u = A·x + B·x³ as a double word, σ from
// sigmoidPartsLo64 and the product kept exact before the last rounding,
// as SiLU64 does with z = x.
func GELUTanh64[V any](o Ops[V], x V) V {
	xc := geluTanhClamp(o, x)
	zh, nl := geluTanhArg(o, xc)
	y0, rr, pp, pl, kx := sigmoidPartsLo64(o, zh, &nl, k.GELUTanhZLo)
	p := o.Mul(xc, y0)
	pe := o.FMA(xc, y0, Neg(o, p))
	pos := o.Add(p, o.FMA(p, rr, pe))
	q := o.Mul(xc, pp)
	qe := o.FMA(xc, pp, Neg(o, q))
	ql := o.FMA(xc, pl, qe)
	neg := Scale(o, o.Add(q, ql), kx)
	y := o.Or(o.Sel(o.Ge(xc, o.F(0)), pos, neg), SignOf(o, x))
	return o.Sel(o.Lt(o.F(k.GELUTanhHi64), x), x, y)
}

// GELUTanhGrad64 is dy·(s·(1 + g·t)), s = σ(z), t = σ(−z) (each rounded
// from sigmoidPartsLo64), g = x·dz/dx = x·(A + 3B·x²) with 3B rounded
// (GELUTanhG3), 1 + g·t one FMA.
func GELUTanhGrad64[V any](o Ops[V], x, dy V) V {
	xc := geluTanhClamp(o, x)
	zh, nl := geluTanhArg(o, xc)
	y0, rr, pp, pl, kx := sigmoidPartsLo64(o, zh, &nl, k.GELUTanhZLo)
	sp := o.FMA(y0, rr, y0)
	sn := Scale(o, o.Add(pp, pl), kx)
	pos := o.Ge(xc, o.F(0))
	s := o.Sel(pos, sp, sn)
	t := o.Sel(pos, sn, sp)
	g := o.Mul(xc, o.FMA(o.F(k.GELUTanhG3), o.Mul(xc, xc), o.F(k.GELUTanhA)))
	return o.Mul(dy, o.Mul(s, o.FMA(g, t, o.F(1))))
}
