package main

import (
	"fmt"

	"github.com/lanes-go/lanes/gen/spec"
)

// normalZigNEON is the fast path of the float32 ziggurat
// (asm/prob_zig.go, normalZigGeneric) on four lanes at a time: the table
// entries W[i] and K[i] are loaded lane by lane (UMOV the index out, two
// scaled-index loads, INS back; 128-entry tables do not fit TBL), then
// u = w >> 8, reject = (max(u, K) == u), z = ±scvtf(u)·W (the sign is bit 7
// shifted to bit 31), mu + sigma·z with separate FMUL and FADD (no FMA, as
// the Go code), and BIT keeps the word in rejected lanes. The reject lanes
// become bits with an AND against (1, 2, 4, 8) and ADDV; four steps make
// one uint16 of rej. The last 1..15 values go one at a time through lane 0.
func normalZigNEON(a *Asm, in spec.Instance) {
	const (
		rDst, rW, rN, rRej, rTab, rTabK, rIdx, rVal, rAcc, rCnt, rSh R = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10

		vX, vW, vK, vU, vRej, vZ, vT V = 0, 1, 2, 3, 4, 5, 6
		vMu, vSigma, vSign, vBits    V = 16, 17, 18, 19
	)
	s4 := func(v V) string { return v.A(S4) }
	a.Load("dst_base", rDst)
	a.Load("w_base", rW)
	a.Load("dst_len", rN)
	a.Load("rej_base", rRej)
	a.Load("tab_base", rTab)
	a.Ins("ADD", "$512", rTab.String(), rTabK.String())
	a.Ins("FMOVS", a.Arg("mu"), vMu.F())
	a.Ins("VDUP", vMu.Lane(S4, 0), s4(vMu))
	a.Ins("FMOVS", a.Arg("sigma"), vSigma.F())
	a.Ins("VDUP", vSigma.Lane(S4, 0), s4(vSigma))
	a.MOVDConst(0x80000000, rVal)
	a.Ins("VDUP", rVal.String(), s4(vSign))
	for l := 0; l < 4; l++ {
		a.MOVDConst(1<<l, rVal)
		a.Ins("VMOV", rVal.String(), vBits.Lane(S4, l))
	}

	// body converts the words in the first lanes of vX into vZ, the reject
	// lanes into vRej (all ones) and their bits into rVal.
	body := func(lanes int) {
		for l := 0; l < lanes; l++ {
			a.Ins("VMOV", vX.Lane(S4, l), rIdx.String())
			a.Ins("AND", "$127", rIdx.String(), rIdx.String())
			a.Ins("MOVWU", fmt.Sprintf("(%s)(%s<<2)", rTab, rIdx), rVal.String())
			a.Ins("VMOV", rVal.String(), vW.Lane(S4, l))
			a.Ins("MOVWU", fmt.Sprintf("(%s)(%s<<2)", rTabK, rIdx), rVal.String())
			a.Ins("VMOV", rVal.String(), vK.Lane(S4, l))
		}
		a.Ins("VUSHR", "$8", s4(vX), s4(vU))
		a.Ins("VUMAX", s4(vK), s4(vU), s4(vRej))
		a.Ins("VCMEQ", s4(vU), s4(vRej), s4(vRej)) // u ≥ K
		a.V2(scvtf, S4, vZ, vU)
		a.V3(fmul, S4, vZ, vZ, vW)
		a.Ins("VSHL", "$24", s4(vX), s4(vT))
		a.Ins("VAND", vSign.B16(), vT.B16(), vT.B16())
		a.Ins("VEOR", vT.B16(), vZ.B16(), vZ.B16())
		a.V3(fmul, S4, vZ, vSigma, vZ)
		a.V3(fadd, S4, vZ, vMu, vZ)
		a.Ins("VBIT", vRej.B16(), vX.B16(), vZ.B16()) // the word where rejected
		a.Ins("VAND", vBits.B16(), vRej.B16(), vT.B16())
		a.Ins("VADDV", s4(vT), vT.String())
		a.Ins("VMOV", vT.Lane(S4, 0), rVal.String())
	}

	a.LSR(4, rN, rCnt)
	a.CBZ(rCnt, "tail")
	a.Label("groups")
	a.Ins("MOVD", "ZR", rAcc.String())
	for step := 0; step < 4; step++ {
		a.VLD1P(rW, vX, 1)
		body(4)
		a.Ins("ORR", fmt.Sprintf("%s<<%d", rVal, 4*step), rAcc.String(), rAcc.String())
		a.Ins("VST1.P", "["+s4(vZ)+"]", fmt.Sprintf("16(%s)", rDst))
	}
	a.Ins("MOVH.P", rAcc.String(), fmt.Sprintf("2(%s)", rRej))
	a.SUBS(1, rCnt, rCnt)
	a.BNE("groups")

	a.Label("tail")
	a.Ins("AND", "$15", rN.String(), rN.String())
	a.CBZ(rN, "done")
	a.Ins("MOVD", "ZR", rAcc.String())
	a.Ins("MOVD", "ZR", rSh.String())
	a.Label("one")
	a.VZero(vX)
	a.Ins("MOVWU.P", fmt.Sprintf("4(%s)", rW), rVal.String())
	a.Ins("VMOV", rVal.String(), vX.Lane(S4, 0))
	body(1)
	a.Ins("AND", "$1", rVal.String(), rVal.String())
	a.Ins("LSL", rSh.String(), rVal.String(), rVal.String())
	a.Ins("ORR", rVal.String(), rAcc.String(), rAcc.String())
	a.Ins("VMOV", vZ.Lane(S4, 0), rVal.String())
	a.Ins("MOVW.P", rVal.String(), fmt.Sprintf("4(%s)", rDst))
	a.Ins("ADD", "$1", rSh.String(), rSh.String())
	a.SUBS(1, rN, rN)
	a.BNE("one")
	a.Ins("MOVH", rAcc.String(), fmt.Sprintf("(%s)", rRej))
	a.Label("done")
	a.RET()
}
