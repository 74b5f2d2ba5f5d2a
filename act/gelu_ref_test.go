package act

import "math"

// Double-double references for GELU, GELUTanh and their derivatives (see
// ref_test.go): about 100 correct bits, the constants computed to 300 bits
// (mpmath) and rounded to double-doubles.

var (
	invSqrt2DD   = dd{0x1.6a09e667f3bcdp-1, -0x1.bdd3413b26456p-55} // 1/√2
	invSqrtPiDD  = dd{0x1.20dd750429b6dp-1, 0x1.1ae3a914fed80p-57}  // 1/√π
	invSqrt2PiDD = dd{0x1.9884533d43651p-2, -0x1.cbc0d30ebfd15p-56} // 1/√(2π)
	geluADD      = dd{0x1.9884533d43651p+0, -0x1.cbc0d30ebfd15p-54} // 2√(2/π)
	geluBDD      = dd{0x1.2444f2a4d8b4bp-4, -0x1.6c843a29d1c70p-61} // 0.044715·2√(2/π)
	geluGDD      = dd{0x1.b6676bf7450f0p-3, 0x1.bba7351828aabp-57}  // 3·0.044715·2√(2/π)
)

// expDD returns m, k with e^a = m·2ᵏ for a double-double a, |a| < 2000.
func expDD(a dd) (dd, int) {
	m, k := expRef(a.hi)
	lo := dd{a.lo, 0}
	return ddMul(m, ddAdd(ddF(1), ddAdd(lo, ddF(a.lo*a.lo/2)))), k
}

func ddDivF(a dd, b float64) dd { return ddDiv(a, ddF(b)) }

// phiRefs returns Φ(x) = P·2ᵏ and φ(x) = e^(−x²/2)/√(2π) = p·2ᵏ for finite
// |x| ≤ 40 (k = 0 unless x < −3√2).
func phiRefs(x float64) (P, p dd, k int) {
	v := ddMul(ddF(x), invSqrt2DD)
	v2 := ddMul(v, v)
	e, k := expDD(ddNeg(v2)) // e^(−v²) = e·2ᵏ
	p = ddMul(e, invSqrt2PiDD)
	switch {
	case math.Abs(v.hi) <= 3:
		// erf v = 2/√π·e^(−v²)·Σ 2ⁿ·v^(2n+1)/(2n+1)!! (positive terms).
		two := ddScale(v2, 1)
		term, sum := v, v
		for n := 1; math.Abs(term.hi) > 0x1p-112*math.Abs(sum.hi); n++ {
			term = ddDivF(ddMul(term, two), float64(2*n+1))
			sum = ddAdd(sum, term)
		}
		erf := ddMul(ddMul(ddScale(e, k), ddScale(invSqrtPiDD, 1)), sum)
		return ddScale(ddAdd(ddF(1), erf), -1), ddScale(p, k), 0
	default:
		// erfc w = e^(−w²)/√π·K(w), K = 1/(w + (1/2)/(w + 1/(w + (3/2)/(w + …)))).
		w := v
		if w.hi < 0 {
			w = ddNeg(w)
		}
		// 20 + 1000/w² terms leave less than 2⁻¹¹⁰ (checked with mpmath
		// for w from 3 to 27).
		t := w
		for n := 20 + int(1000/(w.hi*w.hi)); n >= 1; n-- {
			t = ddAdd(w, ddDiv(ddF(float64(n)/2), t))
		}
		q := ddScale(ddMul(ddMul(e, invSqrtPiDD), ddDiv(ddF(1), t)), -1) // erfc(w)/2, times 2ᵏ
		if v.hi < 0 {
			return q, p, k
		}
		return ddSub(ddF(1), ddScale(q, k)), ddScale(p, k), 0
	}
}

// geluRef returns GELU(x) = m·2ᵏ.
func geluRef(x float64) (dd, int) {
	switch {
	case x < -40:
		return ddF(0), 0
	case x > 40:
		return ddF(x), 0
	}
	P, _, k := phiRefs(x)
	return ddMul(ddF(x), P), k
}

// geluGradRef returns GELU'(x)·dy = m·2ᵏ and the scale of GELUGrad's
// stated error, |dy|·(Φ(x) + |x|·φ(x)).
func geluGradRef(x, dy float64) (dd, int, float64) {
	switch {
	case x < -40:
		return ddF(0), 0, 0
	case x > 40:
		return ddF(dy), 0, math.Abs(dy)
	}
	P, p, k := phiRefs(x)
	g := ddAdd(P, ddMul(ddF(x), p))
	scale := math.Abs(dy) * math.Ldexp(P.f()+math.Abs(x)*p.f(), k)
	return ddMul(g, ddF(dy)), k, scale
}

// sigmoidDD returns σ(z) = m·2ᵏ for a double-double z.
func sigmoidDD(z dd) (dd, int) {
	if z.hi >= 0 {
		e, k := expDD(ddNeg(dd{min(z.hi, 1000), z.lo}))
		return ddDiv(ddF(1), ddAdd(ddF(1), ddScale(e, k))), 0
	}
	e, k := expDD(dd{max(z.hi, -1000), z.lo})
	return ddDiv(e, ddAdd(ddF(1), ddScale(e, k))), k
}

// geluTanhZ returns z = 2u = A·x + B·x³ and g = x·dz/dx = x·(A + 3B·x²).
func geluTanhZ(x float64) (z, g dd) {
	xd := ddF(x)
	x2 := ddMul(xd, xd)
	z = ddMul(xd, ddAdd(geluADD, ddMul(geluBDD, x2)))
	g = ddMul(xd, ddAdd(geluADD, ddMul(geluGDD, x2)))
	return z, g
}

// geluTanhRef returns x·σ(z) = m·2ᵏ.
func geluTanhRef(x float64) (dd, int) {
	switch {
	case x < -30:
		return ddF(0), 0
	case x > 30:
		return ddF(x), 0
	}
	z, _ := geluTanhZ(x)
	s, k := sigmoidDD(z)
	return ddMul(ddF(x), s), k
}

// geluTanhGradRef returns dy·s·(1 + g·t) = m·2ᵏ (s = σ(z), t = σ(−z)) and
// the scale of the stated error, |dy|·s·(1 + |g|·t).
func geluTanhGradRef(x, dy float64) (dd, int, float64) {
	switch {
	case x < -30:
		return ddF(0), 0, 0
	case x > 30:
		return ddF(dy), 0, math.Abs(dy)
	}
	z, g := geluTanhZ(x)
	s, k := sigmoidDD(z)
	tm, kt := sigmoidDD(ddNeg(z))
	t := ddScale(tm, kt)
	h := ddAdd(ddF(1), ddMul(g, t))
	scale := math.Abs(dy) * math.Ldexp(s.f(), k) * (1 + math.Abs(g.f())*t.f())
	return ddMul(ddMul(s, h), ddF(dy)), k, scale
}
