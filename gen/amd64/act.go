package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// The act kernels. Their bodies perform, lane by lane, exactly the IEEE
// operations of the generic kernels in asm/act_generic.go, in the same order
// (read the two side by side): that is what makes every ISA return the same
// bits. float32 Exp, Sigmoid and Tanh are in act32.go (float32 lanes); the
// other float32 kernels compute in float64 lanes (VCVTPS2PD in, VCVTPD2PS
// out), as the generic kernels do. Constants are 64-byte read-only vectors
// used as memory operands, so the register allocator only holds values.

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
)

// Taylor coefficients 1/n! of eˣ, n = 0..14.
var actC = [15]float64{1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
	1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800, 1.0 / 87178291200}

// VCMPPD predicates.
const (
	cmpEQ    = 0x00 // ordered, quiet
	cmpLT    = 0x01 // ordered
	cmpUnord = 0x03
	cmpGE    = 0x0d // ordered
	cmpGT    = 0x0e // ordered
)

// actData is the cache of constant vectors, by bit pattern and lane size.
var actData = map[[2]uint64]Mem{}

// constVec returns a 64-byte read-only vector holding the size-byte
// pattern b in every lane.
func constVec(b uint64, size int) Mem {
	key := [2]uint64{b, uint64(size)}
	if m, ok := actData[key]; ok {
		return m
	}
	name := fmt.Sprintf("actc%016x", b)
	if size == 4 {
		name = fmt.Sprintf("actf%08x", b)
	}
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 64/size; i++ {
		if size == 4 {
			DATA(4*i, U32(uint32(b)))
		} else {
			DATA(8*i, U64(b))
		}
	}
	actData[key] = m
	return m
}

// cbits returns the vector of the 64-bit pattern b.
func cbits(b uint64) Mem { return constVec(b, 8) }

// cf returns the constant vector of v.
func cf(v float64) Mem { return cbits(math.Float64bits(v)) }

// iota32 and iota64 hold the lane numbers 0, 1, 2, ... (AVX2 tail masks).
var iotaData = map[int]Mem{}

func iota(size int) Mem {
	if m, ok := iotaData[size]; ok {
		return m
	}
	m := GLOBL(fmt.Sprintf("actiota%d", size), RODATA|NOPTR)
	for i := 0; i < 32/size; i++ {
		if size == 4 {
			DATA(4*i, U32(uint32(i)))
		} else {
			DATA(8*i, U64(uint64(i)))
		}
	}
	iotaData[size] = m
	return m
}

// ax emits float64-lane vector code for one ISA; every method returns a
// fresh virtual register.
type ax struct {
	z    bool               // AVX-512 (ZMM, opmasks); else AVX2 (YMM, vector masks)
	pool map[Mem]VecVirtual // constants held in registers for the whole loop
}

// k maps a constant held in the pool to its register.
func (a ax) k(o Op) Op {
	if m, ok := o.(Mem); ok {
		if r, ok := a.pool[m]; ok {
			return r
		}
	}
	return o
}

func (a ax) v() VecVirtual {
	if a.z {
		return ZMM()
	}
	return YMM()
}

// reg loads the constant v into a register.
func (a ax) reg(v float64) VecVirtual {
	if r, ok := a.pool[cf(v)]; ok {
		return r
	}
	d := a.v()
	VMOVUPD(cf(v), d)
	return d
}

func (a ax) add(x, y Op) VecVirtual { d := a.v(); VADDPD(a.k(y), x, d); return d } // x + y
func (a ax) sub(x, y Op) VecVirtual { d := a.v(); VSUBPD(a.k(y), x, d); return d } // x − y
func (a ax) mul(x, y Op) VecVirtual { d := a.v(); VMULPD(a.k(y), x, d); return d } // x·y
func (a ax) div(x, y Op) VecVirtual { d := a.v(); VDIVPD(a.k(y), x, d); return d } // x/y

// rsub is c − x for a constant c (the constant must be the first source).
func (a ax) rsub(c float64, x Op) VecVirtual { return a.sub(a.reg(c), x) }

// fma is x·y + z in one rounding; at most one of x, y is a Mem.
func (a ax) fma(x, y, z Op) VecVirtual {
	x, y, z = a.k(x), a.k(y), a.k(z)
	d := a.v()
	if _, ok := y.(Mem); ok {
		x, y = y, x
	}
	if m, ok := x.(Mem); ok {
		VMOVUPD(m, d)
	} else {
		VMOVAPD(x, d)
	}
	VFMADD213PD(z, y, d) // d = y·d + z
	return d
}

// fmaTo is d = d·y + z in place (a Horner step).
func (a ax) fmaTo(d VecVirtual, y, z Op) { VFMADD213PD(a.k(z), a.k(y), d) }

// fnma is z − x·y in one rounding; x is a register.
func (a ax) fnma(x, y, z Op) VecVirtual {
	d := a.v()
	VMOVAPD(x, d)
	VFNMADD213PD(a.k(z), a.k(y), d)
	return d
}

// The integer and bitwise ops on the 64-bit lanes.
func (a ax) and(x, y Op) VecVirtual { d := a.v(); VANDPD(a.k(y), x, d); return d }
func (a ax) or(x, y Op) VecVirtual  { d := a.v(); VORPD(a.k(y), x, d); return d }
func (a ax) paddq(x, y Op) VecVirtual {
	d := a.v()
	VPADDQ(a.k(y), x, d)
	return d
}
func (a ax) psubq(x, y Op) VecVirtual { d := a.v(); VPSUBQ(a.k(y), x, d); return d }
func (a ax) psrlq(n int, x Op) VecVirtual {
	d := a.v()
	VPSRLQ(U8(n), x, d)
	return d
}
func (a ax) psllq(n int, x Op) VecVirtual {
	d := a.v()
	VPSLLQ(U8(n), x, d)
	return d
}
func (a ax) pand(x, y Op) VecVirtual {
	d := a.v()
	if a.z {
		VPANDQ(y, x, d)
	} else {
		VPAND(y, x, d)
	}
	return d
}
func (a ax) por(x, y Op) VecVirtual {
	d := a.v()
	if a.z {
		VPORQ(y, x, d)
	} else {
		VPOR(y, x, d)
	}
	return d
}

// sar1 is k >> 1 (arithmetic) on the low 32 bits of each lane at least,
// which is all pow2 uses: AVX2 has no 64-bit arithmetic shift.
func (a ax) sar1(x Op) VecVirtual {
	d := a.v()
	if a.z {
		VPSRAQ(U8(1), x, d)
	} else {
		VPSRAD(U8(1), x, d)
	}
	return d
}

// pow2 is 2ᵏ from the integer k in the low bits of each lane:
// (k + 1023) << 52.
func (a ax) pow2(k Op) VecVirtual { return a.psllq(52, a.paddq(k, cbits(1023))) }

// mask is a lane predicate: an opmask (AVX-512) or a vector of all-ones
// lanes (AVX2).
type mask struct{ r Register }

// cmp is the predicate x pred y.
func (a ax) cmp(pred int, x, y Op) mask {
	if a.z {
		k := K()
		VCMPPD(U8(pred), y, x, k)
		return mask{k}
	}
	d := YMM()
	VCMPPD(U8(pred), y, x, d)
	return mask{d}
}

// sel is m ? t : f.
func (a ax) sel(m mask, t, f Op) VecVirtual {
	d := a.v()
	if a.z {
		VBLENDMPD(t, f, m.r, d)
	} else {
		VBLENDVPD(m.r, t, f, d)
	}
	return d
}

// clampLo is "if x < lo { x = lo }" (NaN stays): MAXPD returns its second
// source when the first is not greater, NaN included.
func (a ax) clampLo(x Op, lo float64) VecVirtual { d := a.v(); VMAXPD(x, a.reg(lo), d); return d }

// clampHi is "if x > hi { x = hi }" (NaN stays).
func (a ax) clampHi(x Op, hi float64) VecVirtual { d := a.v(); VMINPD(x, a.reg(hi), d); return d }

func (a ax) abs(x Op) VecVirtual { return a.and(x, cbits(0x7fffffffffffffff)) }

// neg is −x (exact: the sign bit flipped).
func (a ax) neg(x Op) VecVirtual { d := a.v(); VXORPD(a.k(cbits(0x8000000000000000)), x, d); return d }

// copysign is math.Copysign(q, x).
func (a ax) copysign(q, x Op) VecVirtual {
	return a.or(a.and(q, cbits(0x7fffffffffffffff)), a.and(x, cbits(0x8000000000000000)))
}

// scale is v·2ᵏ rounded once (asm.scale2): VSCALEFPD with k as a float64 on
// AVX-512, two exact-then-rounding products on AVX2 (ki: k in the low bits).
func (a ax) scale(v, kf, ki Op) VecVirtual {
	if a.z {
		d := a.v()
		VSCALEFPD(kf, v, d)
		return d
	}
	k1 := a.sar1(ki)
	return a.mul(a.mul(v, a.pow2(k1)), a.pow2(a.psubq(ki, k1)))
}

// pow2k is 2ᵏ (k small enough for a normal result).
func (a ax) pow2k(kf, ki Op) VecVirtual {
	if a.z {
		d := a.v()
		VSCALEFPD(kf, a.reg(1), d)
		return d
	}
	return a.pow2(ki)
}

// ---- the exponential reductions (asm.expParts64, asm.expParts32) ----------

type expParts struct {
	r, w   VecVirtual // float64: r, w; float32: r, q
	kf, ki VecVirtual // k as a float64 and in the low bits of each lane
}

func (a ax) expParts64(x VecVirtual) expParts {
	x = a.clampHi(a.clampLo(x, actExpLo64), actExpHi64)
	t := a.fma(x, cf(actLog2e), cf(actMagic))
	kf := a.sub(t, cf(actMagic))
	hi := a.fma(kf, cf(-actLn2Hi), x)
	lo := a.mul(kf, cf(actLn2Lo))
	r := a.sub(hi, lo)
	rlo := a.sub(a.sub(hi, r), lo)
	r2 := a.mul(r, r)
	q := a.fma(cf(actC[14]), r, cf(actC[13]))
	for n := 12; n >= 2; n-- {
		a.fmaTo(q, r, cf(actC[n]))
	}
	w := a.fma(r2, q, a.fma(rlo, r, rlo))
	var ki VecVirtual
	if !a.z {
		ki = a.psubq(t, cbits(actMagicBits))
	}
	return expParts{r, w, kf, ki}
}

func (a ax) expSplit64(r, w VecVirtual) (s, c VecVirtual) {
	s = a.add(r, cf(1))
	c = a.add(a.add(a.rsub(1, s), r), w)
	return s, c
}

func (a ax) expParts32(x VecVirtual) expParts {
	x = a.clampHi(a.clampLo(x, actExpLo32), actExpHi32)
	t := a.fma(x, cf(actLog2e), cf(actMagic))
	kf := a.sub(t, cf(actMagic))
	r := a.fma(kf, cf(-actLn2), x)
	q := a.fma(cf(actC[8]), r, cf(actC[7]))
	for n := 6; n >= 1; n-- {
		a.fmaTo(q, r, cf(actC[n]))
	}
	var ki VecVirtual
	if !a.z {
		ki = a.psubq(t, cbits(actMagicBits))
	}
	return expParts{r, q, kf, ki}
}

// ---- the functions, float64 lanes -----------------------------------------

// exp64Consts are the constants of exp64, held in registers on AVX-512.
func exp64Consts() []Mem {
	m := []Mem{cf(actExpLo64), cf(actExpHi64), cf(actLog2e), cf(actMagic), cf(-actLn2Hi), cf(actLn2Lo), cf(1)}
	for n := 2; n <= 14; n++ {
		m = append(m, cf(actC[n]))
	}
	return m
}

func (a ax) exp64(x VecVirtual) VecVirtual {
	p := a.expParts64(x)
	s, c := a.expSplit64(p.r, p.w)
	return a.scale(a.add(s, c), p.kf, p.ki)
}

func (a ax) sigmoid64(x VecVirtual) VecVirtual {
	na := a.or(x, cbits(0x8000000000000000)) // −|x|
	p := a.expParts64(na)
	s, c := a.expSplit64(p.r, p.w)
	mh := a.add(s, c)
	ml := a.sub(c, a.sub(mh, s))
	eh := a.scale(mh, p.kf, p.ki)
	el := a.scale(ml, p.kf, p.ki)
	dh := a.add(eh, cf(1))
	dl := a.add(a.add(a.rsub(1, dh), eh), el)
	y0 := a.div(a.reg(1), dh)
	rr := a.fnma(dh, y0, cf(1))
	rr = a.fnma(dl, y0, rr)
	pos := a.fma(y0, rr, y0)
	pp := a.mul(mh, y0)
	pe := a.fma(mh, y0, a.neg(pp))
	lo := a.fma(pp, rr, pe)
	lo = a.fma(ml, y0, lo)
	neg := a.scale(a.add(pp, lo), p.kf, p.ki)
	return a.sel(a.cmp(cmpGE, x, a.reg(0)), pos, neg)
}

func (a ax) tanh64(x VecVirtual) VecVirtual {
	ab := a.clampHi(a.abs(x), actTanhHi64)
	p := a.expParts64(a.mul(ab, cf(-2)))
	sc := a.pow2k(p.kf, p.ki)
	th := a.add(p.r, p.w)
	tl := a.sub(p.w, a.sub(th, p.r))
	e := a.mul(sc, th)
	el := a.mul(sc, tl)
	n0 := a.rsub(1, sc)
	n0l := a.sub(a.rsub(1, n0), sc)
	nh := a.sub(n0, e)
	nl := a.add(a.sub(a.sub(n0, nh), e), a.sub(n0l, el))
	d0 := a.add(sc, cf(1))
	d0l := a.add(a.rsub(1, d0), sc)
	dh := a.add(d0, e)
	dl := a.add(a.add(a.sub(d0, dh), e), a.add(el, d0l))
	inv := a.div(a.reg(1), dh)
	q0 := a.mul(nh, inv)
	rr := a.fnma(q0, dh, nh)
	rr = a.add(rr, nl)
	rr = a.fnma(q0, dl, rr)
	q := a.fma(rr, inv, q0)
	return a.copysign(q, x)
}

// logFix applies the special cases of log in the generic's order of
// precedence (they exclude each other): +Inf → x, ±0 → −Inf, x < 0 → NaN,
// NaN → x.
func (a ax) logFix(x, y VecVirtual) VecVirtual {
	y = a.sel(a.cmp(cmpEQ, x, cf(math.Inf(1))), x, y)
	y = a.sel(a.cmp(cmpEQ, x, a.reg(0)), cf(math.Inf(-1)), y)
	y = a.sel(a.cmp(cmpLT, x, a.reg(0)), cbits(actDefaultNaN), y)
	return a.sel(a.cmp(cmpUnord, x, x), x, y)
}

// logSplit returns kf and m with x = 2^kf·m, m ∈ [√2/2, √2), x normal.
func (a ax) logSplit(x VecVirtual) (kf, m VecVirtual) {
	ix := a.paddq(x, cbits(actLogShift))
	kf = a.sub(a.por(a.psrlq(52, ix), cbits(actExpoBits)), cf(actExpoBias))
	m = a.paddq(a.pand(ix, cbits(actMantMask)), cbits(actSqrtHalfBits))
	return kf, m
}

func (a ax) log64(x VecVirtual) VecVirtual {
	sub := a.cmp(cmpLT, x, cf(actTiny64))
	xs := a.sel(sub, a.mul(x, cf(actNormalize)), x)
	kadj := a.sel(sub, cf(54), a.reg(0))
	kf, m := a.logSplit(xs)
	kf = a.sub(kf, kadj)
	f := a.sub(m, cf(1))
	hf := a.mul(f, cf(0.5))
	h := a.mul(hf, f)
	hl := a.fma(hf, f, a.neg(h))
	d := a.add(f, cf(2))
	s := a.div(f, d)
	z := a.mul(s, s)
	w := a.mul(z, z)
	t1 := a.fma(cf(actLg6), w, cf(actLg4))
	a.fmaTo(t1, w, cf(actLg2))
	t1 = a.mul(w, t1)
	t2 := a.fma(cf(actLg7), w, cf(actLg5))
	a.fmaTo(t2, w, cf(actLg3))
	a.fmaTo(t2, w, cf(actLg1))
	t2 = a.mul(z, t2)
	r := a.add(t1, t2)
	u := a.fma(s, a.add(h, r), a.neg(hl))
	vh := a.sub(f, h)
	vl := a.sub(a.sub(f, vh), h)
	A := a.mul(kf, cf(actLn2Hi))
	hi := a.add(A, vh)
	lo := a.add(a.sub(A, hi), vh)
	y := a.add(hi, a.add(lo, a.add(vl, a.fma(kf, cf(actLn2Lo), u))))
	return a.logFix(x, y)
}

// ---- float32 functions in float64 lanes -------------------------------------

func (a ax) exp32(x VecVirtual) VecVirtual {
	p := a.expParts32(x)
	e := a.fma(p.w, p.r, cf(1))
	if a.z {
		d := a.v()
		VSCALEFPD(p.kf, e, d)
		return d
	}
	return a.mul(e, a.pow2(p.ki))
}

func (a ax) log32(x VecVirtual) VecVirtual {
	kf, m := a.logSplit(x)
	f := a.sub(m, cf(1))
	s := a.div(f, a.add(f, cf(2)))
	z := a.mul(s, s)
	r := a.fma(cf(actLgF4), z, cf(actLgF3))
	a.fmaTo(r, z, cf(actLgF2))
	a.fmaTo(r, z, cf(actLgF1))
	r = a.mul(r, z)
	h := a.mul(a.mul(f, cf(0.5)), f)
	lm := a.add(f, a.fma(s, a.add(h, r), a.neg(h)))
	y := a.fma(kf, cf(actLn2), lm)
	return a.logFix(x, y)
}

// ---- the loop -----------------------------------------------------------------

// lanes describes how an act kernel holds its data: wide (float32 data in
// float64 lanes) or native (the element type's own lanes).
type lanes struct {
	a    ax
	v    vk   // the native vector kind (for native kernels)
	wide bool // float32 data computed in float64 lanes
	t    spec.Type
}

// unit is the number of elements one body step handles.
func (l lanes) unit() int {
	if l.wide || l.t.Size == 8 {
		if l.a.z {
			return 8
		}
		return 4
	}
	return l.v.lanes
}

// tail is the mask of a partial unit of r elements.
type tail struct {
	k Op         // AVX-512 opmask
	m VecVirtual // AVX2 lane mask (XMM of int32 for wide float32)
}

func (l lanes) tailMask(r Register) tail {
	if l.a.z {
		g := GP32()
		MOVL(U32(0xffffffff), g)
		BZHIL(r.(GPVirtual).As32(), g, g)
		k := K()
		KMOVW(g, k)
		return tail{k: k}
	}
	x := XMM()
	switch {
	case l.wide: // 4 float32
		MOVQ(r, x)
		VPBROADCASTD(x, x)
		VPCMPGTD(iota(4), x, x)
		return tail{m: x}
	case l.t.Size == 4: // 8 float32
		y := YMM()
		MOVQ(r, x)
		VPBROADCASTD(x, y)
		VPCMPGTD(iota(4), y, y)
		return tail{m: y}
	}
	y := YMM()
	MOVQ(r, x)
	VPBROADCASTQ(x, y)
	VPCMPGTQ(iota(8), y, y)
	return tail{m: y}
}

func (l lanes) load(m Mem, tl *tail) VecVirtual {
	a := l.a
	if l.wide {
		d := a.v()
		switch {
		case tl == nil:
			VCVTPS2PD(m, d)
		case a.z:
			y := YMM()
			VMOVUPS_Z(m, tl.k, y)
			VCVTPS2PD(y, d)
		default:
			x := XMM()
			VMASKMOVPS(m, tl.m, x)
			VCVTPS2PD(x, d)
		}
		return d
	}
	if tl == nil {
		d := l.v.vec()
		l.v.MOVU(m, d)
		return d
	}
	if a.z {
		d := l.v.vec()
		l.v.MOVUZ(m, tl.k, d)
		return d
	}
	d := YMM()
	if l.t.Size == 4 {
		VMASKMOVPS(m, tl.m, d)
	} else {
		VMASKMOVPD(m, tl.m, d)
	}
	return d
}

func (l lanes) store(v VecVirtual, m Mem, tl *tail) {
	a := l.a
	if l.wide {
		if a.z {
			y := YMM()
			VCVTPD2PS(v, y)
			if tl == nil {
				VMOVUPS(y, m)
			} else {
				VMOVUPS(y, tl.k, m)
			}
			return
		}
		x := XMM()
		VCVTPD2PSY(v, x)
		if tl == nil {
			VMOVUPS(x, m)
		} else {
			VMASKMOVPS(x, tl.m, m)
		}
		return
	}
	switch {
	case tl == nil:
		l.v.MOVU(v, m)
	case a.z:
		l.v.MOVU(v, tl.k, m)
	case l.t.Size == 4:
		VMASKMOVPS(v, tl.m, m)
	default:
		VMASKMOVPD(v, tl.m, m)
	}
}

// actLoop emits an element-wise kernel: dst[i] = body(inputs[i]...) over
// blocks of unroll units, single units, then one masked unit. Every unit
// loads all its inputs before it stores, so dst may alias an input.
func actLoop(in spec.Instance, isa spec.ISA, wide bool, unroll int, inputs []string, body func(l lanes, ins []VecVirtual) VecVirtual) {
	actLoopH(in, isa, wide, unroll, inputs, nil, body)
}

// actLoopH is actLoop with the constants hoist held in registers for the
// whole loop.
func actLoopH(in spec.Instance, isa spec.ISA, wide bool, unroll int, inputs []string, hoist []Mem, body func(l lanes, ins []VecVirtual) VecVirtual) {
	l := lanes{a: ax{z: isa == spec.AVX512}, v: newVK(isa, in.T), wide: wide && in.T.Size == 4, t: in.T}
	if len(hoist) > 0 {
		l.a.pool = map[Mem]VecVirtual{}
		for _, m := range hoist {
			r := l.a.v()
			VMOVUPD(m, r)
			l.a.pool[m] = r
		}
	}
	if in.T.Size == 8 {
		l.wide = false
	}
	dst := Load(Param("dst").Base(), GP64())
	var bases []Register
	for _, p := range inputs {
		bases = append(bases, Load(Param(p).Base(), GP64()))
	}
	n := Load(Param("dst").Len(), GP64())
	i := GP64()
	XORQ(i, i)
	u := l.unit()
	step := func(off int, tl *tail) {
		ins := make([]VecVirtual, len(bases))
		for j, b := range bases {
			ins[j] = l.load(l.v.at(b, i, off), tl)
		}
		l.store(body(l, ins), l.v.at(dst, i, off), tl)
	}
	if unroll > 1 {
		loop("blocks", i, n, unroll*u, func() {
			for j := 0; j < unroll; j++ {
				step(j*u, nil)
			}
		})
	}
	loop("units", i, n, u, func() { step(0, nil) })
	r := GP64()
	MOVQ(n, r)
	SUBQ(i, r)
	JZ(LabelRef("done"))
	tl := l.tailMask(r)
	step(0, &tl)
	Label("done")
	VZEROUPPER()
	RET()
}

func init() {
	features["act"] = func(in spec.Instance, isa spec.ISA) {
		f64 := in.T.Size == 8
		pick := func(f32, f64f func(ax, VecVirtual) VecVirtual) func(l lanes, ins []VecVirtual) VecVirtual {
			return func(l lanes, ins []VecVirtual) VecVirtual {
				if f64 {
					return f64f(l.a, ins[0])
				}
				return f32(l.a, ins[0])
			}
		}
		switch in.Name {
		case "exp":
			if !f64 {
				act32Kernel(in, isa, 2, 1, append(expConsts(), cf32(actExpLo32), cf32(actExpHi32), cf32(1)), grp.exp32)
				return
			}
			if isa == spec.AVX512 {
				actLoopH(in, isa, false, 2, []string{"x"}, exp64Consts(), func(l lanes, ins []VecVirtual) VecVirtual { return l.a.exp64(ins[0]) })
				return
			}
			actLoop(in, isa, true, 1, []string{"x"}, pick(ax.exp32, ax.exp64))
		case "log":
			actLoop(in, isa, true, 1, []string{"x"}, pick(ax.log32, ax.log64))
		case "sigmoid":
			if !f64 {
				act32Kernel(in, isa, 2, 1, append(expConsts(), cf32(actExpLo32)), grp.sigmoid32)
				return
			}
			actLoop(in, isa, true, 1, []string{"x"}, func(l lanes, ins []VecVirtual) VecVirtual { return l.a.sigmoid64(ins[0]) })
		case "tanh":
			if !f64 {
				act32Kernel(in, isa, 2, 1, append(expConsts(), cf32(1)), grp.tanh32)
				return
			}
			actLoop(in, isa, true, 1, []string{"x"}, func(l lanes, ins []VecVirtual) VecVirtual { return l.a.tanh64(ins[0]) })
		case "sigmoidGrad":
			// dy·(y·(1−y)), in float64 lanes for float32.
			actLoop(in, isa, true, 2, []string{"y", "dy"}, func(l lanes, ins []VecVirtual) VecVirtual {
				y := ins[0]
				return l.a.mul(ins[1], l.a.mul(y, l.a.rsub(1, y)))
			})
		case "tanhGrad":
			// dy·fma(−y, y, 1).
			actLoop(in, isa, true, 2, []string{"y", "dy"}, func(l lanes, ins []VecVirtual) VecVirtual {
				y := ins[0]
				return l.a.mul(ins[1], l.a.fnma(y, y, cf(1)))
			})
		case "relu":
			actLoop(in, isa, false, 4, []string{"x"}, func(l lanes, ins []VecVirtual) VecVirtual {
				x := ins[0]
				v := l.v
				z := v.vec()
				v.XOR(z, z, z)
				if l.a.z {
					k := K()
					v.CMP(U8(0x06), z, x, k) // !(x <= 0): x > 0 or NaN
					d := v.vec()
					if v.f32() {
						VMOVAPS_Z(x, k, d)
					} else {
						VMOVAPD_Z(x, k, d)
					}
					return d
				}
				m := v.vec()
				v.CMP(U8(0x06), z, x, m)
				d := v.vec()
				if v.f32() {
					VANDPS(x, m, d)
				} else {
					VANDPD(x, m, d)
				}
				return d
			})
		case "leakyRelu":
			alpha := newVK(isa, in.T).broadcast("alpha")
			actLoop(in, isa, false, 4, []string{"x"}, func(l lanes, ins []VecVirtual) VecVirtual {
				x := ins[0]
				v := l.v
				ax := v.vec()
				v.MUL(alpha, x, ax)
				return nativeSel(l, cmpGT, x, x, ax)
			})
		case "reluGrad", "leakyReluGrad":
			var alpha VecVirtual
			if in.Name == "leakyReluGrad" {
				alpha = newVK(isa, in.T).broadcast("alpha")
			}
			actLoop(in, isa, false, 4, []string{"x", "dy"}, func(l lanes, ins []VecVirtual) VecVirtual {
				x, dy := ins[0], ins[1]
				v := l.v
				other := v.vec()
				if alpha != nil {
					v.MUL(alpha, dy, other)
				} else {
					v.XOR(other, other, other)
				}
				y := nativeSel(l, cmpGT, x, dy, other)
				return nativeSel(l, cmpUnord, x, x, y)
			})
		case "expSub":
			expSumLoop(in, isa, true)
		case "expSum":
			expSumLoop(in, isa, false)
		case "subSub":
			v := newVK(isa, in.T)
			av, bv := v.broadcast("a"), v.broadcast("b")
			actLoop(in, isa, false, 4, []string{"x"}, func(l lanes, ins []VecVirtual) VecVirtual {
				t, d := v.vec(), v.vec()
				v.SUB(av, ins[0], t)
				v.SUB(bv, t, d)
				return d
			})
		case "mulSub":
			v := newVK(isa, in.T)
			dv := v.broadcast("d")
			actLoop(in, isa, false, 4, []string{"y", "dy"}, func(l lanes, ins []VecVirtual) VecVirtual {
				t, d := v.vec(), v.vec()
				v.SUB(dv, ins[1], t)
				v.MUL(t, ins[0], d)
				return d
			})
		default:
			panic("gen/amd64: no act body for " + in.Name)
		}
	}
}

// nativeSel is (x pred 0) ? t : f in the element type's lanes (pred
// cmpUnord compares x with itself).
func nativeSel(l lanes, pred int, x, t, f VecVirtual) VecVirtual {
	v := l.v
	var y Op = x
	if pred != cmpUnord {
		z := v.vec()
		v.XOR(z, z, z)
		y = z
	}
	d := v.vec()
	if l.a.z {
		k := K()
		v.CMP(U8(pred), y, x, k)
		if v.f32() {
			VBLENDMPS(t, f, k, d)
		} else {
			VBLENDMPD(t, f, k, d)
		}
		return d
	}
	m := v.vec()
	v.CMP(U8(pred), y, x, m)
	if v.f32() {
		VBLENDVPS(m, t, f, d)
	} else {
		VBLENDVPD(m, t, f, d)
	}
	return d
}

// expSumLoop emits expSub (store: dst[i] = e^(x[i]−c), returning the sum)
// and expSum (the sum only). The sum adds the stored values (float32:
// rounded, then widened again) in one float64-lane accumulator; the masked
// tail adds only its valid lanes.
func expSumLoop(in spec.Instance, isa spec.ISA, store bool) {
	f32 := in.T.Size == 4
	l := lanes{a: ax{z: isa == spec.AVX512}, v: newVK(isa, in.T), wide: f32, t: in.T}
	a := l.a
	cx := Load(Param("c"), XMM())
	if f32 {
		VCVTSS2SD(cx, cx, cx)
	}
	cb := a.v()
	VBROADCASTSD(cx, cb)
	var dst Register
	first := "x"
	if store {
		dst = Load(Param("dst").Base(), GP64())
		first = "dst"
	}
	x := Load(Param("x").Base(), GP64())
	n := Load(Param(first).Len(), GP64())
	acc := a.v()
	VXORPD(acc, acc, acc)
	i := GP64()
	XORQ(i, i)
	step := func(tl *tail) {
		d := a.sub(l.load(l.v.at(x, i, 0), tl), cb)
		var e VecVirtual
		if f32 {
			e = a.exp32(d)
			// Round to float32, store, widen again for the sum.
			var y VecVirtual
			if a.z {
				y = YMM()
				VCVTPD2PS(e, y)
			} else {
				y = XMM()
				VCVTPD2PSY(e, y)
			}
			if store {
				m := l.v.at(dst, i, 0)
				switch {
				case tl == nil:
					VMOVUPS(y, m)
				case a.z:
					VMOVUPS(y, tl.k, m)
				default:
					VMASKMOVPS(y, tl.m, m)
				}
			}
			e = a.v()
			VCVTPS2PD(y, e)
		} else {
			e = a.exp64(d)
			if store {
				l.store(e, l.v.at(dst, i, 0), tl)
			}
		}
		switch {
		case tl == nil:
			VADDPD(e, acc, acc)
		case a.z:
			VADDPD(e, acc, tl.k, acc)
		default:
			m := tl.m
			if f32 {
				m = YMM()
				VPMOVSXDQ(tl.m, m)
			}
			VADDPD(a.and(e, m), acc, acc)
		}
	}
	loop("units", i, n, l.unit(), func() { step(nil) })
	r := GP64()
	MOVQ(n, r)
	SUBQ(i, r)
	JZ(LabelRef("reduce"))
	tl := l.tailMask(r)
	step(&tl)
	Label("reduce")
	res := newVK(isa, spec.F64).hreduce(acc, VADDPD)
	if f32 {
		VCVTSD2SS(res, res, res)
	}
	VZEROUPPER()
	Store(res, ReturnIndex(0))
	RET()
}
