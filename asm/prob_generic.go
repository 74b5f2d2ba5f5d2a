package asm

import (
	"math"

	"github.com/lanes-go/lanes/internal/cast"
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

const (
	philoxM0 = 0xD2511F53
	philoxM1 = 0xCD9E8D57
	philoxW0 = 0x9E3779B9
	philoxW1 = 0xBB67AE85
)

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
		p0 := uint64(philoxM0) * uint64(c0)
		p1 := uint64(philoxM1) * uint64(c2)
		c0, c1, c2, c3 = uint32(p1>>32)^c1^k0, uint32(p1), uint32(p0>>32)^c3^k1, uint32(p0)
		k0 += philoxW0
		k1 += philoxW1
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
	rho := math.Sqrt(-2 * bmLog(u))
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

// bmLog returns ln x for a normal float64 x > 0 (fdlibm's e_log.c: x =
// 2ᵏ·(1+f), 1+f ∈ [√2/2, √2), ln(1+f) = f − hfsq + s·(hfsq+R(s²)) with
// s = f/(2+f); error < 1 ulp).
func bmLog(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
		ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
		l1    = 6.666666666666735130e-01   // 0x3FE5555555555593
		l2    = 3.999999999940941908e-01   // 0x3FD999999997FA04
		l3    = 2.857142874366239149e-01   // 0x3FD2492494229359
		l4    = 2.222219843214978396e-01   // 0x3FCC71C51D8E78AF
		l5    = 1.818357216161805012e-01   // 0x3FC7466496CB03DE
		l6    = 1.531383769920937332e-01   // 0x3FC39A09D078C69F
		l7    = 1.479819860511658591e-01   // 0x3FC2F112DF3E5244
	)
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
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	R := t1 + t2
	hfsq := float64(0.5 * float64(f*f))
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+R)) + float64(k*ln2Lo))) - f)
}

// bmSinCos returns sin θ and cos θ for θ = 2π·t/2⁶⁴. The top three bits of
// t are the octant; the next 53 bits give the angle a ∈ [0, π/4] measured
// from the nearer end of the octant where the polynomial is evaluated
// (Cephes sin.c coefficients, about 1 ulp on [0, π/4]); symmetry gives the
// rest exactly.
func bmSinCos(t uint64) (sin, cos float64) {
	const (
		s0 = 1.58962301576546568060e-10 // 0x3de5d8fd1fd19ccd
		s1 = -2.50507477628578072866e-8 // 0xbe5ae5e5a9291f5d
		s2 = 2.75573136213857245213e-6  // 0x3ec71de3567d48a1
		s3 = -1.98412698295895385996e-4 // 0xbf2a01a019bfdf03
		s4 = 8.33333333332211858878e-3  // 0x3f8111111110f7d0
		s5 = -1.66666666666666307295e-1 // 0xbfc5555555555548

		c0 = -1.13585365213876817300e-11 // 0xbda8fa49a0861a9b
		c1 = 2.08757008419747316778e-9   // 0x3e21ee9d7b4e3f05
		c2 = -2.75573141792967388112e-7  // 0xbe927e4f7eac4bc6
		c3 = 2.48015872888517045348e-5   // 0x3efa01a019c844f5
		c4 = -1.38888888888730564116e-3  // 0xbf56c16c16c14f91
		c5 = 4.16666666666665929218e-2   // 0x3fa555555555554b

		scale = math.Pi / 4 * 0x1p-53
	)
	o := t >> 61
	m := (t >> 8) & (1<<53 - 1)
	if o&1 != 0 {
		m = 1<<53 - m
	}
	z := float64(float64(m) * scale)
	zz := float64(z * z)
	ps := float64(zz * (s5 + float64(zz*(s4+float64(zz*(s3+float64(zz*(s2+float64(zz*(s1+float64(zz*s0)))))))))))
	pc := float64(zz * (c5 + float64(zz*(c4+float64(zz*(c3+float64(zz*(c2+float64(zz*(c1+float64(zz*c0)))))))))))
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
