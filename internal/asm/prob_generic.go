package asm

import (
	"math"

	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/internal/kconst"
)

// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as
// easy as 1, 2, 3", SC'11), the bulk generator of package prob.
//
// One block maps a 128-bit counter (c0, c1, c2, c3) and a 64-bit key
// (k0, k1) to 128 random bits in ten rounds. A round is
//
//	hi0:lo0 = 0xD2511F53 · c0    (32×32 → 64-bit product)
//	hi1:lo1 = 0xCD9E8D57 · c2
//	(c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
//
// and the key is bumped by (0x9E3779B9, 0xBB67AE85) between rounds. This is
// the reference algorithm of Random123, whose published known-answer vectors
// the tests check on every ISA.

// philoxGeneric writes len(dst)/4 Philox4x32-10 blocks: block i (counting
// from 0) goes to dst[4i:4i+4] and has the counter
// (lo32(block+i), hi32(block+i), lo32(stream), hi32(stream)) and the key
// (lo32(key), hi32(key)). len(dst) is a multiple of 4 (the caller's promise);
// the block index wraps modulo 2⁶⁴.
func philoxGeneric(dst []uint32, block, stream, key uint64) {
	c2, c3 := uint32(stream), uint32(stream>>32)
	k0, k1 := uint32(key), uint32(key>>32)
	for len(dst) >= 4 {
		x0, x1, x2, x3 := philoxBlock(uint32(block), uint32(block>>32), c2, c3, k0, k1)
		dst[0], dst[1], dst[2], dst[3] = x0, x1, x2, x3
		dst = dst[4:]
		block++
	}
}

// philoxBlock is one Philox4x32-10 block: counter (c0..c3), key (k0, k1).
func philoxBlock(c0, c1, c2, c3, k0, k1 uint32) (uint32, uint32, uint32, uint32) {
	for range 10 {
		p0 := uint64(kconst.PhiloxM0) * uint64(c0)
		p1 := uint64(kconst.PhiloxM1) * uint64(c2)
		c0, c1, c2, c3 = uint32(p1>>32)^c1^k0, uint32(p1), uint32(p0>>32)^c3^k1, uint32(p0)
		k0 += kconst.PhiloxW0
		k1 += kconst.PhiloxW1
	}
	return c0, c1, c2, c3
}

// normalGeneric writes the Box–Muller normals of len(dst)/2 Philox blocks:
// block b = w[4b:4b+4] gives
//
//	u = (⌊(w0 | w1<<32) / 2¹¹⌋ + 1)·2⁻⁵³ ∈ (0, 1]
//	ρ = √(−2·ln u), θ = 2π·(w2 | w3<<32)/2⁶⁴
//	dst[2b] = T(mu + ρ·cos θ·sigma), dst[2b+1] = T(mu + ρ·sin θ·sigma)
//
// in float64 with every product rounded (no FMA), rounded once to T.
// len(dst) is even and len(w) ≥ 2·len(dst) (the caller's promise). dst may
// share memory with w, starting at the same address.
func normalGeneric[T Float](dst []T, w []uint32, mu, sigma float64) {
	n := len(dst) / 2
	w = w[:4*n]
	for b := 0; b < n; b++ {
		x := w[4*b : 4*b+4 : 4*b+4]
		z0, z1 := boxMuller(x[0], x[1], x[2], x[3])
		dst[2*b] = T(mu + float64(sigma*z0))
		dst[2*b+1] = T(mu + float64(sigma*z1))
	}
}

// uniformGeneric sets dst[i] = lo + span·u (span = hi−lo, computed by the
// caller) with u the float32
// (w[i]>>8)·2⁻²⁴ or the float64 ((w[2i] | w[2i+1]<<32)>>11)·2⁻⁵³, each
// operation rounded to T (no FMA); a result ≥ hi is replaced by below (the
// largest T below hi, from the caller). dst may share memory with w,
// starting at the same address.
func uniformGeneric[T Float](dst []T, w []uint32, lo, span, hi, below T) {
	s := span
	if cast.Is32[T]() {
		w = w[:len(dst)]
		for i, v := range w {
			x := lo + T(s*T(float32(v>>8)*0x1p-24))
			if x >= hi {
				x = below
			}
			dst[i] = x
		}
		return
	}
	w = w[:2*len(dst)]
	for i := range dst {
		u := float64((uint64(w[2*i])|uint64(w[2*i+1])<<32)>>11) * 0x1p-53
		x := lo + T(s*T(u))
		if x >= hi {
			x = below
		}
		dst[i] = x
	}
}

// boxMuller returns ρ·cos θ and ρ·sin θ of one block (see normalGeneric).
func boxMuller(x0, x1, x2, x3 uint32) (z0, z1 float64) {
	u := float64((uint64(x0)|uint64(x1)<<32)>>11+1) * 0x1p-53
	rho := math.Sqrt(-2 * BMLog(u))
	s, c := bmSinCos(uint64(x2) | uint64(x3)<<32)
	return float64(rho * c), float64(rho * s)
}

// The transcendental functions of the Box–Muller transform. They are the
// classic fdlibm/Cephes algorithms (those of Go's math.Log and math.Sin/Cos),
// restricted to the arguments Box–Muller needs and written so that every
// product is rounded explicitly: Go may fuse x*y + z into one FMA on some
// platforms (arm64, ppc64, s390x) and not on others, and math.Log is
// assembly on amd64 but Go elsewhere. With explicit rounding the results are
// the same bits everywhere.

// BMLog returns ln x for a normal float64 x > 0 (fdlibm's e_log.c: x =
// 2ᵏ·(1+f), 1+f ∈ [√2/2, √2), ln(1+f) = f − hfsq + s·(hfsq+R(s²)) with
// s = f/(2+f); error < 1 ulp).
func BMLog(x float64) float64 {
	b := math.Float64bits(x)
	ki := int(b>>52) - 1022 // x = f1·2^ki, f1 ∈ [½, 1)
	f1 := math.Float64frombits(b&(1<<52-1) | 1022<<52)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (kconst.Lg1 + float64(s4*(kconst.Lg3+float64(s4*(kconst.Lg5+float64(s4*kconst.Lg7)))))))
	t2 := float64(s4 * (kconst.Lg2 + float64(s4*(kconst.Lg4+float64(s4*kconst.Lg6)))))
	R := t1 + t2
	hfsq := float64(0.5 * float64(f*f))
	return float64(k*kconst.Ln2Hi) - ((hfsq - (float64(s*(hfsq+R)) + float64(k*kconst.Ln2Lo))) - f)
}

// bmSinCos returns sin θ and cos θ for θ = 2π·t/2⁶⁴. The top three bits of
// t are the octant; the next 53 bits give the angle a ∈ [0, π/4] measured
// from the nearer end of the octant where the polynomial is evaluated
// (Cephes sin.c coefficients, about 1 ulp on [0, π/4]); symmetry gives the
// rest exactly.
func bmSinCos(t uint64) (sin, cos float64) {
	o := t >> 61
	m := (t >> 8) & (1<<53 - 1)
	if o&1 != 0 {
		m = 1<<53 - m
	}
	z := float64(float64(m) * kconst.BMScale)
	zz := float64(z * z)
	ps := float64(zz * (kconst.BMS5 + float64(zz*(kconst.BMS4+float64(zz*(kconst.BMS3+float64(zz*(kconst.BMS2+float64(zz*(kconst.BMS1+float64(zz*kconst.BMS0)))))))))))
	pc := float64(zz * (kconst.BMC5 + float64(zz*(kconst.BMC4+float64(zz*(kconst.BMC3+float64(zz*(kconst.BMC2+float64(zz*(kconst.BMC1+float64(zz*kconst.BMC0)))))))))))
	s := z + float64(z*ps)
	c := (1 - float64(0.5*zz)) + float64(zz*pc)
	switch o {
	case 0:
		return s, c
	case 1:
		return c, s
	case 2:
		return c, -s
	case 3:
		return s, -c
	case 4:
		return -s, -c
	case 5:
		return -c, -s
	case 6:
		return -c, s
	}
	return -s, c
}

// momentsGeneric returns s+c = Σ(x[i]−mu) and q+e = Σ(x[i]−mu)², each
// accumulated in float64 as a compensated sum: TwoSum (Knuth) keeps the
// rounding error of every addition in c (or e), and e also receives the
// exact error of every square, fma(d, d, −d·d). The SIMD kernels keep one
// such sum per lane and combine the lanes with TwoSum, so their results
// differ from these only by the compensated sums' own error, about
// n·u²·Σ|terms|.
func momentsGeneric[T Float](x []T, mu float64) (s, c, q, e float64) {
	for _, v := range x {
		d := float64(v) - mu
		t := s + d
		z := t - s
		c += (s - (t - z)) + (d - z)
		s = t
		p := float64(d * d)
		e += math.FMA(d, d, -p)
		t = q + p
		z = t - q
		e += (q - (t - z)) + (p - z)
		q = t
	}
	return s, c, q, e
}
