package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// The bfloat16 kernels (gen/spec/bf16.go): the conversions and gemmBF16 on
// AVX-512 (the avx2 table gets the generic conversions), and gemmBF16FMA,
// its emulation on FMA for AVX2 and for AVX-512 without AVX512_BF16.
//
// The conversions round with integer operations on the bits; the
// micro-kernel multiplies on VDPBF16PS (AVX512_BF16), which neither Go's
// assembler nor avo know: it is written as its EVEX bytes (evexDPBF16PS),
// on physical registers, with the mnemonic as a comment.

// The bfloat16 micro-kernel tile: 6 rows × 64 columns (4 ZMM of 16 float32
// lanes per row): 24 accumulators (Z0..Z23), 4 vectors of B (Z24..Z27) and
// 2 broadcast A pairs (Z28, Z29, alternating) of 32 ZMM; alpha and beta use
// Z30 and Z31 after the loop. Per k pair: 4 loads of 64 bytes of B, 6 dword
// broadcasts of A and 24 VDPBF16PS (two bf16 products per lane each).
const (
	bf16MR      = 6
	bf16RowVecs = 4
	bf16NR      = bf16RowVecs * 16
	// bf16Unroll k pairs per loop iteration.
	bf16Unroll = 2
)

// convUnroll is the number of 16-lane vectors per iteration of the
// conversion loops.
const convUnroll = 4

func init() {
	features["bf16"] = func(in spec.Instance, isa spec.ISA) {
		switch in.Name {
		case "gemmBF16FMA":
			gemmBF16FMA(isa)
			return
		case "gemmBF16FMAPackB":
			packPairsB(fmaNV(isa))
			return
		case "gemmBF16FMATile":
			tile(bf16MR, fmaNV(isa)*f32Lanes(isa))
			return
		}
		if isa != spec.AVX512 {
			panic("gen/amd64: the bf16 kernels have no " + isa.Name + " body")
		}
		switch in.Name {
		case "toBF16":
			toBF16()
		case "fromBF16":
			fromBF16()
		case "gemmBF16":
			gemmBF16()
		case "gemmBF16PackB":
			packPairsB(bf16RowVecs)
		case "gemmBF16Tile":
			tile(bf16MR, bf16NR)
		case "peakBF16":
			peakBF16()
		default:
			panic("gen/amd64: no bf16 body for " + in.Name)
		}
	}
}

func tile(mr, nr int) {
	for _, x := range []struct {
		name string
		val  int
	}{{"mr", mr}, {"nr", nr}} {
		r := GP64()
		MOVQ(U32(x.val), r)
		Store(r, Return(x.name))
	}
	RET()
}

// f32Lanes is the number of float32 lanes of a vector of isa.
func f32Lanes(isa spec.ISA) int {
	if isa == spec.AVX512 {
		return 16
	}
	return 8
}

// fmaNV is the number of vectors per row of the gemmBF16FMA tile: 6×16 on
// AVX2 (12 YMM accumulators, 2 of B, 1 of A and the mask: 16 of 16), 6×64 on
// AVX-512 (the tile of gemmBF16, so that its packing serves both).
func fmaNV(isa spec.ISA) int {
	if isa == spec.AVX512 {
		return bf16RowVecs
	}
	return 2
}

// convLoop emits the loop of a conversion over n elements: body(i, off, k)
// converts 16 elements at index i+off, masked by the opmask k (nil: all).
func convLoop(n Register, body func(i Register, off int, k Op)) {
	i := GP64()
	XORQ(i, i)
	loop("blocks", i, n, convUnroll*16, func() {
		for j := 0; j < convUnroll; j++ {
			body(i, 16*j, nil)
		}
	})
	loop("vectors", i, n, 16, func() { body(i, 0, nil) })
	r := GP64()
	MOVQ(n, r)
	SUBQ(i, r)
	JZ(LabelRef("done"))
	m := GP32()
	MOVL(U32(0xffffffff), m)
	BZHIL(r.As32(), m, m)
	KMOVW(m, K1)
	body(i, 0, K1)
	Label("done")
	VZEROUPPER()
	RET()
}

// toBF16 emits dst[i] = rne(src[i]): r = b + 0x7fff + ((b >> 16) & 1), or
// b | 0x400000 for a NaN (VCMPPS unordered), then the high halves are
// narrowed (VPSRLD, VPMOVDW) and stored.
func toBF16() {
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	src := Load(Param("src").Base(), GP64())
	bcast := func(c uint32) VecVirtual {
		g, z := GP32(), ZMM()
		MOVL(U32(c), g)
		VPBROADCASTD(g, z)
		return z
	}
	bias, one, quiet := bcast(0x7fff), bcast(1), bcast(0x400000)
	convLoop(n, func(i Register, off int, k Op) {
		x, t, r := ZMM(), ZMM(), ZMM()
		in := Mem{Base: src, Index: i, Scale: 4, Disp: 4 * off}
		out := Mem{Base: dst, Index: i, Scale: 2, Disp: 2 * off}
		if k == nil {
			VMOVDQU32(in, x)
		} else {
			VMOVDQU32_Z(in, k, x)
		}
		VPSRLD(U8(16), x, t)
		VPANDD(one, t, t)
		VPADDD(bias, x, r)
		VPADDD(t, r, r)
		VCMPPS(U8(3), x, x, K2) // unordered: NaN
		VPORD(quiet, x, K2, r)
		VPSRLD(U8(16), r, r)
		if k == nil {
			VPMOVDW(r, out)
		} else {
			VPMOVDW(r, k, out)
		}
	})
}

// fromBF16 emits dst[i] = float32frombits(src[i] << 16).
func fromBF16() {
	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	src := Load(Param("src").Base(), GP64())
	convLoop(n, func(i Register, off int, k Op) {
		x := ZMM()
		in := Mem{Base: src, Index: i, Scale: 2, Disp: 2 * off}
		out := Mem{Base: dst, Index: i, Scale: 4, Disp: 4 * off}
		if k == nil {
			VPMOVZXWD(in, x)
		} else {
			VPMOVZXWD_Z(in, k, x)
		}
		VPSLLD(U8(16), x, x)
		if k == nil {
			VMOVDQU32(x, out)
		} else {
			VMOVDQU32(x, k, out)
		}
	})
}

// packPairsB emits gemmBF16PackB for NR = 16·nv (AVX-512, nv ZMM per row) or
// 8·nv (AVX2, nv YMM): per pair of rows, a vector of words at a time, the
// zero-extended row 2p or-ed with the row 2p+1 shifted up.
func packPairsB(nv int) {
	if nv != bf16RowVecs {
		packPairsBAVX2(nv)
		return
	}
	k := Load(Param("k"), GP64())
	b := Load(Param("b").Base(), GP64())
	ldb := Load(Param("ldb"), GP64())
	dst := Load(Param("dst").Base(), GP64())
	SHLQ(U8(1), ldb)
	b1 := GP64()
	LEAQ(Mem{Base: b, Index: ldb, Scale: 1}, b1)
	SHLQ(U8(1), ldb) // two rows
	pairs := GP64()
	MOVQ(k, pairs)
	SHRQ(U8(1), pairs)
	JZ(LabelRef("odd"))
	Label("loop")
	for q := 0; q < bf16RowVecs; q++ {
		lo, hi := ZMM(), ZMM()
		VPMOVZXWD(Mem{Base: b, Disp: 32 * q}, lo)
		VPMOVZXWD(Mem{Base: b1, Disp: 32 * q}, hi)
		VPSLLD(U8(16), hi, hi)
		VPORD(hi, lo, lo)
		VMOVDQU32(lo, Mem{Base: dst, Disp: 64 * q})
	}
	ADDQ(ldb, b)
	ADDQ(ldb, b1)
	ADDQ(U32(4*bf16NR), dst)
	DECQ(pairs)
	JNZ(LabelRef("loop"))
	Label("odd")
	TESTQ(U32(1), k)
	JZ(LabelRef("done"))
	for q := 0; q < bf16RowVecs; q++ {
		lo := ZMM()
		VPMOVZXWD(Mem{Base: b, Disp: 32 * q}, lo)
		VMOVDQU32(lo, Mem{Base: dst, Disp: 64 * q})
	}
	Label("done")
	VZEROUPPER()
	RET()
}

func packPairsBAVX2(nv int) {
	const nr0 = 8 // words per YMM
	k := Load(Param("k"), GP64())
	b := Load(Param("b").Base(), GP64())
	ldb := Load(Param("ldb"), GP64())
	dst := Load(Param("dst").Base(), GP64())
	SHLQ(U8(1), ldb)
	b1 := GP64()
	LEAQ(Mem{Base: b, Index: ldb, Scale: 1}, b1)
	SHLQ(U8(1), ldb) // two rows
	pairs := GP64()
	MOVQ(k, pairs)
	SHRQ(U8(1), pairs)
	JZ(LabelRef("odd"))
	Label("loop")
	for q := 0; q < nv; q++ {
		lo, hi := YMM(), YMM()
		VPMOVZXWD(Mem{Base: b, Disp: 2 * nr0 * q}, lo)
		VPMOVZXWD(Mem{Base: b1, Disp: 2 * nr0 * q}, hi)
		VPSLLD(U8(16), hi, hi)
		VPOR(hi, lo, lo)
		VMOVDQU(lo, Mem{Base: dst, Disp: 4 * nr0 * q})
	}
	ADDQ(ldb, b)
	ADDQ(ldb, b1)
	ADDQ(U32(4*nr0*nv), dst)
	DECQ(pairs)
	JNZ(LabelRef("loop"))
	Label("odd")
	TESTQ(U32(1), k)
	JZ(LabelRef("done"))
	for q := 0; q < nv; q++ {
		lo := YMM()
		VPMOVZXWD(Mem{Base: b, Disp: 2 * nr0 * q}, lo)
		VMOVDQU(lo, Mem{Base: dst, Disp: 4 * nr0 * q})
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// gemmBF16FMA emits the micro-kernel of gen/spec/bf16.go without
// VDPBF16PS: per k pair, the high halves of the packed words (as float32:
// word & 0xffff0000, exact) multiplied and added with one rounding by
// VFMADD231PS into every accumulator, then the low halves (word << 16), so
// each accumulator adds its two products in VDPBF16PS's order. MXCSR.DAZ
// (subnormal inputs read as zero) and FTZ (sums tiny after rounding
// flushed) give the rest of its arithmetic; the caller's MXCSR is saved and
// restored before alpha and beta are applied (with the default MXCSR, as
// gemmBF16 does). Per pair and row vector: 2 FMA; per pair: nv loads of B
// with an AND and nv with a shift, 2·MR broadcasts of A with an AND or a
// shift each.
func gemmBF16FMA(isa spec.ISA) {
	k, a, b, c, ldc := RAX, RSI, RDI, RDX, RCX
	Load(Param("k"), k)
	Load(Param("a").Base(), a)
	Load(Param("b").Base(), b)
	Load(Param("c").Base(), c)
	Load(Param("ldc"), ldc)
	SHLQ(U8(2), ldc)
	nv, w := fmaNV(isa), f32Lanes(isa)
	nr := nv * w
	z := isa == spec.AVX512
	regs := zmmRegs
	if !z {
		regs = []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}
	}
	acc := func(i, j int) VecPhysical { return regs[nv*i+j] }
	bv := func(j int) VecPhysical { return regs[bf16MR*nv+j] }
	// AVX-512: A alternates in Z28, Z29, the mask is Z30; AVX2: Y14, Y15.
	av := func(i int) VecPhysical { return regs[bf16MR*nv+nv+i%2] }
	mask := Z30
	if !z {
		av = func(int) VecPhysical { return Y14 }
		mask = Y15
	}
	and := func(x, y, d Op) { VPAND(x, y, d) }
	if z {
		and = func(x, y, d Op) { VPANDD(x, y, d) }
	}

	Comment("MXCSR.DAZ|FTZ for the products and sums (the caller's restored before alpha and beta)")
	saved, set := AllocLocal(4), AllocLocal(4)
	VSTMXCSR(saved)
	MOVL(saved, R8L)
	ORL(U32(0x8040), R8L)
	MOVL(R8L, set)
	VLDMXCSR(set)
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < nv; j++ {
			if z {
				VPXORD(acc(i, j), acc(i, j), acc(i, j))
			} else {
				VPXOR(acc(i, j), acc(i, j), acc(i, j))
			}
		}
	}
	MOVL(U32(0xffff0000), R8L)
	if z {
		VPBROADCASTD(R8L, mask)
	} else {
		VMOVD(R8L, X15)
		VPBROADCASTD(X15, mask)
	}
	Comment("prefetch the C tile, read or written at the end")
	row := R8
	MOVQ(c, row)
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < nr*4; j += 64 {
			PREFETCHT0(Mem{Base: row, Disp: j})
		}
		if i+1 < bf16MR {
			ADDQ(ldc, row)
		}
	}
	pair := func(u int) {
		bm := func(j int) Mem { return Mem{Base: b, Disp: 4 * (u*nr + w*j)} }
		am := func(i int) Mem { return Mem{Base: a, Disp: 4 * (u*bf16MR + i)} }
		Comment("high halves")
		for j := 0; j < nv; j++ {
			and(bm(j), mask, bv(j))
		}
		for i := 0; i < bf16MR; i++ {
			if z {
				VPANDD_BCST(am(i), mask, av(i))
			} else {
				VPBROADCASTD(am(i), av(i))
				and(mask, av(i), av(i))
			}
			for j := 0; j < nv; j++ {
				VFMADD231PS(bv(j), av(i), acc(i, j))
			}
		}
		Comment("low halves")
		for j := 0; j < nv; j++ {
			if z {
				VPSLLD(U8(16), bm(j), bv(j))
			} else {
				VMOVDQU(bm(j), bv(j))
				VPSLLD(U8(16), bv(j), bv(j))
			}
		}
		for i := 0; i < bf16MR; i++ {
			if z {
				VPSLLD_BCST(U8(16), am(i), av(i))
			} else {
				VPBROADCASTD(am(i), av(i))
				VPSLLD(U8(16), av(i), av(i))
			}
			for j := 0; j < nv; j++ {
				VFMADD231PS(bv(j), av(i), acc(i, j))
			}
		}
	}
	Comment(fmt.Sprintf("%d k pairs per iteration", bf16Unroll))
	rem := R9
	MOVQ(k, rem)
	ANDQ(U8(bf16Unroll-1), rem)
	SHRQ(U8(1), k)
	JZ(LabelRef("tail"))
	Label("loop")
	PREFETCHT0(Mem{Base: b, Disp: 4 * nr * bf16Unroll * 4})
	for u := 0; u < bf16Unroll; u++ {
		pair(u)
	}
	ADDQ(U32(4*bf16MR*bf16Unroll), a)
	ADDQ(U32(4*nr*bf16Unroll), b)
	DECQ(k)
	JNZ(LabelRef("loop"))
	Label("tail")
	TESTQ(rem, rem)
	JZ(LabelRef("epilogue"))
	pair(0)

	Label("epilogue")
	VLDMXCSR(saved)
	Comment("acc *= alpha, skipped for alpha == 1 (exact either way)")
	s := bv(0)
	CMPL(paramMem("alpha"), U32(0x3f800000))
	JEQ(LabelRef("beta"))
	VBROADCASTSS(paramMem("alpha"), s)
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < nv; j++ {
			VMULPS(s, acc(i, j), acc(i, j))
		}
	}
	Label("beta")
	Comment("beta == 0 (either sign): C is not read")
	bb := R10L
	MOVL(paramMem("beta"), bb)
	ANDL(U32(0x7fffffff), bb)
	JZ(LabelRef("store"))
	VBROADCASTSS(paramMem("beta"), s)
	MOVQ(c, row)
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < nv; j++ {
			VFMADD231PS(Mem{Base: row, Disp: 4 * w * j}, s, acc(i, j))
		}
		if i+1 < bf16MR {
			ADDQ(ldc, row)
		}
	}
	Label("store")
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < nv; j++ {
			VMOVUPS(acc(i, j), Mem{Base: c, Disp: 4 * w * j})
		}
		if i+1 < bf16MR {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

// gemmBF16 emits the micro-kernel of gen/spec/bf16.go on physical
// registers (the VDPBF16PS bytes name them): acc[i][j] = Z(4i+j).
func gemmBF16() {
	k, a, b, c, ldc := RAX, RSI, RDI, RDX, RCX
	Load(Param("k"), k)
	Load(Param("a").Base(), a)
	Load(Param("b").Base(), b)
	Load(Param("c").Base(), c)
	Load(Param("ldc"), ldc)
	SHLQ(U8(2), ldc)
	zmm := func(n int) VecPhysical { return zmmRegs[n] }
	acc := func(i, j int) int { return bf16RowVecs*i + j }
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < bf16RowVecs; j++ {
			z := zmm(acc(i, j))
			VPXORD(z, z, z)
		}
	}
	Comment("prefetch the C tile, read or written at the end")
	row := R8
	MOVQ(c, row)
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < bf16RowVecs*64; j += 64 {
			PREFETCHT0(Mem{Base: row, Disp: j})
		}
		if i+1 < bf16MR {
			ADDQ(ldc, row)
		}
	}
	// pair emits one k pair at a (MR words) and b (NR words), offset by
	// u pairs.
	pair := func(u int) {
		for j := 0; j < bf16RowVecs; j++ {
			VMOVUPS(Mem{Base: b, Disp: 4 * (u*bf16NR + 16*j)}, zmm(24+j))
		}
		for i := 0; i < bf16MR; i++ {
			x := 28 + i%2
			VPBROADCASTD(Mem{Base: a, Disp: 4 * (u*bf16MR + i)}, zmm(x))
			for j := 0; j < bf16RowVecs; j++ {
				dpbf16ps(acc(i, j), 24+j, x)
			}
		}
	}
	Comment(fmt.Sprintf("%d k pairs per iteration: acc[i][j] += a[p·MR+i]·b[p·NR+16j:]", bf16Unroll))
	rem := R9
	MOVQ(k, rem)
	ANDQ(U8(bf16Unroll-1), rem)
	SHRQ(U8(1), k)
	JZ(LabelRef("tail"))
	Label("loop")
	PREFETCHT0(Mem{Base: b, Disp: 4 * bf16NR * bf16Unroll * 4})
	for u := 0; u < bf16Unroll; u++ {
		pair(u)
	}
	ADDQ(U32(4*bf16MR*bf16Unroll), a)
	ADDQ(U32(4*bf16NR*bf16Unroll), b)
	DECQ(k)
	JNZ(LabelRef("loop"))
	Label("tail")
	TESTQ(rem, rem)
	JZ(LabelRef("epilogue"))
	pair(0)

	Label("epilogue")
	Comment("acc *= alpha, skipped for alpha == 1 (exact either way)")
	CMPL(paramMem("alpha"), U32(0x3f800000))
	JEQ(LabelRef("beta"))
	VBROADCASTSS(paramMem("alpha"), Z30)
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < bf16RowVecs; j++ {
			VMULPS(Z30, zmm(acc(i, j)), zmm(acc(i, j)))
		}
	}
	Label("beta")
	Comment("beta == 0 (either sign): C is not read")
	bb := R10L
	MOVL(paramMem("beta"), bb)
	ANDL(U32(0x7fffffff), bb)
	JZ(LabelRef("store"))
	VBROADCASTSS(paramMem("beta"), Z31)
	MOVQ(c, row)
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < bf16RowVecs; j++ {
			VFMADD231PS(Mem{Base: row, Disp: 64 * j}, Z31, zmm(acc(i, j)))
		}
		if i+1 < bf16MR {
			ADDQ(ldc, row)
		}
	}
	Label("store")
	for i := 0; i < bf16MR; i++ {
		for j := 0; j < bf16RowVecs; j++ {
			VMOVUPS(zmm(acc(i, j)), Mem{Base: c, Disp: 64 * j})
		}
		if i+1 < bf16MR {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

// peakBF16Chains is the number of independent VDPBF16PS chains of
// peakBF16: more than pipes × latency (2 × 6 on Zen 4 and 5), one
// register left for the zero operands.
const peakBF16Chains = 24

// peakBF16 emits n iterations of peakBF16Chains independent VDPBF16PS on
// zeros and returns the flops: 4 per lane (two products, two adds).
func peakBF16() {
	n, i := RAX, RCX
	Load(Param("n"), n)
	x := peakBF16Chains
	for r := 0; r <= x; r++ {
		VPXORD(zmmRegs[r], zmmRegs[r], zmmRegs[r])
	}
	MOVQ(n, i)
	TESTQ(i, i)
	JZ(LabelRef("done"))
	Label("loop")
	for r := 0; r < x; r++ {
		dpbf16ps(r, x, x)
	}
	DECQ(i)
	JNZ(LabelRef("loop"))
	Label("done")
	IMUL3Q(U32(4*16*peakBF16Chains), n, n)
	Store(n, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

var zmmRegs = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
	Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}

// dpbf16ps emits VDPBF16PS zmm(src2), zmm(src1), zmm(dst) in Go operand order
// (Intel: vdpbf16ps zmm_dst, zmm_src1, zmm_src2): per float32 lane,
// dst += src1.bf16[2l+1]·src2.bf16[2l+1], then += src1.bf16[2l]·src2.bf16[2l].
func dpbf16ps(dst, src1, src2 int) {
	bs := evexDPBF16PS(dst, src1, src2)
	Comment(fmt.Sprintf("VDPBF16PS Z%d, Z%d, Z%d", src2, src1, dst))
	for _, x := range bs {
		Instruction(&ir.Instruction{Opcode: "BYTE", Operands: []Op{U8(x)}})
	}
}

// evexDPBF16PS is the encoding of vdpbf16ps zmm_dst, zmm_src1, zmm_src2
// (EVEX.512.F3.0F38.W0 52 /r, no masking): 62 P0 P1 P2 52 ModRM with
//
//	P0 = R̄ X̄ B̄ R̄' 0 0 1 0      (map 0F38; R, R' extend dst; B, X extend src2)
//	P1 = W=0 v̄v̄v̄v̄ 1 p=10      (vvvv: src1, inverted; prefix F3)
//	P2 = z=0 L'L=10 b=0 V̄' aaa=000  (V': bit 4 of src1, inverted)
//	ModRM = 11 dst[2:0] src2[2:0]
func evexDPBF16PS(dst, src1, src2 int) [6]byte {
	for _, r := range []int{dst, src1, src2} {
		if r < 0 || r > 31 {
			panic(fmt.Sprintf("gen/amd64: no register Z%d", r))
		}
	}
	inv := func(r, bit int) byte { return byte(^(r >> bit) & 1) }
	p0 := inv(dst, 3)<<7 | inv(src2, 4)<<6 | inv(src2, 3)<<5 | inv(dst, 4)<<4 | 0b0010
	p1 := byte((^src1&15)<<3) | 1<<2 | 0b10
	p2 := byte(0b10<<5) | inv(src1, 4)<<3
	modrm := byte(0b11<<6) | byte(dst&7)<<3 | byte(src2&7)
	return [6]byte{0x62, p0, p1, p2, 0x52, modrm}
}
