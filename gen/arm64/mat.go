package main

import (
	"fmt"

	"github.com/lanes-go/lanes/gen/spec"
	"github.com/lanes-go/lanes/internal/kconst"
)

// NEON GEMM micro-kernel tile: MR = 6 rows × NR = 4 vectors (float32
// 6×16, float64 6×8). 24 accumulators (V0..V23) + 4 vectors of B
// (V24..V27) + 2 broadcasts of A (V28, V29, alternating) + alpha and beta
// (V30, V31) = all 32 registers. A elements are broadcast with VLD1R (load
// one element to every lane), so the k loop needs no by-element FMLA and
// no WORD: per k step one 4-register VLD1 of B, six VLD1R and 24 VFMLA.
// 24 independent chains cover the FMA latency (≈4 cycles) of two to four
// FMA pipes.
const (
	neonMR       = kconst.GemmMR
	neonRowVecs  = kconst.GemmRowVecsNEON
	neonPeakAccs = kconst.GemmPeakAccs // independent FMA chains of peakFMA
)

// Registers of the mat kernels.
const (
	rK    R = 0
	rA    R = 1
	rB    R = 2
	rLdb  R = 3
	rC    R = 4
	rLdc  R = 5
	rRow  R = 6
	rT    R = 7
	rDst  R = 8
	rLda  R = 9
	rRow0 R = 10 // packA, and gemm with A in place: row pointers R10..R15

	vB     V = 24
	vBc    V = 28
	vAlpha V = 30
	vBeta  V = 31
)

func init() {
	features["mat"] = func(a *Asm, in spec.Instance) {
		switch in.Name {
		case "gemm":
			neonGemm(a)
		case "gemmPackA":
			neonPackRows(a, "a_base", "lda", neonMR)
		case "gemmPackBT":
			neonPackRows(a, "b_base", "ldb", neonRowVecs*a.T.Lanes)
		case "gemmPackB":
			neonPackB(a)
		case "gemmTile":
			a.MOVDConst(neonMR, rT)
			a.Ins("MOVD", rT.String(), a.Arg("mr"))
			a.MOVDConst(uint64(neonRowVecs*a.T.Lanes), rT)
			a.Ins("MOVD", rT.String(), a.Arg("nr"))
			a.RET()
		case "peakFMA":
			neonPeak(a)
		default:
			panic("gen/arm64: no mat body for " + in.Name)
		}
	}
}

func acc(i, j int) V { return V(i*neonRowVecs + j) }

// shiftBytes scales an element count in r to bytes.
func shiftBytes(a *Asm, r R) { a.Ins("LSL", fmt.Sprintf("$%d", a.T.Shift), r.String(), r.String()) }

// neonGemm emits the micro-kernel of gen/spec/mat.go (see amd64's for the
// semantics: acc += a·b fused, p ascending; acc *= alpha; unless beta == 0,
// acc = fma(beta, C, acc); store).
func neonGemm(a *Asm) {
	arr := a.T.Arr
	a.Load("k", rK)
	a.Load("a_base", rA)
	a.Load("lda", rLda)
	a.Load("b_base", rB)
	a.Load("ldb", rLdb)
	a.Load("c_base", rC)
	a.Load("ldc", rLdc)
	shiftBytes(a, rLdb)
	shiftBytes(a, rLdc)
	for i := 0; i < neonMR; i++ {
		for j := 0; j < neonRowVecs; j++ {
			a.VZero(acc(i, j))
		}
	}
	// step emits one k step; row i's element is loaded with a
	// post-increment of one element from rowReg(i).
	step := func(rowReg func(i int) R) {
		a.Ins("VLD1", "("+rB.String()+")", regList(arr, vB, neonRowVecs))
		a.Ins("ADD", rLdb.String(), rB.String(), rB.String())
		for i := 0; i < neonMR; i++ {
			bc := vBc + V(i%2)
			a.Ins("VLD1R.P", fmt.Sprintf("%d(%s)", a.T.Size, rowReg(i)), "["+bc.A(arr)+"]")
			for j := 0; j < neonRowVecs; j++ {
				a.VFMLA(arr, vB+V(j), bc, acc(i, j))
			}
		}
		a.SUBS(1, rK, rK)
	}
	a.CBNZ(rLda, "direct")
	a.Comment("k steps, packed A: acc[i][j] += a[p·MR+i]·b[p][j]")
	a.Label("loop")
	step(func(int) R { return rA }) // the MR elements of a step are consecutive
	a.BNE("loop")
	a.B("epilogue")

	a.Comment("k steps, A in place: acc[i][j] += a[i·lda+p]·b[p][j], row i from R10+i")
	a.Label("direct")
	shiftBytes(a, rLda)
	a.MOVD(rA.String(), rRow0)
	for i := 1; i < neonMR; i++ {
		a.Ins("ADD", rLda.String(), (rRow0 + R(i-1)).String(), (rRow0 + R(i)).String())
	}
	a.Label("dloop")
	step(func(i int) R { return rRow0 + R(i) })
	a.BNE("dloop")

	a.Label("epilogue")
	a.Comment("acc *= alpha")
	a.LoadF("alpha", vAlpha)
	a.VDUPLane(vAlpha, 0, vAlpha)
	for i := 0; i < neonMR; i++ {
		for j := 0; j < neonRowVecs; j++ {
			a.V3(fmul, arr, acc(i, j), acc(i, j), vAlpha)
		}
	}
	a.Comment("beta == 0 (either sign): C is not read")
	if a.T.Size == 4 {
		a.Ins("MOVWU", a.Arg("beta"), rT.String())
		a.Ins("AND", "$0x7fffffff", rT.String(), rT.String())
	} else {
		a.Load("beta", rT)
		a.Ins("LSL", "$1", rT.String(), rT.String())
	}
	a.CBZ(rT, "store")
	a.LoadF("beta", vBeta)
	a.VDUPLane(vBeta, 0, vBeta)
	a.MOVD(rC.String(), rRow)
	for i := 0; i < neonMR; i++ {
		a.Ins("VLD1", "("+rRow.String()+")", regList(arr, vB, neonRowVecs))
		a.Ins("ADD", rLdc.String(), rRow.String(), rRow.String())
		for j := 0; j < neonRowVecs; j++ {
			a.VFMLA(arr, vBeta, vB+V(j), acc(i, j))
		}
	}
	a.Label("store")
	for i := 0; i < neonMR; i++ {
		a.Ins("VST1", regList(arr, acc(i, 0), neonRowVecs), "("+rC.String()+")")
		if i+1 < neonMR {
			a.Ins("ADD", rLdc.String(), rC.String(), rC.String())
		}
	}
	a.RET()
}

// neonPackRows emits dst[p·n+i] = src[i·ld+p] for n whole rows (MR rows
// of A, or NR rows of a transposed B) in groups of up to six rows, one k
// loop per group: one pointer per row, scalar moves through a general
// register.
func neonPackRows(a *Asm, src, ld string, n int) {
	mov := "MOVD"
	if a.T.Size == 4 {
		mov = "MOVWU"
	}
	a.Load(ld, rLdb)
	shiftBytes(a, rLdb)
	for g := 0; g < n; g += neonMR {
		rows := min(neonMR, n-g)
		a.Load("k", rK)
		a.Load(src, rRow0)
		a.Load("dst_base", rDst)
		a.Ins("ADD", fmt.Sprintf("$%d", g*a.T.Size), rDst.String(), rDst.String())
		for i := 0; i < g; i++ {
			a.Ins("ADD", rLdb.String(), rRow0.String(), rRow0.String())
		}
		for i := 1; i < rows; i++ {
			a.Ins("ADD", rLdb.String(), (rRow0 + R(i-1)).String(), (rRow0 + R(i)).String())
		}
		loop := fmt.Sprintf("loop%d", g)
		a.Label(loop)
		for i := 0; i < rows; i++ {
			a.Ins(mov+".P", fmt.Sprintf("%d(%s)", a.T.Size, rRow0+R(i)), rT.String())
			a.Ins(mov, rT.String(), fmt.Sprintf("%d(%s)", i*a.T.Size, rDst))
		}
		a.Ins("ADD", fmt.Sprintf("$%d", n*a.T.Size), rDst.String(), rDst.String())
		a.SUBS(1, rK, rK)
		a.BNE(loop)
	}
	a.RET()
}

// neonPackB emits dst[p·NR+j] = b[p·ldb+j] for NR whole columns: per k step
// one 4-register load from row p and one store into the panel.
func neonPackB(a *Asm) {
	a.Load("k", rK)
	a.Load("b_base", rB)
	a.Load("ldb", rLdb)
	a.Load("dst_base", rDst)
	shiftBytes(a, rLdb)
	a.Label("loop")
	a.Ins("VLD1", "("+rB.String()+")", regList(a.T.Arr, 0, neonRowVecs))
	a.Ins("ADD", rLdb.String(), rB.String(), rB.String())
	a.VST1P(0, neonRowVecs, rDst)
	a.SUBS(1, rK, rK)
	a.BNE("loop")
	a.RET()
}

// neonPeak emits n iterations of neonPeakAccs independent VFMLAs on zeros
// and returns the flops done.
func neonPeak(a *Asm) {
	a.Load("n", rK)
	a.MOVD(rK.String(), rT)
	for i := 0; i < neonPeakAccs; i++ {
		a.VZero(V(i))
	}
	a.VZero(vAlpha)
	a.CBZ(rK, "done")
	a.Label("loop")
	for i := 0; i < neonPeakAccs; i++ {
		a.VFMLA(a.T.Arr, vAlpha, vAlpha, V(i))
	}
	a.SUBS(1, rK, rK)
	a.BNE("loop")
	a.Label("done")
	a.MOVDConst(uint64(2*neonPeakAccs*a.T.Lanes), rB)
	a.Ins("MUL", rB.String(), rT.String(), rT.String())
	a.Ins("MOVD", rT.String(), a.Arg("ret"))
	a.RET()
}
