package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// The float32 exponential in float32 lanes (asm.exp32; read the two side
// by side). Its chain of dependent operations is about 60 cycles long, so
// the main loop interleaves several independent vectors instruction by
// instruction (grp): four on AVX-512 (32 registers), two on AVX2 (16).

// Constants of asm/act_generic.go (the same literals).
const (
	actLog2eF     = 0x1.715476p+00
	actMagicF     = 0x1.8p+23
	actLn2HiF     = 0x1.62e43p-01
	actLn2LoF     = -0x1.05c61p-29
	actE2         = 0x1.fffffcp-02
	actE3         = 0x1.555492p-03
	actE4         = 0x1.5558f2p-05
	actE5         = 0x1.1239e2p-07
	actE6         = 0x1.6a2432p-10
	actMagicFBits = 0x4b400000
)

// actData32 is the cache of float32 constant vectors, by bit pattern.
var actData32 = map[uint32]Mem{}

// cbits32 returns a 64-byte read-only vector holding the 32-bit pattern b
// in every lane.
func cbits32(b uint32) Mem {
	if m, ok := actData32[b]; ok {
		return m
	}
	m := GLOBL(fmt.Sprintf("actf%08x", b), RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(b))
	}
	actData32[b] = m
	return m
}

// cf32 returns the constant vector of the float32 v.
func cf32(v float32) Mem { return cbits32(math.Float32bits(v)) }

// grp emits each operation for n independent vectors, one instruction per
// vector, so the n dependency chains overlap. A value is a gv (one register
// per vector); an operand may also be a Mem or a register shared by all.
type grp struct {
	z bool // AVX-512 (ZMM); else AVX2 (YMM)
	n int
}

type gv []VecVirtual

func (g grp) vec() VecVirtual {
	if g.z {
		return ZMM()
	}
	return YMM()
}

// at is operand x for vector i.
func at(x any, i int) Op {
	switch v := x.(type) {
	case gv:
		return v[i]
	case Op:
		return v
	}
	panic(fmt.Sprintf("gen/amd64: bad group operand %T", x))
}

// emit calls inst(at(ops[0], i), ..., d) with a fresh d for each vector i
// (avo operand order: sources in reverse Intel order, destination last).
func (g grp) emit(inst func(...Op), ops ...any) gv {
	out := make(gv, g.n)
	for i := range out {
		args := make([]Op, 0, len(ops)+1)
		for _, o := range ops {
			args = append(args, at(o, i))
		}
		out[i] = g.vec()
		inst(append(args, out[i])...)
	}
	return out
}

func (g grp) add(x, y any) gv { return g.emit(VADDPS, y, x) } // x + y
func (g grp) sub(x, y any) gv { return g.emit(VSUBPS, y, x) } // x − y
func (g grp) mul(x, y any) gv { return g.emit(VMULPS, y, x) } // x·y

// max and min keep a NaN x: MAXPS and MINPS return their second (Intel)
// source, here x, when either is NaN; c must be a register.
func (g grp) max(x any, c Op) gv { return g.emit(VMAXPS, x, c) }
func (g grp) min(x any, c Op) gv { return g.emit(VMINPS, x, c) }

// fma is x·y + z in one rounding, x a Mem constant or a value.
func (g grp) fma(x, y, z any) gv {
	d := make(gv, g.n)
	for i := range d {
		d[i] = g.vec()
		if m, ok := x.(Mem); ok {
			VMOVUPS(m, d[i])
		} else {
			VMOVAPS(at(x, i), d[i])
		}
	}
	g.fmaTo(d, y, z)
	return d
}

// fmaTo is d = d·y + z in place.
func (g grp) fmaTo(d gv, y, z any) {
	for i := range d {
		VFMADD213PS(at(z, i), at(y, i), d[i])
	}
}

// Integer ops on the 32-bit lanes.
func (g grp) psubd(x, y any) gv { return g.emit(VPSUBD, y, x) }
func (g grp) paddd(x, y any) gv { return g.emit(VPADDD, y, x) }
func (g grp) pslld(n int, x any) gv {
	return g.emit(func(ops ...Op) { VPSLLD(U8(n), ops[0], ops[1]) }, x)
}
func (g grp) psrad(n int, x any) gv {
	return g.emit(func(ops ...Op) { VPSRAD(U8(n), ops[0], ops[1]) }, x)
}

// pow2 is 2ᵏ from the integer k in each lane: (k + 127) << 23.
func (g grp) pow2(k gv) gv { return g.pslld(23, g.paddd(k, cbits32(127))) }

// exp32 is asm.exp32; lo and hi hold the clamp bounds.
func (g grp) exp32(x gv, lo, hi VecVirtual) gv {
	x = g.min(g.max(x, lo), hi)
	t := g.fma(cf32(actLog2eF), x, cf32(actMagicF))
	kf := g.sub(t, cf32(actMagicF))
	rh := g.fma(cf32(-actLn2HiF), kf, x)
	u := g.mul(kf, cf32(-actLn2LoF))
	r := g.add(rh, u)
	r2 := g.mul(r, r)
	a := g.fma(cf32(actE3), r, cf32(actE2))
	b := g.fma(cf32(actE5), r, cf32(actE4))
	p := g.fma(cf32(actE6), r2, b)
	g.fmaTo(p, r2, a) // P = (E2 + E3·r) + r²·((E4 + E5·r) + r²·E6)
	g.fmaTo(p, r2, u) // r²·P + u
	m := g.add(g.add(rh, p), cf32(1))
	if g.z {
		return g.emit(VSCALEFPS, kf, m)
	}
	k := g.psubd(t, cbits32(actMagicFBits))
	k1 := g.psrad(1, k)
	return g.mul(g.mul(m, g.pow2(k1)), g.pow2(g.psubd(k, k1)))
}

// actLoop32 emits a float32-lane kernel of one input: n interleaved
// vectors per iteration, then one vector at a time, then one masked
// vector. setup runs once before the loop (for constants kept in
// registers).
func actLoop32(in spec.Instance, isa spec.ISA, n int, body func(g grp, x gv) gv) {
	z := isa == spec.AVX512
	l := lanes{a: ax{z: z}, v: newVK(isa, in.T), t: in.T}
	u := l.v.lanes
	dst := Load(Param("dst").Base(), GP64())
	x := Load(Param("x").Base(), GP64())
	cnt := Load(Param("dst").Len(), GP64())
	i := GP64()
	XORQ(i, i)
	step := func(g grp, tl *tail) {
		xs := make(gv, g.n)
		for j := range xs {
			xs[j] = l.load(l.v.at(x, i, j*u), tl)
		}
		ys := body(g, xs)
		for j, y := range ys {
			l.store(y, l.v.at(dst, i, j*u), tl)
		}
	}
	loop("blocks", i, cnt, n*u, func() { step(grp{z, n}, nil) })
	loop("units", i, cnt, u, func() { step(grp{z, 1}, nil) })
	r := GP64()
	MOVQ(cnt, r)
	SUBQ(i, r)
	JZ(LabelRef("done"))
	tl := l.tailMask(r)
	step(grp{z, 1}, &tl)
	Label("done")
	VZEROUPPER()
	RET()
}

// exp32Kernel emits the float32 Exp kernel.
func exp32Kernel(in spec.Instance, isa spec.ISA) {
	n := 2
	if isa == spec.AVX512 {
		n = 4
	}
	var lo, hi VecVirtual
	g0 := grp{z: isa == spec.AVX512, n: 1}
	lo, hi = g0.vec(), g0.vec()
	VMOVUPS(cf32(actExpLo32), lo)
	VMOVUPS(cf32(actExpHi32), hi)
	actLoop32(in, isa, n, func(g grp, x gv) gv { return g.exp32(x, lo, hi) })
}
