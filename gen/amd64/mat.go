package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
	"github.com/lanes-go/lanes/internal/kconst"
)

// The GEMM micro-kernel tiles (MR rows × NR columns of C), for the register
// files: AVX-512 has 32 ZMM, AVX2 16 YMM. A tile row is NR/lanes vectors,
// so MR·NR/lanes accumulators + NR/lanes vectors of B + 1 broadcast of A
// must fit:
//
//	avx512: 6 rows × 4 vectors → 24 + 4 + 1 = 29 of 32 ZMM (float32 6×64, float64 6×32)
//	avx2:   6 rows × 2 vectors → 12 + 2 + 1 = 15 of 16 YMM (float32 6×16, float64 6×8)
//
// Two FMA pipes of latency 4 need ≥ 8 independent accumulators; 24 and 12
// hide the latency with room to spare. Per k step the kernel loads NR/lanes
// vectors of B and MR broadcasts of A for MR·NR/lanes FMAs (10 loads per 24
// FMAs on AVX-512, 8 per 12 on AVX2), which two load ports sustain.
//
// The AVX-512 tile was 14×2 vectors (28 accumulators) before: the same
// speed in the kernel alone (97% of the FMA peak at kc = 288 on a Zen 4
// core), but six rows waste less of the last tile row on the usual sizes
// (64 rows: 66 computed instead of 70) and the wider B panel makes the
// in-place (unpacked) B of package mat pay off for up to 11 tile rows.
// Measured on Zen 4, one thread, GEMM against the FMA peak: float32
// n=256 87→92%, n=1024 87→88%; float64 n=256 88→93%, n=1024 83→85%.
// (16×1 vector, 17 loads per 16 FMAs, ran at 73%: load-bound.)
const (
	// gemmPrefetchLog: B rows are prefetched 1<<gemmPrefetchLog k steps ahead.
	gemmPrefetchLog = 3
	mrAVX512        = kconst.GemmMR
	rowVecsAVX512   = kconst.GemmRowVecsAVX512
	mrAVX2          = kconst.GemmMR
	rowVecsAVX2     = kconst.GemmRowVecsAVX2
)

// peakAccs is the number of independent FMA chains of peakFMA: more than
// pipes × latency (2 × 4), so the FMA pipes, not the chains, limit it.
const peakAccs = kconst.GemmPeakAccs

func gemmTile(v vk) (mr, nr int) {
	if v.isa == spec.AVX512 {
		return mrAVX512, rowVecsAVX512 * v.lanes
	}
	return mrAVX2, rowVecsAVX2 * v.lanes
}

func init() {
	features["mat"] = func(in spec.Instance, isa spec.ISA) {
		v := newVK(isa, in.T)
		switch in.Name {
		case "gemm":
			gemmKernel(v)
		case "gemmTile":
			mr, nr := gemmTile(v)
			for _, x := range []struct {
				name string
				val  int
			}{{"mr", mr}, {"nr", nr}} {
				r := GP64()
				MOVQ(U32(x.val), r)
				Store(r, Return(x.name))
			}
			RET()
		case "gemmPackA":
			// Both ISAs have 6-row A panels. The 256-bit transposes pack
			// them faster than the 512-bit ones (6 rows fill 6 of 16 or
			// 8 lanes: measured on Zen 4, 0.22 vs 0.31 ns per element), so
			// the AVX-512 table gets the AVX2 body.
			mr, _ := gemmTile(v)
			packTrans(newVK(spec.AVX2, in.T), "a", "lda", mr)
		case "gemmPackBT":
			_, nr := gemmTile(v)
			packTrans(v, "b", "ldb", nr)
		case "gemmPackB":
			packB(v)
		case "gemmInd":
			mr, nr := gemmTile(v)
			gemmIndKernel(v, mr, nr/v.lanes)
		case "gemmInd8":
			gemmIndKernel(v, kconst.GemmInd8MR, kconst.GemmInd8RowVecs)
		case "dotTile":
			dotTile(v)
		case "dotTileLanes":
			r := GP64()
			MOVQ(U32(v.lanes), r)
			Store(r, ReturnIndex(0))
			RET()
		case "copyRows":
			rowsKernel(v, false)
		case "addRows":
			rowsKernel(v, true)
		case "peakFMA":
			peakFMA(v)
		default:
			panic("gen/amd64: no mat body for " + in.Name)
		}
	}
}

// gemmKernel emits the micro-kernel of gen/spec/mat.go: MR×(NR/lanes)
// vector accumulators; per k step NR/lanes vectors of B (b advances by ldb
// elements) and, per row, a broadcast of A and NR/lanes FMAs (acc += a·b,
// one rounding, p ascending); then acc *= alpha (skipped when alpha is 1:
// 24 multiplies, 1.5% of a k = 64 call, measured +1% on 64×64 products)
// and, unless beta == 0 (C then not read), acc = fma(beta, C, acc); then
// the stores.
func gemmKernel(v vk) {
	mr, nr := gemmTile(v)
	rowVecs := nr / v.lanes
	k := Load(Param("k"), GP64())
	a := Load(Param("a").Base(), GP64())
	lda := Load(Param("lda"), GP64())
	b := Load(Param("b").Base(), GP64())
	ldb := Load(Param("ldb"), GP64())
	c := Load(Param("c").Base(), GP64())
	ldc := Load(Param("ldc"), GP64())
	shift := U8(2)
	if !v.f32() {
		shift = U8(3)
	}
	SHLQ(shift, ldb)
	SHLQ(shift, ldc)

	acc, row := startTile(v, c, ldc, mr, rowVecs)
	pf := GP64()
	MOVQ(ldb, pf)
	SHLQ(U8(gemmPrefetchLog), pf)
	// step emits one k step with A(i, p) at aMem(i).
	step := func(aMem func(i int) Mem) {
		for j := 0; j < rowVecs*v.bytes; j += 64 {
			PREFETCHT0(Mem{Base: b, Index: pf, Scale: 1, Disp: j})
		}
		bv := make([]VecVirtual, rowVecs)
		for j := range bv {
			bv[j] = v.vec()
			v.MOVU(Mem{Base: b, Disp: j * v.bytes}, bv[j])
		}
		for i := 0; i < mr; i++ {
			x := v.vec()
			v.BCAST(aMem(i), x)
			for j := range bv {
				v.FMA231(bv[j], x, acc[i][j])
			}
		}
	}
	TESTQ(lda, lda)
	JNZ(LabelRef("direct"))
	Comment("k steps, packed A: acc[i][j] += a[p·MR+i]·b[p][j]")
	Label("loop")
	step(func(i int) Mem { return Mem{Base: a, Disp: i * v.t.Size} })
	ADDQ(U32(mr*v.t.Size), a)
	ADDQ(ldb, b)
	DECQ(k)
	JNZ(LabelRef("loop"))
	JMP(LabelRef("epilogue"))

	// A read in place: rows 0..2 at a + {0, 1, 2}·lda, rows 3..5 at
	// a3 + {0, 1, 2}·lda (x86 index scales 1 and 2), both pointers
	// advancing one element per k step.
	if mr != 6 {
		panic("gen/amd64: the in-place A addressing is written for MR = 6")
	}
	Comment("k steps, A in place: acc[i][j] += a[i·lda+p]·b[p][j]")
	Label("direct")
	SHLQ(shift, lda)
	a3 := GP64()
	LEAQ(Mem{Base: a, Index: lda, Scale: 2}, a3)
	ADDQ(lda, a3)
	Label("dloop")
	step(func(i int) Mem {
		base := a
		if i >= 3 {
			base = a3
		}
		if i%3 == 0 {
			return Mem{Base: base}
		}
		return Mem{Base: base, Index: lda, Scale: uint8(i % 3)}
	})
	ADDQ(U8(v.t.Size), a)
	ADDQ(U8(v.t.Size), a3)
	ADDQ(ldb, b)
	DECQ(k)
	JNZ(LabelRef("dloop"))

	Label("epilogue")
	Comment("acc *= alpha, skipped for alpha == 1 (exact either way)")
	if v.f32() {
		CMPL(paramMem("alpha"), U32(0x3f800000))
	} else {
		one := GP64()
		MOVQ(U64(0x3ff0000000000000), one)
		CMPQ(paramMem("alpha"), one)
	}
	JEQ(LabelRef("beta"))
	alpha := v.vec()
	v.BCAST(paramMem("alpha"), alpha)
	for i := range acc {
		for j := range acc[i] {
			v.MUL(alpha, acc[i][j], acc[i][j])
		}
	}
	Label("beta")
	storeTile(v, acc, c, row, ldc, mr)
}

// dotTile emits the tile of dot products of gen/spec/mat.go (AVX-512
// only): DotMR×DotNR vector accumulators (20 ZMM), per vector step DotMR
// loads of A rows, then per B row one load and DotMR FMAs (9 loads per 20
// FMAs; two pipes of latency 4 need 8 chains), and, when db is given, one
// add per A row into 4 more accumulators (on the add pipes). The row
// pointers (4 + 5)
// share one byte index p, so the step costs no address arithmetic. The last
// k mod L elements are loaded with a zeroing mask and added with a merging
// one (masked lanes unchanged). After the n segments the lanes of each
// accumulator are added as a balanced tree, all of them at once (lreduce:
// about 100 shuffles and adds for the 24, against about 200 one at a
// time), and the sums added into c (a vector per row of 4) and db.
func dotTile(v vk) {
	const mr, nr = kconst.DotMR, kconst.DotNR
	shift := U8(2)
	if !v.f32() {
		shift = U8(3)
	}
	scale := uint8(v.t.Size)
	k := Load(Param("k"), GP64())
	r := GP64()
	MOVQ(k, r)
	ANDQ(U32(v.lanes-1), r)
	v.tailMask(r, K1)
	end := k // bytes of the whole vectors of a row
	ANDQ(I32(-v.lanes), end)
	SHLQ(shift, end)
	rows := func(base, offs string, n int) []GPVirtual {
		x := Load(Param(base).Base(), GP64())
		o := Load(Param(offs).Base(), GP64())
		ps := make([]GPVirtual, n)
		for i := range ps {
			ps[i] = GP64()
			MOVQ(Mem{Base: o, Disp: 8 * i}, ps[i])
			LEAQ(Mem{Base: x, Index: ps[i], Scale: scale}, ps[i])
		}
		return ps
	}
	ap := rows("a", "aoff", mr)
	bp := rows("b", "boff", nr)
	n := Load(Param("n"), GP64())
	acc := make([][]VecVirtual, mr)
	for i := range acc {
		acc[i] = make([]VecVirtual, nr)
		for j := range acc[i] {
			acc[i][j] = v.vec()
			v.XOR(acc[i][j], acc[i][j], acc[i][j])
		}
	}
	bacc := make([]VecVirtual, mr) // the bias sums of the a rows
	for i := range bacc {
		bacc[i] = v.vec()
		v.XOR(bacc[i], bacc[i], bacc[i])
	}
	p := GP64()
	step := func(tail, bias bool) {
		va := make([]VecVirtual, mr)
		for i := range va {
			va[i] = v.vec()
			m := Mem{Base: ap[i], Index: p, Scale: 1}
			if tail {
				v.MOVUZ(m, K1, va[i])
			} else {
				v.MOVU(m, va[i])
			}
			switch {
			case bias && tail:
				v.ADD(va[i], bacc[i], K1, bacc[i])
			case bias:
				v.ADD(va[i], bacc[i], bacc[i])
			}
		}
		for j := 0; j < nr; j++ {
			vb := v.vec()
			m := Mem{Base: bp[j], Index: p, Scale: 1}
			if tail {
				v.MOVUZ(m, K1, vb)
			} else {
				v.MOVU(m, vb)
			}
			for i := range va {
				if tail {
					v.FMA231(vb, va[i], K1, acc[i][j])
				} else {
					v.FMA231(vb, va[i], acc[i][j])
				}
			}
		}
	}
	// segments emits the loop over the n segments (labels prefixed by l).
	segments := func(l string, bias bool) {
		Label(l + "seg")
		XORQ(p, p)
		TESTQ(end, end)
		JZ(LabelRef(l + "tail"))
		Label(l + "loop")
		step(false, bias)
		ADDQ(U32(v.bytes), p)
		CMPQ(p, end)
		JB(LabelRef(l + "loop"))
		Label(l + "tail")
		if v.lanes == 16 {
			KORTESTW(K1, K1)
		} else {
			KORTESTB(K1, K1)
		}
		JZ(LabelRef(l + "next"))
		step(true, bias)
		Label(l + "next")
		for _, x := range []struct {
			name string
			ps   []GPVirtual
		}{{"sa", ap}, {"sb", bp}} {
			t := Load(Param(x.name), GP64())
			SHLQ(shift, t)
			for _, q := range x.ps {
				ADDQ(t, q)
			}
		}
		DECQ(n)
		JNZ(LabelRef(l + "seg"))
	}
	Comment("segments s: acc[i][j] += a_i[p]·b_j[p], p ascending, then the rows advance by sa and sb")
	dbn := Load(Param("db").Len(), GP64())
	TESTQ(dbn, dbn)
	JNZ(LabelRef("b_seg"))
	segments("", false)
	JMP(LabelRef("reduce"))
	Comment("the same, and bacc[i] += a_i[p]")
	segments("b_", true)
	Label("reduce")
	Comment("the lanes of every accumulator added as a balanced tree, several at once (lreduce)")
	c := Load(Param("c").Base(), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(shift, ldc)
	// the sums of acc[i][0..3] in rows of 4 lanes; those of acc[i][4]
	// in lanes 0..3 and of bacc[i] in lanes 4..7 of the last vector
	var heads [][]VecVirtual // each: one vector's lanes
	if v.f32() {
		l := make([]VecVirtual, 0, 16)
		for i := 0; i < mr; i++ {
			l = append(l, acc[i][:4]...)
		}
		heads = append(heads, l)
	} else {
		heads = append(heads, append(append([]VecVirtual{}, acc[0][:4]...), acc[1][:4]...),
			append(append([]VecVirtual{}, acc[2][:4]...), acc[3][:4]...))
	}
	last := make([]VecVirtual, 0, v.lanes)
	for i := 0; i < mr; i++ {
		last = append(last, acc[i][4])
	}
	last = append(last, bacc...)
	sums := make([]VecVirtual, len(heads))
	for h := range heads {
		sums[h] = lreduce(v, heads[h])
	}
	tail := lreduce(v, last)
	// the bias sums, taken before the scalar adds below clear the upper
	// lanes of tail
	var bs VecVirtual
	if v.f32() {
		bs = XMM()
		VEXTRACTF32X4(U8(1), tail, bs)
	} else {
		bs = YMM()
		VEXTRACTF64X4(U8(1), tail, bs)
	}
	Comment("c[i·ldc+j] += the sums, j < 4 as one vector, then j = 4")
	for _, x := range sums {
		for part := 0; part < v.lanes/4; part++ {
			// four sums of one row: an XMM (f32) or a YMM (f64)
			var r Register
			switch {
			case v.f32() && part == 0:
				r = x.AsX()
			case v.f32():
				r = XMM()
				VEXTRACTF32X4(U8(part), x, r)
			case part == 0:
				r = x.AsY()
			default:
				r = YMM()
				VEXTRACTF64X4(U8(1), x, r)
			}
			// into a new register: a VEX add to the low part of x would
			// clear the rest of x
			t := XMM()
			if !v.f32() {
				t = YMM()
			}
			m := Mem{Base: c}
			v.ADD(m, r, t)
			v.MOVU(t, m)
			ADDQ(ldc, c)
		}
	}
	SUBQ(ldc, c)
	for i := mr - 1; i >= 0; i-- {
		// c is at row i here (rows walked back)
		s := laneOf(v, tail, i)
		m := Mem{Base: c, Disp: 4 * v.t.Size}
		v.ADDS(m, s, s)
		v.MOVS(s, m)
		if i > 0 {
			SUBQ(ldc, c)
		}
	}
	Comment("db[i] += the sums of bacc[i] (lanes 4..7 of the last vector)")
	TESTQ(dbn, dbn)
	JZ(LabelRef("done"))
	db := Load(Param("db").Base(), GP64())
	v.ADD(Mem{Base: db}, bs, bs)
	v.MOVU(bs, Mem{Base: db})
	Label("done")
	VZEROUPPER()
	RET()
}

// lreduce returns a vector whose lane l holds the sum of the lanes of
// xs[l] (len(xs) ≤ lanes; lanes past it hold 0), each added as the same
// balanced tree (lane i + lane i+L/2, then +L/4, ..., +1),
// for all of them at once: at each level two vectors are split into the
// halves of the tree and added (VSHUFF64X2, then VSHUFPS/VSHUFPD inside
// 128-bit lanes), 3 instructions per pair instead of about 8 per vector.
func lreduce(v vk, xs []VecVirtual) VecVirtual {
	n := v.lanes
	// the transposes of the levels leave the sum of input m in lane
	// (m mod 4)·(L/4) + m div 4: input m is xs[that lane]
	in := make([]VecVirtual, n)
	for m := range in {
		if l := m%4*(n/4) + m/4; l < len(xs) {
			in[m] = xs[l]
		}
	}
	var zero VecVirtual
	pair := func(a, b VecVirtual, lo, hi func(x, y, d VecVirtual)) VecVirtual {
		if a == nil && b == nil {
			return nil
		}
		for _, p := range []*VecVirtual{&a, &b} {
			if *p == nil {
				if zero == nil {
					zero = v.vec()
					v.XOR(zero, zero, zero)
				}
				*p = zero
			}
		}
		t, u := v.vec(), v.vec()
		lo(a, b, t)
		hi(a, b, u)
		v.ADD(u, t, t)
		return t
	}
	shuf := func(imm uint8, f func(...Op)) func(x, y, d VecVirtual) {
		return func(x, y, d VecVirtual) { f(U8(imm), y, x, d) }
	}
	type level struct{ lo, hi func(x, y, d VecVirtual) }
	levels := []level{
		{shuf(0x44, VSHUFF64X2), shuf(0xee, VSHUFF64X2)}, // lane i + lane i+L/2
		{shuf(0x88, VSHUFF64X2), shuf(0xdd, VSHUFF64X2)}, // + L/4: one 128-bit lane each
	}
	if v.f32() {
		levels = append(levels,
			level{shuf(0x44, VSHUFPS), shuf(0xee, VSHUFPS)}, // + 2
			level{shuf(0x88, VSHUFPS), shuf(0xdd, VSHUFPS)}) // + 1
	} else {
		levels = append(levels, level{shuf(0x00, VSHUFPD), shuf(0xff, VSHUFPD)}) // + 1
	}
	for _, lv := range levels {
		out := make([]VecVirtual, len(in)/2)
		for i := range out {
			out[i] = pair(in[2*i], in[2*i+1], lv.lo, lv.hi)
		}
		in = out
	}
	return in[0]
}

// laneOf returns an XMM whose low element is lane i (< 4) of x.
func laneOf(v vk, x VecVirtual, i int) Register {
	t := XMM()
	switch {
	case v.f32() && i == 0:
		return x.AsX()
	case v.f32() && i == 1:
		VMOVSHDUP(x.AsX(), t)
	case v.f32():
		VPERMILPS(U8(i), x.AsX(), t)
	case i == 0:
		return x.AsX()
	case i == 1:
		VPERMILPD(U8(1), x.AsX(), t)
	case i == 2:
		VEXTRACTF64X2(U8(1), x.AsY(), t)
	default:
		VEXTRACTF64X2(U8(1), x.AsY(), t)
		VPERMILPD(U8(1), t, t)
	}
	return t
}

// rowsKernel emits copyRows (add = false) or addRows (AVX-512 only): per
// block of rows and per row, the whole vectors of w, then, of the last r = w mod L elements, a
// half vector (YMM) when r ≥ L/2, and the rest with masked loads (of src
// and, for add, of dst) and a masked store, so that no byte outside the
// rows is touched. (Rows of 8 or 24 float32, the shifted images of the
// MNIST convolutions, then need no mask: masked stores measured slower.)
// dst + src is one rounding per element, as the Go loop.
func rowsKernel(v vk, add bool) {
	shift := U8(2)
	if !v.f32() {
		shift = U8(3)
	}
	half := v.lanes / 2
	w := Load(Param("w"), GP64())
	r := GP64()
	MOVQ(w, r)
	ANDQ(U32(v.lanes-1), r)
	r2 := GP64()
	LEAQ(Mem{Base: r, Disp: -half}, r2)
	CMPQ(r, U32(half))
	CMOVQCS(r, r2) // r < half: the masked part is all of r
	v.tailMask(r2, K2)
	end := w // bytes of the whole vectors of a row
	ANDQ(I32(-v.lanes), end)
	SHLQ(shift, end)
	srcq := Load(Param("src").Base(), GP64()) // block q's first rows
	dstq := Load(Param("dst").Base(), GP64())
	lds := Load(Param("lds"), GP64())
	SHLQ(shift, lds)
	ldd := Load(Param("ldd"), GP64())
	SHLQ(shift, ldd)
	m := Load(Param("m"), GP64())
	src, dst, n := GP64(), GP64(), GP64()
	i := GP64()
	op := func(x VecVirtual, off int) {
		if add {
			v.ADD(Mem{Base: dst, Index: i, Scale: 1, Disp: off}, x, x)
		}
		v.MOVU(x, Mem{Base: dst, Index: i, Scale: 1, Disp: off})
	}
	Label("block")
	MOVQ(srcq, src)
	MOVQ(dstq, dst)
	Load(Param("n"), n)
	Label("row")
	XORQ(i, i)
	TESTQ(end, end)
	JZ(LabelRef("tail"))
	Label("loop")
	x := v.vec()
	v.MOVU(Mem{Base: src, Index: i, Scale: 1}, x)
	op(x, 0)
	ADDQ(U32(v.bytes), i)
	CMPQ(i, end)
	JB(LabelRef("loop"))
	Label("tail")
	CMPQ(r, U32(half))
	JB(LabelRef("masked"))
	hx := YMM()
	v.MOVU(Mem{Base: src, Index: i, Scale: 1}, hx)
	op(hx, 0)
	ADDQ(U32(v.bytes/2), i)
	Label("masked")
	if v.lanes == 16 {
		KORTESTW(K2, K2)
	} else {
		KORTESTB(K2, K2)
	}
	JZ(LabelRef("next"))
	y := v.vec()
	v.MOVUZ(Mem{Base: src, Index: i, Scale: 1}, K2, y)
	if add {
		z := v.vec()
		v.MOVUZ(Mem{Base: dst, Index: i, Scale: 1}, K2, z)
		v.ADD(z, y, y)
	}
	v.MOVU(y, K2, Mem{Base: dst, Index: i, Scale: 1})
	Label("next")
	ADDQ(lds, src)
	ADDQ(ldd, dst)
	DECQ(n)
	JNZ(LabelRef("row"))
	for _, x := range []struct {
		name string
		p    Register
	}{{"sm", srcq}, {"dm", dstq}} {
		t := Load(Param(x.name), GP64())
		SHLQ(shift, t)
		ADDQ(t, x.p)
	}
	DECQ(m)
	JNZ(LabelRef("block"))
	VZEROUPPER()
	RET()
}

// gemmIndKernel emits gemmInd or gemmInd8 (see gen/spec/mat.go) on an
// mr × rowVecs-vector tile: gemmKernel's k steps
// on a packed A with the B row of step p at b + boff[p] (one more load per
// k step, for the 24 FMAs; no prefetch of B, whose rows are not known
// ahead), then acc = fma(beta, C, acc) unless beta == 0, and the stores.
func gemmIndKernel(v vk, mr, rowVecs int) {
	shift := U8(2)
	if !v.f32() {
		shift = U8(3)
	}
	k := Load(Param("k"), GP64())
	a := Load(Param("a").Base(), GP64())
	b := Load(Param("b").Base(), GP64())
	bo := Load(Param("boff").Base(), GP64())
	c := Load(Param("c").Base(), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(shift, ldc)
	acc, row := startTile(v, c, ldc, mr, rowVecs)
	Comment("k steps: acc[i][j] += a[p·MR+i]·b[boff[p]+j]")
	Label("loop")
	off := GP64()
	MOVQ(Mem{Base: bo}, off)
	bv := make([]VecVirtual, rowVecs)
	for j := range bv {
		bv[j] = v.vec()
		v.MOVU(Mem{Base: b, Index: off, Scale: uint8(v.t.Size), Disp: j * v.bytes}, bv[j])
	}
	for i := 0; i < mr; i++ {
		x := v.vec()
		v.BCAST(Mem{Base: a, Disp: i * v.t.Size}, x)
		for j := range bv {
			v.FMA231(bv[j], x, acc[i][j])
		}
	}
	ADDQ(U32(mr*v.t.Size), a)
	ADDQ(U8(8), bo)
	DECQ(k)
	JNZ(LabelRef("loop"))

	storeTile(v, acc, c, row, ldc, mr)
}

// peakFMA emits n iterations of peakAccs independent vector FMAs on zeros
// (no subnormals, no dependence between the chains) and returns the flops.
func peakFMA(v vk) {
	n := Load(Param("n"), GP64())
	acc := make([]VecVirtual, peakAccs)
	for i := range acc {
		acc[i] = v.vec()
		v.XOR(acc[i], acc[i], acc[i])
	}
	x := v.vec()
	v.XOR(x, x, x)
	i := GP64()
	MOVQ(n, i)
	TESTQ(i, i)
	JZ(LabelRef("done"))
	Label("loop")
	for _, r := range acc {
		v.FMA231(x, x, r)
	}
	DECQ(i)
	JNZ(LabelRef("loop"))
	Label("done")
	IMUL3Q(U32(2*peakAccs*v.lanes), n, n)
	Store(n, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// paramMem is the frame slot of a scalar parameter (broadcast straight from
// memory: with 28 live accumulators the allocator may only have X16..X31
// left, which the legacy-encoded MOVSS cannot address).
func paramMem(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// packB emits the packing of NR whole columns of B: per k step, NR/lanes
// vector loads from row p and stores into the panel.
func packB(v vk) {
	_, nr := gemmTile(v)
	k := Load(Param("k"), GP64())
	b := Load(Param("b").Base(), GP64())
	l := Load(Param("ldb"), GP64())
	dst := Load(Param("dst").Base(), GP64())
	if v.f32() {
		SHLQ(U8(2), l)
	} else {
		SHLQ(U8(3), l)
	}
	Label("loop")
	for j := 0; j < nr/v.lanes; j++ {
		x := v.vec()
		v.MOVU(Mem{Base: b, Disp: j * v.bytes}, x)
		v.MOVU(x, Mem{Base: dst, Disp: j * v.bytes})
	}
	ADDQ(l, b)
	ADDQ(U32(nr*v.t.Size), dst)
	DECQ(k)
	JNZ(LabelRef("loop"))
	VZEROUPPER()
	RET()
}

// packTrans emits the packing of n whole rows of a row-major matrix (the
// slice parameter src, row stride parameter ld) into dst[p·n+i] = src[i·ld+p]:
// MR rows of A for gemmPackA, NR rows of a transposed B for gemmPackBT.
// The rows are taken in groups of one vector's worth (lanes rows; missing
// rows read as a zero register), each row addressed as one of two base
// pointers plus a multiple of ld. Per chunk of lanes k steps each row is
// loaded as one vector, the square block is transposed in registers
// (unpacks and 128-bit lane shuffles) and each column (one k step of the
// group) is stored, with a row mask (AVX-512) or as a low part (AVX2) when
// the group is short. The last k mod lanes steps use masked loads and
// stores (AVX-512) or move one element at a time (AVX2). Measured: 0.08
// ns per element on AVX-512 float32, five times the speed of moving
// elements through a general register.
func packTrans(v vk, src, ld string, n int) {
	L := v.lanes
	k := Load(Param("k"), GP64())
	base := Load(Param(src).Base(), GP64())
	l := Load(Param(ld), GP64())
	dst := Load(Param("dst").Base(), GP64())
	shift := U8(2)
	if !v.f32() {
		shift = U8(3)
	}
	SHLQ(shift, l)
	l3, l5, l7 := GP64(), GP64(), GP64()
	LEAQ(Mem{Base: l, Index: l, Scale: 2}, l3)
	LEAQ(Mem{Base: l, Index: l, Scale: 4}, l5)
	LEAQ(Mem{Base: l3, Index: l, Scale: 4}, l7)
	zero := v.vec()
	v.XOR(zero, zero, zero)
	r := GP64() // k mod L: the tail
	MOVQ(k, r)
	ANDQ(U32(L-1), r)
	if v.masked() {
		v.tailMask(r, K2)
	}
	colStride := n * v.t.Size // bytes between two k steps in dst
	for g := 0; g < n; g += L {
		rows := min(L, n-g)
		a, a9, d, kk := GP64(), GP64(), GP64(), GP64()
		MOVQ(base, a)
		if g > 0 {
			t := GP64()
			IMUL3Q(U32(g), l, t)
			ADDQ(t, a)
		}
		LEAQ(Mem{Base: a, Index: l, Scale: 8}, a9)
		ADDQ(l, a9)
		LEAQ(Mem{Base: dst, Disp: g * v.t.Size}, d)
		if rows < L && v.masked() {
			m := GP32()
			MOVL(U32(1<<rows-1), m)
			v.KMOV(m, K1)
		}
		addr := []Mem{
			{Base: a}, {Base: a, Index: l, Scale: 1}, {Base: a, Index: l, Scale: 2}, {Base: a, Index: l3, Scale: 1},
			{Base: a, Index: l, Scale: 4}, {Base: a, Index: l5, Scale: 1}, {Base: a, Index: l3, Scale: 2},
			{Base: a, Index: l7, Scale: 1}, {Base: a, Index: l, Scale: 8}, {Base: a9}, {Base: a9, Index: l, Scale: 1},
			{Base: a9, Index: l, Scale: 2}, {Base: a9, Index: l3, Scale: 1}, {Base: a9, Index: l, Scale: 4},
			{Base: a9, Index: l5, Scale: 1}, {Base: a9, Index: l3, Scale: 2},
		}
		load := func(tail bool) []Op {
			in := make([]Op, L)
			for i := range in {
				if i >= rows {
					in[i] = zero
					continue
				}
				x := v.vec()
				if tail {
					v.MOVUZ(addr[i], K2, x)
				} else {
					v.MOVU(addr[i], x)
				}
				in[i] = x
			}
			return in
		}
		// overlap: a single short group (n < lanes, the A panels) stores
		// every column of a chunk but the last one whole, in order: the
		// lanes past the group's rows land where the next columns go and
		// are overwritten by them (a masked or partial store costs more,
		// measured on Zen 4); the last column of a chunk, which could reach
		// past the panel, keeps its exact store.
		overlap := n < L
		store := func(cols []Op, j int, last bool) {
			m := Mem{Base: d, Disp: j * colStride}
			switch {
			case rows == L || (overlap && !last):
				v.MOVU(cols[j], m)
			case v.masked():
				v.MOVU(cols[j], K1, m)
			default:
				storePartial(v, cols[j].(VecVirtual), rows, m)
			}
		}
		MOVQ(k, kk)
		SHRQ(U8(log2(L)), kk)
		loop, tail := fmt.Sprintf("chunks%d", g), fmt.Sprintf("tail%d", g)
		done := fmt.Sprintf("done%d", g)
		Label(loop)
		TESTQ(kk, kk)
		JZ(LabelRef(tail))
		cols := transpose(v, load(false), zero)
		for j := range cols {
			store(cols, j, j == len(cols)-1)
		}
		ADDQ(U32(L*v.t.Size), a)
		ADDQ(U32(L*v.t.Size), a9)
		ADDQ(U32(L*colStride), d)
		DECQ(kk)
		JMP(LabelRef(loop))
		Label(tail)
		TESTQ(r, r)
		JZ(LabelRef(done))
		if v.masked() {
			cols = transpose(v, load(true), zero)
			for j := range cols {
				if j > 0 {
					CMPQ(r, U32(j))
					JBE(LabelRef(done))
				}
				store(cols, j, true)
			}
		} else {
			// AVX2 has no cheap masked store: the last k mod L steps
			// move one element at a time, as packRows does.
			rr := GP64()
			MOVQ(r, rr)
			Label(tail + "_loop")
			for i := 0; i < rows; i++ {
				t := GP64()
				if v.f32() {
					MOVL(addr[i], t.As32())
					MOVL(t.As32(), Mem{Base: d, Disp: i * 4})
				} else {
					MOVQ(addr[i], t)
					MOVQ(t, Mem{Base: d, Disp: i * 8})
				}
			}
			ADDQ(U32(v.t.Size), a)
			ADDQ(U32(v.t.Size), a9)
			ADDQ(U32(colStride), d)
			DECQ(rr)
			JNZ(LabelRef(tail + "_loop"))
		}
		Label(done)
	}
	VZEROUPPER()
	RET()
}

func log2(n int) int {
	s := 0
	for 1<<s < n {
		s++
	}
	return s
}

// storePartial stores the first rows lanes of a YMM column (AVX2, where
// rows < lanes): the low 128 bits, then what remains from the high half.
func storePartial(v vk, col VecVirtual, rows int, m Mem) {
	half := v.lanes / 2
	x := col.AsX()
	if rows >= half {
		v.MOVU(x, m)
		rows -= half
		m.Disp += 16
		if rows == 0 {
			return
		}
		h := XMM()
		VEXTRACTF128(U8(1), col, h)
		x = h
	}
	switch rows * v.t.Size {
	case 8:
		VMOVSD(x, m)
	case 4:
		VMOVSS(x, m)
	default:
		panic(fmt.Sprintf("gen/amd64: storePartial of %d elements", rows))
	}
}

// transpose returns the columns of the square block whose rows are in (16
// ZMM or 8 YMM of float32, 8 ZMM or 4 YMM of float64): out[j][i] = in[i][j].
// Rows that are the register zero (missing rows of a short group) are known
// zeros: a step whose two inputs are both zero emits nothing and yields
// zero (a 6-row A panel of float32 needs 38 of the 64 AVX-512 shuffles).
func transpose(v vk, in []Op, zero Op) []Op {
	L := len(in)
	// op emits dst = f(imm, y, x) (or f(y, x, dst) without imm) unless x
	// and y are both zero.
	op := func(f func(...Op), imm Op, y, x Op) Op {
		if x == zero && y == zero {
			return zero
		}
		dst := v.vec()
		if imm != nil {
			f(imm, y, x, dst)
		} else {
			f(y, x, dst)
		}
		return dst
	}
	perm2f128 := func(ops ...Op) { VPERM2F128(ops[0], ops[1], ops[2], ops[3]) }
	out := make([]Op, L)
	if !v.masked() {
		// AVX2: interleave pairs of rows (and, for float32, pairs of
		// pairs) within each 128-bit half, then join the halves.
		t := make([]Op, L)
		for i := 0; i < L; i += 2 {
			t[i] = op(v.pick(VUNPCKLPS, VUNPCKLPD), nil, in[i+1], in[i])
			t[i+1] = op(v.pick(VUNPCKHPS, VUNPCKHPD), nil, in[i+1], in[i])
		}
		if !v.f32() {
			// float64: t0 = [a0 b0 | a2 b2], t1 = [a1 b1 | a3 b3],
			// t2 = [c0 d0 | c2 d2], t3 = [c1 d1 | c3 d3]; order them as
			// columns 0, 1 (low halves) against 2, 3 (high halves).
			out[0] = op(perm2f128, U8(0x20), t[2], t[0])
			out[1] = op(perm2f128, U8(0x20), t[3], t[1])
			out[2] = op(perm2f128, U8(0x31), t[2], t[0])
			out[3] = op(perm2f128, U8(0x31), t[3], t[1])
			return out
		}
		u := make([]Op, L)
		for g := 0; g < 8; g += 4 {
			u[g] = op(VUNPCKLPD, nil, t[g+2], t[g])
			u[g+1] = op(VUNPCKHPD, nil, t[g+2], t[g])
			u[g+2] = op(VUNPCKLPD, nil, t[g+3], t[g+1])
			u[g+3] = op(VUNPCKHPD, nil, t[g+3], t[g+1])
		}
		for j := 0; j < 4; j++ {
			out[j] = op(perm2f128, U8(0x20), u[j+4], u[j])
			out[j+4] = op(perm2f128, U8(0x31), u[j+4], u[j])
		}
		return out
	}
	if v.f32() {
		// t: pairs of rows interleaved by element; u: groups of four rows
		// by pairs; s and out: 128-bit lanes gathered across groups.
		t := make([]Op, L)
		for i := 0; i < 16; i += 2 {
			t[i] = op(VUNPCKLPS, nil, in[i+1], in[i])
			t[i+1] = op(VUNPCKHPS, nil, in[i+1], in[i])
		}
		u := make([]Op, L)
		for g := 0; g < 16; g += 4 {
			u[g] = op(VUNPCKLPD, nil, t[g+2], t[g])
			u[g+1] = op(VUNPCKHPD, nil, t[g+2], t[g])
			u[g+2] = op(VUNPCKLPD, nil, t[g+3], t[g+1])
			u[g+3] = op(VUNPCKHPD, nil, t[g+3], t[g+1])
		}
		st := make([]Op, L)
		for _, b := range []int{0, 8} {
			for j := 0; j < 4; j++ {
				st[b+j] = op(VSHUFF32X4, U8(0x88), u[b+j+4], u[b+j])
				st[b+j+4] = op(VSHUFF32X4, U8(0xdd), u[b+j+4], u[b+j])
			}
		}
		for j := 0; j < 8; j++ {
			out[j] = op(VSHUFF32X4, U8(0x88), st[j+8], st[j])
			out[j+8] = op(VSHUFF32X4, U8(0xdd), st[j+8], st[j])
		}
		return out
	}
	t := make([]Op, L)
	for i := 0; i < 8; i += 2 {
		t[i] = op(VUNPCKLPD, nil, in[i+1], in[i])
		t[i+1] = op(VUNPCKHPD, nil, in[i+1], in[i])
	}
	u := make([]Op, L)
	for _, b := range []int{0, 4} {
		u[b] = op(VSHUFF64X2, U8(0x88), t[b+2], t[b])
		u[b+1] = op(VSHUFF64X2, U8(0x88), t[b+3], t[b+1])
		u[b+2] = op(VSHUFF64X2, U8(0xdd), t[b+2], t[b])
		u[b+3] = op(VSHUFF64X2, U8(0xdd), t[b+3], t[b+1])
	}
	for j := 0; j < 4; j++ {
		out[j] = op(VSHUFF64X2, U8(0x88), u[j+4], u[j])
		out[j+4] = op(VSHUFF64X2, U8(0xdd), u[j+4], u[j])
	}
	return out
}

// startTile begins a GEMM micro-kernel: mr×rowVecs zeroed accumulators,
// and the C tile (c, ldc in bytes) prefetched; it returns the accumulators
// and a scratch row register.
func startTile(v vk, c, ldc Register, mr, rowVecs int) ([][]VecVirtual, Register) {
	acc := make([][]VecVirtual, mr)
	for i := range acc {
		acc[i] = make([]VecVirtual, rowVecs)
		for j := range acc[i] {
			acc[i][j] = v.vec()
			v.XOR(acc[i][j], acc[i][j], acc[i][j])
		}
	}
	Comment("prefetch the C tile, read or written at the end")
	row := GP64()
	MOVQ(c, row)
	for i := 0; i < mr; i++ {
		for j := 0; j < rowVecs*v.bytes; j += 64 {
			PREFETCHT0(Mem{Base: row, Disp: j})
		}
		if i+1 < mr {
			ADDQ(ldc, row)
		}
	}
	return acc, row
}

// storeTile ends a GEMM micro-kernel: c = acc + beta·c row by row (ldc in
// bytes; row is scratch), C not read when beta is ±0, then RET.
func storeTile(v vk, acc [][]VecVirtual, c, row, ldc Register, mr int) {
	Comment("beta == 0 (either sign): C is not read")
	bb := GP64()
	if v.f32() {
		MOVL(paramMem("beta"), bb.As32())
		ANDL(U32(0x7fffffff), bb.As32())
	} else {
		MOVQ(paramMem("beta"), bb)
		SHLQ(U8(1), bb)
	}
	JZ(LabelRef("store"))
	beta := v.vec()
	v.BCAST(paramMem("beta"), beta)
	MOVQ(c, row)
	for i := range acc {
		for j := range acc[i] {
			v.FMA231(Mem{Base: row, Disp: j * v.bytes}, beta, acc[i][j])
		}
		if i+1 < mr {
			ADDQ(ldc, row)
		}
	}
	Label("store")
	for i := range acc {
		for j := range acc[i] {
			v.MOVU(acc[i][j], Mem{Base: c, Disp: j * v.bytes})
		}
		if i+1 < mr {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}
