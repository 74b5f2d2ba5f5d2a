package mat

import (
	"fmt"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/par"
)

// GemmInt8 computes the 8-bit integer matrix product
//
//	c = op(a)·op(b),   op(x) = xᵀ if trans, else x
//
// where op(a) is m×k of unsigned bytes, op(b) is k×n of signed bytes and c
// is m×n of int32, which is overwritten (not read; there is no alpha or
// beta: scale the int32 result when dequantising). Element by element,
//
//	c[i][j] = Σ_p int32(op(a)[i][p])·int32(op(b)[p][j])   (modulo 2³²)
//
// computed exactly in integers: every ISA and every number of threads
// gives the same bits. The operand types are those of the CPU's
// instructions (x86 VPDPBUSD multiplies u8 by s8; arm64 SDOT s8 by s8,
// see below), so the product runs at four multiply-adds per int32 lane
// and instruction where the CPU has them (isa.Has(isa.Int8)): AVX512_VNNI
// (avx512), AVX-VNNI (avx2) or FEAT_DotProd (neon); elsewhere a Go kernel
// computes the same result.
//
// # Overflow
//
// The sums are accumulated in int32 and wrap modulo 2³² (VPDPBUSD is the
// non-saturating form; Go's int32 arithmetic wraps the same way), so c is
// the exact sum reduced to int32 (two's complement). The exact sum always
// fits, and c is the true product, when
//
//	k·255·128 < 2³¹, i.e. k ≤ 65 793
//
// (the extreme sum is k·255·(−128); the positive extreme k·255·127 fits up
// to k = 66 306). Past that, the result wraps identically on every ISA.
//
// # Signed activations
//
// To multiply signed 8-bit activations x (int8) by weights w, pass
// a = x+128 as uint8 (flip the top bit: uint8(x)^0x80) and subtract the
// correction once per column of op(b):
//
//	Σ_p x[i][p]·w[p][j] = Σ_p (x[i][p]+128)·w[p][j] − 128·Σ_p w[p][j]
//
// The column sums of the weights are computed once per weight matrix, not
// per product (see the example). The identity holds modulo 2³² as well.
//
// It panics, before writing anything, if the shapes do not agree or if c
// shares memory with a or b, with a message naming GemmInt8 and the shapes.
// It allocates nothing in steady state (the packing buffers are reused).
// Large products run on SetThreads workers.
func GemmInt8(transA, transB bool, a *Raw[uint8], b *Raw[int8], c *Raw[int32]) {
	checkGemmInt8(transA, transB, a, b, c)
	gemmInt8(asm.Current(), Threads(), transA, transB, a, b, c)
}

func rawShape[E RawElem](m *Raw[E], trans bool) (r, c int) {
	if trans {
		return m.Cols, m.Rows
	}
	return m.Rows, m.Cols
}

func checkGemmInt8(tA, tB bool, a *Raw[uint8], b *Raw[int8], c *Raw[int32]) {
	const fn = "GemmInt8"
	a.valid(fn, "a")
	b.valid(fn, "b")
	c.valid(fn, "c")
	m, k := rawShape(a, tA)
	k2, n := rawShape(b, tB)
	if k != k2 || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("mat.%s: op(a) is %d×%d (transA=%v), op(b) is %d×%d (transB=%v), c is %d×%d: want op(a).Cols == op(b).Rows and c %d×%d",
			fn, m, k, tA, k2, n, tB, c.Rows, c.Cols, m, n))
	}
	if overlaps(c.span(), a.span()) || overlaps(c.span(), b.span()) {
		w := "a"
		if !overlaps(c.span(), a.span()) {
			w = "b"
		}
		panic(fmt.Sprintf("mat.%s: c (%d×%d) shares memory with %s", fn, c.Rows, c.Cols, w))
	}
}

// i8Job is one GemmInt8 call: its arguments and the parts it is split into
// (as gemmJob: whole tile rows or tile columns of c per part).
type i8Job struct {
	kern   func(k int, a []uint8, b []int8, c []int32, ldc int, add bool)
	mr, nr int
	pack   panelPackers
	bl     blocks
	tA, tB bool
	a      *Raw[uint8]
	b      *Raw[int8]
	c      *Raw[int32]
	k      int
	fan    par.Fan
	tileSplit
}

// i8Work holds the packing buffers of one worker.
type i8Work struct {
	a   []uint8
	b   []int8
	tmp []int32
}

var (
	i8Jobs  freeList[i8Job]
	i8Works freeList[i8Work]
)

// minPartWorkInt8 is minPartWork for the int8 product, whose multiply-adds
// are about four times cheaper.
const minPartWorkInt8 = 4 * minPartWork

func gemmInt8(t *asm.Table, threads int, tA, tB bool, a *Raw[uint8], b *Raw[int8], c *Raw[int32]) {
	m, n := c.Rows, c.Cols
	if m == 0 || n == 0 {
		return
	}
	_, k := rawShape(a, tA)
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c.Data[i*c.Stride : i*c.Stride+n])
		}
		return
	}
	g := i8Jobs.get()
	g.kern = t.GemmI8
	g.mr, g.nr = t.GemmTileI8()
	g.bl = blocksInt8(g.mr, g.nr)
	g.pack = packersFor(t, g.mr, g.nr)
	g.tA, g.tB, g.a, g.b, g.c, g.k = tA, tB, a, b, c, k
	g.split(m, n, k, g.mr, g.nr, threads, minPartWorkInt8)
	g.fan.Run(g, g.nparts)
	g.a, g.b, g.c = nil, nil, nil
	i8Jobs.put(g)
}

// blocksInt8 are the cache blocks of the int8 product (see blocks): kc is
// a multiple of 4 (whole quads but for the last block of k). A packed
// quad of a panel row holds as many bytes as one float32, so the float32
// rules apply with kc counted in quads: an MR×kc micro-panel of A within
// half of L1, the kc×nc block of B within half of L2, kc within [64, 384]
// quads.
func blocksInt8(mr, nr int) blocks {
	if tinyBlocks {
		return blocks{kc: 8, mc: 2 * mr, nc: 2 * nr}
	}
	kq := clamp(cacheL1/2/(mr*4)/8*8, 64, 384)
	kc := 4 * kq
	nc := clamp(cacheL2/2/kc/nr*nr, nr, 4096/nr*nr)
	mc := clamp(cacheL3/4/kc/mr*mr, mr, 2048/mr*mr)
	return blocks{kc, mc, nc}
}

func (g *i8Job) RunPart(i int) {
	i0, i1, j0, j1 := g.part(i, g.c.Rows, g.c.Cols, g.mr, g.nr)
	w := i8Works.get()
	g.run(w, i0, i1, j0, j1)
	i8Works.put(w)
}

// run computes c[i0:i1, j0:j1] with the five BLIS loops (see blocks), on
// panels packed in quads of k (see gen/spec/int8.go); the first block of k
// overwrites c, the others add to it.
func (g *i8Job) run(w *i8Work, i0, i1, j0, j1 int) {
	mr, nr, bl, kern := g.mr, g.nr, g.bl, g.kern
	kq := bl.kc / 4
	w.a = growRaw(w.a, (bl.mc+mr-1)/mr*mr*4*kq)
	w.b = growRaw(w.b, (bl.nc+nr-1)/nr*nr*4*kq)
	w.tmp = growRaw(w.tmp, mr*nr)
	c, cs := g.c.Data, g.c.Stride
	for ic := i0; ic < i1; ic += bl.mc {
		mc := min(bl.mc, i1-ic)
		for pc := 0; pc < g.k; pc += bl.kc {
			kc := min(bl.kc, g.k-pc)
			kq := (kc + 3) / 4
			add := pc > 0
			pa := mr * 4 * kq // bytes of one A panel
			for q := 0; q*mr < mc; q++ {
				d := w.a[q*pa : (q+1)*pa]
				rows := min(mr, mc-q*mr)
				if g.tA { // op(a)[i][p] = a[p][i]
					packCols(d, g.a.Data, g.a.Stride, ic+q*mr, rows, pc, kc, mr)
				} else {
					packRowsWith(g.pack.rowsA, d, g.a.Data, g.a.Stride, ic+q*mr, rows, pc, kc, mr)
				}
			}
			pb := nr * 4 * kq
			for jc := j0; jc < j1; jc += bl.nc {
				nc := min(bl.nc, j1-jc)
				bd := i8Bytes(w.b)
				for q := 0; q*nr < nc; q++ {
					d := bd[q*pb : (q+1)*pb]
					cols := min(nr, nc-q*nr)
					if g.tB { // op(b)[p][j] = b[j][p]
						packRowsWith(g.pack.rowsB, d, i8Bytes(g.b.Data), g.b.Stride, jc+q*nr, cols, pc, kc, nr)
					} else {
						packColsWith(g.pack.cols, g.pack.colsOK, d, i8Bytes(g.b.Data), g.b.Stride, jc+q*nr, cols, pc, kc, nr)
					}
				}
				for ir := 0; ir < mc; ir += mr {
					ap := w.a[ir/mr*pa : ir/mr*pa+pa]
					rows := min(mr, mc-ir)
					for jr := 0; jr < nc; jr += nr {
						bp := w.b[jr/nr*pb : jr/nr*pb+pb]
						cols := min(nr, nc-jr)
						co := (ic+ir)*cs + jc + jr
						if rows == mr && cols == nr {
							kern(kq, ap, bp, c[co:], cs, add)
						} else {
							kern(kq, ap, bp, w.tmp, nr, false)
							mergeInt32(c[co:], cs, w.tmp, nr, rows, cols, add)
						}
					}
				}
			}
		}
	}
}

// mergeInt32 writes the rows×cols corner of the temporary tile t into c:
// c = t, or c += t (wrapping) if add.
func mergeInt32(c []int32, cs int, t []int32, ts, rows, cols int, add bool) {
	for i := 0; i < rows; i++ {
		cr := c[i*cs : i*cs+cols]
		tr := t[i*ts : i*ts+cols]
		if !add {
			copy(cr, tr)
			continue
		}
		for j, v := range tr {
			cr[j] += v
		}
	}
}

func growRaw[E RawElem](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// i8Bytes reinterprets signed bytes as bytes (the packing only moves them).
func i8Bytes(s []int8) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
