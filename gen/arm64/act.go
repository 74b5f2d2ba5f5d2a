package main

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/gen/spec"
)

// The act kernels on NEON. As on amd64 (gen/amd64/act.go), each body
// performs lane by lane exactly the IEEE operations of the generic kernels
// in asm/act_generic.go in the same order, so NEON returns the same bits as
// every other ISA. float32 Exp, Sigmoid and Tanh compute in float32 lanes
// (expF32, sigmoidF32, tanhF32); the other float32 kernels in float64 lanes
// (FCVTL/FCVTL2 in, FCVTN/FCVTN2 out, WORD-encoded below).
//
// The bodies are long straight-line programs, so they are written against
// virtual registers (actProg) and allocated to V0..V31 afterwards by last
// use; constants are materialized where used (MOVD + VDUP).

// Constants of asm/act_generic.go (the same literals).
const (
	actLog2e        = 0x1.71547652b82fep0
	actMagic        = 0x1.8p52
	actLn2          = 0x1.62e42fefa39efp-1
	actLn2Hi        = 0x1.62e42feep-1
	actLn2Lo        = 0x1.a39ef35793c76p-33
	actLg1          = 6.666666666666735130e-01
	actLg2          = 3.999999999940941908e-01
	actLg3          = 2.857142874366239149e-01
	actLg4          = 2.222219843214978396e-01
	actLg5          = 1.818357216161805012e-01
	actLg6          = 1.531383769920937332e-01
	actLg7          = 1.479819860511658591e-01
	actLgF1         = 0x1.555554p-1
	actLgF2         = 0x1.999c26p-2
	actLgF3         = 0x1.23d3dcp-2
	actLgF4         = 0x1.f13c4cp-3
	actSqrtHalfBits = 0x3fe6a09e667f3bcd
	actLogShift     = 0x3ff0000000000000 - actSqrtHalfBits
	actMantMask     = 0x000fffffffffffff
	actExpoBits     = 0x4330000000000000
	actExpoBias     = 0x1p52 + 1023
	actMagicBits    = 0x4338000000000000
	actDefaultNaN   = 0x7ff8000000000000
	actTiny64       = 0x1p-1022
	actNormalize    = 0x1p54
	actExpLo64      = -746.0
	actExpHi64      = 710.0
	actExpLo32      = -104.0
	actExpHi32      = 89.0
	actTanhHi64     = 19.5
	actTanhHi32     = 10.0
	actSign         = 0x8000000000000000
	actAbs          = 0x7fffffffffffffff
)

// Taylor coefficients 1/n! of eˣ, n = 0..14.
var actC = [15]float64{1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
	1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800, 1.0 / 87178291200}

// actOp2 is a two-register op whose GNU text needs its own arrangements:
// the float conversions between 2S/4S and 2D, and SSHR #1 on 2D.
type actOp2 struct {
	Name       string
	Base       uint32
	dArr, nArr string
	suffix     string
}

func (o actOp2) Encode(d, n V) Word {
	return Word{o.Base | n.check()<<5 | d.check(), fmt.Sprintf("%s v%d.%s, v%d.%s%s", o.Name, d, o.dArr, n, o.nArr, o.suffix)}
}

var (
	actFcvtl  = actOp2{"fcvtl", 0x0e617800, "2d", "2s", ""}
	actFcvtl2 = actOp2{"fcvtl2", 0x4e617800, "2d", "4s", ""}
	actFcvtn  = actOp2{"fcvtn", 0x0e616800, "2s", "2d", ""}
	actFcvtn2 = actOp2{"fcvtn2", 0x4e616800, "4s", "2d", ""}
	actSshr1  = actOp2{"sshr", 0x4f7f0400, "2d", "2d", ", #1"}
	actSshr1S = actOp2{"sshr", 0x4f3f0400, "4s", "4s", ", #1"}
	actOps2   = []actOp2{actFcvtl, actFcvtl2, actFcvtn, actFcvtn2, actSshr1, actSshr1S}
)

// ---- virtual registers ------------------------------------------------------

type nv int

type actIns struct {
	def  nv // −1: none
	uses []nv
	emit func(a *Asm, d V, u []V)
	pin  bool // def lives in register at, outside the pool
	at   V
}

// actProg is a straight-line program on virtual vector registers.
type actProg struct {
	a    *Asm
	arr  Arr // the float arrangement of the ops (D2, or S4 for native float32)
	ins  []actIns
	n    nv
	pool V // registers V0..pool−1 are allocated; the rest are pinned ones
}

func newProg(a *Asm, arr Arr) *actProg { return &actProg{a: a, arr: arr, pool: 32} }

// pinned is the value held in register r (outside the pool) across steps.
func (p *actProg) pinned(r V) nv {
	d := p.n
	p.n++
	p.ins = append(p.ins, actIns{def: d, emit: func(*Asm, V, []V) {}, pin: true, at: r})
	return d
}

// op records an instruction defining a new value from uses.
func (p *actProg) op(emit func(a *Asm, d V, u []V), uses ...nv) nv {
	d := p.n
	p.n++
	p.ins = append(p.ins, actIns{def: d, uses: uses, emit: emit})
	return d
}

// eff records an instruction with no result (a store).
func (p *actProg) eff(emit func(a *Asm, u []V), uses ...nv) {
	p.ins = append(p.ins, actIns{def: -1, uses: uses, emit: func(a *Asm, _ V, u []V) { emit(a, u) }})
}

// flush allocates registers (a value's register is free after its last
// use; a result never shares a register with its operands) and emits.
func (p *actProg) flush() {
	last := make([]int, p.n)
	for i := range last {
		last[i] = -1
	}
	for i, in := range p.ins {
		for _, u := range in.uses {
			last[u] = i
		}
	}
	var free []V
	for r := p.pool - 1; ; r-- {
		free = append(free, r)
		if r == 0 {
			break
		}
	}
	reg := make([]V, p.n)
	have := make([]bool, p.n)
	for i, in := range p.ins {
		u := make([]V, len(in.uses))
		for j, v := range in.uses {
			if !have[v] {
				panic(fmt.Sprintf("gen/arm64: act value %d used before definition", v))
			}
			u[j] = reg[v]
		}
		var d V
		if in.pin {
			reg[in.def], have[in.def] = in.at, true
			continue
		}
		if in.def >= 0 {
			if len(free) == 0 {
				panic("gen/arm64: act program needs more than 32 vector registers")
			}
			d = free[len(free)-1]
			free = free[:len(free)-1]
			reg[in.def], have[in.def] = d, true
		}
		in.emit(p.a, d, u)
		for _, v := range in.uses {
			if last[v] == i && have[v] {
				have[v] = false
				if reg[v] < p.pool {
					free = append(free, reg[v])
				}
			}
		}
		if in.def >= 0 && last[in.def] < i {
			have[in.def] = false
			free = append(free, d)
		}
	}
}

// ---- operations (float64 lanes unless p.arr is S4) ---------------------------

const actRC R = 9 // scratch for constants

// bits is a vector with the 64-bit (D2) or 32-bit (S4) pattern b in every lane.
func (p *actProg) bits(b uint64) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, _ []V) {
		a.MOVDConst(b, actRC)
		if arr == S4 {
			a.Ins("VDUP", actRC.String(), d.A(S4))
		} else {
			a.Ins("VDUP", actRC.String(), d.A(D2))
		}
	})
}

// c is the constant v in the lanes' float type.
func (p *actProg) c(v float64) nv {
	if p.arr == S4 {
		return p.bits(uint64(math.Float32bits(float32(v))))
	}
	return p.bits(math.Float64bits(v))
}

func (p *actProg) v3(o Op3, x, y nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) { a.V3(o, arr, d, u[0], u[1]) }, x, y)
}

func (p *actProg) add(x, y nv) nv { return p.v3(fadd, x, y) }
func (p *actProg) sub(x, y nv) nv { return p.v3(fsub, x, y) }
func (p *actProg) mul(x, y nv) nv { return p.v3(fmul, x, y) }
func (p *actProg) div(x, y nv) nv { return p.v3(fdiv, x, y) }

// fma is x·y + z in one rounding.
func (p *actProg) fma(x, y, z nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) {
		a.VMOV(u[2], d)
		a.VFMLA(arr, u[1], u[0], d)
	}, x, y, z)
}

// fnma is z − x·y in one rounding.
func (p *actProg) fnma(x, y, z nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) {
		a.VMOV(u[2], d)
		a.Ins("VFMLS", u[1].A(arr), u[0].A(arr), d.A(arr))
	}, x, y, z)
}

func (p *actProg) and(x, y nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VAND", u[1].B16(), u[0].B16(), d.B16()) }, x, y)
}
func (p *actProg) or(x, y nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VORR", u[1].B16(), u[0].B16(), d.B16()) }, x, y)
}

// Integer ops on the 64-bit lanes.
func (p *actProg) paddq(x, y nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VADD", u[1].A(D2), u[0].A(D2), d.A(D2)) }, x, y)
}
func (p *actProg) psubq(x, y nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VSUB", u[1].A(D2), u[0].A(D2), d.A(D2)) }, x, y)
}
func (p *actProg) psrlq(n int, x nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VUSHR", fmt.Sprintf("$%d", n), u[0].A(D2), d.A(D2)) }, x)
}
func (p *actProg) psllq(n int, x nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VSHL", fmt.Sprintf("$%d", n), u[0].A(D2), d.A(D2)) }, x)
}
func (p *actProg) sar1(x nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.W(actSshr1.Encode(d, u[0])) }, x)
}
func (p *actProg) w2(o actOp2, x nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.W(o.Encode(d, u[0])) }, x)
}

// Comparisons give all-ones lanes where true.
func (p *actProg) ge(x, y nv) nv { return p.v3(fcmge, x, y) } // x ≥ y, ordered
func (p *actProg) gt(x, y nv) nv { return p.v3(fcmgt, x, y) } // x > y, ordered
func (p *actProg) eq(x, y nv) nv { return p.v3(fcmeq, x, y) } // x = y, ordered

// sel is m ? t : f.
func (p *actProg) sel(m, t, f nv) nv {
	return p.op(func(a *Asm, d V, u []V) {
		a.VMOV(u[0], d)
		a.Ins("VBSL", u[2].B16(), u[1].B16(), d.B16())
	}, m, t, f)
}

// clampLo and clampHi keep NaN (FMAX/FMIN return NaN with a NaN operand).
func (p *actProg) clampLo(x nv, lo float64) nv { return p.v3(fmax, x, p.c(lo)) }
func (p *actProg) clampHi(x nv, hi float64) nv { return p.v3(fmin, x, p.c(hi)) }
func (p *actProg) abs(x nv) nv                 { return p.and(x, p.bits(actAbs)) }
func (p *actProg) neg(x nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) { a.V2(fneg, arr, d, u[0]) }, x)
}
func (p *actProg) copysign(q, x nv) nv {
	return p.or(p.and(q, p.bits(actAbs)), p.and(x, p.bits(actSign)))
}
func (p *actProg) pow2(k nv) nv { return p.psllq(52, p.paddq(k, p.bits(1023))) }

// scale is v·2ᵏ rounded once (asm.scale2), k an integer in each lane.
func (p *actProg) scale(v, k nv) nv {
	k1 := p.sar1(k)
	return p.mul(p.mul(v, p.pow2(k1)), p.pow2(p.psubq(k, k1)))
}

// ---- the functions, float64 lanes (see asm/act_generic.go) -------------------

type actParts struct{ r, w, k nv } // float64: r, w; float32: r, q; k integer

func (p *actProg) expParts64(x nv) actParts {
	x = p.clampHi(p.clampLo(x, actExpLo64), actExpHi64)
	t := p.fma(x, p.c(actLog2e), p.c(actMagic))
	kf := p.sub(t, p.c(actMagic))
	hi := p.fma(kf, p.c(-actLn2Hi), x)
	lo := p.mul(kf, p.c(actLn2Lo))
	r := p.sub(hi, lo)
	rlo := p.sub(p.sub(hi, r), lo)
	r2 := p.mul(r, r)
	q := p.fma(p.c(actC[14]), r, p.c(actC[13]))
	for n := 12; n >= 2; n-- {
		q = p.fma(q, r, p.c(actC[n]))
	}
	w := p.fma(r2, q, p.fma(rlo, r, rlo))
	return actParts{r, w, p.psubq(t, p.bits(actMagicBits))}
}

func (p *actProg) expSplit64(r, w nv) (s, c nv) {
	one := p.c(1)
	s = p.add(r, one)
	c = p.add(p.add(p.sub(one, s), r), w)
	return s, c
}

func (p *actProg) exp64(x nv) nv {
	e := p.expParts64(x)
	s, c := p.expSplit64(e.r, e.w)
	return p.scale(p.add(s, c), e.k)
}

func (p *actProg) sigmoid64(x nv) nv {
	e := p.expParts64(p.or(x, p.bits(actSign)))
	s, c := p.expSplit64(e.r, e.w)
	mh := p.add(s, c)
	ml := p.sub(c, p.sub(mh, s))
	eh := p.scale(mh, e.k)
	el := p.scale(ml, e.k)
	one := p.c(1)
	dh := p.add(eh, one)
	dl := p.add(p.add(p.sub(one, dh), eh), el)
	y0 := p.div(one, dh)
	rr := p.fnma(dh, y0, one)
	rr = p.fnma(dl, y0, rr)
	pos := p.fma(y0, rr, y0)
	pp := p.mul(mh, y0)
	pe := p.fma(mh, y0, p.neg(pp))
	lo := p.fma(pp, rr, pe)
	lo = p.fma(ml, y0, lo)
	neg := p.scale(p.add(pp, lo), e.k)
	return p.sel(p.ge(x, p.c(0)), pos, neg)
}

func (p *actProg) tanh64(x nv) nv {
	ab := p.clampHi(p.abs(x), actTanhHi64)
	e := p.expParts64(p.mul(ab, p.c(-2)))
	sc := p.pow2(e.k)
	th := p.add(e.r, e.w)
	tl := p.sub(e.w, p.sub(th, e.r))
	ee := p.mul(sc, th)
	el := p.mul(sc, tl)
	one := p.c(1)
	n0 := p.sub(one, sc)
	n0l := p.sub(p.sub(one, n0), sc)
	nh := p.sub(n0, ee)
	nl := p.add(p.sub(p.sub(n0, nh), ee), p.sub(n0l, el))
	d0 := p.add(sc, one)
	d0l := p.add(p.sub(one, d0), sc)
	dh := p.add(d0, ee)
	dl := p.add(p.add(p.sub(d0, dh), ee), p.add(el, d0l))
	inv := p.div(one, dh)
	q0 := p.mul(nh, inv)
	rr := p.fnma(q0, dh, nh)
	rr = p.add(rr, nl)
	rr = p.fnma(q0, dl, rr)
	q := p.fma(rr, inv, q0)
	return p.copysign(q, x)
}

// logFix: +Inf → x, ±0 → −Inf, x < 0 → NaN, NaN → x.
func (p *actProg) logFix(x, y nv) nv {
	zero := p.c(0)
	y = p.sel(p.eq(x, p.c(math.Inf(1))), x, y)
	y = p.sel(p.eq(x, zero), p.c(math.Inf(-1)), y)
	y = p.sel(p.gt(zero, x), p.bits(actDefaultNaN), y)
	return p.sel(p.eq(x, x), y, x)
}

func (p *actProg) logSplit(x nv) (kf, m nv) {
	ix := p.paddq(x, p.bits(actLogShift))
	kf = p.sub(p.or(p.psrlq(52, ix), p.bits(actExpoBits)), p.c(actExpoBias))
	m = p.paddq(p.and(ix, p.bits(actMantMask)), p.bits(actSqrtHalfBits))
	return kf, m
}

func (p *actProg) log64(x nv) nv {
	sub := p.gt(p.c(actTiny64), x)
	xs := p.sel(sub, p.mul(x, p.c(actNormalize)), x)
	kadj := p.sel(sub, p.c(54), p.c(0))
	kf, m := p.logSplit(xs)
	kf = p.sub(kf, kadj)
	f := p.sub(m, p.c(1))
	hf := p.mul(f, p.c(0.5))
	h := p.mul(hf, f)
	hl := p.fma(hf, f, p.neg(h))
	s := p.div(f, p.add(f, p.c(2)))
	z := p.mul(s, s)
	w := p.mul(z, z)
	t1 := p.fma(p.fma(p.c(actLg6), w, p.c(actLg4)), w, p.c(actLg2))
	t1 = p.mul(w, t1)
	t2 := p.fma(p.fma(p.fma(p.c(actLg7), w, p.c(actLg5)), w, p.c(actLg3)), w, p.c(actLg1))
	t2 = p.mul(z, t2)
	r := p.add(t1, t2)
	u := p.fma(s, p.add(h, r), p.neg(hl))
	vh := p.sub(f, h)
	vl := p.sub(p.sub(f, vh), h)
	A := p.mul(kf, p.c(actLn2Hi))
	hi := p.add(A, vh)
	lo := p.add(p.sub(A, hi), vh)
	y := p.add(hi, p.add(lo, p.add(vl, p.fma(kf, p.c(actLn2Lo), u))))
	return p.logFix(x, y)
}

func (p *actProg) expParts32(x nv) actParts {
	x = p.clampHi(p.clampLo(x, actExpLo32), actExpHi32)
	t := p.fma(x, p.c(actLog2e), p.c(actMagic))
	kf := p.sub(t, p.c(actMagic))
	r := p.fma(kf, p.c(-actLn2), x)
	q := p.fma(p.c(actC[8]), r, p.c(actC[7]))
	for n := 6; n >= 1; n-- {
		q = p.fma(q, r, p.c(actC[n]))
	}
	return actParts{r, q, p.psubq(t, p.bits(actMagicBits))}
}

// The float32 exponential in float32 lanes (asm.exp32).
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

// Integer ops on the 32-bit lanes.
func (p *actProg) paddd(x, y nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VADD", u[1].A(S4), u[0].A(S4), d.A(S4)) }, x, y)
}
func (p *actProg) psubd(x, y nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VSUB", u[1].A(S4), u[0].A(S4), d.A(S4)) }, x, y)
}
func (p *actProg) pow2S(k nv) nv {
	s := p.paddd(k, p.bits(127))
	return p.op(func(a *Asm, d V, u []V) { a.Ins("VSHL", "$23", u[0].A(S4), d.A(S4)) }, s)
}

// expCoreF32 is asm.expCore32 on x (already clamped): eˣ ≈ 2ᵏ·(1 + (rh + q)).
func (p *actProg) expCoreF32(x nv) (rh, q, k nv) {
	t := p.fma(x, p.c(actLog2eF), p.c(actMagicF))
	kf := p.sub(t, p.c(actMagicF))
	rh = p.fma(kf, p.c(-actLn2HiF), x)
	u := p.mul(kf, p.c(-actLn2LoF))
	r := p.add(rh, u)
	r2 := p.mul(r, r)
	a := p.fma(p.c(actE3), r, p.c(actE2))
	b := p.fma(p.c(actE5), r, p.c(actE4))
	q = p.fma(p.c(actE6), r2, b)
	q = p.fma(q, r2, a)
	q = p.fma(q, r2, u)
	return rh, q, p.psubd(t, p.bits(actMagicFBits))
}

// scaleF32 is asm.scale32: v·2ᵏ, the first product exact.
func (p *actProg) scaleF32(v, k nv) nv {
	k1 := p.w2(actSshr1S, k)
	return p.mul(p.mul(v, p.pow2S(k1)), p.pow2S(p.psubd(k, k1)))
}

func (p *actProg) expF32(x nv) nv {
	x = p.clampHi(p.clampLo(x, actExpLo32), actExpHi32)
	rh, q, k := p.expCoreF32(x)
	return p.scaleF32(p.add(p.add(rh, q), p.c(1)), k)
}

func (p *actProg) sigmoidF32(x nv) nv {
	one := p.c(1)
	na := p.clampLo(p.or(x, p.bits(0x80000000)), actExpLo32)
	rh, q, k := p.expCoreF32(na)
	m := p.add(p.add(rh, q), one)
	eh := p.scaleF32(m, k)
	dh := p.add(eh, one)
	dl := p.add(p.sub(one, dh), eh)
	pos := p.ge(x, p.c(0))
	nh := p.sel(pos, one, eh)
	y := p.div(one, dh)
	q0 := p.mul(nh, y)
	res := p.fnma(q0, dh, nh)
	res = p.fnma(q0, dl, res)
	return p.fma(res, y, q0)
}

// tanhF32 is asm.tanh32: both branches, then a select.
func (p *actProg) tanhF32(x nv) nv {
	one := p.c(1)
	a := p.clampHi(p.and(x, p.bits(0x7fffffff)), actTanhHi32)
	small := p.gt(p.c(actTanhT32), a) // a < T, false for NaN
	z := p.mul(a, a)
	q := p.fma(p.c(actTanhC5), z, p.c(actTanhC4))
	for _, c := range []float64{actTanhC3, actTanhC2, actTanhC1, actTanhC0} {
		q = p.fma(q, z, p.c(c))
	}
	ys := p.fma(p.mul(a, z), q, a)
	rh, r, k := p.expCoreF32(p.mul(a, p.c(-2)))
	t := p.scaleF32(p.add(p.add(rh, r), one), k)
	yl := p.sub(one, p.div(p.add(t, t), p.add(t, one)))
	return p.or(p.sel(small, ys, yl), p.and(x, p.bits(0x80000000)))
}

func (p *actProg) exp32(x nv) nv {
	e := p.expParts32(x)
	return p.mul(p.fma(e.w, e.r, p.c(1)), p.pow2(e.k))
}

func (p *actProg) log32(x nv) nv {
	kf, m := p.logSplit(x)
	f := p.sub(m, p.c(1))
	s := p.div(f, p.add(f, p.c(2)))
	z := p.mul(s, s)
	r := p.fma(p.fma(p.fma(p.c(actLgF4), z, p.c(actLgF3)), z, p.c(actLgF2)), z, p.c(actLgF1))
	r = p.mul(r, z)
	h := p.mul(p.mul(f, p.c(0.5)), f)
	lm := p.add(f, p.fma(s, p.add(h, r), p.neg(h)))
	return p.logFix(x, p.fma(kf, p.c(actLn2), lm))
}

// ---- loops ----------------------------------------------------------------------

// Register plan: input pointers R0, R1, dst R2, count R3, constants R9.
var actIn = []R{0, 1}

const (
	actDst R = 2
	actN   R = 3
)

// actKernel emits an element-wise kernel: steps of unit elements while at
// least unit remain, then single elements. body computes one vector from
// the loaded inputs (float64 lanes when wide).
func actKernel(a *Asm, inputs []string, wide bool, body func(p *actProg, ins []nv) nv) {
	actLoop(a, true, inputs, wide, false, body)
}

// Registers reserved by the summing kernels.
const (
	actAcc V = 31 // the float64 partial sums
	actArg V = 30 // the scalar parameter c in both float64 lanes
)

// actLoop emits the loop; with store, results go to dst (whose length is
// the count, else the first input's); with sum, the stored values (float32:
// rounded, then widened again) are added into actAcc and the result is the
// sum of its lanes (the ret slot).
func actLoop(a *Asm, store bool, inputs []string, wide, sum bool, body func(p *actProg, ins []nv) nv) {
	if store {
		a.Load("dst_base", actDst)
		a.Load("dst_len", actN)
	} else {
		a.Load(inputs[0]+"_len", actN)
	}
	for i, name := range inputs {
		a.Load(name+"_base", actIn[i])
	}
	f32 := a.T.Size == 4
	arr := a.T.Arr
	if wide {
		arr = D2
	}
	if sum {
		a.VZero(actAcc)
		a.LoadF("c", actArg)
		if f32 {
			a.Ins("FCVTSD", actArg.F(), actArg.F())
		}
		a.Ins("VDUP", actArg.Lane(D2, 0), actArg.A(D2))
	}
	unit := a.T.Lanes // 4 float32 or 2 float64 per 128-bit load
	step := func(elems int) {
		p := newProg(a, arr)
		if sum {
			p.pool = 30
		}
		ins := make([]nv, len(inputs))
		for i := range inputs {
			base := actIn[i]
			if elems == 1 {
				ins[i] = p.op(func(a *Asm, d V, _ []V) { a.FLoadP(base, a.T.Size, d) })
			} else {
				ins[i] = p.op(func(a *Asm, d V, _ []V) { a.VLD1P(base, d, 1) })
			}
		}
		var out nv
		var sums []nv // float64 vectors to add into the accumulator
		switch {
		case !wide || !f32:
			out = body(p, ins)
			sums = []nv{out}
		case elems == 1:
			lo := make([]nv, len(ins))
			for i, v := range ins {
				lo[i] = p.w2(actFcvtl, v)
			}
			out = p.w2(actFcvtn, body(p, lo))
			if sum {
				sums = []nv{p.w2(actFcvtl, out)}
			}
		default:
			lo, hi := make([]nv, len(ins)), make([]nv, len(ins))
			for i, v := range ins {
				lo[i] = p.w2(actFcvtl, v)
				hi[i] = p.w2(actFcvtl2, v)
			}
			ol, oh := body(p, lo), body(p, hi)
			out = p.op(func(a *Asm, d V, u []V) {
				a.W(actFcvtn.Encode(d, u[0]))
				a.W(actFcvtn2.Encode(d, u[1]))
			}, ol, oh)
			if sum {
				sums = []nv{p.w2(actFcvtl, out), p.w2(actFcvtl2, out)}
			}
		}
		if store {
			if elems == 1 {
				p.eff(func(a *Asm, u []V) { a.FStoreP(u[0], a.T.Size, actDst) }, out)
			} else {
				p.eff(func(a *Asm, u []V) { a.VST1P(u[0], 1, actDst) }, out)
			}
		}
		if sum {
			for _, v := range sums {
				if elems == 1 {
					// Only lane 0 is an element: FMOVD clears the other.
					v = p.op(func(a *Asm, d V, u []V) { a.Ins("FMOVD", u[0].F(), d.F()) }, v)
				}
				p.eff(func(a *Asm, u []V) { a.V3(fadd, D2, actAcc, actAcc, u[0]) }, v)
			}
		}
		p.flush()
	}
	a.Label("loop")
	a.Ins("CMP", fmt.Sprintf("$%d", unit), actN.String())
	a.branch("BLT", "tail")
	step(unit)
	a.Ins("SUB", fmt.Sprintf("$%d", unit), actN.String(), actN.String())
	a.B("loop")
	a.Label("tail")
	a.CBZ(actN, "done")
	step(1)
	a.Ins("SUB", "$1", actN.String(), actN.String())
	a.B("tail")
	a.Label("done")
	if sum {
		a.Pair(faddps, D2, actArg, actAcc)
		if f32 {
			a.Ins("FCVTDS", actArg.F(), actArg.F())
		}
		a.StoreF(actArg, "ret")
	}
	a.RET()
}

// arg is the scalar parameter c (pinned in actArg).
func (p *actProg) arg() nv { return p.pinned(actArg) }

// scalarParam loads the float parameter name into every lane (native).
func scalarParam(a *Asm, p *actProg, name string) nv {
	return p.op(func(a *Asm, d V, _ []V) {
		a.LoadF(name, d)
		a.VDUPLane(d, 0, d)
	})
}

func init() {
	features["act"] = func(a *Asm, in spec.Instance) {
		f64 := in.T.Size == 8
		pick := func(f32, f64f func(p *actProg, x nv) nv) func(p *actProg, ins []nv) nv {
			return func(p *actProg, ins []nv) nv {
				if f64 {
					return f64f(p, ins[0])
				}
				return f32(p, ins[0])
			}
		}
		x := []string{"x"}
		switch in.Name {
		case "exp":
			if !f64 {
				actKernel(a, x, false, func(p *actProg, ins []nv) nv { return p.expF32(ins[0]) })
				return
			}
			actKernel(a, x, true, pick((*actProg).exp32, (*actProg).exp64))
		case "log":
			actKernel(a, x, true, pick((*actProg).log32, (*actProg).log64))
		case "sigmoid":
			if !f64 {
				actKernel(a, x, false, func(p *actProg, ins []nv) nv { return p.sigmoidF32(ins[0]) })
				return
			}
			actKernel(a, x, true, func(p *actProg, ins []nv) nv { return p.sigmoid64(ins[0]) })
		case "tanh":
			if !f64 {
				actKernel(a, x, false, func(p *actProg, ins []nv) nv { return p.tanhF32(ins[0]) })
				return
			}
			actKernel(a, x, true, func(p *actProg, ins []nv) nv { return p.tanh64(ins[0]) })
		case "sigmoidGrad":
			actKernel(a, []string{"y", "dy"}, true, func(p *actProg, ins []nv) nv {
				y := ins[0]
				return p.mul(ins[1], p.mul(y, p.sub(p.c(1), y)))
			})
		case "tanhGrad":
			actKernel(a, []string{"y", "dy"}, true, func(p *actProg, ins []nv) nv {
				y := ins[0]
				return p.mul(ins[1], p.fnma(y, y, p.c(1)))
			})
		case "relu":
			actKernel(a, x, false, func(p *actProg, ins []nv) nv {
				zero := p.c(0)
				return p.sel(p.ge(zero, ins[0]), zero, ins[0]) // x ≤ 0 ? +0 : x (NaN: x)
			})
		case "leakyRelu":
			actKernel(a, x, false, func(p *actProg, ins []nv) nv {
				v := ins[0]
				return p.sel(p.gt(v, p.c(0)), v, p.mul(scalarParam(a, p, "alpha"), v))
			})
		case "reluGrad", "leakyReluGrad":
			actKernel(a, []string{"x", "dy"}, false, func(p *actProg, ins []nv) nv {
				v, dy := ins[0], ins[1]
				other := p.c(0)
				if in.Name == "leakyReluGrad" {
					other = p.mul(scalarParam(a, p, "alpha"), dy)
				}
				y := p.sel(p.gt(v, p.c(0)), dy, other)
				return p.sel(p.eq(v, v), y, v)
			})
		case "expSub", "expSum":
			actLoop(a, in.Name == "expSub", x, true, true, func(p *actProg, ins []nv) nv {
				d := p.sub(ins[0], p.arg())
				if f64 {
					return p.exp64(d)
				}
				return p.exp32(d)
			})
		case "subSub":
			actKernel(a, x, false, func(p *actProg, ins []nv) nv {
				return p.sub(p.sub(ins[0], scalarParam(a, p, "a")), scalarParam(a, p, "b"))
			})
		case "mulSub":
			actKernel(a, []string{"y", "dy"}, false, func(p *actProg, ins []nv) nv {
				return p.mul(p.sub(ins[1], scalarParam(a, p, "d")), ins[0])
			})
		default:
			panic("gen/arm64: no act body for " + in.Name)
		}
	}
}
