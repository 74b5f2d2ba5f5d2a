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

	top := GP64() // index of the row's first input: 2·i·w
	XORQ(top, top)
	end := GP64() // dst index past the row
	MOVQ(ow, end)
	rowEnd := GP64()
	wb := GP64() // w in bytes
	MOVQ(w, wb)
	SHLQ(U8(2), wb)
	j := GP64() // dst index of the chunk
	XORQ(j, j)
	CMPQ(n, U32(0))
	JE(LabelRef("done"))

	Label("row")
	MOVQ(end, rowEnd)
	Label("chunk")
	// cnt = min(16, rowEnd − j); K1: cnt lanes; K2, K3: the 2·cnt inputs.
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

	// Inputs of the chunk: x[top + 2(j − rowStart)...]; src = x + 4·(top + 2·(j−rowStart)).
	src := GP64()
	MOVQ(j, src)
	SUBQ(rowEnd, src)
	ADDQ(ow, src) // j − rowStart
	base := GP64()
	MOVQ(src, base)
	SHLQ(U8(1), base)
	ADDQ(top, base) // input index of the chunk's first window
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

	ADDQ(U32(16), j)
	CMPQ(j, rowEnd)
	JB(LabelRef("chunk"))
	MOVQ(rowEnd, j)
	ADDQ(ow, end)
	LEAQ(Mem{Base: top, Index: w, Scale: 2}, top)
	CMPQ(j, n)
	JB(LabelRef("row"))
	Label("done")
	VZEROUPPER()
	RET()
}
