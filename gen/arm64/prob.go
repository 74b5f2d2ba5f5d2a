package main

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/gen/alg"
	"github.com/lanes-go/lanes/gen/spec"
	"github.com/lanes-go/lanes/internal/kconst"
)

// The Philox4x32-10 bulk generator on NEON (the algorithm is in
// asm/prob_generic.go). A vector holds one 32-bit counter word of four
// blocks, lane i = block i, so the state of four blocks is four registers
// c0..c3 and VST4 (which interleaves four registers word by word) stores
// them in memory order with no transpose. The 32×32→64-bit products are
// UMULL (lanes 0, 1) and UMULL2 (lanes 2, 3), which Go's assembler does not
// know (WORD-encoded below); UZP1/UZP2 collect their low and high halves.
// philoxUnroll vectors of blocks are in flight per iteration to hide the
// multiply latency.

const neonPhiloxUnroll = 4

// opLong is a widening three-register op on 32-bit lanes (AdvSIMD three
// different): "op Vd.2D, Vn.2S, Vm.2S" on the low halves, or, with Q set,
// "op2 Vd.2D, Vn.4S, Vm.4S" on the high halves.
type opLong struct {
	Name string
	Base uint32 // low-half form, size = 32-bit, registers zero
}

// Encode returns the low-half (upper = false) or high-half form.
func (o opLong) Encode(upper bool, d, n, m V) Word {
	bits := o.Base | m.check()<<16 | n.check()<<5 | d.check()
	name, src := o.Name, "2s"
	if upper {
		bits |= 1 << 30
		name, src = o.Name+"2", "4s"
	}
	return Word{bits, fmt.Sprintf("%s v%d.2d, v%d.%s, v%d.%s", name, d, n, src, m, src)}
}

var umull = opLong{"umull", 0x2ea0c000}

// Register plan of the philox kernel.
const (
	pxOut   V = 0  // V0..V3: the state of one vector, moved here for VST4
	pxState V = 4  // V4..V19: four vectors of state
	pxFree  V = 20 // V20, V21: the free pair of the rotation
	pxP1    V = 22 // products (UMULL)
	pxP2    V = 23 // products (UMULL2)
	pxK0    V = 24 // round keys
	pxK1    V = 25
	pxM0    V = 26 // multipliers
	pxM1    V = 27
	pxW0    V = 28 // key increments
	pxW1    V = 29

	pxDst      R = 0 // store pointer
	pxN        R = 1 // blocks left
	pxBlock    R = 2 // next block index
	pxStream   R = 3
	pxStreamHi R = 4
	pxKey      R = 5
	pxKeyHi    R = 6
	pxTmp      R = 7
)

func init() {
	features["prob"] = func(a *Asm, in spec.Instance) {
		switch in.Name {
		case "philox":
			philoxNEON(a)
		case "normal":
			normalNEON(a, in)
		case "uniform":
			uniformNEON(a, in)
		case "moments":
			momentsNEON(a, in)
		case "normalZig":
			normalZigNEON(a, in)
		default:
			panic("gen/arm64: no prob body for " + in.Name)
		}
	}
}

func s4(v V) string { return v.A(S4) }

func philoxNEON(a *Asm) {
	a.Load("dst_base", pxDst)
	a.Load("dst_len", pxN)
	a.LSR(2, pxN, pxN) // blocks
	a.Load("block", pxBlock)
	a.Load("stream", pxStream)
	a.Load("key", pxKey)
	a.LSR(32, pxStream, pxStreamHi)
	a.LSR(32, pxKey, pxKeyHi)
	for _, c := range []struct {
		v V
		c uint32
	}{{pxM0, kconst.PhiloxM0}, {pxM1, kconst.PhiloxM1}, {pxW0, kconst.PhiloxW0}, {pxW1, kconst.PhiloxW1}} {
		a.MOVDConst(uint64(c.c), pxTmp)
		a.Ins("VDUP", pxTmp.String(), s4(c.v))
	}

	// counters sets the state of the four blocks block+first .. +3: c0 and
	// c1 lane by lane from the 64-bit block indices, c2 and c3 the stream.
	counters := func(c [4]V, first int) {
		for i := 0; i < 4; i++ {
			a.Ins("ADD", fmt.Sprintf("$%d", first+i), pxBlock.String(), pxTmp.String())
			a.Ins("VMOV", pxTmp.String(), c[0].Lane(S4, i))
			a.LSR(32, pxTmp, pxTmp)
			a.Ins("VMOV", pxTmp.String(), c[1].Lane(S4, i))
		}
		a.Ins("VDUP", pxStream.String(), s4(c[2]))
		a.Ins("VDUP", pxStreamHi.String(), s4(c[3]))
	}
	// mulhilo sets hi to the high halves of m·c per lane and c to the low.
	mulhilo := func(m, c, hi V) {
		a.W(umull.Encode(false, pxP1, c, m))
		a.W(umull.Encode(true, pxP2, c, m))
		a.Ins("VUZP2", s4(pxP2), s4(pxP1), s4(hi))
		a.Ins("VUZP1", s4(pxP2), s4(pxP1), s4(c))
	}
	xor := func(m, n, d V) { a.Ins("VEOR", m.B16(), n.B16(), d.B16()) }
	// rounds: the same in-place rotation as gen/amd64/prob.go.
	rounds := func(st [][4]V) {
		a.Ins("VDUP", pxKey.String(), s4(pxK0))
		a.Ins("VDUP", pxKeyHi.String(), s4(pxK1))
		t0, t1 := pxFree, pxFree+1
		for r := 0; r < 10; r++ {
			for u := range st {
				c := st[u]
				mulhilo(pxM0, c[0], t0)
				mulhilo(pxM1, c[2], t1)
				xor(c[1], t1, t1)
				xor(pxK0, t1, t1)
				xor(c[3], t0, t0)
				xor(pxK1, t0, t0)
				st[u] = [4]V{t1, c[2], t0, c[0]}
				t0, t1 = c[1], c[3]
			}
			if r < 9 {
				a.Ins("VADD", s4(pxW0), s4(pxK0), s4(pxK0))
				a.Ins("VADD", s4(pxW1), s4(pxK1), s4(pxK1))
			}
		}
	}
	states := func(count int) [][4]V {
		st := make([][4]V, count)
		for u := range st {
			b := pxState + V(4*u)
			st[u] = [4]V{b, b + 1, b + 2, b + 3}
			counters(st[u], 4*u)
		}
		rounds(st)
		return st
	}
	toOut := func(c [4]V) {
		for j := range c {
			a.VMOV(c[j], pxOut+V(j))
		}
	}
	step := func(count int) {
		for _, c := range states(count) {
			toOut(c)
			a.Ins("VST4.P", "["+s4(pxOut)+", "+s4(pxOut+1)+", "+s4(pxOut+2)+", "+s4(pxOut+3)+"]", fmt.Sprintf("64(%s)", pxDst))
		}
		a.Ins("ADD", fmt.Sprintf("$%d", 4*count), pxBlock.String(), pxBlock.String())
		a.Ins("SUB", fmt.Sprintf("$%d", 4*count), pxN.String(), pxN.String())
	}

	a.Label("blocks")
	a.Ins("CMP", fmt.Sprintf("$%d", 4*neonPhiloxUnroll), pxN.String())
	a.branch("BLO", "vectors")
	step(neonPhiloxUnroll)
	a.B("blocks")

	a.Label("vectors")
	a.Ins("CMP", "$4", pxN.String())
	a.branch("BLO", "tail")
	step(1)
	a.B("vectors")

	// One to three blocks are left: compute four and store the first ones
	// word by word.
	a.Label("tail")
	a.CBZ(pxN, "done")
	toOut(states(1)[0])
	for i := 0; i < 3; i++ {
		for j := V(0); j < 4; j++ {
			a.Ins("VMOV", (pxOut+j).Lane(S4, i), pxTmp.String())
			a.Ins("MOVW.P", pxTmp.String(), fmt.Sprintf("4(%s)", pxDst))
		}
		if i < 2 {
			a.SUBS(1, pxN, pxN)
			a.branch("BEQ", "done")
		}
	}
	a.Label("done")
	a.RET()
}

// normalNEON is the Box–Muller transform of internal/asm's normalGeneric,
// alg.BoxMuller on neonOps, on two blocks per iteration, one per float64
// lane: VLD2 separates the blocks' u and t quadwords, VST2 interleaves the
// (cos, sin) results, mu + sigma·z each. A last odd block is loaded and
// stored lane 0 only. The most used constants, mu and sigma stay in
// V16..V31 (the others are materialized where used); u and t arrive in
// V14 and V15 and the results leave from there; the transform has
// V0..V13.
func normalNEON(a *Asm, in spec.Instance) {
	f32 := in.T == spec.F32
	const (
		rDst, rW, rN, rPairs R = 0, 1, 2, 3
		vU, vT, vMu, vSigma  V = 14, 15, 16, 17
	)
	a.Load("dst_base", rDst)
	a.Load("dst_len", rN)
	a.Load("w_base", rW)
	for _, c := range []struct {
		v    V
		name string
	}{{vMu, "mu"}, {vSigma, "sigma"}} {
		a.Ins("FMOVD", a.Arg(c.name), c.v.F())
		a.Ins("VDUP", c.v.Lane(D2, 0), c.v.A(D2))
	}
	var regs []V
	for r := vSigma + 1; r < 32; r++ {
		regs = append(regs, r)
	}
	// normal records the two normals of the blocks in vU, vT into vU, vT
	// (rounded to float32 in their low halves for f32).
	normal := func(o *neonOps) {
		p := o.p
		z0, z1 := alg.BoxMuller(o, p.pinned(vU), p.pinned(vT))
		for i, z := range []nv{z0, z1} {
			r := vU + V(i)
			m := o.Mul(p.pinned(vSigma), z)
			if f32 {
				p.opAt(r, func(a *Asm, d V, u []V) { a.W(actFcvtn.Encode(d, u[0])) }, o.Add(p.pinned(vMu), m))
			} else {
				p.opAt(r, func(a *Asm, d V, u []V) { a.V3(fadd, D2, d, u[0], u[1]) }, p.pinned(vMu), m)
			}
		}
	}
	consts := hoistConsts(a, D2, regs, normal)
	body := func() {
		p := newProg(a, D2)
		p.pool = vU
		o := newOps(p)
		o.consts = consts
		normal(o)
		p.flush()
	}

	a.LSR(1, rN, rN)     // blocks
	a.LSR(1, rN, rPairs) // pairs of blocks
	a.CBZ(rPairs, "odd")
	a.Label("loop")
	a.Ins("VLD2.P", "32("+rW.String()+")", "["+vU.A(D2)+", "+vT.A(D2)+"]")
	body()
	if f32 {
		a.Ins("VST2.P", "["+vU.A(S2)+", "+vT.A(S2)+"]", "16("+rDst.String()+")")
	} else {
		a.Ins("VST2.P", "["+vU.A(D2)+", "+vT.A(D2)+"]", "32("+rDst.String()+")")
	}
	a.SUBS(1, rPairs, rPairs)
	a.BNE("loop")
	a.Label("odd")
	a.TBZ(0, rN, "done")
	a.Ins("VLD1.P", "8("+rW.String()+")", vU.Lane(D2, 0))
	a.Ins("VLD1.P", "8("+rW.String()+")", vT.Lane(D2, 0))
	body()
	size := 8
	if f32 {
		size = 4
	}
	a.FStoreP(vU, size, rDst)
	a.FStoreP(vT, size, rDst)
	a.Label("done")
	a.RET()
}

// uniformNEON converts words to uniforms in place (asm/prob_generic.go:
// uniformGeneric): per lane (w>>8)·2⁻²⁴ (float32, UCVTF of 24 bits) or
// ((w0 | w1<<32)>>11)·2⁻⁵³ (float64, UCVTF of 53 bits), both exact, then
// lo + span·u with two roundings, then FMIN with below (x ≥ hi happens
// only as x > below, and FMIN(−0, +0) is −0, so the result is Go's). Four
// vectors per iteration, then single vectors, then single elements (the
// vector ops on a scalar-loaded register; only lane 0 is stored).
func uniformNEON(a *Asm, in spec.Instance) {
	t := floatOf(in.T)
	const (
		rDst, rW, rN, rCnt      R = 0, 1, 2, 3
		vLo, vBelow, vS, vScale V = 16, 18, 19, 20
	)
	shift := 8
	scale := uint64(0x33800000) // 2⁻²⁴
	if t.Size == 8 {
		shift = 11
		scale = math.Float64bits(0x1p-53)
	}
	a.Load("dst_base", rDst)
	a.Load("w_base", rW)
	a.Load("dst_len", rN)
	for _, p := range []struct {
		v    V
		name string
	}{{vLo, "lo"}, {vS, "span"}, {vBelow, "below"}} {
		a.Ins("FMOV"+t.Sfx, a.Arg(p.name), p.v.F())
		a.Ins("VDUP", p.v.Lane(t.Arr, 0), p.v.A(t.Arr))
	}
	a.MOVDConst(scale, rCnt)
	a.Ins("VDUP", rCnt.String(), vScale.A(t.Arr))
	conv := func(v V) {
		a.Ins("VUSHR", fmt.Sprintf("$%d", shift), v.A(t.Arr), v.A(t.Arr))
		a.V2(ucvtf, t.Arr, v, v)
		a.V3(fmul, t.Arr, v, v, vScale)
		a.V3(fmul, t.Arr, v, vS, v)
		a.V3(fadd, t.Arr, v, vLo, v)
		a.V3(fmin, t.Arr, v, vBelow, v)
	}
	const unroll = 4
	a.LSR(log2(unroll*t.Lanes), rN, rCnt)
	a.CBZ(rCnt, "vectors")
	a.Label("blocks")
	a.VLD1P(rW, 0, unroll)
	for v := V(0); v < unroll; v++ {
		conv(v)
	}
	a.VST1P(0, unroll, rDst)
	a.SUBS(1, rCnt, rCnt)
	a.BNE("blocks")
	a.Label("vectors")
	a.Ins("AND", fmt.Sprintf("$%d", unroll*t.Lanes-1), rN.String(), rN.String())
	a.LSR(log2(t.Lanes), rN, rCnt)
	a.CBZ(rCnt, "elems")
	a.Label("vloop")
	a.VLD1P(rW, 0, 1)
	conv(0)
	a.VST1P(0, 1, rDst)
	a.SUBS(1, rCnt, rCnt)
	a.BNE("vloop")
	a.Label("elems")
	a.Ins("AND", fmt.Sprintf("$%d", t.Lanes-1), rN.String(), rN.String())
	a.CBZ(rN, "done")
	a.Label("eloop")
	a.FLoadP(rW, t.Size, 0)
	conv(0)
	a.FStoreP(0, t.Size, rDst)
	a.SUBS(1, rN, rN)
	a.BNE("eloop")
	a.Label("done")
	a.RET()
}

// opWiden is FCVTL/FCVTL2: "fcvtl Vd.2D, Vn.2S" widens the low two float32
// lanes of Vn to float64, exactly; with upper, "fcvtl2 Vd.2D, Vn.4S" the
// high two.
type opWiden struct {
	Name string
	Base uint32
}

// Encode returns the low-half (upper = false) or high-half form.
func (o opWiden) Encode(upper bool, d, n V) Word {
	bits := o.Base | n.check()<<5 | d.check()
	if upper {
		return Word{bits | 1<<30, fmt.Sprintf("%s2 v%d.2d, v%d.4s", o.Name, d, n)}
	}
	return Word{bits, fmt.Sprintf("%s v%d.2d, v%d.2s", o.Name, d, n)}
}

var fcvtl = opWiden{"fcvtl", 0x0e617800}

// momentsNEON is momentsGeneric with one compensated (s, c, q, e) set per
// float64 lane and two sets (four elements) per iteration; float32 data is
// widened exactly with FCVTL/FCVTL2. The square's rounding error is
// fma(d, d, −p): FNEG then FMLA, one rounding. The sets are merged
// lane-wise and then lane 1 into lane 0 (VEXT swaps the halves), all with
// TwoSum; the last n mod 4 elements are added into lane 0 one at a time
// (lane 1 is then garbage and never stored).
func momentsNEON(a *Asm, in spec.Instance) {
	f32 := in.T == spec.F32
	const (
		rX, rN, rCnt, rTmp R = 0, 1, 2, 3
		vMu                V = 10
		vT, vZ, vU, vP, vE V = 11, 12, 13, 14, 15
	)
	type set struct{ s, c, q, e V }
	sets := []set{{2, 3, 4, 5}, {6, 7, 8, 9}}
	a.Load("x_base", rX)
	a.Load("x_len", rN)
	a.Ins("FMOVD", a.Arg("mu"), vMu.F())
	a.Ins("VDUP", vMu.Lane(D2, 0), vMu.A(D2))
	for _, st := range sets {
		for _, v := range []V{st.s, st.c, st.q, st.e} {
			a.VZero(v)
		}
	}
	// twoSum: (acc, accErr) += b (+ bErr), error terms kept.
	twoSum := func(acc, accErr, b V, bErr V, hasErr bool) {
		a.V3(fadd, D2, vT, acc, b)
		a.V3(fsub, D2, vZ, vT, acc)
		a.V3(fsub, D2, vU, vT, vZ)
		a.V3(fsub, D2, vU, acc, vU) // acc − (t − z)
		a.V3(fsub, D2, vZ, b, vZ)   // b − z
		a.V3(fadd, D2, vU, vU, vZ)
		a.V3(fadd, D2, accErr, accErr, vU)
		if hasErr {
			a.V3(fadd, D2, accErr, accErr, bErr)
		}
		a.VMOV(vT, acc)
	}
	// add accumulates the deviations in d (already x − mu) into st.
	add := func(st set, d V) {
		twoSum(st.s, st.c, d, 0, false)
		a.V3(fmul, D2, vP, d, d)
		a.V2(fneg, D2, vE, vP)
		a.VFMLA(D2, d, d, vE) // d·d − p, one rounding
		a.V3(fadd, D2, st.e, st.e, vE)
		twoSum(st.q, st.e, vP, 0, false)
	}
	dev := func(v V) { a.V3(fsub, D2, v, v, vMu) }

	a.LSR(2, rN, rCnt)
	a.CBZ(rCnt, "merge")
	a.Label("loop")
	if f32 {
		a.Ins("VLD1.P", "16("+rX.String()+")", "["+V(0).A(S4)+"]")
		a.W(fcvtl.Encode(true, 1, 0))
		a.W(fcvtl.Encode(false, 0, 0))
	} else {
		a.Ins("VLD1.P", "32("+rX.String()+")", "["+V(0).A(D2)+", "+V(1).A(D2)+"]")
	}
	dev(0)
	dev(1)
	add(sets[0], 0)
	add(sets[1], 1)
	a.SUBS(1, rCnt, rCnt)
	a.BNE("loop")

	a.Label("merge")
	acc := sets[0]
	twoSum(acc.s, acc.c, sets[1].s, sets[1].c, true)
	twoSum(acc.q, acc.e, sets[1].q, sets[1].e, true)
	// Lane 1 into lane 0: h = the halves swapped (sets[1]'s registers).
	h := sets[1]
	for _, p := range [][2]V{{acc.s, h.s}, {acc.c, h.c}, {acc.q, h.q}, {acc.e, h.e}} {
		a.Ins("VEXT", "$8", p[0].B16(), p[0].B16(), p[1].B16())
	}
	twoSum(acc.s, acc.c, h.s, h.c, true)
	twoSum(acc.q, acc.e, h.q, h.e, true)

	a.Ins("AND", "$3", rN.String(), rN.String())
	a.CBZ(rN, "done")
	a.Label("tail")
	if f32 {
		a.Ins("FMOVS.P", "4("+rX.String()+")", V(0).F())
		a.W(fcvtl.Encode(false, 0, 0))
	} else {
		a.Ins("FMOVD.P", "8("+rX.String()+")", V(0).F())
	}
	dev(0)
	add(acc, 0)
	a.SUBS(1, rN, rN)
	a.BNE("tail")
	a.Label("done")
	for _, p := range []struct {
		v    V
		name string
	}{{acc.s, "s"}, {acc.c, "c"}, {acc.q, "q"}, {acc.e, "e"}} {
		a.Ins("FMOVD", p.v.F(), a.Arg(p.name))
	}
	a.RET()
}
