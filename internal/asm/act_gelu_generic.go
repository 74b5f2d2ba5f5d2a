package asm

import (
	"math"

	"github.com/lanes-go/lanes/internal/kconst"
)

// The generic GELU kernels: gen/alg's GELU64, GELUGrad64, GELUTanh64 and
// GELUTanhGrad64 with the same IEEE operations in the same order (float32
// data widened to float64 and rounded once at the end). Where the vector
// bodies compute every region and select, these compute only the region
// of the element, which gives the same bits.

// poly is gen/alg's poly: c[0] + x·(c[1] + x·(… + x·c[n])), Horner's rule
// with FMAs from the top coefficient.
func poly(x float64, c []float64) float64 {
	p := c[len(c)-1]
	for i := len(c) - 2; i >= 0; i-- {
		p = math.FMA(p, x, c[i])
	}
	return p
}

// xorSign flips the sign of v where s is negative (−0 included).
func xorSign(v, s float64) float64 {
	return math.Float64frombits(math.Float64bits(v) ^ math.Float64bits(s)&(1<<63))
}

// orSign sets the sign of v where s is negative (−0 included).
func orSign(v, s float64) float64 {
	return math.Float64frombits(math.Float64bits(v) | math.Float64bits(s)&(1<<63))
}

func fastTwoSum(a, b float64) (s, e float64) {
	s = a + b
	return s, b - (s - a)
}

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

func geluClamp(x float64) float64 {
	if x < kconst.GELULo64 {
		x = kconst.GELULo64
	}
	if x > kconst.GELUHi64 {
		x = kconst.GELUHi64
	}
	return x
}

// geluParts is alg's geluParts: Φ(x) = ph + pl where mid (|x/√2| < 1.25),
// else t = e^(−v² − GELUTailC + R/S); pos is x ≥ 0, v² = z + zl.
func geluParts(xc float64) (ph, pl, t float64, mid, pos bool, z, zl float64) {
	vh := float64(xc * kconst.InvSqrt2)
	vl := math.FMA(xc, kconst.InvSqrt2, -vh)
	vl = math.FMA(xc, kconst.InvSqrt2Lo, vl)
	a := math.Abs(vh)
	z = float64(vh * vh)
	mid = a < kconst.ErfTail
	pos = vh >= 0
	var num, den float64
	switch {
	case a < kconst.ErfMid:
		num, den = poly(z, kconst.ErfPP[:]), poly(z, kconst.ErfQQ[:])
	case mid:
		s := a - 1
		num, den = poly(s, kconst.ErfPA[:]), poly(s, kconst.ErfQA[:])
	case a < kconst.ErfFar:
		w := 1 / z
		num, den = poly(w, kconst.ErfRA[:]), poly(w, kconst.ErfSA[:])
	default: // NaN too, as the vector selects
		w := 1 / z
		num, den = poly(w, kconst.ErfRB[:]), poly(w, kconst.ErfSB[:])
	}
	q := num / den
	hl := math.FMA(vh, vh, -z)
	zl = math.FMA(vh+vh, vl, hl)
	switch {
	case a < kconst.ErfMid:
		dv := float64(vl * poly(z, kconst.ErfD[:]))
		eh, el := fastTwoSum(vh, math.FMA(vh, q, dv))
		var pe float64
		ph, pe = fastTwoSum(0.5, float64(eh*0.5))
		pl = math.FMA(el, 0.5, pe)
	case mid:
		c0 := kconst.ErfCHalfN
		if pos {
			c0 = kconst.ErfCHalfP
		}
		dv := float64(vl * poly(z, kconst.ErfD[:]))
		qm := q + xorSign(dv, vh)
		var pe float64
		ph, pe = fastTwoSum(c0, xorSign(float64(qm*0.5), vh))
		pl = math.FMA(0, 0.5, pe)
	default:
		d, de := fastTwoSum(-kconst.GELUTailC, q)
		eh, el := twoSum(-z, d)
		el += de - (zl + kconst.GELUTailCLo)
		r, w, kb := expPartsLo64(eh, el, kconst.ExpLo64)
		s, c := expSplit64(r, w)
		t = scale2(s+c, actK(kb))
	}
	return ph, pl, t, mid, pos, z, zl
}

// gelu64 is x·Φ(x) (alg.GELU64).
func gelu64(x float64) float64 {
	if x > kconst.GELUHi64 {
		return x
	}
	xc := geluClamp(x)
	ph, pl, t, mid, pos, _, _ := geluParts(xc)
	var y float64
	switch {
	case mid:
		p := float64(xc * ph)
		pe := math.FMA(xc, ph, -p)
		y = p + math.FMA(xc, pl, pe)
	case pos:
		y = xc - t
	default:
		y = -t
	}
	return orSign(y, x)
}

// geluGrad64 is dy·(Φ(x) + x·φ(x)) (alg.GELUGrad64).
func geluGrad64(x, dy float64) float64 {
	xc := geluClamp(x)
	ph, pl, t, mid, pos, z, zl := geluParts(xc)
	if !mid {
		one := 0.0
		if pos {
			one = 1
		}
		ph, pl = one-t/xc, 0
	}
	r, w, kb := expPartsLo64(-z, -zl, kconst.ExpLo64)
	s, c := expSplit64(r, w)
	phi := float64(scale2(s+c, actK(kb)) * kconst.InvSqrt2Pi)
	g := math.FMA(xc, phi, ph) + pl
	if x < -1 {
		g = math.Float64frombits(math.Float64bits(g) | 1<<63)
	}
	return dy * g
}

func geluTanhClamp(x float64) float64 {
	if x < kconst.GELUTanhLo64 {
		x = kconst.GELUTanhLo64
	}
	if x > kconst.GELUTanhHi64 {
		x = kconst.GELUTanhHi64
	}
	return x
}

// geluTanhArg is z = A·x + B·x³ as zh + zl, returned as zh and the low
// part of −|z| (alg's geluTanhArg).
func geluTanhArg(x float64) (zh, nl float64) {
	x2 := float64(x * x)
	x2l := math.FMA(x, x, -x2)
	t := float64(kconst.GELUTanhB * x2)
	tl := math.FMA(kconst.GELUTanhB, x2, -t)
	tl = math.FMA(kconst.GELUTanhB, x2l, tl)
	tl = math.FMA(kconst.GELUTanhBLo, x2, tl)
	vh, ve := twoSum(kconst.GELUTanhA, t)
	vl := ve + (tl + kconst.GELUTanhALo)
	zh = float64(x * vh)
	zl := math.FMA(x, vh, -zh)
	zl = math.FMA(x, vl, zl)
	return zh, xorSign(zl, -zh)
}

// geluTanh64 is x·σ(z) (alg.GELUTanh64).
func geluTanh64(x float64) float64 {
	if x > kconst.GELUTanhHi64 {
		return x
	}
	xc := geluTanhClamp(x)
	zh, nl := geluTanhArg(xc)
	y0, rr, sp, sl, k := sigmoidPartsLo64(zh, nl, kconst.GELUTanhZLo)
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
	return orSign(y, x)
}

// geluTanhGrad64 is dy·(s·(1 + g·t)) (alg.GELUTanhGrad64).
func geluTanhGrad64(x, dy float64) float64 {
	xc := geluTanhClamp(x)
	zh, nl := geluTanhArg(xc)
	y0, rr, p, pl, k := sigmoidPartsLo64(zh, nl, kconst.GELUTanhZLo)
	sp := math.FMA(y0, rr, y0)
	sn := scale2(p+pl, k)
	s, t := sn, sp
	if xc >= 0 {
		s, t = sp, sn
	}
	g := float64(xc * math.FMA(kconst.GELUTanhG3, float64(xc*xc), kconst.GELUTanhA))
	return dy * float64(s*math.FMA(g, t, 1))
}

func geluGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = T(gelu64(float64(v)))
	}
}

func geluGradGeneric[T Float](dst, x, dy []T) {
	x, dy = x[:len(dst)], dy[:len(dst)]
	for i, v := range x {
		dst[i] = T(geluGrad64(float64(v), float64(dy[i])))
	}
}

func geluTanhGeneric[T Float](dst, x []T) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = T(geluTanh64(float64(v)))
	}
}

func geluTanhGradGeneric[T Float](dst, x, dy []T) {
	x, dy = x[:len(dst)], dy[:len(dst)]
	for i, v := range x {
		dst[i] = T(geluTanhGrad64(float64(v), float64(dy[i])))
	}
}
