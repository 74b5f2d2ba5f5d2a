package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// vk is a vector kind: one ISA and one element type. Its methods pick the
// PS/PD (and SS/SD) form of an instruction, so a kernel body is written once.
type vk struct {
	isa   spec.ISA
	t     spec.Type
	bytes int // vector register width in bytes
	lanes int // elements per vector
}

func newVK(isa spec.ISA, t spec.Type) vk {
	b := 32
	if isa == spec.AVX512 {
		b = 64
	}
	return vk{isa: isa, t: t, bytes: b, lanes: b / t.Size}
}

func (v vk) f32() bool    { return v.t.Size == 4 }
func (v vk) masked() bool { return v.isa == spec.AVX512 }

// vec allocates a vector register of the ISA's width.
func (v vk) vec() VecVirtual {
	if v.bytes == 64 {
		return ZMM()
	}
	return YMM()
}

// at addresses element i (an index register) of base, plus off elements.
func (v vk) at(base, i Register, off int) Mem {
	return Mem{Base: base, Index: i, Scale: uint8(v.t.Size), Disp: off * v.t.Size}
}

func (v vk) pick(ps, pd func(...Op)) func(...Op) {
	if v.f32() {
		return ps
	}
	return pd
}

// Packed forms.
func (v vk) MOVU(ops ...Op)   { v.pick(VMOVUPS, VMOVUPD)(ops...) }
func (v vk) ADD(ops ...Op)    { v.pick(VADDPS, VADDPD)(ops...) }
func (v vk) SUB(ops ...Op)    { v.pick(VSUBPS, VSUBPD)(ops...) }
func (v vk) MUL(ops ...Op)    { v.pick(VMULPS, VMULPD)(ops...) }
func (v vk) MAX(ops ...Op)    { v.pick(VMAXPS, VMAXPD)(ops...) }
func (v vk) FMA231(ops ...Op) { v.pick(VFMADD231PS, VFMADD231PD)(ops...) }
func (v vk) XOR(ops ...Op)    { v.pick(VXORPS, VXORPD)(ops...) }
func (v vk) OR(ops ...Op)     { v.pick(VORPS, VORPD)(ops...) }
func (v vk) CMP(ops ...Op)    { v.pick(VCMPPS, VCMPPD)(ops...) }
func (v vk) BCAST(ops ...Op)  { v.pick(VBROADCASTSS, VBROADCASTSD)(ops...) }
func (v vk) DIV(ops ...Op)    { v.pick(VDIVPS, VDIVPD)(ops...) }
func (v vk) SQRT(ops ...Op)   { v.pick(VSQRTPS, VSQRTPD)(ops...) }
func (v vk) FMA213(ops ...Op) { v.pick(VFMADD213PS, VFMADD213PD)(ops...) }
func (v vk) MOVUZ(m Mem, k, dst Op) {
	if v.f32() {
		VMOVUPS_Z(m, k, dst)
	} else {
		VMOVUPD_Z(m, k, dst)
	}
}

// Scalar forms (low lane of an XMM register).
func (v vk) MOVS(ops ...Op)    { v.pick(VMOVSS, VMOVSD)(ops...) }
func (v vk) ADDS(ops ...Op)    { v.pick(VADDSS, VADDSD)(ops...) }
func (v vk) SUBS(ops ...Op)    { v.pick(VSUBSS, VSUBSD)(ops...) }
func (v vk) MULS(ops ...Op)    { v.pick(VMULSS, VMULSD)(ops...) }
func (v vk) MAXS(ops ...Op)    { v.pick(VMAXSS, VMAXSD)(ops...) }
func (v vk) FMA231S(ops ...Op) { v.pick(VFMADD231SS, VFMADD231SD)(ops...) }
func (v vk) CMPS(ops ...Op)    { v.pick(VCMPSS, VCMPSD)(ops...) }
func (v vk) DIVS(ops ...Op)    { v.pick(VDIVSS, VDIVSD)(ops...) }
func (v vk) SQRTS(ops ...Op)   { v.pick(VSQRTSS, VSQRTSD)(ops...) }
func (v vk) FMA213S(ops ...Op) { v.pick(VFMADD213SS, VFMADD213SD)(ops...) }

// KMOV moves a lane mask from a general register into an opmask register.
func (v vk) KMOV(src, k Op) {
	if v.lanes == 16 {
		KMOVW(src, k)
	} else {
		KMOVB(src, k)
	}
}

// tailMask sets k to the low r bits (r < lanes), using BMI2 BZHI.
func (v vk) tailMask(r Register, k Op) {
	m := GP32()
	MOVL(U32(0xffffffff), m)
	BZHIL(r.(GPVirtual).As32(), m, m)
	v.KMOV(m, k)
}

// loop emits "for ; i < end; i += step { body() }" where end = n rounded down
// to a multiple of step (a power of two), tested at the bottom so that each
// iteration takes one taken branch.
func loop(name string, i, n Register, step int, body func()) {
	end := GP64()
	MOVQ(n, end)
	ANDQ(I32(-step), end)
	CMPQ(i, end)
	JAE(LabelRef(name + "_done"))
	Label(name)
	body()
	ADDQ(U32(step), i)
	CMPQ(i, end)
	JB(LabelRef(name))
	Label(name + "_done")
}

// scalarLoop emits "for ; i < n; i++ { body() }", tested at the bottom.
func scalarLoop(name string, i, n Register, body func()) {
	CMPQ(i, n)
	JAE(LabelRef(name + "_done"))
	Label(name)
	body()
	INCQ(i)
	CMPQ(i, n)
	JB(LabelRef(name))
	Label(name + "_done")
}

// combine folds accs pairwise into accs[0] with op (a balanced tree, so the
// order of the reduction is fixed and short).
func combine(accs []VecVirtual, op func(...Op)) {
	for w := 1; w < len(accs); w *= 2 {
		for j := 0; j+w < len(accs); j += 2 * w {
			op(accs[j+w], accs[j], accs[j])
		}
	}
}

// hreduce reduces the lanes of a (YMM or ZMM) with op (ADD or MAX form
// chosen by packed) and returns an XMM whose low lane holds the result.
func (v vk) hreduce(a VecVirtual, packed func(...Op)) VecVirtual {
	x := a
	if v.bytes == 64 {
		hi := YMM()
		VEXTRACTF64X4(U8(1), a, hi)
		packed(hi, a.AsY(), hi)
		x = hi
	}
	lo := XMM()
	VEXTRACTF128(U8(1), x, lo)
	packed(lo, x.AsX(), lo)
	t := XMM()
	VPERMILPD(U8(1), lo, t) // the high 64 bits into the low ones
	packed(t, lo, lo)
	if v.f32() {
		VMOVSHDUP(lo, t) // lane 1 into lane 0
		packed(t, lo, lo)
	}
	return lo
}
