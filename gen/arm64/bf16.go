package main

import (
	"fmt"

	"github.com/lanes-go/lanes/gen/spec"
)

// The bfloat16 kernels (gen/spec/bf16.go) for NEON. The conversions use
// integer vector ops on the bits (FCMEQ as a WORD finds the NaNs); the
// micro-kernel and its B packing need FEAT_BF16 (the spec's Requires) for
// BFDOT, which Go's assembler does not know: it is a WORD (encodeBFDOT).

// The NEON bfloat16 tile: 6 rows × 16 columns (4 vectors of 4 float32):
// 24 accumulators V0..V23, 4 vectors of B V24..V27 (8 bfloat16 each, 4
// pairs), the 6 A pairs of a k step in V28 (pairs 0..3) and V29 (4, 5);
// BFDOT by element broadcasts one pair. Per k pair: 5 loads, 24 BFDOT.
const (
	bfMR      = 6
	bfRowVecs = 4
	bfNR      = 4 * bfRowVecs
)

func init() {
	features["bf16"] = func(a *Asm, in spec.Instance) {
		switch in.Name {
		case "toBF16":
			neonToBF16(a)
		case "fromBF16":
			neonFromBF16(a)
		case "gemmBF16":
			neonGemmBF16(a)
		case "gemmBF16PackB":
			neonPackPairs(a)
		case "gemmBF16Tile":
			a.MOVDConst(bfMR, 0)
			a.Ins("MOVD", "R0", a.Arg("mr"))
			a.MOVDConst(bfNR, 0)
			a.Ins("MOVD", "R0", a.Arg("nr"))
			a.RET()
		default:
			panic("gen/arm64: no bf16 body for " + in.Name)
		}
	}
}

// bfdot is "bfdot Vd.4s, Vn.8h, Vm.2h[i]": per float32 lane l of d,
// d[l] += n.h[2l]·m.h[2i] + n.h[2l+1]·m.h[2i+1] (Arm ARM BFDotAdd: the two
// products are added first, sums rounded to odd, subnormals flushed).
func bfdot(d, n, m V, i int) Word {
	if i < 0 || i > 3 {
		panic(fmt.Sprintf("gen/arm64: bfdot: no pair %d", i))
	}
	w := uint32(0x4f40f000) | uint32(i&1)<<21 | m.check()<<16 | uint32(i>>1)<<11 | n.check()<<5 | d.check()
	return Word{w, fmt.Sprintf("bfdot v%d.4s, v%d.8h, v%d.2h[%d]", d, n, m, i)}
}

// neonConst sets every 32-bit lane of v to c.
func neonConst(a *Asm, c uint32, v V) {
	a.MOVDConst(uint64(c), 7)
	a.Ins("VDUP", "R7", v.A(S4))
}

// neonToBF16: 8 floats per step (two vectors): r = x + 0x7fff + (x>>16)&1,
// or x | 0x400000 where x is NaN (FCMEQ x, x false), then the high halves
// of both vectors (UZP2 .8H) are stored; the last n mod 8 one at a time in
// general registers.
func neonToBF16(a *Asm) {
	a.Load("dst_base", 0)
	a.Load("dst_len", 2)
	a.Load("src_base", 1)
	neonConst(a, 0x7fff, 20)
	neonConst(a, 1, 21)
	neonConst(a, 0x400000, 22)
	a.LSR(3, 2, 3)
	a.CBZ(3, "tail")
	a.Label("loop")
	a.Ins("VLD1.P", "32(R1)", "[V0.S4, V1.S4]")
	for _, x := range []V{0, 1} {
		t, r, m := x+2, x+4, x+6 // V2/V3, V4/V5, V6/V7
		a.Ins("VUSHR", "$16", x.A(S4), t.A(S4))
		a.Ins("VAND", V(21).B16(), t.B16(), t.B16())
		a.Ins("VADD", V(20).A(S4), x.A(S4), r.A(S4))
		a.Ins("VADD", t.A(S4), r.A(S4), r.A(S4))
		a.V3(fcmeq, S4, m, x, x)
		a.Ins("VORR", V(22).B16(), x.B16(), t.B16())
		a.Ins("VBIF", m.B16(), t.B16(), r.B16()) // r = m ? r : t
	}
	a.Ins("VUZP2", "V5.H8", "V4.H8", "V8.H8")
	a.Ins("VST1.P", "[V8.H8]", "16(R0)")
	a.SUBS(1, 3, 3)
	a.BNE("loop")
	a.Label("tail")
	a.Ins("AND", "$7", "R2", "R3")
	a.CBZ(3, "done")
	a.Label("one")
	a.Ins("MOVWU.P", "4(R1)", "R4")
	a.Ins("UBFX", "$16", "R4", "$1", "R5")
	a.Ins("ADDW", "$0x7fff", "R4", "R6")
	a.Ins("ADDW", "R5", "R6", "R6")
	a.Ins("LSRW", "$16", "R6", "R6")
	a.Ins("ANDW", "$0x7fffffff", "R4", "R5")
	a.Ins("MOVW", "$0x7f800000", "R8")
	a.Ins("CMPW", "R8", "R5")
	a.Ins("LSRW", "$16", "R4", "R4")
	a.Ins("ORRW", "$0x40", "R4", "R4")
	a.Ins("CSELW", "HI", "R4", "R6", "R6")
	a.Ins("MOVH.P", "R6", "2(R0)")
	a.SUBS(1, 3, 3)
	a.BNE("one")
	a.Label("done")
	a.RET()
}

// neonFromBF16: 8 values per step, each zipped with zeros below it (ZIP1,
// ZIP2 .8H with a zero vector); the last n mod 8 one at a time.
func neonFromBF16(a *Asm) {
	a.Load("dst_base", 0)
	a.Load("dst_len", 2)
	a.Load("src_base", 1)
	a.VZero(31)
	a.LSR(3, 2, 3)
	a.CBZ(3, "tail")
	a.Label("loop")
	a.Ins("VLD1.P", "16(R1)", "[V0.H8]")
	a.Ins("VZIP1", "V0.H8", "V31.H8", "V1.H8")
	a.Ins("VZIP2", "V0.H8", "V31.H8", "V2.H8")
	a.Ins("VST1.P", "[V1.S4, V2.S4]", "32(R0)")
	a.SUBS(1, 3, 3)
	a.BNE("loop")
	a.Label("tail")
	a.Ins("AND", "$7", "R2", "R3")
	a.CBZ(3, "done")
	a.Label("one")
	a.Ins("MOVHU.P", "2(R1)", "R4")
	a.Ins("LSLW", "$16", "R4", "R4")
	a.Ins("MOVW.P", "R4", "4(R0)")
	a.SUBS(1, 3, 3)
	a.BNE("one")
	a.Label("done")
	a.RET()
}

// neonPackPairs: gemmBF16PackB for NR = 16: rows 2p and 2p+1 (16 values
// each) interleaved by ZIP1/ZIP2 .8H into 16 words; an odd last row is
// zipped with zeros.
func neonPackPairs(a *Asm) {
	a.Load("k", 0)
	a.Load("b_base", 1)
	a.Load("ldb", 3)
	a.Load("dst_base", 4)
	a.Ins("LSL", "$1", "R3", "R3") // bytes per row
	a.Ins("ADD", "R3", "R1", "R2") // row 2p+1
	a.Ins("LSL", "$1", "R3", "R3") // two rows
	a.LSR(1, 0, 5)
	a.CBZ(5, "odd")
	a.Label("loop")
	a.Ins("VLD1", "(R1)", "[V0.H8, V1.H8]")
	a.Ins("VLD1", "(R2)", "[V2.H8, V3.H8]")
	a.Ins("ADD", "R3", "R1", "R1")
	a.Ins("ADD", "R3", "R2", "R2")
	a.Ins("VZIP1", "V2.H8", "V0.H8", "V4.H8")
	a.Ins("VZIP2", "V2.H8", "V0.H8", "V5.H8")
	a.Ins("VZIP1", "V3.H8", "V1.H8", "V6.H8")
	a.Ins("VZIP2", "V3.H8", "V1.H8", "V7.H8")
	a.Ins("VST1.P", "[V4.S4, V5.S4, V6.S4, V7.S4]", "64(R4)")
	a.SUBS(1, 5, 5)
	a.BNE("loop")
	a.Label("odd")
	a.TBZ(0, 0, "done")
	a.VZero(31)
	a.Ins("VLD1", "(R1)", "[V0.H8, V1.H8]")
	a.Ins("VZIP1", "V31.H8", "V0.H8", "V4.H8")
	a.Ins("VZIP2", "V31.H8", "V0.H8", "V5.H8")
	a.Ins("VZIP1", "V31.H8", "V1.H8", "V6.H8")
	a.Ins("VZIP2", "V31.H8", "V1.H8", "V7.H8")
	a.Ins("VST1", "[V4.S4, V5.S4, V6.S4, V7.S4]", "(R4)")
	a.Label("done")
	a.RET()
}

// neonGemmBF16 emits the micro-kernel of gen/spec/bf16.go with BFDOT:
// acc(i, j) = V(4i+j) += the pair products of A row i (lane i%4 of V28 or
// V29) and B vector j; then acc *= alpha and, unless beta == 0 (C not
// read), acc = fma(beta, C, acc); the stores.
func neonGemmBF16(a *Asm) {
	a.Load("k", 0)
	a.Load("a_base", 1)
	a.Load("b_base", 2)
	a.Load("c_base", 3)
	a.Load("ldc", 4)
	a.Ins("LSL", "$2", "R4", "R4")
	acc := func(i, j int) V { return V(bfRowVecs*i + j) }
	for i := 0; i < bfMR; i++ {
		for j := 0; j < bfRowVecs; j++ {
			a.VZero(acc(i, j))
		}
	}
	a.Comment("k pairs: acc[i][j] += a[p·MR+i]·b[p·NR+4j:] (pairs)")
	a.Label("loop")
	a.Ins("VLD1.P", "64(R2)", "[V24.S4, V25.S4, V26.S4, V27.S4]")
	a.Ins("VLD1.P", "16(R1)", "[V28.S4]")
	a.Ins("FMOVD.P", "8(R1)", "F29")
	for i := 0; i < bfMR; i++ {
		for j := 0; j < bfRowVecs; j++ {
			a.W(bfdot(acc(i, j), V(24+j), V(28+i/4), i%4))
		}
	}
	a.SUBS(1, 0, 0)
	a.BNE("loop")

	a.Comment("acc *= alpha")
	a.Ins("FMOVS", a.Arg("alpha"), "F30")
	a.Ins("VDUP", "V30.S[0]", "V30.S4")
	for i := 0; i < bfMR; i++ {
		for j := 0; j < bfRowVecs; j++ {
			a.V3(fmul, S4, acc(i, j), acc(i, j), 30)
		}
	}
	a.Comment("beta == 0 (either sign): C is not read")
	a.Ins("MOVWU", a.Arg("beta"), "R7")
	a.Ins("AND", "$0x7fffffff", "R7", "R7")
	a.CBZ(7, "store")
	a.Ins("FMOVS", a.Arg("beta"), "F31")
	a.Ins("VDUP", "V31.S[0]", "V31.S4")
	a.MOVD("R3", 6)
	for i := 0; i < bfMR; i++ {
		a.Ins("VLD1", "(R6)", "[V24.S4, V25.S4, V26.S4, V27.S4]")
		a.Ins("ADD", "R4", "R6", "R6")
		for j := 0; j < bfRowVecs; j++ {
			a.VFMLA(S4, 31, V(24+j), acc(i, j))
		}
	}
	a.Label("store")
	for i := 0; i < bfMR; i++ {
		a.Ins("VST1", regList(S4, acc(i, 0), bfRowVecs), "(R3)")
		if i+1 < bfMR {
			a.Ins("ADD", "R4", "R3", "R3")
		}
	}
	a.RET()
}
