package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// The int8 micro-kernel tiles (MR rows × NR int32 columns of C). A tile row
// is NR/lanes vectors, so MR·NR/lanes accumulators + NR/lanes vectors of B +
// 1 broadcast of A must fit the register file:
//
//	avx512: 6 rows × 4 ZMM → 24 + 4 + 1 = 29 of 32 (6×64)
//	avx2:   6 rows × 2 YMM → 12 + 2 + 1 = 15 of 16 (6×16)
//
// Per quad of k the kernel loads NR/lanes vectors of B (NR columns × 4
// signed bytes) and MR dword broadcasts of A (4 unsigned bytes of a row),
// and issues MR·NR/lanes VPDPBUSD: 10 loads per 24 (AVX-512) or 8 per 12
// (AVX2), as the float32 kernels. The registers are fixed (no allocator):
// the AVX2 kernel's VPDPBUSD is written as bytes (see vexVPDPBUSD), which
// avo's liveness analysis cannot see into.
const (
	i8MR           = 6
	i8RowVecs512   = 4
	i8RowVecsAVX2  = 2
	i8PrefetchQuad = 8 // B is prefetched this many quads ahead
)

func i8Tile(isa spec.ISA) (mr, nr int) {
	if isa == spec.AVX512 {
		return i8MR, i8RowVecs512 * 16
	}
	return i8MR, i8RowVecsAVX2 * 8
}

func init() {
	features["int8"] = func(in spec.Instance, isa spec.ISA) {
		switch in.Name {
		case "gemmI8":
			gemmI8Kernel(isa)
		case "gemmPackBI8":
			packBI8()
		case "peakI8":
			peakI8(isa)
		case "gemmTileI8":
			mr, nr := i8Tile(isa)
			MOVQ(U32(mr), RAX)
			Store(RAX, Return("mr"))
			MOVQ(U32(nr), RAX)
			Store(RAX, Return("nr"))
			RET()
		default:
			panic("gen/amd64: no int8 body for " + in.Name)
		}
	}
}

// gemmI8Kernel emits the kernel of gen/spec/int8.go: per quad, the B
// vectors of the panel row, and per tile row a VPBROADCASTD of A's dword and
// one VPDPBUSD per B vector (acc += Σ of four u8·s8 products, modulo 2³²);
// then, if add, acc += C; then the stores.
func gemmI8Kernel(isa spec.ISA) {
	mr, nr := i8Tile(isa)
	zmm := isa == spec.AVX512
	vecBytes, rowVecs := 32, nr/8
	regs := []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}
	if zmm {
		vecBytes, rowVecs = 64, nr/16
		regs = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
			Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28}
	}
	vr := func(i int) VecPhysical { return regs[i] }
	k, a, b, c, ldc, add := RSI, RAX, RBX, RCX, RDX, RDI
	Load(Param("k"), k)
	Load(Param("a").Base(), a)
	Load(Param("b").Base(), b)
	Load(Param("c").Base(), c)
	Load(Param("ldc"), ldc)
	SHLQ(U8(2), ldc)
	acc := func(i, j int) VecPhysical { return vr(i*rowVecs + j) }
	bv := func(j int) VecPhysical { return vr(mr*rowVecs + j) }
	x := vr(mr*rowVecs + rowVecs)
	for i := 0; i < mr; i++ {
		for j := 0; j < rowVecs; j++ {
			if zmm {
				VPXORD(acc(i, j), acc(i, j), acc(i, j))
			} else {
				VPXOR(acc(i, j), acc(i, j), acc(i, j))
			}
		}
	}
	Comment("prefetch the C tile, read or written at the end")
	row := R8
	MOVQ(c, row)
	for i := 0; i < mr; i++ {
		for j := 0; j < rowVecs*vecBytes; j += 64 {
			PREFETCHT0(Mem{Base: row, Disp: j})
		}
		if i+1 < mr {
			ADDQ(ldc, row)
		}
	}
	Comment(fmt.Sprintf("per quad p: acc[i][j] += Σ_r a[p·%d+4i+r]·b[p·%d+4j+r]", 4*mr, 4*nr))
	Label("loop")
	for j := 0; j < rowVecs*vecBytes; j += 64 {
		PREFETCHT0(Mem{Base: b, Disp: i8PrefetchQuad*4*nr + j})
	}
	for j := 0; j < rowVecs; j++ {
		if zmm {
			VMOVDQU32(Mem{Base: b, Disp: j * vecBytes}, bv(j))
		} else {
			VMOVDQU(Mem{Base: b, Disp: j * vecBytes}, bv(j))
		}
	}
	for i := 0; i < mr; i++ {
		VPBROADCASTD(Mem{Base: a, Disp: 4 * i}, x)
		for j := 0; j < rowVecs; j++ {
			if zmm {
				VPDPBUSD(bv(j), x, acc(i, j))
			} else {
				vexVPDPBUSD(acc(i, j), x, bv(j))
			}
		}
	}
	ADDQ(U8(4*mr), a)
	ADDQ(U32(4*nr), b)
	DECQ(k)
	JNZ(LabelRef("loop"))

	Comment("add: acc += C")
	Load(Param("add"), add.As32())
	TESTL(add.As32(), add.As32())
	JZ(LabelRef("store"))
	MOVQ(c, row)
	for i := 0; i < mr; i++ {
		for j := 0; j < rowVecs; j++ {
			VPADDD(Mem{Base: row, Disp: j * vecBytes}, acc(i, j), acc(i, j))
		}
		if i+1 < mr {
			ADDQ(ldc, row)
		}
	}
	Label("store")
	for i := 0; i < mr; i++ {
		for j := 0; j < rowVecs; j++ {
			if zmm {
				VMOVDQU32(acc(i, j), Mem{Base: c, Disp: j * vecBytes})
			} else {
				VMOVDQU(acc(i, j), Mem{Base: c, Disp: j * vecBytes})
			}
		}
		if i+1 < mr {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

// vexVPDPBUSD emits the AVX-VNNI instruction VPDPBUSD ymm(dst), ymm(u), ymm(s)
// (Intel operand order: dst += Σ of four u8(u)·s8(s) per dword, modulo
// 2³²) as BYTE directives: Go's assembler knows only the EVEX form, which
// needs AVX512_VNNI and AVX512VL.
func vexVPDPBUSD(dst, u, s VecPhysical) {
	enc := vexVPDPBUSDBytes(int(dst.PhysicalIndex()), int(u.PhysicalIndex()), int(s.PhysicalIndex()))
	Comment(fmt.Sprintf("{vex} vpdpbusd %%ymm%d, %%ymm%d, %%ymm%d", s.PhysicalIndex(), u.PhysicalIndex(), dst.PhysicalIndex()))
	for _, x := range enc {
		Instruction(&ir.Instruction{Opcode: "BYTE", Operands: []Op{U8(x)}})
	}
}

// vexVPDPBUSDBytes is the encoding of VEX.256.66.0F38.W0 50 /r with ModRM
// reg = dst, VEX.vvvv = u and ModRM r/m = s (registers 0–15): the
// three-byte VEX prefix C4 [R̄ X̄ B̄ 00010] [W=0 v̄v̄v̄v̄ L=1 pp=01], the
// opcode 50 and ModRM 11·reg·rm.
func vexVPDPBUSDBytes(dst, u, s int) []byte {
	if dst > 15 || u > 15 || s > 15 {
		panic("gen/amd64: VEX VPDPBUSD takes Y0–Y15 only")
	}
	b1 := byte(0x02) | 0x40 // mmmmm = 0F38; X̄ = 1
	if dst < 8 {
		b1 |= 0x80
	}
	if s < 8 {
		b1 |= 0x20
	}
	b2 := byte((^u&15)<<3) | 0x04 | 0x01
	modrm := byte(0xc0 | (dst&7)<<3 | s&7)
	return []byte{0xc4, b1, b2, 0x50, modrm}
}

// packBI8 emits the packing of n whole columns (n a multiple of 16) of a
// row-major s8 B, k whole quads (4k rows): per quad and group of 16
// columns, one 16-byte load from each of the four rows, byte unpacks of
// rows 0,1 and 2,3 (column pairs), then word unpacks of those (column
// quads), four 16-byte stores:
//
//	dst[q·4·n + 4·j + r] = b[(4q+r)·ldb + j]
//
// 16-byte (VEX) registers on both ISAs: the in-lane unpacks of wider
// registers would need lane shuffles to put the columns back in order.
func packBI8() {
	k, b, ldb, dst, n := RSI, RAX, RDX, RDI, RCX
	row, b3, d, g := R8, R9, R10, R11
	Load(Param("k"), k)
	Load(Param("b").Base(), b)
	Load(Param("ldb"), ldb)
	Load(Param("dst").Base(), dst)
	Load(Param("n"), n)
	SHRQ(U8(4), n)
	Label("quad")
	MOVQ(b, row)
	LEAQ(Mem{Base: b, Index: ldb, Scale: 2}, b3)
	ADDQ(ldb, b3)
	MOVQ(dst, d)
	MOVQ(n, g)
	Label("group")
	r := []VecPhysical{X0, X1, X2, X3}
	for i, m := range []Mem{{Base: row}, {Base: row, Index: ldb, Scale: 1}, {Base: row, Index: ldb, Scale: 2}, {Base: b3}} {
		VMOVDQU(m, r[i])
	}
	VPUNPCKLBW(X1, X0, X4) // columns 0..7 of rows 0,1: pairs
	VPUNPCKHBW(X1, X0, X5) // columns 8..15
	VPUNPCKLBW(X3, X2, X6)
	VPUNPCKHBW(X3, X2, X7)
	VPUNPCKLWD(X6, X4, X8) // columns 0..3: quads
	VPUNPCKHWD(X6, X4, X9)
	VPUNPCKLWD(X7, X5, X10)
	VPUNPCKHWD(X7, X5, X11)
	for t, x := range []VecPhysical{X8, X9, X10, X11} {
		VMOVDQU(x, Mem{Base: d, Disp: 16 * t})
	}
	ADDQ(U8(16), row)
	ADDQ(U8(16), b3)
	ADDQ(U8(64), d)
	DECQ(g)
	JNZ(LabelRef("group"))
	LEAQ(Mem{Base: b, Index: ldb, Scale: 4}, b)
	MOVQ(d, dst)
	DECQ(k)
	JNZ(LabelRef("quad"))
	RET()
}

// peakI8Chains is the number of independent VPDPBUSD chains of peakI8:
// more than pipes × latency (2 × 5 on Zen 4 and 5), as many as the
// register file leaves (one register holds the zero operands).
func peakI8Chains(isa spec.ISA) int {
	if isa == spec.AVX512 {
		return 24
	}
	return 15
}

// peakI8 emits n iterations of peakI8Chains independent VPDPBUSD on zeros
// and returns the operations: 2 per multiply-add, 4 multiply-adds per
// int32 lane.
func peakI8(isa spec.ISA) {
	n, i := RAX, RCX
	Load(Param("n"), n)
	chains := peakI8Chains(isa)
	zmm := isa == spec.AVX512
	regs := []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}
	lanes := 8
	if zmm {
		lanes = 16
		regs = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
			Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24}
	}
	x := regs[chains]
	for _, r := range regs[:chains+1] {
		if zmm {
			VPXORD(r, r, r)
		} else {
			VPXOR(r, r, r)
		}
	}
	MOVQ(n, i)
	TESTQ(i, i)
	JZ(LabelRef("done"))
	Label("loop")
	for _, r := range regs[:chains] {
		if zmm {
			VPDPBUSD(x, x, r)
		} else {
			vexVPDPBUSD(r, x, x)
		}
	}
	DECQ(i)
	JNZ(LabelRef("loop"))
	Label("done")
	IMUL3Q(U32(2*4*lanes*chains), n, n)
	Store(n, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
