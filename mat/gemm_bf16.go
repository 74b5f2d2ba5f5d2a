package mat

import (
	"fmt"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/par"
	"github.com/lanes-go/lanes/vec"
)

// GemmBF16 computes the general matrix product of bfloat16 matrices into
// float32, with the BLAS semantics of Gemm:
//
//	c = alpha·op(a)·op(b) + beta·c,   op(x) = xᵀ if trans, else x
//
// where op(a) is m×k, op(b) is k×n and c is m×n. The products of bfloat16
// numbers are exact in float32, and they are accumulated in float32, two
// at a time along k, the way VDPBF16PS (AVX512_BF16) computes: for the
// pairs p = 0, 1, ... of each block of KC terms (KC even, the same on
// every ISA), per element
//
//	s = ftz(s + daz(op(a)[i][2p+1])·daz(op(b)[2p+1][j]))   one rounding
//	s = ftz(s + daz(op(a)[i][2p])·daz(op(b)[2p][j]))       one rounding
//
// (daz: a subnormal bfloat16 counts as zero; ftz: a sum below the float32
// normal range becomes a zero of its sign, |s| < 2⁻¹²⁶ after rounding to
// 24 bits with an unbounded exponent, as x86's flush to zero decides;
// rounding to nearest even), and
// c[i][j] = fma(beta, c[i][j], alpha·s) for the first block, fma(1, c, alpha·s)
// for the next. If beta == 0, c is not read; if alpha == 0 or k == 0, a
// and b are not read and c = beta·c.
//
// Error bound, per element, with nb = ⌈k/KC⌉ and S = Σ_p |op(a)[i][p]|·|op(b)[p][j]|
// (the inputs taken as the bfloat16 values they are):
//
//	|c − ĉ| ≤ γ_{k+nb+1}·(|alpha|·S + |beta|·|c[i][j]|) + |alpha|·(2k·2⁻¹²⁶ + D)
//
// where γ_n = n·u/(1−n·u), u = 2⁻²⁴, 2k·2⁻¹²⁶ bounds the flushed sums
// (and, on NEON, products), and D is the sum of the |products| with a
// subnormal factor (zero for normal inputs).
//
// What runs: with AVX512_BF16, a 6×64 VDPBF16PS kernel (about twice the
// float32 Gemm rate at n=1024); on AVX-512 without it (Skylake-X, Ice
// Lake) a 6×64 kernel, and on AVX2+FMA a 6×16 one, that widen the pairs to
// float32 and add each product with one VFMADD231PS under MXCSR.DAZ|FTZ
// (one FMA per product, as float32 Gemm: about its speed, faster where
// float32 Gemm waits on memory, a hundred times the pure-Go kernel); on
// NEON with FEAT_BF16, BFDOT; elsewhere a pure-Go kernel that emulates
// VDPBF16PS (about 1 GFLOPS). All the x86 kernels and the Go kernel give the
// same bits. NEON's BFDOT adds the two products of a pair before the
// accumulator and rounds each sum to odd: its results differ in the last
// bits and obey the bound with u = 2⁻²³. The number of threads never
// changes the result. (qemu's x86 emulation flushes sums just below 2⁻¹²⁶
// that round up to it, which the hardware keeps: under qemu the AVX2
// kernel can differ there from the others.)
//
// It panics, before writing anything, if the shapes do not agree or if c
// shares memory with a or b, with a message naming GemmBF16 and the shapes.
func GemmBF16(transA, transB bool, alpha float32, a, b *Raw[vec.BF16], beta float32, c *Dense[float32]) {
	a.valid("GemmBF16", "a")
	b.valid("GemmBF16", "b")
	c.valid("GemmBF16", "c")
	k := checkShapesBF16("GemmBF16", a.Rows, a.Cols, transA, b.Rows, b.Cols, transB, c)
	for _, x := range []struct {
		name string
		m    *Raw[vec.BF16]
	}{{"a", a}, {"b", b}} {
		if overlaps(c.span(), x.m.span()) {
			panic(fmt.Sprintf("mat.GemmBF16: c (%d×%d) shares memory with %s", c.Rows, c.Cols, x.name))
		}
	}
	g := bf16Jobs.get()
	g.a = bf16Src{h: rawBits(a), stride: a.Stride, trans: transA}
	g.b = bf16Src{h: rawBits(b), stride: b.Stride, trans: transB}
	gemmBF16(g, asm.Current(), Threads(), k, alpha, beta, c)
}

// GemmBF16F32 is GemmBF16 on float32 operands rounded to bfloat16 (as
// vec.ToBF16 rounds: to nearest even) while they are packed: the
// product of the rounded matrices, with GemmBF16's arithmetic and error
// bound (relative to the rounded operands: each rounding adds up to 2⁻⁹
// relative error to the factors of a product, so against the float32
// operands the bound gains about 2·2⁻⁹·|alpha|·S). a and b are not
// modified. It panics, before writing anything, if the shapes do not agree
// or if c shares memory with a or b, with a message naming GemmBF16F32.
func GemmBF16F32(transA, transB bool, alpha float32, a, b *Dense[float32], beta float32, c *Dense[float32]) {
	a.valid("GemmBF16F32", "a")
	b.valid("GemmBF16F32", "b")
	c.valid("GemmBF16F32", "c")
	k := checkShapesBF16("GemmBF16F32", a.Rows, a.Cols, transA, b.Rows, b.Cols, transB, c)
	if shares(c, a) || shares(c, b) {
		w := "a"
		if !shares(c, a) {
			w = "b"
		}
		panic(fmt.Sprintf("mat.GemmBF16F32: c (%d×%d) shares memory with %s", c.Rows, c.Cols, w))
	}
	g := bf16Jobs.get()
	g.a = bf16Src{f: a.Data, stride: a.Stride, trans: transA}
	g.b = bf16Src{f: b.Data, stride: b.Stride, trans: transB}
	gemmBF16(g, asm.Current(), Threads(), k, alpha, beta, c)
}

// checkShapesBF16 panics unless op(a)·op(b) fits c; it returns k.
func checkShapesBF16(fn string, ar, ac int, tA bool, br, bc int, tB bool, c *Dense[float32]) int {
	m, k := ar, ac
	if tA {
		m, k = ac, ar
	}
	k2, n := br, bc
	if tB {
		k2, n = bc, br
	}
	if k != k2 || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("mat.%s: op(a) is %d×%d (transA=%v), op(b) is %d×%d (transB=%v), c is %d×%d: want op(a).Cols == op(b).Rows and c %d×%d",
			fn, m, k, tA, k2, n, tB, c.Rows, c.Cols, m, n))
	}
	return k
}

func rawBits(m *Raw[vec.BF16]) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.SliceData(m.Data)), len(m.Data))
}

// bf16Src is an operand x with op(x)[r][q] at index r·stride+q (or
// q·stride+r if trans): bfloat16 bits h, or float32 values f rounded to
// bfloat16 block by block (into the worker's scratch) before packing.
type bf16Src struct {
	h      []uint16
	f      []float32
	stride int
	trans  bool
}

// rows returns op(x)[r0:r0+nr, q0:q0+nq] as bfloat16 bits: a view of h, or
// of scratch holding f rounded (same orientation, stride nq or nr).
func (s bf16Src) block(scratch *[]uint16, r0, nr, q0, nq int) bf16Src {
	if s.f == nil {
		off := r0*s.stride + q0
		if s.trans {
			off = q0*s.stride + r0
		}
		return bf16Src{h: s.h[off:], stride: s.stride, trans: s.trans}
	}
	*scratch = growU16(*scratch, nr*nq)
	d := *scratch
	if !s.trans {
		for r := 0; r < nr; r++ {
			vec.ToBF16(bf16View(d[r*nq:(r+1)*nq]), s.f[(r0+r)*s.stride+q0:][:nq])
		}
		return bf16Src{h: d, stride: nq}
	}
	for q := 0; q < nq; q++ {
		vec.ToBF16(bf16View(d[q*nr:(q+1)*nr]), s.f[(q0+q)*s.stride+r0:][:nr])
	}
	return bf16Src{h: d, stride: nr, trans: true}
}

func bf16View(x []uint16) []vec.BF16 {
	return unsafe.Slice((*vec.BF16)(unsafe.SliceData(x)), len(x))
}

// packPanel packs op(x)[0:rows, 0:kc] of the bfloat16 view s into a panel
// of w words per k pair: word p·w+r holds op(x)[r][2p] in its low half and
// op(x)[r][2p+1] in its high half; rows r ≥ rows and the high half of an
// odd kc's last pair are zero. With s = op(a) it is the A panel (w = MR),
// with s = op(b)ᵀ the B panel (w = NR).
func packPanel(dst []uint32, s bf16Src, rows, kc, w int) {
	kp := (kc + 1) / 2
	dst = dst[:kp*w]
	st := s.stride
	if !s.trans { // row r is contiguous: pairs are adjacent
		for r := 0; r < rows; r++ {
			row := s.h[r*st : r*st+kc]
			for p := 0; p < kc/2; p++ {
				dst[p*w+r] = uint32(row[2*p]) | uint32(row[2*p+1])<<16
			}
			if kc%2 == 1 {
				dst[(kp-1)*w+r] = uint32(row[kc-1])
			}
		}
		if rows < w {
			for p := 0; p < kp; p++ {
				clear(dst[p*w+rows : p*w+w])
			}
		}
		return
	}
	// k index q is the row of the stored matrix: a pair is two stored rows.
	for p := 0; p < kp; p++ {
		d := dst[p*w : p*w+w]
		r0 := s.h[2*p*st : 2*p*st+rows]
		if 2*p+1 < kc {
			r1 := s.h[(2*p+1)*st : (2*p+1)*st+rows]
			for r := range r0 {
				d[r] = uint32(r0[r]) | uint32(r1[r])<<16
			}
		} else {
			for r, x := range r0 {
				d[r] = uint32(x)
			}
		}
		clear(d[rows:])
	}
}

// bf16KC is the k extent of a block (in bfloat16 elements, even): fixed,
// so that every ISA adds the same blocks. 128 pairs: a 64-column B panel
// (32 KiB) stays in L1 while the row panels of A (3 KiB each, the A block
// in L2) stream past it; run's loop takes the row panels inside the column
// panels. Against 256 pairs with the A panel in L1 and B panels from L2:
// 1.6% faster at n = 1024 (Zen 5, benchstat of 8 alternated runs).
const bf16KC = 256

func bf16Blocks(mr, nr int) blocks {
	if tinyBlocks {
		return blocks{kc: 6, mc: 2 * mr, nc: 2 * nr}
	}
	kp := bf16KC / 2
	nc := clamp(cacheL3/4/(kp*4)/nr*nr, nr, 4096/nr*nr)
	mc := clamp(cacheL2/2/(kp*4)/mr*mr, mr, 2048/mr*mr)
	return blocks{kc: bf16KC, mc: mc, nc: nc}
}

// bf16Job is one GemmBF16 or GemmBF16F32 call and its parts (as gemmJob).
type bf16Job struct {
	kern        func(k int, a, b []uint32, c []float32, ldc int, alpha, beta float32)
	packB16     func(k int, b []uint16, ldb int, dst []uint32)
	packA32     packFn[float32] // the float32 packings, as dword transposes (nil: tile differs)
	packBT32    packFn[float32]
	mr, nr, k   int
	bl          blocks
	a, b        bf16Src
	alpha, beta float32
	c           *Dense[float32]
	fan         par.Fan
	tileSplit
}

// bf16Work holds a worker's packed panels, its edge tile and the scratch
// of the float32 operands' rounding.
type bf16Work struct {
	a, b   []uint32
	tmp    []float32
	ha, hb []uint16
}

var (
	bf16Jobs  freeList[bf16Job]
	bf16Works freeList[bf16Work]
)

// gemmBF16 runs the job g (operands set) on table t.
func gemmBF16(g *bf16Job, t *asm.Table, threads, k int, alpha, beta float32, c *Dense[float32]) {
	defer func() { g.a, g.b, g.c = bf16Src{}, bf16Src{}, nil; bf16Jobs.put(g) }()
	m, n := c.Rows, c.Cols
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleRows(beta, c)
		return
	}
	g.kern = t.GemmBF16
	g.mr, g.nr = t.GemmBF16Tile()
	g.packB16, g.packA32, g.packBT32 = t.GemmBF16PackB, nil, nil
	if mr, nr := t.GemmTileF32(); mr == g.mr && nr == g.nr {
		g.packA32, g.packBT32 = t.GemmPackAF32, t.GemmPackBTF32
	}
	g.bl = bf16Blocks(g.mr, g.nr)
	g.k, g.alpha, g.beta, g.c = k, alpha, beta, c
	g.split(m, n, k, g.mr, g.nr, threads, minPartWork)
	g.fan.Run(g, g.nparts)
}

func (g *bf16Job) RunPart(i int) {
	i0, i1, j0, j1 := g.part(i, g.c.Rows, g.c.Cols, g.mr, g.nr)
	w := bf16Works.get()
	g.run(w, i0, i1, j0, j1)
	bf16Works.put(w)
}

// run computes c[i0:i1, j0:j1] with the BLIS loops of gemmJob.run, every
// panel packed.
func (g *bf16Job) run(w *bf16Work, i0, i1, j0, j1 int) {
	mr, nr, bl := g.mr, g.nr, g.bl
	kpMax := (bl.kc + 1) / 2
	w.a = growU32(w.a, (bl.mc+mr)*kpMax)
	w.b = growU32(w.b, (bl.nc+nr)*kpMax)
	w.tmp = grow(w.tmp, mr*nr)
	c, cs := g.c.Data, g.c.Stride
	for ic := i0; ic < i1; ic += bl.mc {
		mc := min(bl.mc, i1-ic)
		for pc := 0; pc < g.k; pc += bl.kc {
			kc := min(bl.kc, g.k-pc)
			kp := (kc + 1) / 2
			be := g.beta
			if pc > 0 {
				be = 1
			}
			av := g.a.block(&w.ha, ic, mc, pc, kc)
			for q := 0; q*mr < mc; q++ {
				g.packA(w.a[q*mr*kp:(q+1)*mr*kp], av.shift(q*mr, 0), min(mr, mc-q*mr), kc)
			}
			for jc := j0; jc < j1; jc += bl.nc {
				nc := min(bl.nc, j1-jc)
				// op(b)[pc:pc+kc, jc:jc+nc] as op(b)ᵀ: nc rows of kc.
				bv := g.b.block(&w.hb, pc, kc, jc, nc).flip()
				for q := 0; q*nr < nc; q++ {
					g.packB(w.b[q*nr*kp:(q+1)*nr*kp], bv.shift(q*nr, 0), min(nr, nc-q*nr), kc)
				}
				for jr := 0; jr < nc; jr += nr {
					bp := w.b[jr*kp : jr*kp+nr*kp]
					cols := min(nr, nc-jr)
					for ir := 0; ir < mc; ir += mr {
						ap := w.a[ir*kp : ir*kp+mr*kp]
						rows := min(mr, mc-ir)
						co := (ic+ir)*cs + jc + jr
						if rows == mr && cols == nr {
							g.kern(kp, ap, bp, c[co:], cs, g.alpha, be)
						} else {
							g.kern(kp, ap, bp, w.tmp, nr, g.alpha, 0)
							mergeFMA(c[co:], cs, w.tmp, nr, rows, cols, be)
						}
					}
				}
			}
		}
	}
}

// packA packs an A panel (see packPanel): whole panels of a view with
// contiguous rows and an even stride with the float32 packing kernel (the
// pairs are dwords, so it is a dword transpose), the rest in Go.
func (g *bf16Job) packA(dst []uint32, s bf16Src, rows, kc int) {
	if rows == g.mr && !s.trans && g.packA32 != nil && s.stride%2 == 0 && kc >= 2 {
		g.packA32(kc/2, dwords(s.h, (rows-1)*s.stride/2+kc/2), s.stride/2, dwordsF32(dst))
		oddTail(dst, s, rows, kc, g.mr)
		return
	}
	packPanel(dst, s, rows, kc, g.mr)
}

// packB packs a B panel from the view s of op(b)ᵀ: whole panels with the
// pair-interleaving kernel (op(b) = b: a pair is two stored rows) or the
// float32 transposing one (op(b) = bᵀ, even stride), the rest in Go.
func (g *bf16Job) packB(dst []uint32, s bf16Src, rows, kc int) {
	switch {
	case rows == g.nr && s.trans:
		g.packB16(kc, s.h, s.stride, dst)
	case rows == g.nr && g.packBT32 != nil && s.stride%2 == 0 && kc >= 2:
		g.packBT32(kc/2, dwords(s.h, (rows-1)*s.stride/2+kc/2), s.stride/2, dwordsF32(dst))
		oddTail(dst, s, rows, kc, g.nr)
	default:
		packPanel(dst, s, rows, kc, g.nr)
	}
}

// oddTail writes the last pair of a panel of odd kc packed as dwords (whose
// kernel saw kc/2 pairs): element kc−1 of each row, high half zero.
func oddTail(dst []uint32, s bf16Src, rows, kc, w int) {
	if kc%2 == 0 {
		return
	}
	d := dst[kc/2*w : kc/2*w+w]
	for r := range d {
		d[r] = uint32(s.h[r*s.stride+kc-1])
	}
}

// dwords is h[0:2n] as n float32 slots (bit patterns moved, never computed
// on; any 2-byte alignment is fine for the kernels' unaligned loads).
func dwords(h []uint16, n int) []float32 {
	_ = h[2*n-1]
	return unsafe.Slice((*float32)(unsafe.Pointer(&h[0])), n)
}

func dwordsF32(d []uint32) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(d))), len(d))
}

// mergeFMA is merge with one rounding, c = fma(beta, c, t), as the kernels
// compute their full tiles (so that an element's bits do not depend on
// whether its tile is whole): t += beta·c fused (vec.Axpy, exact on every
// ISA), then copied to c. t is overwritten.
func mergeFMA(c []float32, cs int, t []float32, ts, rows, cols int, beta float32) {
	for i := 0; i < rows; i++ {
		cr := c[i*cs : i*cs+cols]
		tr := t[i*ts : i*ts+cols]
		if beta != 0 {
			vec.Axpy(beta, cr, tr)
		}
		copy(cr, tr)
	}
}

// flip returns the view of the transpose (the same storage).
func (s bf16Src) flip() bf16Src { s.trans = !s.trans; return s }

// shift returns the view of op(x)[r:, q:].
func (s bf16Src) shift(r, q int) bf16Src {
	off := r*s.stride + q
	if s.trans {
		off = q*s.stride + r
	}
	s.h = s.h[off:]
	return s
}

func growU32(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n)
	}
	return s[:n]
}

func growU16(s []uint16, n int) []uint16 {
	if cap(s) < n {
		return make([]uint16, n)
	}
	return s[:n]
}
