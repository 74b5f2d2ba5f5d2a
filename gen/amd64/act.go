package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/alg"
	"github.com/lanes-go/lanes/gen/spec"
	k "github.com/lanes-go/lanes/internal/kconst"
)

// The act kernels. Exp, Sigmoid, Tanh and Log are the algorithms of
// gen/alg on the avx backend (avx.go): float32 Exp, Sigmoid and Tanh in
// float32 lanes with several vectors interleaved, the float64 ones in
// float64 lanes, and float32 Log and the float32 pieces of Softmax in
// float64 lanes (VCVTPS2PD in, VCVTPD2PS out). The one-instruction kernels
// (ReLU and its kin, the gradients, the Softmax pieces) are written here.
// Constants are 64-byte read-only vectors used as memory operands or
// broadcast into registers held for the whole loop.

// actData is the cache of constant vectors, by bit pattern and lane size.
var actData = map[[2]uint64]Mem{}

// constVec returns a 64-byte read-only vector holding the size-byte
// pattern b in every lane.
func constVec(b uint64, size int) Mem {
	key := [2]uint64{b, uint64(size)}
	if m, ok := actData[key]; ok {
		return m
	}
	name := fmt.Sprintf("actc%016x", b)
	if size == 4 {
		name = fmt.Sprintf("actf%08x", b)
	}
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 64/size; i++ {
		if size == 4 {
			DATA(4*i, U32(uint32(b)))
		} else {
			DATA(8*i, U64(b))
		}
	}
	actData[key] = m
	return m
}

// iota32 and iota64 hold the lane numbers 0, 1, 2, ... (AVX2 tail masks).
var iotaData = map[int]Mem{}

func iota(size int) Mem {
	if m, ok := iotaData[size]; ok {
		return m
	}
	m := GLOBL(fmt.Sprintf("actiota%d", size), RODATA|NOPTR)
	for i := 0; i < 32/size; i++ {
		if size == 4 {
			DATA(4*i, U32(uint32(i)))
		} else {
			DATA(8*i, U64(uint64(i)))
		}
	}
	iotaData[size] = m
	return m
}

// ---- the loops ---------------------------------------------------------------

// lanes describes how an act kernel holds its data: wide (float32 data in
// float64 lanes) or native (the element type's own lanes).
type lanes struct {
	z    bool // AVX-512
	v    vk   // the native vector kind
	wide bool // float32 data computed in float64 lanes
	t    spec.Type
}

func newLanes(isa spec.ISA, t spec.Type, wide bool) lanes {
	return lanes{z: isa == spec.AVX512, v: newVK(isa, t), wide: wide && t.Size == 4, t: t}
}

// ops is the avx backend for the lanes' arithmetic, n vectors at a time.
func (l lanes) ops(n int) avx {
	size := l.t.Size
	if l.wide {
		size = 8
	}
	return avx{z: l.z, size: size, n: n}
}

func (l lanes) vec() VecVirtual {
	if l.z {
		return ZMM()
	}
	return YMM()
}

// unit is the number of elements one vector handles.
func (l lanes) unit() int {
	if l.wide {
		return l.v.bytes / 8
	}
	return l.v.lanes
}

// tail is the mask of a partial unit of r elements.
type tail struct {
	k Op         // AVX-512 opmask
	m VecVirtual // AVX2 lane mask (XMM of int32 for wide float32)
}

func (l lanes) tailMask(r Register) tail {
	if l.z {
		g := GP32()
		MOVL(U32(0xffffffff), g)
		BZHIL(r.(GPVirtual).As32(), g, g)
		k := K()
		KMOVW(g, k)
		return tail{k: k}
	}
	x := XMM()
	switch {
	case l.wide: // 4 float32
		MOVQ(r, x)
		VPBROADCASTD(x, x)
		VPCMPGTD(iota(4), x, x)
		return tail{m: x}
	case l.t.Size == 4: // 8 float32
		y := YMM()
		MOVQ(r, x)
		VPBROADCASTD(x, y)
		VPCMPGTD(iota(4), y, y)
		return tail{m: y}
	}
	y := YMM()
	MOVQ(r, x)
	VPBROADCASTQ(x, y)
	VPCMPGTQ(iota(8), y, y)
	return tail{m: y}
}

func (l lanes) load(m Mem, tl *tail) VecVirtual {
	if l.wide {
		d := l.vec()
		switch {
		case tl == nil:
			VCVTPS2PD(m, d)
		case l.z:
			y := YMM()
			VMOVUPS_Z(m, tl.k, y)
			VCVTPS2PD(y, d)
		default:
			x := XMM()
			VMASKMOVPS(m, tl.m, x)
			VCVTPS2PD(x, d)
		}
		return d
	}
	if tl == nil {
		d := l.v.vec()
		l.v.MOVU(m, d)
		return d
	}
	if l.z {
		d := l.v.vec()
		l.v.MOVUZ(m, tl.k, d)
		return d
	}
	d := YMM()
	if l.t.Size == 4 {
		VMASKMOVPS(m, tl.m, d)
	} else {
		VMASKMOVPD(m, tl.m, d)
	}
	return d
}

func (l lanes) store(v VecVirtual, m Mem, tl *tail) {
	if l.wide {
		if l.z {
			y := YMM()
			VCVTPD2PS(v, y)
			if tl == nil {
				VMOVUPS(y, m)
			} else {
				VMOVUPS(y, tl.k, m)
			}
			return
		}
		x := XMM()
		VCVTPD2PSY(v, x)
		if tl == nil {
			VMOVUPS(x, m)
		} else {
			VMASKMOVPS(x, tl.m, m)
		}
		return
	}
	switch {
	case tl == nil:
		l.v.MOVU(v, m)
	case l.z:
		l.v.MOVU(v, tl.k, m)
	case l.t.Size == 4:
		VMASKMOVPS(v, tl.m, m)
	default:
		VMASKMOVPD(v, tl.m, m)
	}
}

// actLoop emits an element-wise kernel: dst[i] = body(inputs[i]...) over
// blocks of n vectors (the body's operations interleaved across them),
// then single vectors, then one masked vector. Every step loads all its
// inputs before it stores, so dst may alias an input. The constants hoist
// are held in registers for the whole loop.
func actLoop(in spec.Instance, isa spec.ISA, wide bool, n int, inputs []string, hoist []any, body func(o avx, ins []gv) gv) {
	l := newLanes(isa, in.T, wide)
	o := l.ops(1)
	if len(hoist) > 0 {
		o = o.hoist(hoist...)
	}
	dst := Load(Param("dst").Base(), GP64())
	var bases []Register
	for _, p := range inputs {
		bases = append(bases, Load(Param(p).Base(), GP64()))
	}
	cnt := Load(Param("dst").Len(), GP64())
	i := GP64()
	XORQ(i, i)
	u := l.unit()
	step := func(o avx, tl *tail) {
		ins := make([]gv, len(bases))
		for j, b := range bases {
			ins[j] = make(gv, o.n)
			for v := range o.n {
				ins[j][v] = l.load(l.v.at(b, i, v*u), tl)
			}
		}
		for v, y := range body(o, ins) {
			l.store(y, l.v.at(dst, i, v*u), tl)
		}
	}
	if n > 1 {
		loopAny("blocks", i, cnt, n*u, func() { step(o.with(n), nil) })
	}
	loop("units", i, cnt, u, func() { step(o, nil) })
	r := GP64()
	MOVQ(cnt, r)
	SUBQ(i, r)
	JZ(LabelRef("done"))
	tl := l.tailMask(r)
	step(o, &tl)
	Label("done")
	VZEROUPPER()
	RET()
}

// loopAny emits "for ; i+step <= n; i += step { body() }" for any step.
func loopAny(name string, i, n Register, step int, body func()) {
	end := GP64()
	MOVQ(n, end)
	SUBQ(U32(step), end)
	CMPQ(i, end)
	JG(LabelRef(name + "_done"))
	Label(name)
	body()
	ADDQ(U32(step), i)
	CMPQ(i, end)
	JLE(LabelRef(name))
	Label(name + "_done")
}

// unary adapts an alg function of one value to an actLoop body.
func unary(f func(alg.Ops[any], any) any) func(o avx, ins []gv) gv {
	return func(o avx, ins []gv) gv { return f(o, ins[0]).(gv) }
}

// native adapts a body written on single registers of the element type's
// lanes (l.v) to actLoop: it is emitted once per vector.
func native(f func(ins []VecVirtual) VecVirtual) func(o avx, ins []gv) gv {
	return func(o avx, ins []gv) gv {
		out := make(gv, o.n)
		for v := range out {
			args := make([]VecVirtual, len(ins))
			for j := range ins {
				args[j] = ins[j][v]
			}
			out[v] = f(args)
		}
		return out
	}
}

// expCore32Consts are the constants of the float32-lane exponential
// (alg's expCore32), held in registers: constants as memory operands, even
// 4-byte broadcasts, made the loop 25% slower than registers on Zen 4.
func expCore32Consts(o avx) []any {
	return []any{o.F(k.Log2eF32), o.F(k.MagicF32), o.F(-k.Ln2HiF32), o.F(-k.Ln2LoF32),
		o.F(k.E2), o.F(k.E3), o.F(k.E4), o.F(k.E5), o.F(k.E6)}
}

// exp64Consts are the constants of alg.Exp64, held in registers on AVX-512.
func exp64Consts(o avx) []any {
	m := []any{o.F(k.ExpLo64), o.F(k.ExpHi64), o.F(k.Log2e), o.F(k.Magic), o.F(-k.Ln2Hi), o.F(k.Ln2Lo), o.F(1)}
	for n := 2; n <= 14; n++ {
		m = append(m, o.F(k.ExpC[n]))
	}
	return m
}

// lanes32 emits a float32-lane kernel of alg with n512 (AVX-512, 32
// registers) or n2 (AVX2, 16 registers) vectors interleaved; the constants
// (all of them on AVX-512, the first six on AVX2) are held in registers.
func lanes32(in spec.Instance, isa spec.ISA, n512, n2 int, hoist []any, f func(alg.Ops[any], any) any) {
	n, h := n2, hoist[:min(len(hoist), 6)]
	if isa == spec.AVX512 {
		n, h = n512, hoist
	}
	actLoop(in, isa, false, n, []string{"x"}, h, unary(f))
}

func init() {
	features["act"] = func(in spec.Instance, isa spec.ISA) {
		f64 := in.T.Size == 8
		o32 := avx{size: 4} // for the constants' addresses only
		pick := func(f32, f64f func(alg.Ops[any], any) any) func(o avx, ins []gv) gv {
			if f64 {
				return unary(f64f)
			}
			return unary(f32)
		}
		switch in.Name {
		case "exp":
			if !f64 {
				lanes32(in, isa, 2, 1, append(expCore32Consts(o32), o32.F(k.ExpLo32), o32.F(k.ExpHi32), o32.F(1)), alg.Exp32[any])
				return
			}
			if isa == spec.AVX512 {
				actLoop(in, isa, false, 2, []string{"x"}, exp64Consts(avx{size: 8}), unary(alg.Exp64[any]))
				return
			}
			actLoop(in, isa, true, 1, []string{"x"}, nil, unary(alg.Exp64[any]))
		case "log":
			actLoop(in, isa, true, 1, []string{"x"}, nil, pick(alg.LogW32[any], alg.Log64[any]))
		case "sigmoid":
			if !f64 {
				lanes32(in, isa, 2, 1, append(expCore32Consts(o32), o32.F(k.ExpLo32)), alg.Sigmoid32[any])
				return
			}
			actLoop(in, isa, true, 1, []string{"x"}, nil, unary(alg.Sigmoid64[any]))
		case "tanh":
			if !f64 {
				lanes32(in, isa, 2, 1, append(expCore32Consts(o32), o32.F(1)), alg.Tanh32[any])
				return
			}
			actLoop(in, isa, true, 1, []string{"x"}, nil, unary(alg.Tanh64[any]))
		case "silu":
			// float32 data runs the float64 algorithm in float64 lanes.
			actLoop(in, isa, true, 1, []string{"x"}, nil, unary(alg.SiLU64[any]))
		case "siluGrad":
			actLoop(in, isa, true, 1, []string{"x", "dy"}, nil, func(o avx, ins []gv) gv {
				return alg.SiLUGrad64[any](o, ins[0], ins[1]).(gv)
			})
		case "gelu":
			actLoop(in, isa, true, 1, []string{"x"}, nil, func(o avx, ins []gv) gv {
				return alg.GELU64[any](selDef{o}, ins[0]).(gv)
			})
		case "geluGrad":
			actLoop(in, isa, true, 1, []string{"x", "dy"}, nil, func(o avx, ins []gv) gv {
				return alg.GELUGrad64[any](selDef{o}, ins[0], ins[1]).(gv)
			})
		case "geluTanh":
			actLoop(in, isa, true, 1, []string{"x"}, nil, unary(alg.GELUTanh64[any]))
		case "geluTanhGrad":
			actLoop(in, isa, true, 1, []string{"x", "dy"}, nil, func(o avx, ins []gv) gv {
				return alg.GELUTanhGrad64[any](o, ins[0], ins[1]).(gv)
			})
		case "sigmoidGrad":
			// dy·(y·(1−y)), in float64 lanes for float32.
			actLoop(in, isa, true, 2, []string{"y", "dy"}, nil, func(o avx, ins []gv) gv {
				y := ins[0]
				return o.Mul(ins[1], o.Mul(y, o.Sub(o.F(1), y))).(gv)
			})
		case "tanhGrad":
			// dy·fma(−y, y, 1).
			actLoop(in, isa, true, 2, []string{"y", "dy"}, nil, func(o avx, ins []gv) gv {
				y := ins[0]
				return o.Mul(ins[1], o.FNMA(y, y, o.F(1))).(gv)
			})
		case "relu":
			l := newLanes(isa, in.T, false)
			actLoop(in, isa, false, 4, []string{"x"}, nil, native(func(ins []VecVirtual) VecVirtual {
				x := ins[0]
				v := l.v
				z := v.vec()
				v.XOR(z, z, z)
				if l.z {
					k := K()
					v.CMP(U8(0x06), z, x, k) // !(x <= 0): x > 0 or NaN
					d := v.vec()
					if v.f32() {
						VMOVAPS_Z(x, k, d)
					} else {
						VMOVAPD_Z(x, k, d)
					}
					return d
				}
				m := v.vec()
				v.CMP(U8(0x06), z, x, m)
				d := v.vec()
				if v.f32() {
					VANDPS(x, m, d)
				} else {
					VANDPD(x, m, d)
				}
				return d
			}))
		case "leakyRelu":
			l := newLanes(isa, in.T, false)
			alpha := l.v.broadcast("alpha")
			actLoop(in, isa, false, 4, []string{"x"}, nil, native(func(ins []VecVirtual) VecVirtual {
				x := ins[0]
				ax := l.v.vec()
				l.v.MUL(alpha, x, ax)
				return nativeSel(l, cmpGT, x, x, ax)
			}))
		case "reluGrad", "leakyReluGrad":
			l := newLanes(isa, in.T, false)
			var alpha VecVirtual
			if in.Name == "leakyReluGrad" {
				alpha = l.v.broadcast("alpha")
			}
			actLoop(in, isa, false, 4, []string{"x", "dy"}, nil, native(func(ins []VecVirtual) VecVirtual {
				x, dy := ins[0], ins[1]
				v := l.v
				other := v.vec()
				if alpha != nil {
					v.MUL(alpha, dy, other)
				} else {
					v.XOR(other, other, other)
				}
				y := nativeSel(l, cmpGT, x, dy, other)
				return nativeSel(l, cmpUnord, x, x, y)
			}))
		case "expSub":
			expSumLoop(in, isa, true)
		case "expSum":
			expSumLoop(in, isa, false)
		case "subSub":
			v := newVK(isa, in.T)
			av, bv := v.broadcast("a"), v.broadcast("b")
			actLoop(in, isa, false, 4, []string{"x"}, nil, native(func(ins []VecVirtual) VecVirtual {
				t, d := v.vec(), v.vec()
				v.SUB(av, ins[0], t)
				v.SUB(bv, t, d)
				return d
			}))
		case "mulSub":
			v := newVK(isa, in.T)
			dv := v.broadcast("d")
			actLoop(in, isa, false, 4, []string{"y", "dy"}, nil, native(func(ins []VecVirtual) VecVirtual {
				t, d := v.vec(), v.vec()
				v.SUB(dv, ins[1], t)
				v.MUL(t, ins[0], d)
				return d
			}))
		default:
			panic("gen/amd64: no act body for " + in.Name)
		}
	}
}

// selDef is the avx backend with a Sel whose AVX-512 result register is
// written (a copy of f) before the masked blend: avo takes the destination
// of VBLENDMPS/PD with an opmask as read as well as written, so each
// select's result would otherwise be live from the start of the function,
// and GELU's many selects would exhaust the 32 vector registers.
type selDef struct{ avx }

func (o selDef) Sel(m, t, f any) any {
	if !o.z {
		return o.avx.Sel(m, t, f)
	}
	mk := m.(gmask)
	t, f = o.k(t), o.reg(f)
	out := make(gv, o.n)
	for i := range out {
		out[i] = o.vec()
		o.pick(VMOVAPS, VMOVAPD)(at(f, i), out[i])
		if isMem(t) {
			o.pick(VBLENDMPS_BCST, VBLENDMPD_BCST)(at(t, i), at(f, i), mk[i], out[i])
		} else {
			o.pick(VBLENDMPS, VBLENDMPD)(at(t, i), at(f, i), mk[i], out[i])
		}
	}
	return out
}

// nativeSel is (x pred 0) ? t : f in the element type's lanes (pred
// cmpUnord compares x with itself).
func nativeSel(l lanes, pred int, x, t, f VecVirtual) VecVirtual {
	v := l.v
	var y Op = x
	if pred != cmpUnord {
		z := v.vec()
		v.XOR(z, z, z)
		y = z
	}
	d := v.vec()
	if l.z {
		k := K()
		v.CMP(U8(pred), y, x, k)
		if v.f32() {
			VBLENDMPS(t, f, k, d)
		} else {
			VBLENDMPD(t, f, k, d)
		}
		return d
	}
	m := v.vec()
	v.CMP(U8(pred), y, x, m)
	if v.f32() {
		VBLENDVPS(m, t, f, d)
	} else {
		VBLENDVPD(m, t, f, d)
	}
	return d
}

// expSumLoop emits expSub (store: dst[i] = e^(x[i]−c), returning the sum)
// and expSum (the sum only). The sum adds the stored values (float32:
// rounded, then widened again) in one float64-lane accumulator; the masked
// tail adds only its valid lanes.
func expSumLoop(in spec.Instance, isa spec.ISA, store bool) {
	f32 := in.T.Size == 4
	l := newLanes(isa, in.T, true)
	o := l.ops(1)
	cx := Load(Param("c"), XMM())
	if f32 {
		VCVTSS2SD(cx, cx, cx)
	}
	cb := l.vec()
	VBROADCASTSD(cx, cb)
	var dst Register
	first := "x"
	if store {
		dst = Load(Param("dst").Base(), GP64())
		first = "dst"
	}
	x := Load(Param("x").Base(), GP64())
	n := Load(Param(first).Len(), GP64())
	acc := l.vec()
	VXORPD(acc, acc, acc)
	i := GP64()
	XORQ(i, i)
	step := func(tl *tail) {
		d := o.Sub(gv{l.load(l.v.at(x, i, 0), tl)}, gv{cb})
		var e VecVirtual
		if f32 {
			e = alg.ExpW32[any](o, d).(gv)[0]
			// Round to float32, store, widen again for the sum.
			var y VecVirtual
			if l.z {
				y = YMM()
				VCVTPD2PS(e, y)
			} else {
				y = XMM()
				VCVTPD2PSY(e, y)
			}
			if store {
				m := l.v.at(dst, i, 0)
				switch {
				case tl == nil:
					VMOVUPS(y, m)
				case l.z:
					VMOVUPS(y, tl.k, m)
				default:
					VMASKMOVPS(y, tl.m, m)
				}
			}
			e = l.vec()
			VCVTPS2PD(y, e)
		} else {
			e = alg.Exp64[any](o, d).(gv)[0]
			if store {
				l.store(e, l.v.at(dst, i, 0), tl)
			}
		}
		switch {
		case tl == nil:
			VADDPD(e, acc, acc)
		case l.z:
			VADDPD(e, acc, tl.k, acc)
		default:
			m := tl.m
			if f32 {
				m = YMM()
				VPMOVSXDQ(tl.m, m)
			}
			VADDPD(o.And(gv{e}, gv{m}).(gv)[0], acc, acc)
		}
	}
	loop("units", i, n, l.unit(), func() { step(nil) })
	r := GP64()
	MOVQ(n, r)
	SUBQ(i, r)
	JZ(LabelRef("reduce"))
	tl := l.tailMask(r)
	step(&tl)
	Label("reduce")
	res := newVK(isa, spec.F64).hreduce(acc, VADDPD)
	if f32 {
		VCVTSD2SS(res, res, res)
	}
	VZEROUPPER()
	Store(res, ReturnIndex(0))
	RET()
}
