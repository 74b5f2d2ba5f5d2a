package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/alg"
	"github.com/lanes-go/lanes/gen/spec"
)

// normalAVX512 is the Box–Muller transform of asm/prob_generic.go
// (normalGeneric, boxMuller, bmLog, bmSinCos) on eight blocks at a time, one
// block per float64 lane. Every operation is the same IEEE operation in the
// same order as the Go code (no FMA; integer steps exact), so the results
// are bit-identical. Per group of eight blocks: two 64-byte loads hold the
// blocks' (u, t) quadword pairs; VPERMT2Q separates the u's and t's; the
// results z0, z1 are interleaved back into pairs for the stores. A last
// partial group uses masked loads and stores.
func normalAVX512(in spec.Instance) {
	f32 := in.T == spec.F32
	sfx := in.T.Suffix
	var (
		idxU  = u64Vector("normalIdxU"+sfx, 0, 2, 4, 6, 8, 10, 12, 14)
		idxT  = u64Vector("normalIdxT"+sfx, 1, 3, 5, 7, 9, 11, 13, 15)
		idxLo = u64Vector("normalIdxLo"+sfx, 0, 8, 1, 9, 2, 10, 3, 11)
		idxHi = u64Vector("normalIdxHi"+sfx, 4, 12, 5, 13, 6, 14, 7, 15)
	)

	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(1), n) // blocks
	w := Load(Param("w").Base(), GP64())
	mu, sigma := ZMM(), ZMM()
	VBROADCASTSD(Load(Param("mu"), XMM()), mu)
	VBROADCASTSD(Load(Param("sigma"), XMM()), sigma)

	z := func() VecVirtual { return ZMM() }
	// group computes the pairs of eight blocks loaded in a, b (u, t
	// quadwords) and returns the two output vectors (blocks 0-3, 4-7).
	group := func(a, b VecVirtual) (lo, hi VecVirtual) {
		u, t := z(), z()
		VMOVDQU64(idxU, u)
		VPERMI2Q(b, a, u) // u = the u quadwords of the eight blocks
		VMOVDQU64(idxT, t)
		VPERMI2Q(b, a, t)

		z0, z1 := normalPair(true, u, t, mu, sigma)
		cosV, sinV := z0, z1
		lo, hi = z(), z()
		VMOVDQU64(idxLo, lo)
		VPERMI2Q(sinV, cosV, lo)
		VMOVDQU64(idxHi, hi)
		VPERMI2Q(sinV, cosV, hi)
		return lo, hi
	}
	outBytes := 128 // eight blocks of two values
	if f32 {
		outBytes = 64
	}
	store := func(r VecVirtual, disp int, k Op) {
		if f32 {
			y := YMM()
			VCVTPD2PS(r, y)
			if k != nil {
				VMOVUPS(y, k, Mem{Base: dst, Disp: disp})
			} else {
				VMOVUPS(y, Mem{Base: dst, Disp: disp})
			}
			return
		}
		if k != nil {
			VMOVUPD(r, k, Mem{Base: dst, Disp: disp})
		} else {
			VMOVUPD(r, Mem{Base: dst, Disp: disp})
		}
	}

	Label("groups")
	CMPQ(n, U32(8))
	JB(LabelRef("tail"))
	{
		a, b := z(), z()
		VMOVDQU64(Mem{Base: w}, a)
		VMOVDQU64(Mem{Base: w, Disp: 64}, b)
		lo, hi := group(a, b)
		store(lo, 0, nil)
		store(hi, outBytes/2, nil)
	}
	ADDQ(U32(128), w)
	ADDQ(U32(outBytes), dst)
	SUBQ(U32(8), n)
	JMP(LabelRef("groups"))

	// 1..7 blocks left: quadword j of the input (and of the output) belongs
	// to block j/2, so the masks are the low 2n bits, eight per vector.
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	mk := GP64()
	MOVQ(I32(-1), mk)
	SHLQ(U8(1), n)
	BZHIQ(n, mk, mk)
	KMOVB(mk.As32(), K4)
	SHRQ(U8(8), mk)
	KMOVB(mk.As32(), K5)
	{
		a, b := z(), z()
		VMOVDQU64_Z(Mem{Base: w}, K4, a)
		VMOVDQU64_Z(Mem{Base: w, Disp: 64}, K5, b)
		lo, hi := group(a, b)
		store(lo, 0, K4)
		store(hi, outBytes/2, K5)
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// normalAVX2 is normalAVX512 with AVX2 instructions: four blocks per group
// (two YMM loads; VPUNPCK{L,H}QDQ separate u and t, in the block order
// 0, 2, 1, 3, and the same unpacks restore pairs in memory order at the
// end), vector compare masks with VBLENDVPD instead of opmasks, and exact
// uint64 → float64 conversions built from two 26/27-bit halves (AVX2 has no
// VCVTUQQ2PD): for v ≤ 2⁵³, (hi | 2⁵²) − 2⁵² and (lo | 2⁵²) − 2⁵² are
// exact, hi·2²⁶ is exact, and their sum v is representable, so exact.
func normalAVX2(in spec.Instance) {
	f32 := in.T == spec.F32
	sfx := in.T.Suffix + "AVX2"
	var (
		iotaQ = u64Vector("normalIotaQ"+sfx, 0, 1, 2, 3)
		iotaD = u32Vector("normalIotaD"+sfx, []uint32{0, 1, 2, 3})
	)

	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(1), n) // blocks
	w := Load(Param("w").Base(), GP64())
	mu, sigma := YMM(), YMM()
	VBROADCASTSD(Load(Param("mu"), XMM()), mu)
	VBROADCASTSD(Load(Param("sigma"), XMM()), sigma)

	y := func() VecVirtual { return YMM() }
	group := func(a, b VecVirtual) (lo, hi VecVirtual) {
		u, t := y(), y()
		VPUNPCKLQDQ(b, a, u) // blocks 0, 2, 1, 3
		VPUNPCKHQDQ(b, a, t)

		cosV, sinV := normalPair(false, u, t, mu, sigma)
		lo, hi = y(), y()
		VPUNPCKLQDQ(sinV, cosV, lo) // blocks 0, 1
		VPUNPCKHQDQ(sinV, cosV, hi) // blocks 2, 3
		return lo, hi
	}
	outBytes := 64 // four blocks of two values
	if f32 {
		outBytes = 32
	}
	store := func(r VecVirtual, disp int, mask Op) {
		m := Mem{Base: dst, Disp: disp}
		if f32 {
			x := XMM()
			VCVTPD2PSY(r, x)
			if mask != nil {
				VMASKMOVPS(x, mask, m)
			} else {
				VMOVUPS(x, m)
			}
			return
		}
		if mask != nil {
			VMASKMOVPD(r, mask, m)
		} else {
			VMOVUPD(r, m)
		}
	}

	Label("groups")
	CMPQ(n, U32(4))
	JB(LabelRef("tail"))
	{
		a, b := y(), y()
		VMOVDQU(Mem{Base: w}, a)
		VMOVDQU(Mem{Base: w, Disp: 32}, b)
		lo, hi := group(a, b)
		store(lo, 0, nil)
		store(hi, outBytes/2, nil)
	}
	ADDQ(U32(64), w)
	ADDQ(U32(outBytes), dst)
	SUBQ(U32(4), n)
	JMP(LabelRef("groups"))

	// 1..3 blocks left: quadword j of the input (and output) belongs to
	// block j/2; output lane j of the first vector is stored if j < 2n, of
	// the second if j+4 < 2n (signed compares against the iota vectors).
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	SHLQ(U8(1), n)
	cnt := XMM()
	MOVQ(n, cnt)
	cntQ := y()
	VPBROADCASTQ(cnt, cntQ)
	mA, mB := y(), y()
	VPCMPGTQ(iotaQ, cntQ, mA)
	SUBQ(U8(4), n)
	MOVQ(n, cnt)
	VPBROADCASTQ(cnt, cntQ)
	VPCMPGTQ(iotaQ, cntQ, mB)
	{
		// The input goes through a zeroed local buffer, copied a quadword
		// at a time: no load touches memory past the 2n quadwords.
		buf := AllocLocal(64)
		zero := y()
		VPXOR(zero, zero, zero)
		VMOVDQU(zero, buf)
		VMOVDQU(zero, buf.Offset(32))
		j, v := GP64(), GP64()
		XORQ(j, j)
		ADDQ(U8(4), n) // 2n again
		Label("copy")
		MOVQ(Mem{Base: w, Index: j, Scale: 8}, v)
		MOVQ(v, Mem{Base: buf.Base, Disp: buf.Disp, Index: j, Scale: 8})
		INCQ(j)
		CMPQ(j, n)
		JB(LabelRef("copy"))
		SUBQ(U8(4), n)
		a, b := y(), y()
		VMOVDQU(buf, a)
		VMOVDQU(buf.Offset(32), b)
		lo, hi := group(a, b)
		if f32 {
			// Dword masks: lane j < 2n, and j+4 < 2n.
			dA, dB := XMM(), XMM()
			ADDQ(U8(4), n)
			MOVQ(n, cnt)
			VPBROADCASTD(cnt, dA)
			VPCMPGTD(iotaD, dA, dA)
			SUBQ(U8(4), n)
			MOVQ(n, cnt)
			VPBROADCASTD(cnt, dB)
			VPCMPGTD(iotaD, dB, dB)
			store(lo, 0, dA)
			store(hi, outBytes/2, dB)
		} else {
			store(lo, 0, mA)
			store(hi, outBytes/2, mB)
		}
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// normalPair is alg.BoxMuller on the avx backend (float64 lanes, one
// vector) for the u and t quadwords of the blocks, then mu + sigma·z as the
// generic kernel rounds it (two operations, no FMA).
func normalPair(z bool, u, t, mu, sigma VecVirtual) (z0, z1 VecVirtual) {
	o := avx{z: z, size: 8, n: 1}
	c, s := alg.BoxMuller[any](o, gv{u}, gv{t})
	f := func(v any) VecVirtual { return o.Add(gv{mu}, o.Mul(gv{sigma}, v)).(gv)[0] }
	return f(c), f(s)
}
