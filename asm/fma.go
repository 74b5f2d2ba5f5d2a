package asm

import (
	"math"
	"unsafe"
)

func is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// FMA32 returns a·b+c for float32 rounded once, exactly as the FMA
// instructions (VFMADD…PS, FMLA .4S) compute it. float32(math.FMA(...)) is
// not enough: rounding to float64 and then to float32 can land on a float32
// halfway point and round the wrong way. Instead the float64 sum s = p+c
// (p = a·b is exact in float64) is made round-to-odd from its TwoSum error
// term, and round-to-odd at 53 bits followed by one rounding to 24 bits is
// the correctly rounded result (Boldo & Melquiond, 2008).
func FMA32(a, b, c float32) float32 {
	p := float64(float64(a) * float64(b)) // exact: 24+24 bits ≤ 53; the conversion forbids fusing
	cc := float64(c)
	s := p + cc
	// TwoSum error term: s + e == p + cc exactly.
	bb := s - p
	e := (p - (s - bb)) + (cc - bb)
	if e != 0 && s-s == 0 { // s finite (for Inf or NaN, s-s is NaN)
		if bits := math.Float64bits(s); bits&1 == 0 {
			// Step one ulp towards the exact value: away from zero if e has
			// the sign of s, towards zero otherwise. That makes the last bit odd.
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
