package main

import (
	"fmt"
	"math/bits"

	"github.com/lanes-go/lanes/gen/spec"
)

// blockVecs is the number of 128-bit vectors per main-loop iteration (two
// 4-register VLD1s per input). Reductions keep as many independent
// accumulators: FMLA/FADD latency is 3-4 cycles on two or more pipes, so
// eight chains keep the pipes busy.
const blockVecs = 8

// Register plan of the vec kernels.
const (
	vx     V = 0  // V0..V7: vectors of x
	vy     V = 8  // V8..V15: vectors of y
	vacc   V = 16 // V16..V23: accumulators
	vres   V = 24 // the scalar result of a reduction
	vt1    V = 25 // scalar temporaries
	vt2    V = 26
	valpha V = 31 // alpha in every lane

	rx   R = 0 // x (load pointer)
	ry   R = 1 // y (load pointer)
	rdst R = 2 // store pointer
	rn   R = 3 // length
	rcnt R = 4 // block counter
	rtmp R = 5
)

func init() {
	features["vec"] = func(a *Asm, in spec.Instance) {
		switch in.Name {
		case "dot":
			dot(a)
		case "dot3":
			dot3(a)
		case "sumsq":
			sumsq(a)
		case "sum":
			sum(a)
		case "max":
			maxKernel(a)
		case "axpy":
			axpy(a)
		case "scale":
			scale(a)
		case "add":
			binary(a, fadd, "FADD")
		case "sub":
			binary(a, fsub, "FSUB")
		case "mul":
			binary(a, fmul, "FMUL")
		case "adam":
			adam(a, false)
		case "adamL2":
			adam(a, true)
		default:
			panic("gen/arm64: no vec body for " + in.Name)
		}
	}
}

func log2(n int) int {
	if n <= 0 || n&(n-1) != 0 {
		panic(fmt.Sprintf("gen/arm64: %d is not a power of two", n))
	}
	return bits.TrailingZeros(uint(n))
}

// The loop structure of every vec kernel: a loop over blocks of blockVecs
// vectors, then, with no loop, one step per lower bit of n, largest first
// (float32: 16, 8, 4 elements = 4, 2, 1 vectors, then 2 elements in a
// 64-bit register, then 1; float64: 8, 4, 2, then 1). Bit b of n set means
// a step of 1<<b elements. Every access lies inside [0, n).

// blocks emits the main loop; body emits one block of blockVecs vectors and
// advances the pointers.
func blocks(a *Asm, body func(elems int)) {
	elems := blockVecs * a.T.Lanes
	a.LSR(log2(elems), rn, rcnt)
	a.CBZ(rcnt, "tail")
	a.Label("loop")
	body(elems)
	a.SUBS(1, rcnt, rcnt)
	a.BNE("loop")
	a.Label("tail")
}

// steps emits the bit steps of hi, hi/2, ..., lo elements.
func steps(a *Asm, hi, lo int, body func(elems int)) {
	for e := hi; e >= lo; e /= 2 {
		skip := fmt.Sprintf("skip%d", e)
		a.TBZ(log2(e), rn, skip)
		body(e)
		a.Label(skip)
	}
}

// chunk classifies a step of elems elements: k full vectors, a 64-bit half
// vector (two float32), or a scalar.
func chunk(a *Asm, elems int) (vecs int, half bool) {
	switch {
	case elems >= a.T.Lanes:
		return elems / a.T.Lanes, false
	case elems == 1:
		return 0, false
	case elems*a.T.Size == 8:
		return 0, true
	}
	panic(fmt.Sprintf("gen/arm64: no step of %d %s", elems, a.T.Go))
}

// reduction emits a sum-like reduction: blockVecs zeroed accumulators, the
// block loop and vector (and half-vector) steps into them, a fixed-order
// tree and pairwise add into vres, then the scalar step.
func reduction(a *Asm, slices []string, vecBody func(vecs int, half bool), scalarBody func()) {
	ptrs := []R{rx, ry}
	for i, s := range slices {
		a.Load(s+"_base", ptrs[i])
	}
	a.Load(slices[0]+"_len", rn)
	for i := V(0); i < blockVecs; i++ {
		a.VZero(vacc + i)
	}
	body := func(elems int) { vecBody(chunk(a, elems)) }
	blocks(a, body)
	steps(a, blockVecs*a.T.Lanes/2, 2, body)
	combine(a, fadd, faddp, faddps)
	steps(a, 1, 1, func(int) { scalarBody() })
	a.StoreF(vres, "ret")
	a.RET()
}

// combine folds the accumulators into the low lane of vres: a tree over
// the vectors (acc[i] op= acc[i+w] for w = 1, 2, 4), then pairwise across
// the lanes.
func combine(a *Asm, op, vpair Op3, spair OpPair) {
	arr := a.T.Arr
	for w := V(1); w < blockVecs; w *= 2 {
		for i := V(0); i < blockVecs; i += 2 * w {
			a.V3(op, arr, vacc+i, vacc+i, vacc+i+w)
		}
	}
	if a.T.Lanes == 4 {
		a.V3(vpair, arr, vacc, vacc, vacc)
		a.Pair(spair, S2, vres, vacc)
	} else {
		a.Pair(spair, D2, vres, vacc)
	}
}

// dot: acc += x·y with VFMLA. The half step loads two float32 into the low
// half of a register; the zeroed upper lanes add 0·0 = +0, which changes no
// accumulator (they start at +0 and so are never −0).
func dot(a *Asm) {
	reduction(a, []string{"x", "y"}, func(k int, half bool) {
		if half {
			a.FLoadP(rx, 8, vx)
			a.FLoadP(ry, 8, vy)
			a.VFMLA(S4, vy, vx, vacc)
			return
		}
		a.VLD1P(rx, vx, k)
		a.VLD1P(ry, vy, k)
		for i := V(0); i < V(k); i++ {
			a.VFMLA(a.T.Arr, vy+i, vx+i, vacc+i)
		}
	}, func() {
		a.FLoad(rx, a.T.Size, vt1)
		a.FLoad(ry, a.T.Size, vt2)
		a.FMADD(vt2, vres, vt1, vres)
	})
}

func sum(a *Asm) {
	reduction(a, []string{"x"}, func(k int, half bool) {
		if half {
			a.FLoadP(rx, 8, vx)
			a.V3(fadd, S4, vacc, vacc, vx)
			return
		}
		a.VLD1P(rx, vx, k)
		for i := V(0); i < V(k); i++ {
			a.V3(fadd, a.T.Arr, vacc+i, vacc+i, vx+i)
		}
	}, func() {
		a.FLoad(rx, a.T.Size, vt1)
		a.FOP("FADD", vt1, vres, vres)
	})
}

// maxKernel: the accumulators start at −Inf (so n = 0 gives −Inf, though
// the caller promises n ≥ 1) and take FMAX, which returns NaN when either
// operand is NaN, vector and scalar alike: a NaN anywhere makes the result
// NaN. The elements after the last full vector are scalar FMAXs.
func maxKernel(a *Asm) {
	a.Load("x_base", rx)
	a.Load("x_len", rn)
	if a.T.Size == 4 {
		a.MOVDConst(0xff800000, rtmp)
	} else {
		a.MOVDConst(0xfff0000000000000, rtmp)
	}
	a.VDUPR(rtmp, vacc)
	for i := V(1); i < blockVecs; i++ {
		a.VMOV(vacc, vacc+i)
	}
	body := func(elems int) {
		k, _ := chunk(a, elems)
		a.VLD1P(rx, vx, k)
		for i := V(0); i < V(k); i++ {
			a.V3(fmax, a.T.Arr, vacc+i, vacc+i, vx+i)
		}
	}
	blocks(a, body)
	steps(a, blockVecs*a.T.Lanes/2, a.T.Lanes, body)
	combine(a, fmax, fmaxp, fmaxps)
	steps(a, a.T.Lanes/2, 1, func(elems int) {
		for range elems {
			a.FLoadP(rx, a.T.Size, vt1)
			a.FOP("FMAX", vt1, vres, vres)
		}
	})
	a.StoreF(vres, "ret")
	a.RET()
}

// elementwise emits the block loop and every bit step of an element-wise
// kernel, then RET. body gets k full vectors, or a half vector, or (k = 0,
// !half) one scalar.
func elementwise(a *Asm, body func(k int, half bool)) {
	f := func(elems int) { body(chunk(a, elems)) }
	blocks(a, f)
	steps(a, blockVecs*a.T.Lanes/2, 1, f)
	a.RET()
}

// axpy: y = fma(alpha, x, y) lane by lane (VFMLA, FMADD: one rounding).
func axpy(a *Asm) {
	a.LoadF("alpha", valpha)
	a.VDUPLane(valpha, 0, valpha)
	a.Load("x_base", rx)
	a.Load("x_len", rn)
	a.Load("y_base", ry)
	a.MOVD(ry.String(), rdst)
	elementwise(a, func(k int, half bool) {
		switch {
		case half:
			a.FLoadP(rx, 8, vx)
			a.FLoadP(ry, 8, vy)
			a.VFMLA(S2, valpha, vx, vy)
			a.FStoreP(vy, 8, rdst)
		case k == 0:
			a.FLoadP(rx, a.T.Size, vx)
			a.FLoadP(ry, a.T.Size, vy)
			a.FMADD(valpha, vy, vx, vy)
			a.FStoreP(vy, a.T.Size, rdst)
		default:
			a.VLD1P(rx, vx, k)
			a.VLD1P(ry, vy, k)
			for i := V(0); i < V(k); i++ {
				a.VFMLA(a.T.Arr, valpha, vx+i, vy+i)
			}
			a.VST1P(vy, k, rdst)
		}
	})
}

// scale: x = x·alpha.
func scale(a *Asm) {
	a.LoadF("alpha", valpha)
	a.VDUPLane(valpha, 0, valpha)
	a.Load("x_base", rx)
	a.Load("x_len", rn)
	a.MOVD(rx.String(), rdst)
	elementwise(a, func(k int, half bool) {
		switch {
		case half:
			a.FLoadP(rx, 8, vx)
			a.V3(fmul, S2, vx, vx, valpha)
			a.FStoreP(vx, 8, rdst)
		case k == 0:
			a.FLoadP(rx, a.T.Size, vx)
			a.FOP("FMUL", valpha, vx, vx)
			a.FStoreP(vx, a.T.Size, rdst)
		default:
			a.VLD1P(rx, vx, k)
			for i := V(0); i < V(k); i++ {
				a.V3(fmul, a.T.Arr, vx+i, vx+i, valpha)
			}
			a.VST1P(vx, k, rdst)
		}
	})
}

// binary: dst = x op y. Each step loads before it stores, so dst may alias
// x or y exactly.
func binary(a *Asm, vop Op3, sop string) {
	a.Load("dst_base", rdst)
	a.Load("dst_len", rn)
	a.Load("x_base", rx)
	a.Load("y_base", ry)
	elementwise(a, func(k int, half bool) {
		switch {
		case half:
			a.FLoadP(rx, 8, vx)
			a.FLoadP(ry, 8, vy)
			a.V3(vop, S2, vx, vx, vy)
			a.FStoreP(vx, 8, rdst)
		case k == 0:
			a.FLoadP(rx, a.T.Size, vx)
			a.FLoadP(ry, a.T.Size, vy)
			a.FOP(sop, vy, vx, vx)
			a.FStoreP(vx, a.T.Size, rdst)
		default:
			a.VLD1P(rx, vx, k)
			a.VLD1P(ry, vy, k)
			for i := V(0); i < V(k); i++ {
				a.V3(vop, a.T.Arr, vx+i, vx+i, vy+i)
			}
			a.VST1P(vx, k, rdst)
		}
	})
}

// dot3: x·y, x·x and y·y in one pass (for Cosine). Blocks of 4 vectors of x
// (V0–V3) and y (V4–V7) feed three sets of 4 accumulators (V8–V11 x·y,
// V12–V15 x·x, V16–V19 y·y); then 2- and 1-vector and half-vector steps into
// the first accumulators of each set, each set folded in the same fixed
// order into V20–V22, then the scalar step.
func dot3(a *Asm) {
	const (
		bv   = 4 // vectors per block
		vxy  = V(8)
		vxx  = V(12)
		vyy  = V(16)
		vres = V(20) // V20, V21, V22: the three results
	)
	a.Load("x_base", rx)
	a.Load("y_base", ry)
	a.Load("x_len", rn)
	for i := V(0); i < 3*bv; i++ {
		a.VZero(vxy + i)
	}
	step := func(k int, half bool) {
		arr := a.T.Arr
		if half {
			a.FLoadP(rx, 8, vx)
			a.FLoadP(ry, 8, vx+bv)
			arr, k = S4, 1
		} else {
			a.VLD1P(rx, vx, k)
			a.VLD1P(ry, vx+bv, k)
		}
		for i := V(0); i < V(k); i++ {
			xv, yv := vx+i, vx+bv+i
			a.VFMLA(arr, yv, xv, vxy+i)
			a.VFMLA(arr, xv, xv, vxx+i)
			a.VFMLA(arr, yv, yv, vyy+i)
		}
	}
	elems := bv * a.T.Lanes
	a.LSR(log2(elems), rn, rcnt)
	a.CBZ(rcnt, "tail")
	a.Label("loop")
	step(bv, false)
	a.SUBS(1, rcnt, rcnt)
	a.BNE("loop")
	a.Label("tail")
	steps(a, elems/2, 2, func(e int) { step(chunk(a, e)) })
	for s, base := range []V{vxy, vxx, vyy} {
		arr := a.T.Arr
		a.V3(fadd, arr, base, base, base+1)
		a.V3(fadd, arr, base+2, base+2, base+3)
		a.V3(fadd, arr, base, base, base+2)
		if a.T.Lanes == 4 {
			a.V3(faddp, arr, base, base, base)
			a.Pair(faddps, S2, vres+V(s), base)
		} else {
			a.Pair(faddps, D2, vres+V(s), base)
		}
	}
	steps(a, 1, 1, func(int) {
		a.FLoad(rx, a.T.Size, vt1)
		a.FLoad(ry, a.T.Size, vt2)
		a.FMADD(vt2, vres, vt1, vres)
		a.FMADD(vt1, vres+1, vt1, vres+1)
		a.FMADD(vt2, vres+2, vt2, vres+2)
	})
	a.StoreF(vres, "xy")
	a.StoreF(vres+1, "xx")
	a.StoreF(vres+2, "yy")
	a.RET()
}

// sumsq: acc += x·x with VFMLA, one load per element (Norm's sum of squares).
func sumsq(a *Asm) {
	reduction(a, []string{"x"}, func(k int, half bool) {
		if half {
			a.FLoadP(rx, 8, vx)
			a.VFMLA(S4, vx, vx, vacc)
			return
		}
		a.VLD1P(rx, vx, k)
		for i := V(0); i < V(k); i++ {
			a.VFMLA(a.T.Arr, vx+i, vx+i, vacc+i)
		}
	}, func() {
		a.FLoad(rx, a.T.Size, vt1)
		a.FMADD(vt1, vres, vt1, vres)
	})
}

// adam: Adam's update (see asm's adamGeneric for the operations), one
// vector per iteration, then one element per iteration. The coefficients
// b1, c1, b2, c2, nst, isb, eps, wd are broadcast into V16–V23; w, g, m and
// v are read through R0–R3 and w, m, v written through R4–R6.
func adam(a *Asm, l2 bool) {
	const (
		vb1, vc1, vb2, vc2, vnst, visb, veps, vwd V = 16, 17, 18, 19, 20, 21, 22, 23
		vw, vg, vm, vt, vu, vv, vs, vd            V = 0, 1, 2, 3, 4, 5, 6, 7
		rw, rg, rm, rv, rws, rms, rvs, rc, rk     R = 0, 1, 2, 10, 4, 5, 6, 7, 8
	)
	a.Load("coef", rc)
	for j := V(0); j < 8; j++ {
		if j == 7 && !l2 {
			break
		}
		a.Ins("FMOV"+a.T.Sfx, fmt.Sprintf("%d(%s)", int(j)*a.T.Size, rc), (vb1 + j).F())
		a.VDUPLane(vb1+j, 0, vb1+j)
	}
	for i, s := range []string{"w", "g", "m", "v"} {
		a.Load(s+"_base", []R{rw, rg, rm, rv}[i])
	}
	a.MOVD(rw.String(), rws)
	a.MOVD(rm.String(), rms)
	a.MOVD(rv.String(), rvs)
	a.Load("w_len", rn)
	a.LSR(log2(a.T.Lanes), rn, rk)
	a.CBZ(rk, "scalar")
	arr := a.T.Arr
	a.Label("loop")
	a.VLD1P(rw, vw, 1)
	a.VLD1P(rg, vg, 1)
	if l2 {
		a.VFMLA(arr, vwd, vw, vg)
	}
	a.VLD1P(rm, vm, 1)
	a.V3(fmul, arr, vt, vg, vc1)
	a.VFMLA(arr, vb1, vm, vt)
	a.VST1P(vt, 1, rms)
	a.V3(fmul, arr, vu, vg, vc2)
	a.V3(fmul, arr, vu, vu, vg)
	a.VLD1P(rv, vv, 1)
	a.VFMLA(arr, vb2, vv, vu)
	a.VST1P(vu, 1, rvs)
	a.V2(fsqrt, arr, vs, vu)
	a.VMOV(veps, vd)
	a.VFMLA(arr, visb, vs, vd)
	a.V3(fdiv, arr, vt, vt, vd)
	a.VFMLA(arr, vnst, vt, vw)
	a.VST1P(vw, 1, rws)
	a.SUBS(1, rk, rk)
	a.BNE("loop")
	a.Label("scalar")
	a.Ins("AND", fmt.Sprintf("$%d", a.T.Lanes-1), rn.String(), rk.String())
	a.CBZ(rk, "done")
	a.Label("sloop")
	sz := a.T.Size
	a.FLoadP(rw, sz, vw)
	a.FLoadP(rg, sz, vg)
	if l2 {
		a.FMADD(vwd, vg, vw, vg)
	}
	a.FLoadP(rm, sz, vm)
	a.FOP("FMUL", vc1, vg, vt)
	a.FMADD(vb1, vt, vm, vt)
	a.FStoreP(vt, sz, rms)
	a.FOP("FMUL", vc2, vg, vu)
	a.FOP("FMUL", vg, vu, vu)
	a.FLoadP(rv, sz, vv)
	a.FMADD(vb2, vu, vv, vu)
	a.FStoreP(vu, sz, rvs)
	a.Ins("FSQRT"+a.T.Sfx, vu.F(), vs.F())
	a.FMADD(visb, veps, vs, vd)
	a.FOP("FDIV", vd, vt, vt)
	a.FMADD(vnst, vw, vt, vw)
	a.FStoreP(vw, sz, rws)
	a.SUBS(1, rk, rk)
	a.BNE("sloop")
	a.Label("done")
	a.RET()
}
