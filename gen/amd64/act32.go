package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// The float32 Exp, Sigmoid and Tanh in float32 lanes (asm.exp32,
// asm.sigmoid32, asm.tanh32; read them side by side). Their chains of
// dependent operations are long, so the main loop interleaves independent
// vectors instruction by instruction (grp), as many as the registers left
// after the constants held in them allow (see the act32Kernel calls).

// Constants of asm/act_generic.go (the same literals).
const (
	actLog2eF     = 0x1.715476p+00
	actMagicF     = 0x1.8p+23
	actLn2HiF     = 0x1.62e43p-01
	actLn2LoF     = -0x1.05c61p-29
	actE2         = 0x1.fffffcp-02
	actE3         = 0x1.555492p-03
	actE4         = 0x1.5558f2p-05
	actE5         = 0x1.1239e2p-07
	actE6         = 0x1.6a2432p-10
	actMagicFBits = 0x4b400000
	// tanh32 below actTanhT32: tanh a ≈ a + a·z·P(z), z = a², P of degree
	// 5 with these coefficients (a Lawson fit of the relative error of
	// tanh on [0, 0.875], 2^−26.4 in float64, the coefficients then
	// rounded to float32).
	actTanhT32 = 0x1.cp-01
	actTanhC0  = -0x1.555518p-02
	actTanhC1  = 0x1.1104b4p-03
	actTanhC2  = -0x1.b86a4p-05
	actTanhC3  = 0x1.58582p-06
	actTanhC4  = -0x1.caf70ap-08
	actTanhC5  = 0x1.67658ap-10
)

// cbits32 returns the vector of the 32-bit pattern b.
func cbits32(b uint32) Mem { return constVec(uint64(b), 4) }

// cf32 returns the constant vector of the float32 v.
func cf32(v float32) Mem { return cbits32(math.Float32bits(v)) }

// grp emits each operation for n independent vectors, one instruction per
// vector, so the n dependency chains overlap. A value is a gv (one register
// per vector); an operand may also be a Mem or a register shared by all.
type grp struct {
	z    bool // AVX-512 (ZMM); else AVX2 (YMM)
	n    int
	pool map[Mem]VecVirtual // constants held in registers for the whole loop
}

// k maps a constant held in the pool to its register.
func (g grp) k(x any) any {
	if m, ok := x.(Mem); ok {
		if r, ok := g.pool[m]; ok {
			return r
		}
	}
	return x
}

type gv []VecVirtual

func (g grp) vec() VecVirtual {
	if g.z {
		return ZMM()
	}
	return YMM()
}

// at is operand x for vector i.
func at(x any, i int) Op {
	switch v := x.(type) {
	case gv:
		return v[i]
	case Op:
		return v
	}
	panic(fmt.Sprintf("gen/amd64: bad group operand %T", x))
}

// emit calls inst(at(ops[0], i), ..., d) with a fresh d for each vector i
// (avo operand order: sources in reverse Intel order, destination last).
func (g grp) emit(inst func(...Op), ops ...any) gv {
	for i, o := range ops {
		ops[i] = g.k(o)
	}
	out := make(gv, g.n)
	for i := range out {
		args := make([]Op, 0, len(ops)+1)
		for _, o := range ops {
			args = append(args, at(o, i))
		}
		out[i] = g.vec()
		inst(append(args, out[i])...)
	}
	return out
}

// reg returns x as a register operand: a Mem constant is loaded into
// fresh registers (VEX and EVEX take memory only as the last source).
func (g grp) reg(x any) any {
	m, ok := g.k(x).(Mem)
	if !ok {
		return x
	}
	return g.emit(VBROADCASTSS, m)
}

// emitB is emit, with the embedded-broadcast form of the instruction on
// AVX-512 when the first source is a (constant) Mem: a 4-byte load per use
// instead of a 64-byte one, which would make the loop load-bound on Zen 4.
func (g grp) emitB(inst, bcst func(...Op), ops ...any) gv {
	if _, ok := g.k(ops[0]).(Mem); ok && g.z {
		inst = bcst
	}
	return g.emit(inst, ops...)
}

func (g grp) add(x, y any) gv { return g.emitB(VADDPS, VADDPS_BCST, y, g.reg(x)) } // x + y
func (g grp) sub(x, y any) gv { return g.emitB(VSUBPS, VSUBPS_BCST, y, g.reg(x)) } // x − y
func (g grp) mul(x, y any) gv { return g.emitB(VMULPS, VMULPS_BCST, y, g.reg(x)) } // x·y
func (g grp) div(x, y any) gv { return g.emitB(VDIVPS, VDIVPS_BCST, y, g.reg(x)) } // x/y
func (g grp) and(x, y any) gv { return g.emitB(VANDPS, VANDPS_BCST, y, g.reg(x)) }
func (g grp) or(x, y any) gv  { return g.emitB(VORPS, VORPS_BCST, y, g.reg(x)) }

// max and min keep a NaN x: MAXPS and MINPS return their second (Intel)
// source, here x, when either is NaN.
func (g grp) max(x any, c Mem) gv { return g.emit(VMAXPS, x, g.reg(c)) }
func (g grp) min(x any, c Mem) gv { return g.emit(VMINPS, x, g.reg(c)) }

// fma is x·y + z in one rounding.
func (g grp) fma(x, y, z any) gv {
	x = g.k(x)
	d := make(gv, g.n)
	for i := range d {
		d[i] = g.vec()
		if m, ok := x.(Mem); ok {
			VBROADCASTSS(m, d[i])
		} else {
			VMOVAPS(at(x, i), d[i])
		}
	}
	g.fmaTo(d, y, z)
	return d
}

// fmaTo is d = d·y + z in place.
func (g grp) fmaTo(d gv, y, z any) {
	y, z = g.k(y), g.k(z)
	_, bc := z.(Mem)
	for i := range d {
		if bc && g.z {
			VFMADD213PS_BCST(at(z, i), at(y, i), d[i])
		} else {
			VFMADD213PS(at(z, i), at(y, i), d[i])
		}
	}
}

// fnmaTo is d = d − x·y in place.
func (g grp) fnmaTo(d gv, x, y any) {
	for i := range d {
		VFNMADD231PS(at(y, i), at(x, i), d[i])
	}
}

// A gmask is a lane predicate per vector: opmasks (AVX-512) or all-ones
// lanes (AVX2).
type gmask []Register

// ge is x ≥ c (ordered: false for NaN).
func (g grp) ge(x gv, c Mem) gmask { return g.cmp(cmpGE, x, c) }

// lt is x < c (false for NaN).
func (g grp) lt(x gv, c Mem) gmask { return g.cmp(cmpLT, x, c) }

// cmp is the predicate pred (a VCMPPS immediate) of x and c per lane.
func (g grp) cmp(pred uint8, x gv, c Mem) gmask {
	m := make(gmask, g.n)
	cc := g.k(c).(Op)
	for i := range m {
		if g.z {
			k := K()
			if _, ok := cc.(Mem); ok {
				VCMPPS_BCST(U8(pred), cc, x[i], k)
			} else {
				VCMPPS(U8(pred), cc, x[i], k)
			}
			m[i] = k
		} else {
			d := YMM()
			VCMPPS(U8(pred), cc, x[i], d)
			m[i] = d
		}
	}
	return m
}

// sel is m ? t : f.
func (g grp) sel(m gmask, t, f any) gv {
	t, f = g.k(t), g.k(f)
	out := make(gv, g.n)
	for i := range out {
		out[i] = g.vec()
		_, bc := t.(Mem)
		switch {
		case g.z && bc:
			VBLENDMPS_BCST(at(t, i), at(f, i), m[i], out[i])
		case g.z:
			VBLENDMPS(at(t, i), at(f, i), m[i], out[i])
		default:
			VBLENDVPS(m[i], at(t, i), at(f, i), out[i])
		}
	}
	return out
}

// Integer ops on the 32-bit lanes.
func (g grp) psubd(x, y any) gv { return g.emit(VPSUBD, y, x) }
func (g grp) paddd(x, y any) gv { return g.emit(VPADDD, y, x) }
func (g grp) pslld(n int, x any) gv {
	return g.emit(func(ops ...Op) { VPSLLD(U8(n), ops[0], ops[1]) }, x)
}
func (g grp) psrad(n int, x any) gv {
	return g.emit(func(ops ...Op) { VPSRAD(U8(n), ops[0], ops[1]) }, x)
}

// pow2 is 2ᵏ from the integer k in each lane: (k + 127) << 23.
func (g grp) pow2(k gv) gv { return g.pslld(23, g.paddd(k, cbits32(127))) }

// expo is an exponent k as the scaling ops take it: a float (AVX-512,
// VSCALEFPS) or an integer in each lane (AVX2).
type expo gv

// scale is v·2ᵏ rounded once (asm.scale32).
func (g grp) scale(v gv, k expo) gv {
	if g.z {
		return g.emit(VSCALEFPS, gv(k), v)
	}
	k1 := g.psrad(1, gv(k))
	return g.mul(g.mul(v, g.pow2(k1)), g.pow2(g.psubd(gv(k), k1)))
}

// expCore is asm.expCore32 on x (already clamped): eˣ ≈ 2ᵏ·(1 + (rh + p)).
func (g grp) expCore(x gv) (rh, p gv, k expo) {
	t := g.fma(cf32(actLog2eF), x, cf32(actMagicF))
	kf := g.sub(t, cf32(actMagicF))
	rh = g.fma(cf32(-actLn2HiF), kf, x)
	u := g.mul(kf, cf32(-actLn2LoF))
	r := g.add(rh, u)
	r2 := g.mul(r, r)
	a := g.fma(cf32(actE3), r, cf32(actE2))
	b := g.fma(cf32(actE5), r, cf32(actE4))
	p = g.fma(cf32(actE6), r2, b)
	g.fmaTo(p, r2, a) // P = (E2 + E3·r) + r²·((E4 + E5·r) + r²·E6)
	g.fmaTo(p, r2, u) // r²·P + u
	if g.z {
		return rh, p, expo(kf)
	}
	return rh, p, expo(g.psubd(t, cbits32(actMagicFBits)))
}

// expConsts are the constants of expCore, held in registers on AVX-512:
// constants as memory operands (even 4-byte broadcasts) made the loop 25%
// slower than registers on Zen 4.
func expConsts() []Mem {
	return []Mem{cf32(actLog2eF), cf32(actMagicF), cf32(-actLn2HiF), cf32(-actLn2LoF),
		cf32(actE2), cf32(actE3), cf32(actE4), cf32(actE5), cf32(actE6)}
}

// exp32 is asm.exp32.
func (g grp) exp32(x gv) gv {
	x = g.min(g.max(x, cf32(actExpLo32)), cf32(actExpHi32))
	rh, p, k := g.expCore(x)
	return g.scale(g.add(g.add(rh, p), cf32(1)), k)
}

// sigmoid32 is asm.sigmoid32.
func (g grp) sigmoid32(x gv) gv {
	one := cf32(1)
	// The predicate and the final exponent are taken as early as possible:
	// fewer values live at once lets more vectors interleave.
	pos := g.ge(x, cf32(0))
	na := g.max(g.or(x, cbits32(0x80000000)), cf32(actExpLo32)) // −|x|, clamped
	rh, p, k := g.expCore(na)
	m := g.add(g.add(rh, p), one)
	eh := g.scale(m, k)
	nh := g.sel(pos, one, eh)
	dh := g.add(eh, one)
	dl := g.add(g.sub(one, dh), eh)
	y := g.div(one, dh)
	q0 := g.mul(nh, y)
	res := nh // not used again: the residual overwrites it
	g.fnmaTo(res, q0, dh)
	g.fnmaTo(res, q0, dl)
	g.fmaTo(res, y, q0)
	return res
}

// tanh32 is asm.tanh32: both branches, then a select.
func (g grp) tanh32(x gv) gv {
	one := cf32(1)
	a := g.min(g.and(x, cbits32(0x7fffffff)), cf32(actTanhHi32))
	small := g.lt(a, cf32(actTanhT32))
	z := g.mul(a, a)
	p := g.fma(cf32(actTanhC5), z, cf32(actTanhC4))
	for _, c := range []float32{actTanhC3, actTanhC2, actTanhC1, actTanhC0} {
		g.fmaTo(p, z, cf32(c))
	}
	ys := g.fma(g.mul(a, z), p, a)
	rh, q, k := g.expCore(g.mul(a, cf32(-2)))
	t := g.scale(g.add(g.add(rh, q), one), k)
	yl := g.sub(one, g.div(g.add(t, t), g.add(t, one)))
	y := g.sel(small, ys, yl)
	return g.or(y, g.and(x, cbits32(0x80000000)))
}

// actLoop32 emits a float32-lane kernel of one input: n interleaved
// vectors per iteration, then one vector at a time, then one masked
// vector. The constants hoist are loaded into registers once, before the
// loop.
func actLoop32(in spec.Instance, isa spec.ISA, n int, hoist []Mem, body func(g grp, x gv) gv) {
	z := isa == spec.AVX512
	pool := map[Mem]VecVirtual{}
	for _, m := range hoist {
		r := grp{z: z}.vec()
		VBROADCASTSS(m, r)
		pool[m] = r
	}
	l := lanes{a: ax{z: z}, v: newVK(isa, in.T), t: in.T}
	u := l.v.lanes
	dst := Load(Param("dst").Base(), GP64())
	x := Load(Param("x").Base(), GP64())
	cnt := Load(Param("dst").Len(), GP64())
	i := GP64()
	XORQ(i, i)
	step := func(g grp, tl *tail) {
		xs := make(gv, g.n)
		for j := range xs {
			xs[j] = l.load(l.v.at(x, i, j*u), tl)
		}
		ys := body(g, xs)
		for j, y := range ys {
			l.store(y, l.v.at(dst, i, j*u), tl)
		}
	}
	loopAny("blocks", i, cnt, n*u, func() { step(grp{z, n, pool}, nil) })
	loop("units", i, cnt, u, func() { step(grp{z, 1, pool}, nil) })
	r := GP64()
	MOVQ(cnt, r)
	SUBQ(i, r)
	JZ(LabelRef("done"))
	tl := l.tailMask(r)
	step(grp{z, 1, pool}, &tl)
	Label("done")
	VZEROUPPER()
	RET()
}

// act32Kernel emits a float32-lane kernel with n512 (AVX-512, 32
// registers) or n2 (AVX2, 16 registers) vectors interleaved; the constants
// hoist (all of them on AVX-512, the first six on AVX2) are held in
// registers for the whole loop.
func act32Kernel(in spec.Instance, isa spec.ISA, n512, n2 int, hoist []Mem, body func(g grp, x gv) gv) {
	n, h := n2, hoist[:min(len(hoist), 6)]
	if isa == spec.AVX512 {
		n, h = n512, hoist
	}
	actLoop32(in, isa, n, h, body)
}

// loopAny emits "for ; i+step <= n; i += step { body() }" for any step.
func loopAny(name string, i, n Register, step int, body func()) {
	end := GP64()
	MOVQ(n, end)
	SUBQ(U32(step), end)
	CMPQ(i, end)
	JG(LabelRef(name + "_done"))
	Label(name)
	body()
	ADDQ(U32(step), i)
	CMPQ(i, end)
	JLE(LabelRef(name))
	Label(name + "_done")
}
