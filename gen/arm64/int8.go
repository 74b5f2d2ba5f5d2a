package main

import (
	"fmt"

	"github.com/lanes-go/lanes/gen/spec"
)

// The NEON int8 micro-kernel (gen/spec/int8.go) on FEAT_DotProd's SDOT.
//
// SDOT multiplies signed bytes by signed bytes; the u8×s8 form (USDOT)
// needs FEAT_I8MM, which the DotProd cores (Cortex-A55/A76, Neoverse N1)
// lack. Widening to 16 bits (SMLAL) would do a quarter of the work per
// instruction. So the kernel offsets A: a byte a is flipped to a^0x80,
// which as s8 is a−128, and
//
//	Σ_p a·b = Σ_p (a−128)·b + 128·Σ_p b = Σ_p (a−128)·b − Σ_p (−128)·b
//
// where the second sum is one extra SDOT per B vector and quad with a
// register of bytes 0x80 (−128 as s8): the column sums of the panel, kept
// in their own accumulators and subtracted at the end. Every step is exact
// modulo 2³², so the result is the other ISAs' bit for bit, and the
// packing is the same on every ISA.
//
// Tile 12×8: 24 accumulators (V0..V23, row i in V2i, V2i+1) + 2 column-sum
// accumulators (V24, V25) + 2 vectors of B (V26, V27: 8 columns × 4 bytes)
// + 3 vectors of A (V28..V30: 12 rows × 4 bytes) + the 0x80 bytes (V31) =
// 32 registers. Per quad: one 2-register and one 3-register VLD1, 3 VEOR,
// 24 SDOT by element (lane i of the A vector broadcast) and 2 SDOT.
const (
	i8NeonMR      = 12
	i8NeonRowVecs = 2

	vI8Corr V = 24
	vI8B    V = 26
	vI8A    V = 28
	vI8K80  V = 31
)

// B16 is the 16-byte arrangement (for register lists; the SDOT encoder
// below writes its own operands).
var B16 = Arr{Go: "B16", GNU: "16b", Elem: "b", Lanes: 16, q: 1}

func init() {
	features["int8"] = func(a *Asm, in spec.Instance) {
		switch in.Name {
		case "gemmI8":
			neonGemmI8(a)
		case "peakI8":
			neonPeakI8(a)
		case "gemmTileI8":
			a.MOVDConst(i8NeonMR, rT)
			a.Ins("MOVD", rT.String(), a.Arg("mr"))
			a.MOVDConst(i8NeonRowVecs*4, rT)
			a.Ins("MOVD", rT.String(), a.Arg("nr"))
			a.RET()
		default:
			panic("gen/arm64: no int8 body for " + in.Name)
		}
	}
}

func accI8(i, j int) V { return V(i*i8NeonRowVecs + j) }

func neonGemmI8(a *Asm) {
	a.Load("k", rK)
	a.Load("a_base", rA)
	a.Load("b_base", rB)
	a.Load("c_base", rC)
	a.Load("ldc", rLdc)
	a.Ins("LSL", "$2", rLdc.String(), rLdc.String())
	for i := 0; i < i8NeonMR; i++ {
		for j := 0; j < i8NeonRowVecs; j++ {
			a.VZero(accI8(i, j))
		}
	}
	for j := 0; j < i8NeonRowVecs; j++ {
		a.VZero(vI8Corr + V(j))
	}
	a.Ins("VMOVI", "$0x80", vI8K80.B16())
	a.Comment("per quad p: acc[i][j] += Σ_r (a[p·48+4i+r]−128)·b[p·32+4j+r]; corr[j] += Σ_r −128·b[p·32+4j+r]")
	a.Label("loop")
	a.Ins("VLD1.P", fmt.Sprintf("%d(%s)", 16*i8NeonRowVecs, rB), regList(B16, vI8B, i8NeonRowVecs))
	a.Ins("VLD1.P", fmt.Sprintf("%d(%s)", 4*i8NeonMR, rA), regList(B16, vI8A, i8NeonMR/4))
	for v := 0; v < i8NeonMR/4; v++ {
		a.Ins("VEOR", vI8K80.B16(), (vI8A + V(v)).B16(), (vI8A + V(v)).B16())
	}
	for j := 0; j < i8NeonRowVecs; j++ {
		a.W(sdot(vI8Corr+V(j), vI8B+V(j), vI8K80))
	}
	for i := 0; i < i8NeonMR; i++ {
		for j := 0; j < i8NeonRowVecs; j++ {
			a.W(sdotElem(accI8(i, j), vI8B+V(j), vI8A+V(i/4), i%4))
		}
	}
	a.SUBS(1, rK, rK)
	a.BNE("loop")

	a.Comment("acc −= corr: Σ (a−128)·b − Σ −128·b = Σ a·b")
	for i := 0; i < i8NeonMR; i++ {
		for j := 0; j < i8NeonRowVecs; j++ {
			a.Ins("VSUB", (vI8Corr + V(j)).A(S4), accI8(i, j).A(S4), accI8(i, j).A(S4))
		}
	}
	a.Comment("add: acc += C")
	a.Ins("MOVBU", a.Arg("add"), rT.String())
	a.CBZ(rT, "store")
	a.MOVD(rC.String(), rRow)
	for i := 0; i < i8NeonMR; i++ {
		a.Ins("VLD1.P", fmt.Sprintf("(%s)(%s)", rRow, rLdc), regList(S4, vI8B, i8NeonRowVecs))
		for j := 0; j < i8NeonRowVecs; j++ {
			a.Ins("VADD", (vI8B + V(j)).A(S4), accI8(i, j).A(S4), accI8(i, j).A(S4))
		}
	}
	a.Label("store")
	for i := 0; i < i8NeonMR; i++ {
		a.Ins("VST1.P", regList(S4, accI8(i, 0), i8NeonRowVecs), fmt.Sprintf("(%s)(%s)", rC, rLdc))
	}
	a.RET()
}

// sdot encodes SDOT Vd.4S, Vn.16B, Vm.16B (FEAT_DotProd): each int32 lane
// of d += the sum of the four products of the signed bytes of n and m in
// that lane.
func sdot(d, n, m V) Word {
	return Word{
		0x4e809400 | m.check()<<16 | n.check()<<5 | d.check(),
		fmt.Sprintf("sdot v%d.4s, v%d.16b, v%d.16b", d, n, m),
	}
}

// sdotElem encodes SDOT Vd.4S, Vn.16B, Vm.4B[i]: as sdot, with the
// four-byte group i of m in every lane (index H:L, bits 11 and 21; m is
// M:Rm, bits 20..16).
func sdotElem(d, n, m V, i int) Word {
	if i < 0 || i > 3 {
		panic(fmt.Sprintf("gen/arm64: sdot: no lane %d", i))
	}
	return Word{
		0x4f80e000 | uint32(i&1)<<21 | uint32(i>>1)<<11 | m.check()<<16 | n.check()<<5 | d.check(),
		fmt.Sprintf("sdot v%d.4s, v%d.16b, v%d.4b[%d]", d, n, m, i),
	}
}

// i8NeonPeakChains is the number of independent SDOT chains of peakI8 (one
// register holds the zero operands).
const i8NeonPeakChains = 24

// neonPeakI8 emits n iterations of independent SDOTs on zeros and returns
// the operations: 2 per multiply-add, 16 multiply-adds per SDOT.
func neonPeakI8(a *Asm) {
	x := V(i8NeonPeakChains)
	a.Load("n", rK)
	a.MOVD(rK.String(), rT)
	for i := 0; i <= i8NeonPeakChains; i++ {
		a.VZero(V(i))
	}
	a.CBZ(rK, "done")
	a.Label("loop")
	for i := 0; i < i8NeonPeakChains; i++ {
		a.W(sdot(V(i), x, x))
	}
	a.SUBS(1, rK, rK)
	a.BNE("loop")
	a.Label("done")
	a.MOVDConst(uint64(2*16*i8NeonPeakChains), rB)
	a.Ins("MUL", rB.String(), rT.String(), rT.String())
	a.Ins("MOVD", rT.String(), a.Arg("ret"))
	a.RET()
}
