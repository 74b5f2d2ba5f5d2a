package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// uniformKernel converts words to uniforms in place, element by element
// (asm/prob_generic.go: uniformGeneric): float32 lanes take (w>>8)·2⁻²⁴ of
// their own word, float64 lanes ((w0 | w1<<32)>>11)·2⁻⁵³ of their own
// quadword, then lo + span·u, and min(x, below) replaces a result ≥ hi by
// below (x < hi implies x ≤ below; with below as the first source, VMIN
// returns x when they compare equal, so −0 stays −0 as in Go).
func uniformKernel(in spec.Instance, isa spec.ISA) {
	v := newVK(isa, in.T)
	f32 := v.f32()
	sfx := in.T.Suffix + isa.Suffix
	lo, s, below := v.broadcast("lo"), v.broadcast("span"), v.broadcast("below")
	var scale Mem
	if f32 {
		scale = u32Vector("uniformScale"+sfx, []uint32{0x33800000}) // 2⁻²⁴
	} else {
		scale = u64Vector("uniformScale"+sfx, math.Float64bits(0x1p-53))
	}
	sc := v.vec()
	v.BCAST(scale, sc)
	var magic, p2p52, p2p26, low26 Mem
	if !f32 && isa == spec.AVX2 {
		magic = u64Vector("uniformMagic"+sfx, 0x4330000000000000)
		p2p52 = u64Vector("uniformP2p52"+sfx, math.Float64bits(0x1p52))
		p2p26 = u64Vector("uniformP2p26"+sfx, math.Float64bits(0x1p26))
		low26 = u64Vector("uniformLow26"+sfx, 1<<26-1)
	}
	bases, n := params("dst", "w")
	dst, w := bases[0], bases[1]
	i := GP64()
	XORQ(i, i)
	elementwise(v, i, n, func(i Register, off int, md mode) {
		x := v.load(v.at(w, i, off), md)
		op := func(r Register) Op { // the constant register in this mode's width
			if md.scalar {
				return r.(VecVirtual).AsX()
			}
			return r
		}
		if f32 {
			VPSRLD(U8(8), x, x)
			VCVTDQ2PS(x, x)
		} else {
			VPSRLQ(U8(11), x, x)
			if isa == spec.AVX512 {
				VCVTUQQ2PD(x, x)
			} else {
				// Exact: see normalAVX2.
				h := v.vec()
				if md.scalar {
					h = XMM()
				}
				VPSRLQ(U8(26), x, h)
				VPAND(low26, x, x)
				VPOR(magic, h, h)
				VSUBPD(p2p52, h, h)
				VPOR(magic, x, x)
				VSUBPD(p2p52, x, x)
				VMULPD(p2p26, h, h)
				VADDPD(x, h, x)
			}
		}
		if md.scalar {
			v.MULS(op(sc), x, x)
			v.MULS(op(s), x, x)
			v.ADDS(op(lo), x, x)
			v.pick(VMINSS, VMINSD)(x, op(below), x)
		} else {
			v.MUL(sc, x, x)
			v.MUL(s, x, x)
			v.ADD(lo, x, x)
			v.pick(VMINPS, VMINPD)(x, below, x)
		}
		v.store(x, v.at(dst, i, off), md)
	})
}
