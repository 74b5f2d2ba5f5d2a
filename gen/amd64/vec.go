package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// Unroll factors. Reductions keep reduceUnroll independent accumulators: a
// dot product needs two loads per FMA and the cores we target issue two
// loads per cycle, so one FMA per cycle is the ceiling, and with a 4-cycle
// FMA latency four chains reach it; more would only lengthen the final
// reduction, which dominates at small n. Element-wise kernels are bound by
// loads and stores, and elementwiseUnroll vectors per iteration amortise the
// loop overhead.
const (
	reduceUnroll      = 4
	elementwiseUnroll = 4
)

func init() {
	features["vec"] = func(in spec.Instance, isa spec.ISA) {
		v := newVK(isa, in.T)
		switch in.Name {
		case "dot":
			reduction(v, 2, func(acc Register, m []Mem) {
				x := v.vec()
				v.MOVU(m[0], x)
				v.FMA231(m[1], x, acc)
			}, func(acc Register, m []Mem, k Op) {
				x, y := v.vec(), v.vec()
				v.MOVUZ(m[0], k, x)
				v.MOVUZ(m[1], k, y)
				v.FMA231(y, x, acc)
			}, func(acc Register, m []Mem) {
				x, y := XMM(), XMM()
				v.MOVS(m[0], x)
				v.MOVS(m[1], y) // not a memory operand: qemu reads 16 bytes for one
				v.FMA231S(y, x, acc)
			})
		case "dot3":
			dot3(v)
		case "sumsq":
			reduction(v, 1, func(acc Register, m []Mem) {
				x := v.vec()
				v.MOVU(m[0], x)
				v.FMA231(x, x, acc)
			}, func(acc Register, m []Mem, k Op) {
				x := v.vec()
				v.MOVUZ(m[0], k, x)
				v.FMA231(x, x, acc)
			}, func(acc Register, m []Mem) {
				x := XMM()
				v.MOVS(m[0], x)
				v.FMA231S(x, x, acc)
			})
		case "sum":
			reduction(v, 1, func(acc Register, m []Mem) {
				v.ADD(m[0], acc, acc)
			}, func(acc Register, m []Mem, k Op) {
				x := v.vec()
				v.MOVUZ(m[0], k, x)
				v.ADD(x, acc, acc)
			}, func(acc Register, m []Mem) {
				x := XMM()
				v.MOVS(m[0], x)
				v.ADDS(x, acc, acc)
			})
		case "max":
			maxKernel(v)
		case "axpy":
			axpy(v)
		case "scale":
			scale(v)
		case "add":
			binary(v, v.ADD, v.ADDS)
		case "sub":
			binary(v, v.SUB, v.SUBS)
		case "mul":
			binary(v, v.MUL, v.MULS)
		case "adam":
			adam(v, false)
		case "adamL2":
			adam(v, true)
		default:
			panic("gen/amd64: no vec body for " + in.Name)
		}
	}
}

// params loads the base pointers of the named slice parameters and the
// length of the first.
func params(names ...string) (bases []Register, n Register) {
	for _, p := range names {
		bases = append(bases, Load(Param(p).Base(), GP64()))
	}
	return bases, Load(Param(names[0]).Len(), GP64())
}

// reduction emits a sum-like reduction over nSlices slices (x, or x and y):
// reduceUnroll accumulators over full blocks, one accumulator over single
// vectors, then a masked vector (AVX-512) or a scalar loop (AVX2) for the
// remainder, then a fixed-order tree and horizontal add. Zero-filled masked
// lanes add +0, which changes nothing.
func reduction(v vk, nSlices int, vecBody func(acc Register, m []Mem),
	maskBody func(acc Register, m []Mem, k Op), scalarBody func(acc Register, m []Mem)) {
	names := []string{"x", "y"}[:nSlices]
	bases, n := params(names...)
	mems := func(i Register, off int) []Mem {
		m := make([]Mem, nSlices)
		for j, b := range bases {
			m[j] = v.at(b, i, off)
		}
		return m
	}
	acc := make([]VecVirtual, reduceUnroll)
	for j := range acc {
		acc[j] = v.vec()
		v.XOR(acc[j], acc[j], acc[j])
	}
	i := GP64()
	XORQ(i, i)
	loop("blocks", i, n, reduceUnroll*v.lanes, func() {
		for j := range acc {
			vecBody(acc[j], mems(i, j*v.lanes))
		}
	})
	loop("vectors", i, n, v.lanes, func() { vecBody(acc[0], mems(i, 0)) })
	combine(acc, v.ADD)
	var res VecVirtual
	if v.masked() {
		r := GP64()
		MOVQ(n, r)
		SUBQ(i, r)
		JZ(LabelRef("reduce"))
		v.tailMask(r, K1)
		maskBody(acc[0], mems(i, 0), K1)
		Label("reduce")
		res = v.hreduce(acc[0], v.ADD)
	} else {
		s := XMM()
		v.XOR(s, s, s)
		scalarLoop("tail", i, n, func() { scalarBody(s, mems(i, 0)) })
		res = v.hreduce(acc[0], v.ADD)
		v.ADDS(s, res, res)
	}
	VZEROUPPER()
	Store(res, ReturnIndex(0))
	RET()
}

// maxKernel: lanes start at −Inf and take VMAX with each element; NaNs are
// tracked apart (VMAX returns its second source when either is NaN, so it
// would drop them) in an unordered-compare accumulator, and if any was seen
// the result is NaN. len(x) ≥ 1 is the caller's promise.
func maxKernel(v vk) {
	bases, n := params("x")
	x := bases[0]
	negInf := GP64()
	if v.f32() {
		MOVQ(U64(0xff800000), negInf)
	} else {
		MOVQ(U64(0xfff0000000000000), negInf)
	}
	ninf := XMM()
	MOVQ(negInf, ninf)
	acc := make([]VecVirtual, reduceUnroll)
	for j := range acc {
		acc[j] = v.vec()
		v.BCAST(ninf, acc[j])
	}
	i := GP64()
	XORQ(i, i)
	// NaN tracking: K2 (AVX-512) or a vector of compare masks (AVX2).
	var nanv VecVirtual
	if v.masked() {
		KXORW(K2, K2, K2)
	} else {
		nanv = v.vec()
		v.XOR(nanv, nanv, nanv)
	}
	track := func(r Register) {
		if v.masked() {
			v.CMP(U8(3), r, r, K3) // unordered: r is NaN
			KORW(K3, K2, K2)
		} else {
			t := v.vec()
			v.CMP(U8(3), r, r, t)
			v.OR(t, nanv, nanv)
		}
	}
	body := func(acc Register, m Mem) {
		r := v.vec()
		v.MOVU(m, r)
		track(r)
		v.MAX(r, acc, acc)
	}
	// Full blocks test two vectors per compare: unordered(a, b) is true
	// where a or b is NaN.
	trackPair := func(a, b Register) {
		if v.masked() {
			v.CMP(U8(3), b, a, K3)
			KORW(K3, K2, K2)
		} else {
			t := v.vec()
			v.CMP(U8(3), b, a, t)
			v.OR(t, nanv, nanv)
		}
	}
	loop("blocks", i, n, reduceUnroll*v.lanes, func() {
		rs := make([]VecVirtual, len(acc))
		for j := range acc {
			rs[j] = v.vec()
			v.MOVU(v.at(x, i, j*v.lanes), rs[j])
		}
		for j := 0; j+1 < len(rs); j += 2 {
			trackPair(rs[j], rs[j+1])
		}
		for j := range acc {
			v.MAX(rs[j], acc[j], acc[j])
		}
	})
	loop("vectors", i, n, v.lanes, func() { body(acc[0], v.at(x, i, 0)) })
	combine(acc, v.MAX)
	var res VecVirtual
	if v.masked() {
		r := GP64()
		MOVQ(n, r)
		SUBQ(i, r)
		JZ(LabelRef("reduce"))
		v.tailMask(r, K1)
		t := v.vec()
		v.BCAST(ninf, t)
		v.MOVU(v.at(x, i, 0), K1, t) // merge-masked: absent lanes stay −Inf
		track(t)
		v.MAX(t, acc[0], acc[0])
		Label("reduce")
		res = v.hreduce(acc[0], v.MAX)
		KORTESTW(K2, K2)
	} else {
		s := XMM()
		MOVQ(negInf, s)
		scalarLoop("tail", i, n, func() {
			t := XMM()
			v.MOVS(v.at(x, i, 0), t)
			c := XMM()
			v.CMPS(U8(3), t, t, c)
			v.OR(c.AsY(), nanv, nanv)
			v.MAXS(t, s, s)
		})
		res = v.hreduce(acc[0], v.MAX)
		v.MAXS(s, res, res)
		m := GP32()
		if v.f32() {
			VMOVMSKPS(nanv, m)
		} else {
			VMOVMSKPD(nanv, m)
		}
		TESTL(m, m)
	}
	JZ(LabelRef("done"))
	// A NaN was seen: return the default quiet NaN (0/0 in SSE arithmetic).
	v.XOR(res, res, res)
	if v.f32() {
		VDIVSS(res, res, res)
	} else {
		VDIVSD(res, res, res)
	}
	Label("done")
	VZEROUPPER()
	Store(res, ReturnIndex(0))
	RET()
}

// elementwise emits the loop of an element-wise kernel over n elements:
// elementwiseUnroll vectors at a time, then single vectors, then a masked
// vector (AVX-512) or a scalar loop (AVX2). body emits one step; it gets the
// element index register, the offset in elements, and the mode.
type mode struct {
	scalar bool
	k      Op // opmask for a masked tail, else nil
}

func elementwise(v vk, i, n Register, body func(i Register, off int, md mode)) {
	loop("blocks", i, n, elementwiseUnroll*v.lanes, func() {
		for j := 0; j < elementwiseUnroll; j++ {
			body(i, j*v.lanes, mode{})
		}
	})
	loop("vectors", i, n, v.lanes, func() { body(i, 0, mode{}) })
	if v.masked() {
		r := GP64()
		MOVQ(n, r)
		SUBQ(i, r)
		JZ(LabelRef("done"))
		v.tailMask(r, K1)
		body(i, 0, mode{k: K1})
	} else {
		scalarLoop("tail", i, n, func() { body(i, 0, mode{scalar: true}) })
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// load and store in a mode: full vector, masked vector, or one element.
func (v vk) load(m Mem, md mode) VecVirtual {
	switch {
	case md.scalar:
		r := XMM()
		v.MOVS(m, r)
		return r
	case md.k != nil:
		r := v.vec()
		v.MOVUZ(m, md.k, r)
		return r
	}
	r := v.vec()
	v.MOVU(m, r)
	return r
}

func (v vk) store(r VecVirtual, m Mem, md mode) {
	switch {
	case md.scalar:
		v.MOVS(r.AsX(), m)
	case md.k != nil:
		v.MOVU(r, md.k, m)
	default:
		v.MOVU(r, m)
	}
}

// broadcast loads the scalar parameter name into every lane.
func (v vk) broadcast(name string) VecVirtual {
	s := Load(Param(name), XMM())
	b := v.vec()
	v.BCAST(s, b)
	return b
}

func asX(r VecVirtual) Register { return r.AsX() }

func axpy(v vk) {
	alpha := v.broadcast("alpha")
	bases, n := params("x", "y")
	x, y := bases[0], bases[1]
	i := GP64()
	XORQ(i, i)
	elementwise(v, i, n, func(i Register, off int, md mode) {
		xr := v.load(v.at(x, i, off), md)
		yr := v.load(v.at(y, i, off), md)
		if md.scalar {
			v.FMA231S(asX(alpha), xr, yr)
		} else {
			v.FMA231(alpha, xr, yr)
		}
		v.store(yr, v.at(y, i, off), md)
	})
}

func scale(v vk) {
	alpha := v.broadcast("alpha")
	bases, n := params("x")
	x := bases[0]
	i := GP64()
	XORQ(i, i)
	elementwise(v, i, n, func(i Register, off int, md mode) {
		xr := v.load(v.at(x, i, off), md)
		if md.scalar {
			v.MULS(asX(alpha), xr, xr)
		} else {
			v.MUL(alpha, xr, xr)
		}
		v.store(xr, v.at(x, i, off), md)
	})
}

// binary emits dst[i] = x[i] op y[i].
func binary(v vk, packed, scalar func(...Op)) {
	bases, n := params("dst", "x", "y")
	dst, x, y := bases[0], bases[1], bases[2]
	i := GP64()
	XORQ(i, i)
	elementwise(v, i, n, func(i Register, off int, md mode) {
		xr := v.load(v.at(x, i, off), md)
		yr := v.load(v.at(y, i, off), md)
		if md.scalar {
			scalar(yr, xr, xr)
		} else {
			packed(yr, xr, xr)
		}
		v.store(xr, v.at(dst, i, off), md)
	})
}

var _ = fmt.Sprint

// adam emits Adam's update, one element at a time in each lane (same
// operations and roundings as asm's adamGeneric), from the coefficients
// coef = [b1, c1, b2, c2, nst, isb, eps, wd]:
//
//	g' = fma(wd, w, g)              (l2 only)
//	m  = fma(b1, m, c1·g')
//	v  = fma(b2, v, (c2·g')·g')
//	w  = fma(nst, m/fma(√v, isb, eps), w)
//
// Each constant is broadcast once into a register (8 of the 16 on AVX2);
// the square root and the division bound the speed.
func adam(v vk, l2 bool) {
	coef := Load(Param("coef"), GP64())
	k := make([]VecVirtual, 8)
	for j := range k {
		if j == 7 && !l2 {
			break
		}
		k[j] = v.vec()
		v.BCAST(Mem{Base: coef, Disp: j * v.t.Size}, k[j])
	}
	b1, c1, b2, c2, nst, isb, eps, wd := k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]
	bases, n := params("w", "g", "m", "v")
	wp, gp, mp, vp := bases[0], bases[1], bases[2], bases[3]
	i := GP64()
	XORQ(i, i)
	elementwise(v, i, n, func(i Register, off int, md mode) {
		op := func(packed, scalar func(...Op), ops ...Op) {
			if md.scalar {
				for j, o := range ops {
					if r, ok := o.(VecVirtual); ok {
						ops[j] = r.AsX()
					}
				}
				scalar(ops...)
			} else {
				packed(ops...)
			}
		}
		w := v.load(v.at(wp, i, off), md)
		g := v.load(v.at(gp, i, off), md)
		if l2 {
			op(v.FMA231, v.FMA231S, wd, w, g)
		}
		m := v.load(v.at(mp, i, off), md)
		t := v.vec()
		op(v.MUL, v.MULS, c1, g, t)
		op(v.FMA231, v.FMA231S, b1, m, t)
		v.store(t, v.at(mp, i, off), md)
		u := v.vec()
		op(v.MUL, v.MULS, c2, g, u)
		op(v.MUL, v.MULS, g, u, u)
		vv := v.load(v.at(vp, i, off), md)
		op(v.FMA231, v.FMA231S, b2, vv, u)
		v.store(u, v.at(vp, i, off), md)
		sq := v.vec()
		if md.scalar {
			v.SQRTS(u.AsX(), u.AsX(), sq.AsX())
		} else {
			v.SQRT(u, sq)
		}
		op(v.FMA213, v.FMA213S, eps, isb, sq)
		op(v.DIV, v.DIVS, sq, t, t)
		op(v.FMA231, v.FMA231S, nst, t, w)
		v.store(w, v.at(wp, i, off), md)
	})
}

// dot3 is three dot products, x·y, x·x and y·y, in one pass over x and y
// (what Cosine needs): reduceUnroll accumulators per product over full
// blocks, then single vectors, then the masked or scalar remainder, each
// product reduced in the same fixed order as dot.
func dot3(v vk) {
	bases, n := params("x", "y")
	x, y := bases[0], bases[1]
	var acc [3][]VecVirtual
	for p := range acc {
		acc[p] = make([]VecVirtual, reduceUnroll)
		for j := range acc[p] {
			acc[p][j] = v.vec()
			v.XOR(acc[p][j], acc[p][j], acc[p][j])
		}
	}
	step := func(xr, yr Register, j int) {
		v.FMA231(yr, xr, acc[0][j])
		v.FMA231(xr, xr, acc[1][j])
		v.FMA231(yr, yr, acc[2][j])
	}
	i := GP64()
	XORQ(i, i)
	loop("blocks", i, n, reduceUnroll*v.lanes, func() {
		for j := 0; j < reduceUnroll; j++ {
			xr, yr := v.vec(), v.vec()
			v.MOVU(v.at(x, i, j*v.lanes), xr)
			v.MOVU(v.at(y, i, j*v.lanes), yr)
			step(xr, yr, j)
		}
	})
	loop("vectors", i, n, v.lanes, func() {
		xr, yr := v.vec(), v.vec()
		v.MOVU(v.at(x, i, 0), xr)
		v.MOVU(v.at(y, i, 0), yr)
		step(xr, yr, 0)
	})
	for p := range acc {
		combine(acc[p], v.ADD)
	}
	var res [3]VecVirtual
	if v.masked() {
		r := GP64()
		MOVQ(n, r)
		SUBQ(i, r)
		JZ(LabelRef("reduce"))
		v.tailMask(r, K1)
		xr, yr := v.vec(), v.vec()
		v.MOVUZ(v.at(x, i, 0), K1, xr)
		v.MOVUZ(v.at(y, i, 0), K1, yr)
		step(xr, yr, 0)
		Label("reduce")
		for p := range res {
			res[p] = v.hreduce(acc[p][0], v.ADD)
		}
	} else {
		var s [3]VecVirtual
		for p := range s {
			s[p] = XMM()
			v.XOR(s[p], s[p], s[p])
		}
		scalarLoop("tail", i, n, func() {
			xr, yr := XMM(), XMM()
			v.MOVS(v.at(x, i, 0), xr)
			v.MOVS(v.at(y, i, 0), yr)
			v.FMA231S(yr, xr, s[0])
			v.FMA231S(xr, xr, s[1])
			v.FMA231S(yr, yr, s[2])
		})
		for p := range res {
			res[p] = v.hreduce(acc[p][0], v.ADD)
			v.ADDS(s[p], res[p], res[p])
		}
	}
	VZEROUPPER()
	for p, name := range []string{"xy", "xx", "yy"} {
		Store(res[p], Return(name))
	}
	RET()
}
