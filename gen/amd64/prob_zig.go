package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// The fast path of the float32 ziggurat (asm/prob_zig.go, normalZigGeneric):
// per word w, layer i = w & 127, u = w >> 8; if u < K[i] the value is
// mu + sigma·(±float32(u)·W[i]) (VCVTDQ2PS of u < 2²⁴ is exact, then one
// VMULPS, the sign bit xored in, VMULPS and VADDPS: the Go code's float32
// operations in the same order, no FMA); else the lane keeps the word's bits
// and its reject bit is set. 16 lanes give one uint16 of rej.
//
// AVX-512 keeps both 128-entry tables in registers (8 ZMM each) and looks
// them up with four merge-masked VPERMI2D per table (32 entries per pair of
// registers, selected by index bits 0..4; the opmask of a pair is the lanes
// whose index bits 5 and 6 name it), the four opmasks shared by both tables. A last partial
// group uses masked loads and stores. AVX2 gathers W[i] and K[i] with
// VPGATHERDD, 8 lanes per gather, two YMM per group of 16; the last partial
// group is copied through a zeroed local buffer so that no load or store
// touches memory outside the slices.

func normalZigAVX512(in spec.Instance) {
	dst := Load(Param("dst").Base(), GP64())
	n := GP64()
	Load(Param("dst").Len(), n)
	w := Load(Param("w").Base(), GP64())
	rej := Load(Param("rej").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	mu, sigma := ZMM(), ZMM()
	VBROADCASTSS(Load(Param("mu"), XMM()), mu)
	VBROADCASTSS(Load(Param("sigma"), XMM()), sigma)
	var tw, tk [8]VecVirtual
	for j := range tw {
		tw[j], tk[j] = ZMM(), ZMM()
		VMOVDQU32(Mem{Base: tab, Disp: 64 * j}, tw[j])
		VMOVDQU32(Mem{Base: tab, Disp: 512 + 64*j}, tk[j])
	}
	bcast := func(c uint32) VecVirtual {
		r := GP32()
		MOVL(U32(c), r)
		v := ZMM()
		VPBROADCASTD(r, v)
		return v
	}
	c32, c64, sign := bcast(32), bcast(64), bcast(0x80000000)

	// lookup returns t[idx & 127]: a copy of idx, then one merge-masked
	// VPERMI2D per pair of table registers, on the lanes whose index bits
	// 5 and 6 select that pair (opmasks K2, K3, K5, K7); every lane is
	// written once, the others keep their value.
	lookup := func(t [8]VecVirtual, idx VecVirtual) VecVirtual {
		r := ZMM()
		VMOVDQA32(idx, r)
		for j, k := range []Op{K2, K3, K5, K7} {
			VPERMI2D(t[2*j+1], t[2*j], k, r)
		}
		return r
	}
	// group converts x (16 words) in place and leaves the accept mask in K4.
	group := func(x VecVirtual) {
		VPTESTMD(c32, x, K5) // bit 5
		VPTESTMD(c64, x, K6) // bit 6
		KORW(K5, K6, K2)
		KNOTW(K2, K2)      // pair 0: neither bit
		KANDNW(K5, K6, K3) // pair 1: bit 5 only
		KANDW(K5, K6, K7)  // pair 3: both
		KANDNW(K6, K5, K5) // pair 2: bit 6 only
		wv := lookup(tw, x)
		kv := lookup(tk, x)
		u := ZMM()
		VPSRLD(U8(8), x, u)
		VPCMPUD(U8(1), kv, u, K4) // u < K[i]
		z := ZMM()
		VCVTDQ2PS(u, z)
		VMULPS(wv, z, z)
		sg := ZMM()
		VPSLLD(U8(24), x, sg)
		VPTERNLOGD(U8(0x78), sign, sg, z) // z ^= sg & sign
		VMULPS(sigma, z, z)
		VADDPS(mu, z, z)
		VMOVDQA32(z, K4, x)
	}
	Label("groups")
	CMPQ(n, U8(16))
	JB(LabelRef("tail"))
	{
		x := ZMM()
		VMOVDQU32(Mem{Base: w}, x)
		group(x)
		VMOVDQU32(x, Mem{Base: dst})
		KNOTW(K4, K5)
		r := GP32()
		KMOVW(K5, r)
		MOVW(r.As16(), Mem{Base: rej})
	}
	ADDQ(U8(64), w)
	ADDQ(U8(64), dst)
	ADDQ(U8(2), rej)
	SUBQ(U8(16), n)
	JMP(LabelRef("groups"))

	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	{
		m := GP32()
		MOVL(U32(0xffff), m)
		BZHIL(n.As32(), m, m)
		KMOVW(m, K1)
		x := ZMM()
		VMOVDQU32_Z(Mem{Base: w}, K1, x)
		group(x)
		VMOVDQU32(x, K1, Mem{Base: dst})
		KANDNW(K1, K4, K5) // ¬accept ∧ valid
		r := GP32()
		KMOVW(K5, r)
		MOVW(r.As16(), Mem{Base: rej})
	}
	Label("done")
	VZEROUPPER()
	RET()
}

func normalZigAVX2(in spec.Instance) {
	dst := Load(Param("dst").Base(), GP64())
	n := GP64()
	Load(Param("dst").Len(), n)
	w := Load(Param("w").Base(), GP64())
	rej := Load(Param("rej").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	mu, sigma := YMM(), YMM()
	VBROADCASTSS(Load(Param("mu"), XMM()), mu)
	VBROADCASTSS(Load(Param("sigma"), XMM()), sigma)
	bcast := func(c uint32) VecVirtual {
		r := GP32()
		MOVL(U32(c), r)
		x := XMM()
		MOVD(r, x)
		v := YMM()
		VPBROADCASTD(x, v)
		return v
	}
	c127, sign := bcast(127), bcast(0x80000000)

	// half converts the 8 words of x in place and returns the 8-bit reject
	// mask in a general register.
	half := func(x VecVirtual) GPVirtual {
		idx := YMM()
		VPAND(c127, x, idx)
		ones := YMM()
		wv, kv := YMM(), YMM()
		VPCMPEQD(ones, ones, ones)
		VPXOR(wv, wv, wv)
		VPGATHERDD(ones, Mem{Base: tab, Index: idx, Scale: 4}, wv)
		VPCMPEQD(ones, ones, ones)
		VPXOR(kv, kv, kv)
		VPGATHERDD(ones, Mem{Base: tab, Index: idx, Scale: 4, Disp: 512}, kv)
		u := YMM()
		VPSRLD(U8(8), x, u)
		acc := YMM()
		VPCMPGTD(u, kv, acc) // K[i] > u (both < 2³¹)
		z := YMM()
		VCVTDQ2PS(u, z)
		VMULPS(wv, z, z)
		sg := YMM()
		VPSLLD(U8(24), x, sg)
		VPAND(sign, sg, sg)
		VPXOR(sg, z, z)
		VMULPS(sigma, z, z)
		VADDPS(mu, z, z)
		VBLENDVPS(acc, z, x, x)
		m := GP32()
		VMOVMSKPS(acc, m)
		NOTL(m)
		ANDL(U32(0xff), m)
		return m.As64().(GPVirtual)
	}
	group := func(src, out Mem) GPVirtual {
		a, b := YMM(), YMM()
		VMOVDQU(src, a)
		VMOVDQU(src.Offset(32), b)
		ma := half(a)
		mb := half(b)
		VMOVDQU(a, out)
		VMOVDQU(b, out.Offset(32))
		SHLQ(U8(8), mb)
		ORQ(mb, ma)
		return ma
	}
	Label("groups")
	CMPQ(n, U8(16))
	JB(LabelRef("tail"))
	{
		m := group(Mem{Base: w}, Mem{Base: dst})
		MOVW(m.As16(), Mem{Base: rej})
	}
	ADDQ(U8(64), w)
	ADDQ(U8(64), dst)
	ADDQ(U8(2), rej)
	SUBQ(U8(16), n)
	JMP(LabelRef("groups"))

	// 1..15 words left: through a zeroed local buffer, a word at a time.
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	{
		buf := AllocLocal(64)
		zero := YMM()
		VPXOR(zero, zero, zero)
		VMOVDQU(zero, buf)
		VMOVDQU(zero, buf.Offset(32))
		j, v := GP64(), GP64()
		XORQ(j, j)
		Label("copyin")
		MOVL(Mem{Base: w, Index: j, Scale: 4}, v.As32())
		MOVL(v.As32(), Mem{Base: buf.Base, Disp: buf.Disp, Index: j, Scale: 4})
		INCQ(j)
		CMPQ(j, n)
		JB(LabelRef("copyin"))
		m := group(buf, buf)
		// Only the bits of the n lanes that exist.
		ones := GP64()
		MOVQ(U32(0xffff), ones)
		BZHIQ(n, ones, ones)
		ANDQ(ones, m)
		MOVW(m.As16(), Mem{Base: rej})
		XORQ(j, j)
		Label("copyout")
		MOVL(Mem{Base: buf.Base, Disp: buf.Disp, Index: j, Scale: 4}, v.As32())
		MOVL(v.As32(), Mem{Base: dst, Index: j, Scale: 4})
		INCQ(j)
		CMPQ(j, n)
		JB(LabelRef("copyout"))
	}
	Label("done")
	VZEROUPPER()
	RET()
}
