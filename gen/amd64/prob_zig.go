package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
	"github.com/lanes-go/lanes/internal/kconst"
)

// zigLayers is the number of layers of the ziggurat: the tables hold W then K
// (tab, 4-byte entries) and X·2⁻²⁴, F, F[i−1]−F[i], 1/F, ln F (ftab, 8-byte).
const zigLayers = kconst.ZigLayers

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
		VMOVDQU32(Mem{Base: tab, Disp: 4*zigLayers + 64*j}, tk[j])
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
		VPGATHERDD(ones, Mem{Base: tab, Index: idx, Scale: 4, Disp: 4 * zigLayers}, kv)
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

// zigWedgeAVX512 is the first slow-path attempt of the float32 ziggurat
// (asm/prob_zig.go, zigWedgeGeneric) on eight rejected words at a time, one
// per 64-bit lane. Pass 1 turns the reject bits into the list of positions
// in idx, 64 bits at a time with general-register bit operations (see
// below). Pass 2 takes eight positions,
// gathers their words from dst, computes SplitMix64's outputs with VPMULLQ,
// gathers the float64 tables (ZigWedgeTable) and the float32 fast-path
// table of the second word (ZigTable), performs the Go code's IEEE
// operations in the same order (no FMA; conversions of integers below 2⁵³
// exact, VCVTPD2PS rounding to nearest like float32(x)), scatters the
// decided lanes' values to dst and compresses the undecided positions to
// the front of idx (a masked store of exactly their number, so it never
// writes past the entries already read).
func zigWedgeAVX512(in spec.Instance) {
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	rej := Load(Param("rej").Base(), GP64())
	idx := Load(Param("idx").Base(), GP64())
	tab := Load(Param("tab").Base(), GP64())
	ftab := Load(Param("ftab").Base(), GP64())

	q := func(c uint64) VecVirtual {
		r := GP64()
		MOVQ(U64(c), r)
		v := ZMM()
		VPBROADCASTQ(r, v)
		return v
	}
	pd := func(c float64) VecVirtual { return q(math.Float64bits(c)) }

	// Pass 1: positions of the set bits, 64 at a time. Four unconditional
	// steps per 64-bit mask r (TZCNT, store base+tz at idx[cnt], cnt += (r ≠
	// 0) through the carry, BLSR) take up to four bits without a branch;
	// a mask with more (about 4% of them) loops. A step on an empty mask
	// stores at idx[cnt] but does not count it; in 64-bit chunk c,
	// cnt < 64·c + 64 ≤ len(dst) (the last chunk: < 64·c + len(dst) mod 64),
	// so every store stays inside idx[:16·len(rej)].
	cnt, base := GP64(), GP64()
	XORQ(cnt, cnt)
	XORQ(base, base)
	r, t := GP64(), GP64()
	extract := func(name string) {
		Label(name)
		for range 4 {
			TZCNTQ(r, t)
			LEAQ(Mem{Base: t, Index: base, Scale: 1}, t)
			MOVL(t.As32(), Mem{Base: idx, Index: cnt, Scale: 4})
			SBBQ(I8(-1), cnt) // cnt += 1 − CF, CF = (r = 0)
			BLSRQ(r, r)
		}
		JNZ(LabelRef(name))
	}
	full := GP64()
	MOVQ(n, full)
	SHRQ(U8(6), full)
	Label("bits")
	TESTQ(full, full)
	JZ(LabelRef("bitsTail"))
	MOVQ(Mem{Base: rej}, r)
	extract("bits64")
	ADDQ(U8(8), rej)
	ADDQ(U8(64), base)
	DECQ(full)
	JMP(LabelRef("bits"))
	// The last n mod 64 positions: their ⌈(n mod 64)/16⌉ uint16 of rej
	// gathered into r, the bits past len(dst) cleared.
	Label("bitsTail")
	{
		rem := GP64()
		MOVQ(n, rem)
		ANDQ(U8(63), rem)
		JZ(LabelRef("wedge"))
		XORQ(r, r)
		sh, v := GP64(), GP64()
		XORQ(sh, sh)
		Label("gather16")
		MOVWQZX(Mem{Base: rej}, v)
		SHLXQ(sh, v, v)
		ORQ(v, r)
		ADDQ(U8(2), rej)
		ADDQ(U8(16), sh)
		CMPQ(sh, rem)
		JB(LabelRef("gather16"))
		BZHIQ(rem, r, r)
		extract("bitsLast")
	}

	// Pass 2: eight positions at a time.
	Label("wedge")
	var (
		pv, kg  = ZMM(), ZMM() // p and key + γ
		posMul  = q(kconst.ZigPosMul)
		gamma   = q(kconst.SplitMixGamma)
		m1      = q(kconst.SplitMixM1)
		m2      = q(kconst.SplitMixM2)
		one     = q(1)
		c127    = q(127)
		p53     = pd(0x1p-53)
		negHalf = pd(-0.5)
		onepd   = pd(1)
	)
	{
		t := Load(Param("p"), GP64())
		VPBROADCASTQ(t, pv)
		k := Load(Param("key"), GP64())
		g := GP64()
		MOVQ(U64(kconst.SplitMixGamma), g)
		ADDQ(g, k)
		VPBROADCASTQ(k, kg)
	}
	mu, sigma := YMM(), YMM()
	VBROADCASTSS(paramMem("mu"), mu)
	VBROADCASTSS(paramMem("sigma"), sigma)
	sign, c127d := YMM(), YMM()
	{
		t := GP32()
		MOVL(U32(0x80000000), t)
		VPBROADCASTD(t, sign)
		MOVL(U32(127), t)
		VPBROADCASTD(t, c127d)
	}
	mix := func(z VecVirtual) {
		for _, st := range []struct {
			sh uint8
			m  VecVirtual
		}{{30, m1}, {27, m2}, {31, nil}} {
			t := ZMM()
			VPSRLQ(U8(st.sh), z, t)
			VPXORQ(t, z, z)
			if st.m != nil {
				VPMULLQ(st.m, z, z)
			}
		}
	}
	gather := func(disp int, index VecVirtual) VecVirtual {
		v := ZMM()
		VPXORQ(v, v, v)
		KXNORB(K0, K0, K4)
		VGATHERQPD(Mem{Base: ftab, Index: index, Scale: 8, Disp: disp}, K4, v)
		return v
	}
	rd, ns := GP64(), GP64()
	XORQ(rd, rd)
	XORQ(ns, ns)
	Label("eight")
	left := GP64()
	MOVQ(cnt, left)
	SUBQ(rd, left)
	JLE(LabelRef("done"))
	{
		eight := GP64()
		MOVQ(U32(8), eight)
		CMPQ(left, eight)
		CMOVQGT(eight, left)
		m := GP32()
		MOVL(U32(0xff), m)
		BZHIL(left.As32(), m, m)
		KMOVB(m, K1) // the valid lanes

		j := ZMM()
		VPMOVZXDQ_Z(Mem{Base: idx, Index: rd, Scale: 4}, K1, j)
		wd := YMM()
		VPXORD(wd, wd, wd)
		KMOVB(K1, K2)
		VPGATHERQD(Mem{Base: dst, Index: j, Scale: 4}, K2, wd)
		w := ZMM()
		VPMOVZXDQ(wd, w)

		// s1 = key + (p+j)·P + γ, u = (mix(s1)>>11 + 1)·2⁻⁵³.
		s1 := ZMM()
		VPADDQ(pv, j, s1)
		VPMULLQ(posMul, s1, s1)
		VPADDQ(kg, s1, s1)
		z := ZMM()
		VMOVDQA64(s1, z)
		mix(z)
		VPSRLQ(U8(11), z, z)
		VPADDQ(one, z, z)
		u := ZMM()
		VCVTQQ2PD(z, u)
		VMULPD(p53, u, u)

		// Layer ii = i | (i == 0).
		ii := ZMM()
		VPANDQ(c127, w, ii)
		VPTESTNMQ(ii, ii, K3) // the tail
		VPORQ(one, ii, K3, ii)

		xs := gather(0, ii)
		f := gather(8*zigLayers, ii)
		d := gather(2*8*zigLayers, ii)
		invF := gather(3*8*zigLayers-8, ii)
		l := gather(4*8*zigLayers-8, ii)

		x := ZMM()
		VPSRLQ(U8(8), w, x)
		VCVTQQ2PD(x, x)
		VMULPD(xs, x, x)
		t := ZMM()
		VMULPD(x, x, t)
		VMULPD(negHalf, t, t)
		y := ZMM()
		VMULPD(d, u, y)
		VADDPD(y, f, y)
		rho := ZMM()
		VMULPD(invF, y, rho)
		dd := ZMM()
		VSUBPD(l, t, dd)
		rm1 := ZMM()
		VSUBPD(onepd, rho, rm1)
		VCMPPD(U8(0x01), dd, rm1, K5) // acc: ρ−1 < d
		dr := ZMM()
		VMULPD(rho, dd, dr)
		VCMPPD(U8(0x0d), dr, rm1, K6) // out: ρ−1 ≥ d·ρ

		// The second word w2 = mix(s1 + γ) >> 32 and its fast path.
		VPADDQ(gamma, s1, s1)
		mix(s1)
		VPSRLQ(U8(32), s1, s1)
		w2 := YMM()
		VPMOVQD(s1, w2)
		l2 := YMM()
		VPANDD(c127d, w2, l2)
		k2, ww2 := YMM(), YMM()
		VPXORD(k2, k2, k2)
		KXNORB(K0, K0, K4)
		VPGATHERDD(Mem{Base: tab, Index: l2, Scale: 4, Disp: 4 * zigLayers}, K4, k2)
		VPXORD(ww2, ww2, ww2)
		KXNORB(K0, K0, K4)
		VPGATHERDD(Mem{Base: tab, Index: l2, Scale: 4}, K4, ww2)
		u2 := YMM()
		VPSRLD(U8(8), w2, u2)
		VPCMPUD(U8(1), k2, u2, K7) // ok2: u2 < K[l2]
		z2 := YMM()
		VCVTDQ2PS(u2, z2)
		VMULPS(ww2, z2, z2)
		sg := YMM()
		VPSLLD(U8(24), w2, sg)
		VPTERNLOGD(U8(0x78), sign, sg, z2) // z2 ^= sg & sign
		zx := YMM()
		VCVTPD2PS(x, zx)
		VPSLLD(U8(24), wd, sg)
		VPTERNLOGD(U8(0x78), sign, sg, zx)
		zb := YMM()
		VBLENDMPS(zx, z2, K5, zb) // acc ? float32(x) : z2
		VMULPS(sigma, zb, zb)
		VADDPS(mu, zb, zb)

		// done = (acc ∨ out ∧ ok2) ∧ ¬tail ∧ valid; slow = valid ∧ ¬done.
		KANDB(K6, K7, K6)
		KORB(K5, K6, K5)
		KANDNB(K5, K3, K5)
		KANDB(K1, K5, K5)
		KANDNB(K1, K5, K2)
		VSCATTERQPS(zb, K5, Mem{Base: dst, Index: j, Scale: 4})

		jd := YMM()
		VPMOVQD(j, jd)
		VPCOMPRESSD_Z(jd, K2, jd)
		KMOVB(K2, m)
		POPCNTL(m, m)
		ones := GP32()
		MOVL(U32(0xff), ones)
		BZHIL(m, ones, ones)
		KMOVB(ones, K3)
		VMOVDQU32(jd, K3, Mem{Base: idx, Index: ns, Scale: 4})
		ADDQ(m.As64(), ns)
	}
	ADDQ(U8(8), rd)
	JMP(LabelRef("eight"))

	Label("done")
	Store(ns, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
