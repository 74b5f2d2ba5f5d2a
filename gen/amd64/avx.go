package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/alg"
)

// avx is the amd64 backend of alg.Ops: AVX-512 (ZMM, opmasks, embedded
// broadcasts, VSCALEF) or AVX2+FMA (YMM, all-ones lane masks), float64 or
// float32 lanes. Each operation is emitted once for each of n independent
// vectors, one instruction per vector, so n dependency chains overlap (a
// kernel picks n from the registers its algorithm leaves free).
//
// A value is a gv (one register per vector) or a Mem constant, a 64-byte
// read-only vector; constants in the pool are held in registers for the
// whole loop instead.
type avx struct {
	z    bool // AVX-512; else AVX2
	size int  // lane bytes: 8 (PD forms) or 4 (PS forms)
	n    int
	pool map[Mem]VecVirtual
}

var _ alg.Ops[any] = avx{}

type gv []VecVirtual

// A gmask is a lane predicate per vector: opmasks (AVX-512) or all-ones
// lanes (AVX2; VBLENDV reads the top bit of each lane).
type gmask []Register

func (o avx) Size() int { return o.size }

func (o avx) vec() VecVirtual {
	if o.z {
		return ZMM()
	}
	return YMM()
}

// pick returns the PS or PD form.
func (o avx) pick(ps, pd func(...Op)) func(...Op) {
	if o.size == 4 {
		return ps
	}
	return pd
}

// k maps a constant held in the pool to its register.
func (o avx) k(x any) any {
	if m, ok := x.(Mem); ok {
		if r, ok := o.pool[m]; ok {
			return r
		}
	}
	return x
}

func isMem(x any) bool { _, ok := x.(Mem); return ok }

// at is operand x for vector i.
func at(x any, i int) Op {
	switch v := x.(type) {
	case gv:
		return v[i]
	case gmask:
		return v[i]
	case Op:
		return v
	}
	panic(fmt.Sprintf("gen/amd64: bad operand %T", x))
}

// emit calls inst(at(ops[0], i), ..., d) with a fresh d for each vector i
// (avo operand order: sources in reverse Intel order, destination last).
func (o avx) emit(inst func(...Op), ops ...any) gv {
	for i, x := range ops {
		ops[i] = o.k(x)
	}
	out := make(gv, o.n)
	for i := range out {
		args := make([]Op, 0, len(ops)+1)
		for _, x := range ops {
			args = append(args, at(x, i))
		}
		out[i] = o.vec()
		inst(append(args, out[i])...)
	}
	return out
}

// reg returns x as register operands: a Mem constant is broadcast into
// fresh registers (VEX and EVEX take memory only as the last source).
func (o avx) reg(x any) any {
	m, ok := o.k(x).(Mem)
	if !ok {
		return x
	}
	return o.emit(o.pick(VBROADCASTSS, VBROADCASTSD), m)
}

// emitB is emit with the embedded-broadcast form of the instruction on
// AVX-512 when the first source is a (constant) Mem: a lane-sized load per
// use instead of a 64-byte one, which would make loops load-bound on Zen 4.
func (o avx) emitB(inst, bcst func(...Op), ops ...any) gv {
	if isMem(o.k(ops[0])) && o.z {
		inst = bcst
	}
	return o.emit(inst, ops...)
}

// bin is the binary float operation x op y: y may be a constant.
func (o avx) bin(ps, pd, psB, pdB func(...Op), x, y any) gv {
	return o.emitB(o.pick(ps, pd), o.pick(psB, pdB), y, o.reg(x))
}

func (o avx) Add(x, y any) any { return o.bin(VADDPS, VADDPD, VADDPS_BCST, VADDPD_BCST, x, y) }
func (o avx) Sub(x, y any) any { return o.bin(VSUBPS, VSUBPD, VSUBPS_BCST, VSUBPD_BCST, x, y) }
func (o avx) Mul(x, y any) any { return o.bin(VMULPS, VMULPD, VMULPS_BCST, VMULPD_BCST, x, y) }
func (o avx) Div(x, y any) any { return o.bin(VDIVPS, VDIVPD, VDIVPS_BCST, VDIVPD_BCST, x, y) }
func (o avx) And(x, y any) any { return o.bin(VANDPS, VANDPD, VANDPS_BCST, VANDPD_BCST, x, y) }
func (o avx) Or(x, y any) any  { return o.bin(VORPS, VORPD, VORPS_BCST, VORPD_BCST, x, y) }
func (o avx) Xor(x, y any) any { return o.bin(VXORPS, VXORPD, VXORPS_BCST, VXORPD_BCST, x, y) }
func (o avx) Sqrt(x any) any   { return o.emit(o.pick(VSQRTPS, VSQRTPD), o.reg(x)) }

// ClampLo and ClampHi keep a NaN x: MAXPS/MINPS return their second
// (Intel) source, here x, when either is NaN.
func (o avx) ClampLo(x, lo any) any { return o.emit(o.pick(VMAXPS, VMAXPD), o.reg(x), o.reg(lo)) }
func (o avx) ClampHi(x, hi any) any { return o.emit(o.pick(VMINPS, VMINPD), o.reg(x), o.reg(hi)) }

func (o avx) FMA(x, y, z any) any {
	x, y = o.k(x), o.k(y)
	if isMem(y) && !isMem(x) {
		x, y = y, x
	}
	d := make(gv, o.n)
	for i := range d {
		d[i] = o.vec()
		if m, ok := x.(Mem); ok {
			o.pick(VBROADCASTSS, VBROADCASTSD)(m, d[i])
		} else {
			o.pick(VMOVAPS, VMOVAPD)(at(x, i), d[i])
		}
	}
	return o.MulAddTo(d, y, z)
}

func (o avx) FNMA(x, y, z any) any {
	x, y = o.k(x), o.k(y)
	if isMem(x) {
		x, y = y, x
	}
	x, y = o.reg(x), o.reg(y)
	d := make(gv, o.n)
	for i := range d {
		d[i] = o.vec()
		o.pick(VMOVAPS, VMOVAPD)(at(x, i), d[i])
	}
	z = o.k(z)
	for i := range d {
		o.fma213(o.pick(VFNMADD213PS, VFNMADD213PD), o.pick(VFNMADD213PS_BCST, VFNMADD213PD_BCST), z, y, d, i)
	}
	return d
}

// fma213 emits d[i] = op(d[i]·y + z) (the 213 form: z may be a constant).
func (o avx) fma213(inst, bcst func(...Op), z, y any, d gv, i int) {
	if isMem(z) && o.z {
		inst = bcst
	}
	inst(at(z, i), at(y, i), d[i])
}

// MulAddTo is d = d·y + z in d's registers (d must be a register value
// not used again).
func (o avx) MulAddTo(d, y, z any) any {
	y, z = o.reg(o.k(y)), o.k(z)
	dv := o.own(d)
	for i := range dv {
		o.fma213(o.pick(VFMADD213PS, VFMADD213PD), o.pick(VFMADD213PS_BCST, VFMADD213PD_BCST), z, y, dv, i)
	}
	return dv
}

// SubMulTo is d = d − x·y in d's registers.
func (o avx) SubMulTo(d, x, y any) any {
	x, y = o.reg(o.k(x)), o.k(y)
	dv := o.own(d)
	for i := range dv {
		if isMem(y) && o.z {
			o.pick(VFNMADD231PS_BCST, VFNMADD231PD_BCST)(at(y, i), at(x, i), dv[i])
		} else {
			o.pick(VFNMADD231PS, VFNMADD231PD)(at(y, i), at(x, i), dv[i])
		}
	}
	return dv
}

// own returns d as registers that may be overwritten: a constant (in
// memory or in the pool) is copied first.
func (o avx) own(d any) gv {
	if g, ok := d.(gv); ok {
		return g
	}
	return o.emit(o.pick(VMOVAPS, VMOVAPD), o.reg(d))
}

func (o avx) F(c float64) any {
	if o.size == 4 {
		return constVec(uint64(math.Float32bits(float32(c))), 4)
	}
	return constVec(math.Float64bits(c), 8)
}

func (o avx) Bits(b uint64) any { return constVec(b, o.size) }

// Integer ops on the lanes.
func (o avx) int2(d, q func(...Op), x, y any) gv {
	return o.emit(o.pick(d, q), y, o.reg(x))
}
func (o avx) AddI(x, y any) any { return o.int2(VPADDD, VPADDQ, x, y) }
func (o avx) SubI(x, y any) any { return o.int2(VPSUBD, VPSUBQ, x, y) }
func (o avx) shift(d, q func(...Op), n int, x any) gv {
	inst := o.pick(d, q)
	return o.emit(func(ops ...Op) { inst(U8(n), ops[0], ops[1]) }, o.reg(x))
}
func (o avx) ShlI(n int, x any) any { return o.shift(VPSLLD, VPSLLQ, n, x) }
func (o avx) ShrI(n int, x any) any { return o.shift(VPSRLD, VPSRLQ, n, x) }

// SarI: AVX2 has no 64-bit arithmetic shift; VPSRAD is right in the low
// 32 bits of each lane, all alg.Ops promises.
func (o avx) SarI(n int, x any) any {
	if o.size == 8 && o.z {
		return o.shift(VPSRAD, VPSRAQ, n, x)
	}
	return o.shift(VPSRAD, VPSRAD, n, x)
}

// CvtU2F: VCVTUQQ2PD (AVX-512 DQ); on AVX2 from two 26/27-bit halves: for
// v ≤ 2⁵³, (hi | 2⁵²) − 2⁵² and (lo | 2⁵²) − 2⁵² are exact, hi·2²⁶ is
// exact, and their sum v is representable, so exact.
func (o avx) CvtU2F(x any) any {
	if o.z {
		return o.emit(VCVTUQQ2PD, o.reg(x))
	}
	magic := o.Bits(0x4330000000000000) // 2⁵²
	hi := o.Sub(o.Or(o.ShrI(26, x), magic), magic)
	lo := o.Sub(o.Or(o.And(x, o.Bits(1<<26-1)), magic), magic)
	return o.FMA(hi, o.F(0x1p26), lo)
}

// CvtI2F: VCVTQQ2PD (AVX-512 DQ); on AVX2 the bits of 1.5·2⁵² + x (exact
// for |x| < 2⁵¹) less 1.5·2⁵².
func (o avx) CvtI2F(x any) any {
	if o.z {
		return o.emit(VCVTQQ2PD, o.reg(x))
	}
	return o.Sub(o.AddI(x, o.Bits(0x4338000000000000)), o.F(0x1.8p52))
}

// VCMPPS/PD predicates.
const (
	cmpEQ    = 0x00 // ordered, quiet
	cmpLT    = 0x01 // ordered
	cmpUnord = 0x03
	cmpGE    = 0x0d // ordered
	cmpGT    = 0x0e // ordered
)

// cmp is the predicate pred (a VCMPPS/PD immediate) of x and y per lane.
func (o avx) cmp(pred uint8, x, y any) gmask {
	x, y = o.reg(x), o.k(y)
	m := make(gmask, o.n)
	for i := range m {
		if o.z {
			k := K()
			if isMem(y) {
				o.pick(VCMPPS_BCST, VCMPPD_BCST)(U8(pred), at(y, i), at(x, i), k)
			} else {
				o.pick(VCMPPS, VCMPPD)(U8(pred), at(y, i), at(x, i), k)
			}
			m[i] = k
		} else {
			d := YMM()
			o.pick(VCMPPS, VCMPPD)(U8(pred), at(y, i), at(x, i), d)
			m[i] = d
		}
	}
	return m
}

func (o avx) Lt(x, y any) any { return o.cmp(cmpLT, x, y) }
func (o avx) Ge(x, y any) any { return o.cmp(cmpGE, x, y) }
func (o avx) Eq(x, y any) any { return o.cmp(cmpEQ, x, y) }
func (o avx) Unord(x any) any { x = o.reg(x); return o.cmp(cmpUnord, x, x) }

// Odd: VPTESTM against 1 (AVX-512); on AVX2 bit 0 shifted into the top
// bit, which is all VBLENDV reads.
func (o avx) Odd(x any) any {
	if !o.z {
		g := o.ShlI(8*o.size-1, x).(gv)
		m := make(gmask, len(g))
		for i, r := range g {
			m[i] = r
		}
		return m
	}
	x = o.reg(x)
	one := o.k(o.Bits(1))
	m := make(gmask, o.n)
	for i := range m {
		m[i] = K()
		o.pick(VPTESTMD, VPTESTMQ)(at(one, i), at(x, i), m[i])
	}
	return m
}

// Sel is m ? t : f: VBLENDMPS/PD (t may be a broadcast constant) or
// VBLENDVPS/PD (t may be a constant in memory).
func (o avx) Sel(m, t, f any) any {
	mk := m.(gmask)
	t, f = o.k(t), o.reg(f)
	out := make(gv, o.n)
	for i := range out {
		out[i] = o.vec()
		switch {
		case o.z && isMem(t):
			o.pick(VBLENDMPS_BCST, VBLENDMPD_BCST)(at(t, i), at(f, i), mk[i], out[i])
		case o.z:
			o.pick(VBLENDMPS, VBLENDMPD)(at(t, i), at(f, i), mk[i], out[i])
		case o.size == 4:
			VBLENDVPS(mk[i], at(t, i), at(f, i), out[i])
		default:
			VBLENDVPD(mk[i], at(t, i), at(f, i), out[i])
		}
	}
	return out
}

func (o avx) Scalef() bool { return o.z }

// ScaleF is VSCALEFPS/PD: v·2^⌊kf⌋, rounded once.
func (o avx) ScaleF(v, kf any) any {
	return o.emit(o.pick(VSCALEFPS, VSCALEFPD), o.reg(kf), o.reg(v))
}

// hoist returns o with the constants cs held in registers for the whole
// loop (broadcast once, here).
func (o avx) hoist(cs ...any) avx {
	o.pool = map[Mem]VecVirtual{}
	for _, c := range cs {
		m := c.(Mem)
		if _, ok := o.pool[m]; ok {
			continue
		}
		r := o.vec()
		o.pick(VBROADCASTSS, VBROADCASTSD)(m, r)
		o.pool[m] = r
	}
	return o
}

// with returns o emitting for n vectors.
func (o avx) with(n int) avx { o.n = n; return o }
