package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// momentsKernel is momentsGeneric with one compensated (s, c, q, e) set per
// float64 lane and momentsUnroll sets per iteration (a TwoSum is a chain of
// dependent additions). float32 data is widened exactly (VCVTPS2PD). The
// AVX-512 tail is a masked vector whose absent lanes get d = 0, which
// changes no sum. Then the sets are merged lane-wise and the lanes pairwise
// (upper half into lower half), all with TwoSum, so the error terms are kept
// throughout; the AVX2 tail is a scalar loop into the merged lane 0.
const momentsUnroll = 2

func momentsKernel(in spec.Instance, isa spec.ISA) {
	avx512 := isa == spec.AVX512
	f32 := in.T == spec.F32
	lanes := 4 // float64 lanes
	vec := func() VecVirtual { return YMM() }
	if avx512 {
		lanes = 8
		vec = func() VecVirtual { return ZMM() }
	}
	x := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	mu := vec()
	VBROADCASTSD(Load(Param("mu"), XMM()), mu)

	type set struct{ s, c, q, e VecVirtual }
	newSet := func(mk func() VecVirtual) set {
		st := set{mk(), mk(), mk(), mk()}
		for _, r := range []VecVirtual{st.s, st.c, st.q, st.e} {
			VXORPD(r, r, r)
		}
		return st
	}
	// twoSum adds b (and its error bErr) into (a, aErr), in place:
	// t = a+b, z = t−a, aErr += (a−(t−z)) + (b−z) + bErr, a = t.
	twoSum := func(a, aErr, b, bErr Op, mk func() VecVirtual) {
		t, z, u := mk(), mk(), mk()
		VADDPD(b, a, t)
		VSUBPD(a, t, z)
		VSUBPD(z, t, u)
		VSUBPD(u, a, u) // a − (t − z)
		VSUBPD(z, b, z) // b − z
		VADDPD(z, u, u)
		VADDPD(u, aErr, aErr)
		if bErr != nil {
			VADDPD(bErr, aErr, aErr)
		}
		VMOVAPD(t, a)
	}
	// add accumulates the deviations d into st.
	add := func(st set, d VecVirtual, mk func() VecVirtual) {
		twoSum(st.s, st.c, d, nil, mk)
		p, pe := mk(), mk()
		VMULPD(d, d, p)
		VMOVAPD(p, pe)
		VFMSUB231PD(d, d, pe) // d·d − p, exactly
		VADDPD(pe, st.e, st.e)
		twoSum(st.q, st.e, p, nil, mk)
	}
	i := GP64()
	XORQ(i, i)
	at := func(off int) Mem { return Mem{Base: x, Index: i, Scale: uint8(in.T.Size), Disp: off * in.T.Size} }
	dev := func(m Mem, k Op) VecVirtual {
		v := vec()
		switch {
		case f32 && k != nil:
			VCVTPS2PD_Z(m, k, v)
		case f32:
			VCVTPS2PD(m, v)
		case k != nil:
			VMOVUPD_Z(m, k, v)
		default:
			VMOVUPD(m, v)
		}
		VSUBPD(mu, v, v) // x − mu
		if k != nil {
			VMOVAPD_Z(v, k, v) // absent lanes: d = 0
		}
		return v
	}
	sets := make([]set, momentsUnroll)
	for j := range sets {
		sets[j] = newSet(vec)
	}
	loop("blocks", i, n, momentsUnroll*lanes, func() {
		for j := range sets {
			add(sets[j], dev(at(j*lanes), nil), vec)
		}
	})
	loop("vectors", i, n, lanes, func() { add(sets[0], dev(at(0), nil), vec) })
	if avx512 {
		r := GP64()
		MOVQ(n, r)
		SUBQ(i, r)
		JZ(LabelRef("merge"))
		m := GP32()
		MOVL(U32(0xff), m)
		BZHIL(r.As32(), m, m)
		KMOVB(m, K1)
		add(sets[0], dev(at(0), K1), vec)
		Label("merge")
	}
	// Merge the sets lane-wise, then the lanes, into lane 0.
	for _, st := range sets[1:] {
		twoSum(sets[0].s, sets[0].c, st.s, st.c, vec)
		twoSum(sets[0].q, sets[0].e, st.q, st.e, vec)
	}
	acc := sets[0]
	if avx512 {
		h := set{YMM(), YMM(), YMM(), YMM()}
		VEXTRACTF64X4(U8(1), acc.s, h.s)
		VEXTRACTF64X4(U8(1), acc.c, h.c)
		VEXTRACTF64X4(U8(1), acc.q, h.q)
		VEXTRACTF64X4(U8(1), acc.e, h.e)
		lo := set{acc.s.AsY().(VecVirtual), acc.c.AsY().(VecVirtual), acc.q.AsY().(VecVirtual), acc.e.AsY().(VecVirtual)}
		twoSum(lo.s, lo.c, h.s, h.c, YMM)
		twoSum(lo.q, lo.e, h.q, h.e, YMM)
		acc = lo
	}
	{
		h := set{XMM(), XMM(), XMM(), XMM()}
		VEXTRACTF128(U8(1), acc.s, h.s)
		VEXTRACTF128(U8(1), acc.c, h.c)
		VEXTRACTF128(U8(1), acc.q, h.q)
		VEXTRACTF128(U8(1), acc.e, h.e)
		lo := set{acc.s.AsX().(VecVirtual), acc.c.AsX().(VecVirtual), acc.q.AsX().(VecVirtual), acc.e.AsX().(VecVirtual)}
		twoSum(lo.s, lo.c, h.s, h.c, XMM)
		twoSum(lo.q, lo.e, h.q, h.e, XMM)
		acc = lo
	}
	{
		h := set{XMM(), XMM(), XMM(), XMM()}
		VPERMILPD(U8(1), acc.s, h.s)
		VPERMILPD(U8(1), acc.c, h.c)
		VPERMILPD(U8(1), acc.q, h.q)
		VPERMILPD(U8(1), acc.e, h.e)
		twoSum(acc.s, acc.c, h.s, h.c, XMM)
		twoSum(acc.q, acc.e, h.q, h.e, XMM)
	}
	if !avx512 {
		// The last elements, one at a time, into lane 0 (the packed ops
		// leave lane 1, which is not stored, to itself).
		muX := mu.AsX()
		scalarLoop("tail", i, n, func() {
			d := XMM()
			if f32 {
				VCVTSS2SD(at(0), d, d)
			} else {
				VMOVSD(at(0), d)
			}
			VSUBSD(muX, d, d)
			add(acc, d, XMM)
		})
	}
	VZEROUPPER()
	Store(acc.s, ReturnIndex(0))
	Store(acc.c, ReturnIndex(1))
	Store(acc.q, ReturnIndex(2))
	Store(acc.e, ReturnIndex(3))
	RET()
}
