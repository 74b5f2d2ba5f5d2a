package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

func init() {
	features["pool"] = func(in spec.Instance, isa spec.ISA) {
		switch in.Name {
		case "maxPool2x2":
			maxPool2x2()
		case "maxPool2x2Grad":
			maxPool2x2Grad()
		case "indexOutside":
			indexOutside()
		default:
			panic("gen/amd64: no pool body for " + in.Name)
		}
	}
}

// maxPool2x2 (AVX-512, float32): for each output row, 16 outputs at a time
// (the last chunk masked), the 32 inputs of the top row and of the bottom
// row are loaded (masked: nothing past the row's 2·ow inputs is touched)
// and split by VPERMT2PS into the window's four elements a b (top) and c d
// (bottom); the window is scanned in that order with a compare mask
// (greater, or NaN) that moves the element and its offset (0, 1, w, w+1)
// into the best so far.
func maxPool2x2() {
	tab := GLOBL("pool2x2", RODATA|NOPTR) // even lanes, odd lanes, 2·lane
	for i := 0; i < 48; i++ {             // in address order, as the assembler wants
		DATA(4*i, U32(uint32(2*(i%16)+i/16%2)))
	}
	dst := Load(Param("dst").Base(), GP64())
	idx := Load(Param("idx").Base(), GP64())
	x := Load(Param("x").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	w := Load(Param("w"), GP64())
	ow := Load(Param("ow"), GP64())

	even, odd, lane2 := ZMM(), ZMM(), ZMM()
	VMOVDQU32(tab, even)
	VMOVDQU32(tab.Offset(64), odd)
	VMOVDQU32(tab.Offset(128), lane2)
	// Offsets of b, c, d in the window, in every lane.
	one, offC, offD := ZMM(), ZMM(), ZMM()
	t := GP32()
	MOVL(U32(1), t)
	VPBROADCASTD(t, one)
	VPBROADCASTD(w.(GPVirtual).As32(), offC)
	VPADDD(one, offC, offD)

	rowChunks(n, w, ow, func(base GPVirtual, j, wb Register) {
		// Inputs of the chunk: x[base...]
		src := GP64()
		LEAQ(Mem{Base: x, Index: base, Scale: 4}, src)
		load := func(m Mem) (a, b Register) {
			lo, hi := ZMM(), ZMM()
			VMOVUPS_Z(m, K2, lo)
			VMOVUPS_Z(m.Offset(64), K3, hi)
			a = ZMM()
			VMOVAPS(lo, a)
			VPERMT2PS(hi, even, a)
			VPERMT2PS(hi, odd, lo)
			return a, lo
		}
		a, b := load(Mem{Base: src})
		bottom := GP64()
		LEAQ(Mem{Base: src, Index: wb, Scale: 1}, bottom)
		c, d := load(Mem{Base: bottom})

		best, at := a, ZMM()
		VPXORD(at, at, at)
		for _, e := range []struct {
			v   Register
			off Register
		}{{b, one}, {c, offC}, {d, offD}} {
			VCMPPS(U8(0x1e), best, e.v, K4) // e > best (ordered, quiet)
			VCMPPS(U8(0x03), e.v, e.v, K5)  // e is NaN
			KORW(K4, K5, K4)
			VMOVAPS(e.v, K4, best)
			VMOVDQA32(e.off, K4, at)
		}
		b0 := ZMM()
		VPBROADCASTD(base.As32(), b0)
		VPADDD(lane2, b0, b0)
		VPADDD(at, b0, b0)
		VMOVUPS(best, K1, Mem{Base: dst, Index: j, Scale: 4})
		VMOVDQU32(b0, K1, Mem{Base: idx, Index: j, Scale: 4})
	})
	VZEROUPPER()
	RET()
}

// maxPool2x2Grad (AVX-512, float32): for each output row, 16 outputs at a
// time (the last chunk masked), dy and idx are loaded, each index is made
// relative to its window (idx − (2i·w + 2j)) and compared with the four
// offsets 0, 1, w, w+1; the four masks select +0 + dy (zero elsewhere) into
// the window's a b (top) and c d (bottom) vectors, which VPERMT2PS
// interleaves into the 32 elements of the top and of the bottom row,
// stored masked (nothing past the row's 2·ow elements is touched). A chunk
// whose masks do not cover its lanes returns false.
func maxPool2x2Grad() {
	tab := GLOBL("pool2x2grad", RODATA|NOPTR) // 2·lane, interleave low, interleave high
	for i := 0; i < 48; i++ {
		var v int
		switch t := i % 16; i / 16 {
		case 0:
			v = 2 * t
		case 1:
			v = t/2 + 16*(t%2) // lane 2u ← a[u], 2u+1 ← b[u], u < 8
		case 2:
			v = 8 + t/2 + 16*(t%2) // u ≥ 8
		}
		DATA(4*i, U32(uint32(v)))
	}
	dx := Load(Param("dx").Base(), GP64())
	dy := Load(Param("dy").Base(), GP64())
	idx := Load(Param("idx").Base(), GP64())
	n := Load(Param("dy").Len(), GP64())
	w := Load(Param("w"), GP64())
	ow := Load(Param("ow"), GP64())

	lane2, lo, hi := ZMM(), ZMM(), ZMM()
	VMOVDQU32(tab, lane2)
	VMOVDQU32(tab.Offset(64), lo)
	VMOVDQU32(tab.Offset(128), hi)
	one, offC, offD, zero := ZMM(), ZMM(), ZMM(), ZMM()
	t := GP32()
	MOVL(U32(1), t)
	VPBROADCASTD(t, one)
	VPBROADCASTD(w.(GPVirtual).As32(), offC)
	VPADDD(one, offC, offD)
	VPXORD(zero, zero, zero)

	rowChunks(n, w, ow, func(base GPVirtual, j, wb Register) {
		v, rel := ZMM(), ZMM()
		VMOVUPS_Z(Mem{Base: dy, Index: j, Scale: 4}, K1, v)
		VADDPS(v, zero, v) // +0 + dy: −0 becomes +0
		VMOVDQU32_Z(Mem{Base: idx, Index: j, Scale: 4}, K1, rel)
		b0 := ZMM()
		VPBROADCASTD(base.As32(), b0)
		VPADDD(lane2, b0, b0)
		VPSUBD(b0, rel, rel)
		VPCMPEQD(zero, rel, K1, K4)
		VPCMPEQD(one, rel, K1, K5)
		VPCMPEQD(offC, rel, K1, K6)
		VPCMPEQD(offD, rel, K1, K7)
		Comment("every lane of the chunk in one of its window's four elements")
		KORW(K4, K5, K0)
		KORW(K6, K0, K0)
		KORW(K7, K0, K0)
		KXORW(K1, K0, K0)
		KORTESTW(K0, K0)
		JNZ(LabelRef("outside"))

		row := func(ka, kb Op, at Mem) {
			a, b := ZMM(), ZMM()
			VMOVAPS_Z(v, ka, a)
			VMOVAPS_Z(v, kb, b)
			r0, r1 := ZMM(), ZMM()
			VMOVAPS(a, r0)
			VPERMT2PS(b, lo, r0)
			VMOVAPS(a, r1)
			VPERMT2PS(b, hi, r1)
			VMOVUPS(r0, K2, at)
			VMOVUPS(r1, K3, at.Offset(64))
		}
		dst := GP64()
		LEAQ(Mem{Base: dx, Index: base, Scale: 4}, dst)
		row(K4, K5, Mem{Base: dst})
		ADDQ(wb, dst)
		row(K6, K7, Mem{Base: dst})
	})
	MOVB(U8(1), t.As8())
	Store(t.As8(), ReturnIndex(0))
	VZEROUPPER()
	RET()
	Label("outside")
	MOVB(U8(0), t.As8())
	Store(t.As8(), ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// rowChunks emits the loops of the 2×2, stride-2 pooling kernels over one
// plane: n outputs in rows of ow, 16 at a time (the last chunk of a row
// masked). For each chunk, body gets base, the plane index of the chunk's
// first window (2i·w + 2j'), j, the output index of its first lane, and wb,
// w in bytes, with K1 masking the chunk's lanes and K2, K3 the 2·cnt
// elements of a window row (the low and high 16). The loops end at the
// label "done".
func rowChunks(n, w, ow Register, body func(base GPVirtual, j, wb Register)) {
	top := GP64() // index of the row's first window: 2·i·w
	XORQ(top, top)
	end := GP64() // output index past the row
	MOVQ(ow, end)
	rowEnd := GP64()
	wb := GP64()
	MOVQ(w, wb)
	SHLQ(U8(2), wb)
	j := GP64()
	XORQ(j, j)
	CMPQ(n, U32(0))
	JE(LabelRef("done"))

	Label("row")
	MOVQ(end, rowEnd)
	Label("chunk")
	// cnt = min(16, rowEnd − j); K1: cnt lanes; K2, K3: the 2·cnt elements.
	cnt := GP64()
	MOVQ(rowEnd, cnt)
	SUBQ(j, cnt)
	CMPQ(cnt, U32(16))
	m := GP64()
	MOVQ(U32(16), m)
	CMOVQGT(m, cnt)
	ones := GP32()
	MOVL(U32(0xffffffff), ones)
	k := GP32()
	BZHIL(cnt.As32(), ones, k)
	KMOVW(k, K1)
	SHLQ(U8(1), cnt)
	BZHIL(cnt.As32(), ones, k)
	KMOVW(k, K2)
	SHRL(U8(16), k)
	KMOVW(k, K3)
	// base = top + 2(j − rowStart)
	base := GP64()
	MOVQ(j, base)
	SUBQ(rowEnd, base)
	ADDQ(ow, base)
	SHLQ(U8(1), base)
	ADDQ(top, base)

	body(base, j, wb)

	ADDQ(U32(16), j)
	CMPQ(j, rowEnd)
	JB(LabelRef("chunk"))
	MOVQ(rowEnd, j)
	ADDQ(ow, end)
	LEAQ(Mem{Base: top, Index: w, Scale: 2}, top)
	CMPQ(j, n)
	JB(LabelRef("row"))
	Label("done")
}

// indexOutside (AVX-512): 64 indices an iteration, four unsigned compares
// with n (n ≤ idx: outside) or-ed into one mask test; the block that has
// one is rescanned 16 at a time for the first; the tail is masked.
func indexOutside() {
	idx := Load(Param("idx").Base(), GP64())
	cnt := Load(Param("idx").Len(), GP64())
	n := Load(Param("n"), GP64())
	nv := ZMM()
	VPBROADCASTD(n.(GPVirtual).As32(), nv)
	i := GP64()
	XORQ(i, i)
	end := GP64()
	MOVQ(cnt, end)
	ANDQ(I32(-64), end)
	CMPQ(end, U32(0))
	JE(LabelRef("tail"))
	Label("block")
	for u := 0; u < 4; u++ {
		VPCMPUD(U8(2), Mem{Base: idx, Index: i, Scale: 4, Disp: 64 * u}, nv, []Op{K1, K2, K3, K4}[u])
	}
	KORW(K1, K2, K5)
	KORW(K3, K4, K6)
	KORTESTW(K5, K6)
	JNZ(LabelRef("tail")) // rescan this block 16 at a time
	ADDQ(U32(64), i)
	CMPQ(i, end)
	JB(LabelRef("block"))

	Label("tail")
	Comment("16 at a time, the last chunk masked")
	left := GP64()
	MOVQ(cnt, left)
	SUBQ(i, left)
	JLE(LabelRef("none"))
	CMPQ(left, U32(16))
	sixteen := GP64()
	MOVQ(U32(16), sixteen)
	CMOVQGT(sixteen, left)
	ones, m := GP32(), GP32()
	MOVL(U32(0xffff), ones)
	BZHIL(left.As32(), ones, m)
	KMOVW(m, K1)
	x := ZMM()
	VMOVDQU32_Z(Mem{Base: idx, Index: i, Scale: 4}, K1, x) // masked: nothing past the end is read
	VPCMPUD(U8(2), x, nv, K1, K2)
	KMOVW(K2, m)
	TESTL(m, m)
	JNZ(LabelRef("found"))
	ADDQ(U32(16), i)
	JMP(LabelRef("tail"))

	Label("found")
	TZCNTL(m, m)
	ADDQ(m.As64(), i)
	Store(i, ReturnIndex(0))
	VZEROUPPER()
	RET()
	Label("none")
	MOVQ(I64(-1), i)
	Store(i, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
