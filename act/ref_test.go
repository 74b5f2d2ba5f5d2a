package act

import "math"

// Double-double references for the float64 functions: values carried as
// hi + lo with about 106 bits, error below 2⁻⁹⁰ relative, far under the
// 2⁻⁵³ of one float64 ULP. Results that may be subnormal or overflow are
// returned as a mantissa m (normal, as a double-double) and a power of two
// 2ᵏ, so the error can be measured without rounding the reference.

type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func fastTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

// The explicit float64 conversions keep the Go compiler from fusing a
// product into a following addition (it does on arm64), which would break
// these error-free transformations.

func twoProd(a, b float64) dd {
	p := float64(a * b)
	return dd{p, math.FMA(a, b, -p)}
}

func ddAdd(a, b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s = fastTwoSum(s.hi, s.lo+t.hi)
	return fastTwoSum(s.hi, s.lo+t.lo)
}

func ddNeg(a dd) dd          { return dd{-a.hi, -a.lo} }
func ddSub(a, b dd) dd       { return ddAdd(a, ddNeg(b)) }
func ddF(a float64) dd       { return dd{a, 0} }
func (a dd) f() float64      { return a.hi + a.lo }
func ddScale(a dd, k int) dd { return dd{math.Ldexp(a.hi, k), math.Ldexp(a.lo, k)} }

func ddMul(a, b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += float64(a.hi*b.lo) + float64(a.lo*b.hi)
	return fastTwoSum(p.hi, p.lo)
}

func ddDiv(a, b dd) dd {
	q1 := a.hi / b.hi
	r := ddSub(a, ddMul(b, ddF(q1)))
	q2 := r.hi / b.hi
	r = ddSub(r, ddMul(b, ddF(q2)))
	q3 := r.hi / b.hi
	return ddAdd(fastTwoSum(q1, q2), ddF(q3))
}

// ln 2 as a double-double (qd library).
var ln2dd = dd{6.931471805599452862e-01, 2.319046813846299558e-17}

// expRef returns m, k with eˣ = m·2ᵏ, 0.7 < m < 1.5, for finite x with
// |x| < 2000.
func expRef(x float64) (dd, int) {
	k := math.Round(x / math.Ln2)
	r := ddSub(ddF(x), ddMul(ddF(k), ln2dd))
	r = ddScale(r, -5) // |r| < 0.0109: 14 Taylor terms leave < 2⁻¹¹⁰
	s := ddF(1)
	for n := 14; n >= 1; n-- {
		s = ddAdd(ddF(1), ddMul(ddDiv(r, ddF(float64(n))), s))
	}
	for range 5 {
		s = ddMul(s, s)
	}
	return s, int(k)
}

// logRef returns ln x for positive finite x (subnormal included). Near 1
// it sums 2·atanh(s), s = (x−1)/(x+1) (x−1 is exact there), so the error is
// relative to the result; elsewhere it takes one Newton step
// y + (x·e^−y − 1) from math.Log, which squares the error of math.Log.
func logRef(x float64) dd {
	if math.Abs(x-1) < 0.25 {
		s := ddDiv(ddF(x-1), ddAdd(ddF(x), ddF(1)))
		s2 := ddMul(s, s)
		sum := ddF(0)
		for n := 41; n >= 1; n -= 2 { // |s| < 1/7: s⁴² < 2⁻¹¹⁷
			sum = ddAdd(ddDiv(ddF(1), ddF(float64(n))), ddMul(s2, sum))
		}
		return ddScale(ddMul(s, sum), 1)
	}
	// math.Log is wrong for subnormal x on amd64 (its assembly does not
	// normalize them, golang/go#56600: math.Log(5e-324) = −709.09), so
	// start from the normalized fraction.
	fr, e := math.Frexp(x)
	y := math.Log(fr) + float64(float64(e)*math.Ln2)
	m, k := expRef(-y)
	t := ddMul(m, ddF(math.Ldexp(x, k))) // ≈ 1; x·2ᵏ is exact and normal
	d := ddSub(t, ddF(1))
	// ln(1+d) = d − d²/2 + …, |d| < 2⁻⁵⁰
	d = ddSub(d, ddScale(ddMul(d, d), -1))
	return ddAdd(ddF(y), d)
}

// sigmoidRef returns m, k with σ(x) = m·2ᵏ.
func sigmoidRef(x float64) (dd, int) {
	if x >= 0 {
		m, k := expRef(-min(x, 1000))
		return ddDiv(ddF(1), ddAdd(ddF(1), ddScale(m, k))), 0
	}
	m, k := expRef(max(x, -1000))
	return ddDiv(m, ddAdd(ddF(1), ddScale(m, k))), k
}

// tanhRef returns tanh x.
func tanhRef(x float64) dd {
	a := math.Abs(x)
	var t dd
	if a < 0x1p-20 {
		a2 := ddMul(ddF(a), ddF(a))
		// a − a³/3 + 2a⁵/15
		p := ddSub(ddF(1), ddMul(a2, ddSub(ddDiv(ddF(1), ddF(3)), ddMul(a2, ddDiv(ddF(2), ddF(15))))))
		t = ddMul(ddF(a), p)
	} else {
		m, k := expRef(-2 * min(a, 100))
		e := ddScale(m, k)
		t = ddDiv(ddSub(ddF(1), e), ddAdd(ddF(1), e))
	}
	if x < 0 {
		t = ddNeg(t)
	}
	return t
}
