package alg

import (
	"math"

	k "github.com/lanes-go/lanes/internal/kconst"
)

// The Box–Muller transform of package prob's float64 normals: one Philox
// block (u, t: two 64-bit words) gives two normals
//
//	z0 = ρ·cos θ, z1 = ρ·sin θ,  ρ = √(−2·ln U), U = (u>>11 + 1)·2⁻⁵³,  θ = 2π·t/2⁶⁴.
//
// Every product is rounded on its own (no FMA), as the generic kernel and
// its pinned SHA-256 of the first 2²⁰ normals require. float64 lanes only.

// BMLog is ln x for a normal float64 x > 0: fdlibm's e_log.c with every
// product rounded (x = 2ᵏ·(1+f), 1+f ∈ [√2/2, √2),
// ln(1+f) = f − hfsq + s·(hfsq + R(s²)), s = f/(2+f); error < 1 ulp).
func BMLog[V any](o Ops[V], x V) V {
	ki := o.SubI(o.ShrI(52, x), o.Bits(1022)) // x = f1·2^ki, f1 ∈ [½, 1)
	f1 := o.Or(o.And(x, o.Bits(k.MantMask)), o.Bits(1022<<52))
	lo := o.Lt(f1, o.F(math.Sqrt2/2))
	f1 = o.Sel(lo, o.Add(f1, f1), f1)
	ki = o.Sel(lo, o.SubI(ki, o.Bits(1)), ki)
	kf := o.CvtI2F(ki)
	f := o.Sub(f1, o.F(1))
	s := o.Div(f, o.Add(f, o.F(2)))
	s2 := o.Mul(s, s)
	s4 := o.Mul(s2, s2)
	t1 := o.Mul(o.F(k.Lg7), s4)
	for _, c := range []float64{k.Lg5, k.Lg3} {
		t1 = o.Mul(o.Add(t1, o.F(c)), s4)
	}
	t1 = o.Mul(o.Add(t1, o.F(k.Lg1)), s2)
	t2 := o.Mul(o.F(k.Lg6), s4)
	for _, c := range []float64{k.Lg4, k.Lg2} {
		t2 = o.Mul(o.Add(t2, o.F(c)), s4)
	}
	r := o.Add(t1, t2)
	hf := o.Mul(o.Mul(f, f), o.F(0.5))
	// k·ln2Hi − ((hfsq − (s·(hfsq+R) + k·ln2Lo)) − f)
	v := o.Add(o.Mul(o.Add(hf, r), s), o.Mul(kf, o.F(k.Ln2Lo)))
	v = o.Sub(o.Sub(hf, v), f)
	return o.Sub(o.Mul(kf, o.F(k.Ln2Hi)), v)
}

// BMSinCos is sin θ and cos θ for θ = 2π·t/2⁶⁴: the top three bits of t
// are the octant; the next 53 give the angle a ∈ [0, π/4] from the nearer
// end of the octant, where the Cephes polynomials are evaluated (about
// 1 ulp); symmetry gives the rest exactly.
func BMSinCos[V any](o Ops[V], t V) (sin, cos V) {
	oct := o.ShrI(61, t)
	m := o.And(o.ShrI(8, t), o.Bits(1<<53-1))
	m = o.Sel(o.Odd(oct), o.SubI(o.Bits(1<<53), m), m)
	z := o.Mul(o.CvtU2F(m), o.F(k.BMScale))
	zz := o.Mul(z, z)
	poly := func(cs ...float64) V {
		p := o.Mul(o.F(cs[0]), zz)
		for _, c := range cs[1:] {
			p = o.Mul(o.Add(p, o.F(c)), zz)
		}
		return p
	}
	ps := poly(k.BMS0, k.BMS1, k.BMS2, k.BMS3, k.BMS4, k.BMS5)
	pc := poly(k.BMC0, k.BMC1, k.BMC2, k.BMC3, k.BMC4, k.BMC5)
	s := o.Add(z, o.Mul(z, ps))
	c := o.Add(o.Sub(o.F(1), o.Mul(zz, o.F(0.5))), o.Mul(zz, pc))
	// Octants: swap where ((o+1)>>1)&1, negate sin where o>>2, cos where
	// ((o+2)>>2)&1.
	one := o.Bits(1)
	swap := o.Odd(o.ShrI(1, o.AddI(oct, one)))
	sin = o.Sel(swap, c, s)
	cos = o.Sel(swap, s, c)
	sin = o.Xor(sin, o.ShlI(63, o.ShrI(2, oct)))
	cos = o.Xor(cos, o.ShlI(63, o.ShrI(2, o.AddI(o.AddI(oct, one), one))))
	return sin, cos
}

// BoxMuller is the pair of standard normals of one block: z0 = ρ·cos θ,
// z1 = ρ·sin θ.
func BoxMuller[V any](o Ops[V], u, t V) (z0, z1 V) {
	x := o.Mul(o.CvtU2F(o.AddI(o.ShrI(11, u), o.Bits(1))), o.F(0x1p-53))
	rho := o.Sqrt(o.Mul(BMLog(o, x), o.F(-2)))
	s, c := BMSinCos(o, t)
	return o.Mul(rho, c), o.Mul(rho, s)
}
