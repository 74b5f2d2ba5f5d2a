package asm

import (
	"math"

	"github.com/lanes-go/lanes/internal/cast"
)

// The generic (pure-Go) vec kernels. They are what purego builds and every
// platform without assembly run, so they are unrolled by four with bounds
// checks hoisted out of the loops. Reductions keep four partial sums, added
// as (s0+s1)+(s2+s3) at the end.

func dotGeneric[T Float](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	for len(x) >= 4 && len(y) >= 4 {
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		x, y = x[4:], y[4:]
	}
	for i := range x {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dot3Generic is dotGeneric of (x, y), (x, x) and (y, y) in one pass.
func dot3Generic[T Float](x, y []T) (xy, xx, yy T) {
	y = y[:len(x)]
	var a0, a1, b0, b1, c0, c1 T
	for len(x) >= 2 && len(y) >= 2 {
		a0 += x[0] * y[0]
		a1 += x[1] * y[1]
		b0 += x[0] * x[0]
		b1 += x[1] * x[1]
		c0 += y[0] * y[0]
		c1 += y[1] * y[1]
		x, y = x[2:], y[2:]
	}
	for i := range x {
		a0 += x[i] * y[i]
		b0 += x[i] * x[i]
		c0 += y[i] * y[i]
	}
	return a0 + a1, b0 + b1, c0 + c1
}

// sumsqGeneric is Σ x[i]², in the order of dotGeneric(x, x).
func sumsqGeneric[T Float](x []T) T {
	var s0, s1, s2, s3 T
	for len(x) >= 4 {
		s0 += x[0] * x[0]
		s1 += x[1] * x[1]
		s2 += x[2] * x[2]
		s3 += x[3] * x[3]
		x = x[4:]
	}
	for _, v := range x {
		s0 += v * v
	}
	return (s0 + s1) + (s2 + s3)
}

func sumGeneric[T Float](x []T) T {
	var s0, s1, s2, s3 T
	for len(x) >= 4 {
		s0 += x[0]
		s1 += x[1]
		s2 += x[2]
		s3 += x[3]
		x = x[4:]
	}
	for _, v := range x {
		s0 += v
	}
	return (s0 + s1) + (s2 + s3)
}

// maxGeneric returns the largest element, or the first NaN. len(x) ≥ 1.
func maxGeneric[T Float](x []T) T {
	m := x[0]
	if m != m {
		return m
	}
	for _, v := range x[1:] {
		if v > m {
			m = v
		} else if v != v {
			return v
		}
	}
	return m
}

// axpyGeneric computes y[i] = fma(alpha, x[i], y[i]) with one rounding, as
// the FMA instructions of every SIMD ISA do, so all ISAs agree bit for bit.
func axpyGeneric[T Float](alpha T, x, y []T) {
	y = y[:len(x)]
	if cast.Is32[T]() {
		axpy32(float32(alpha), cast.F32(x), cast.F32(y))
		return
	}
	a := float64(alpha)
	for len(x) >= 4 && len(y) >= 4 {
		y[0] = T(math.FMA(a, float64(x[0]), float64(y[0])))
		y[1] = T(math.FMA(a, float64(x[1]), float64(y[1])))
		y[2] = T(math.FMA(a, float64(x[2]), float64(y[2])))
		y[3] = T(math.FMA(a, float64(x[3]), float64(y[3])))
		x, y = x[4:], y[4:]
	}
	for i, v := range x {
		y[i] = T(math.FMA(a, float64(v), float64(y[i])))
	}
}

func scaleGeneric[T Float](alpha T, x []T) {
	for len(x) >= 4 {
		x[0] *= alpha
		x[1] *= alpha
		x[2] *= alpha
		x[3] *= alpha
		x = x[4:]
	}
	for i := range x {
		x[i] *= alpha
	}
}

func addGeneric[T Float](dst, x, y []T) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

func subGeneric[T Float](dst, x, y []T) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] - y[i]
	}
}

func mulGeneric[T Float](dst, x, y []T) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

// adamGeneric is Adam's update of w, m and v from the gradient g (all of
// len(w)) with coef = [b1, c1, b2, c2, nst, isb, eps, wd], one element at a
// time with the roundings of the SIMD kernels (so every ISA agrees bit for
// bit):
//
//	m = fma(b1, m, c1·g)
//	v = fma(b2, v, (c2·g)·g)
//	w = fma(nst, m/fma(√v, isb, eps), w)
//
// The square root of a float32 is taken in float64 and rounded once more:
// that is the correctly rounded float32 square root (53 ≥ 2·24+2).
func adamGeneric[T Float](w, g, m, v []T, coef *[8]T) { adamAny(w, g, m, v, coef, false) }

// adamL2Generic is adamGeneric on the gradient fma(wd, w, g) (Adam's L2
// penalty, wd = coef[7]).
func adamL2Generic[T Float](w, g, m, v []T, coef *[8]T) { adamAny(w, g, m, v, coef, true) }

func adamAny[T Float](w, g, m, v []T, coef *[8]T, l2 bool) {
	n := len(w)
	g, m, v = g[:n], m[:n], v[:n]
	b1, c1, b2, c2, nst, isb, eps, wd := coef[0], coef[1], coef[2], coef[3], coef[4], coef[5], coef[6], coef[7]
	fma := func(a, b, c T) T { return T(math.FMA(float64(a), float64(b), float64(c))) }
	if cast.Is32[T]() {
		fma = func(a, b, c T) T { return T(FMA32(float32(a), float32(b), float32(c))) }
	}
	for j := range w {
		gj := g[j]
		if l2 {
			gj = fma(wd, w[j], gj)
		}
		mj := fma(b1, m[j], T(c1*gj))
		cg := T(c2 * gj)
		vj := fma(b2, v[j], T(cg*gj))
		m[j], v[j] = mj, vj
		d := fma(T(math.Sqrt(float64(vj))), isb, eps)
		w[j] = fma(nst, T(mj/d), w[j])
	}
}
