package asm

import "math"

// FMA32 returns a·b+c for float32 rounded once, exactly as the FMA
// instructions (VFMADD…PS, FMLA .4S) compute it.
//
// p = a·b is exact in float64 (24+24 ≤ 53 bits), and s = p+c is rounded to
// float64. Rounding s to float32 gives the correctly rounded result unless s
// lies exactly on a float32 halfway point (then the first rounding may have
// moved the exact value onto it): float32 halfway points are float64
// numbers, and rounding to nearest is monotone, so the exact value and s are
// on the same side of every other halfway point. Only that rare case (low 29
// bits of s = 1 followed by zeros), and results below the float32 normal
// range, take the slow path.
func FMA32(a, b, c float32) float32 {
	p := float64(float64(a) * float64(b)) // the conversion forbids fusing
	s := p + float64(c)
	if roundsOnce(s) {
		return float32(s)
	}
	return fma32Slow(p, float64(c), s)
}

// roundsOnce reports whether rounding the float64 sum s to float32 is the
// correctly rounded float32 of the exact sum: s is not a float32 halfway
// point (low 29 bits 1 then zeros) and not below the float32 normal range.
func roundsOnce(s float64) bool {
	b := math.Float64bits(s)
	return b&(1<<29-1) != 1<<28 && b&(0x7ff<<52) >= (1023-126)<<52
}

// axpy32 is y[i] = FMA32(a, x[i], y[i]) with the fast path inline.
func axpy32(a float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		p := float64(float64(a) * float64(v))
		c := float64(y[i])
		s := p + c
		if roundsOnce(s) {
			y[i] = float32(s)
		} else {
			y[i] = fma32Slow(p, c, s)
		}
	}
}

// fma32Slow makes s = p+c round-to-odd from its TwoSum error term and then
// rounds to float32: round-to-odd at 53 bits followed by one rounding to 24
// bits is the correctly rounded result (Boldo & Melquiond, 2008). It is
// kept out of line so that the loops calling it stay tight.
//
//go:noinline
func fma32Slow(p, c, s float64) float32 {
	bb := s - p
	e := (p - (s - bb)) + (c - bb) // s + e == p + c exactly
	if e != 0 && s-s == 0 {        // inexact, and s finite (for Inf or NaN, s-s is NaN)
		if bits := math.Float64bits(s); bits&1 == 0 {
			// Step one ulp towards the exact value: away from zero if e has
			// the sign of s, towards zero otherwise. The last bit becomes odd.
			if (e > 0) == (s > 0) {
				bits++
			} else {
				bits--
			}
			s = math.Float64frombits(bits)
		}
	}
	return float32(s)
}
