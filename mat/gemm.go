package mat

import (
	"fmt"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/internal/par"
	"github.com/lanes-go/lanes/vec"
)

// Gemm computes the general matrix product with BLAS semantics:
//
//	c = alpha·op(a)·op(b) + beta·c,   op(x) = xᵀ if trans, else x
//
// where op(a) is m×k, op(b) is k×n and c is m×n. Element by element,
//
//	c[i][j] = fma(beta, c[i][j], alpha·Σ_p op(a)[i][p]·op(b)[p][j])
//
// with the sum accumulated in fused multiply-adds in p order within each
// block of KC terms, the blocks added into c in order. If beta == 0, c is
// not read (NaN or Inf in c do not leak into the result); if alpha == 0 or
// k == 0, a and b are not read and c = beta·c.
//
// Error bound (per element, no underflow or overflow): with nb = ⌈k/KC⌉,
//
//	|c − ĉ| ≤ γ_{k+nb+1}·(|alpha|·Σ_p |op(a)[i][p]|·|op(b)[p][j]| + |beta|·|c[i][j]|)
//
// plus (k+nb+2)·(1+|alpha|)·η where products or sums underflow (η the
// smallest subnormal of T). The kernels of different ISAs use different
// tiles, so their results may differ within this bound; on one ISA they
// are deterministic.
//
// It panics, before writing anything, if the shapes do not agree or if c
// shares memory with a or b, with a message naming Gemm and the shapes.
// Large products run on SetThreads workers; the result does not depend on
// the number of threads.
func Gemm[T vec.Float](transA, transB bool, alpha T, a, b *Dense[T], beta T, c *Dense[T]) {
	checkGemm("Gemm", transA, transB, a, b, c)
	gemm(asm.Current(), Threads(), transA, transB, alpha, a, b, beta, c)
}

// Mul sets dst = a·b (Gemm with alpha = 1, beta = 0: dst is not read). It
// panics if a.Cols != b.Rows, if dst is not a.Rows×b.Cols, or if dst shares
// memory with a or b.
func Mul[T vec.Float](dst, a, b *Dense[T]) {
	checkGemm("Mul", false, false, a, b, dst)
	gemm(asm.Current(), Threads(), false, false, 1, a, b, 0, dst)
}

func opShape[T vec.Float](m *Dense[T], trans bool) (r, c int) {
	if trans {
		return m.Cols, m.Rows
	}
	return m.Rows, m.Cols
}

func checkGemm[T vec.Float](fn string, tA, tB bool, a, b, c *Dense[T]) {
	a.valid(fn, "a")
	b.valid(fn, "b")
	c.valid(fn, "c")
	m, k := opShape(a, tA)
	k2, n := opShape(b, tB)
	if k != k2 || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("mat.%s: op(a) is %d×%d (transA=%v), op(b) is %d×%d (transB=%v), c is %d×%d: want op(a).Cols == op(b).Rows and c %d×%d",
			fn, m, k, tA, k2, n, tB, c.Rows, c.Cols, m, n))
	}
	if shares(c, a) || shares(c, b) {
		w := "a"
		if !shares(c, a) {
			w = "b"
		}
		panic(fmt.Sprintf("mat.%s: c (%d×%d) shares memory with %s", fn, c.Rows, c.Cols, w))
	}
}

// shares reports whether x and y have an element in common. Views with the
// same Stride are compared exactly; with different strides, overlapping
// address ranges count as sharing.
func shares[T vec.Float](x, y *Dense[T]) bool {
	xs, ys := x.span(), y.span()
	if len(xs) == 0 || len(ys) == 0 {
		return false
	}
	size := unsafe.Sizeof(xs[0])
	x0, y0 := uintptr(unsafe.Pointer(&xs[0])), uintptr(unsafe.Pointer(&ys[0]))
	if x0 >= y0+uintptr(len(ys))*size || y0 >= x0+uintptr(len(xs))*size {
		return false
	}
	if x.Stride != y.Stride || (y0-x0)%size != 0 || x.Rows == 1 || y.Rows == 1 {
		return true
	}
	// y's element (r', c') is x's element (r, c) iff d = (r−r')·s + (c−c').
	// |c−c'| < s, so r−r' is ⌊d/s⌋ or ⌊d/s⌋+1.
	d, s := int(int64(y0-x0))/int(size), x.Stride
	q := d / s
	if d < 0 && d%s != 0 {
		q--
	}
	for _, q := range []int{q, q + 1} {
		e := d - q*s
		if q > -y.Rows && q < x.Rows && e > -y.Cols && e < x.Cols {
			return true
		}
	}
	return false
}

// kernFn is the micro-kernel type of gen/spec/mat.go for element type T.
type kernFn[T vec.Float] func(k int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T)

// packFn is the type of the packing kernels of gen/spec/mat.go.
type packFn[T vec.Float] func(k int, src []T, ld int, dst []T)

// kernels are the GEMM kernels of one table for T, all for one tile.
type kernels[T vec.Float] struct {
	gemm                 kernFn[T]
	packA, packB, packBT packFn[T]
	mr, nr               int
}

// micro returns the kernels of t for T.
func micro[T vec.Float](t *asm.Table) (ks kernels[T]) {
	// The casts reinterpret func(…float32…) as func(…T…) for T = float32:
	// the same type, spelled through the type parameter.
	if cast.Is32[T]() {
		ks.mr, ks.nr = t.GemmTileF32()
		ks.gemm = *(*kernFn[T])(unsafe.Pointer(&t.GemmF32))
		ks.packA = *(*packFn[T])(unsafe.Pointer(&t.GemmPackAF32))
		ks.packB = *(*packFn[T])(unsafe.Pointer(&t.GemmPackBF32))
		ks.packBT = *(*packFn[T])(unsafe.Pointer(&t.GemmPackBTF32))
		return ks
	}
	ks.mr, ks.nr = t.GemmTileF64()
	ks.gemm = *(*kernFn[T])(unsafe.Pointer(&t.GemmF64))
	ks.packA = *(*packFn[T])(unsafe.Pointer(&t.GemmPackAF64))
	ks.packB = *(*packFn[T])(unsafe.Pointer(&t.GemmPackBF64))
	ks.packBT = *(*packFn[T])(unsafe.Pointer(&t.GemmPackBTF64))
	return ks
}

// directBMaxPanels: when op(b) = b (not transposed) and c has at most this
// many MR-tall tile rows, B is read in place by the micro-kernel (its
// NR-wide panels with b's stride) instead of being packed: each B panel is
// then used by at most this many A panels, too few to pay for the copy.
// It depends on the length of a panel's rows (NR elements): at 256 bytes
// or more (AVX-512 6×64 float32, 6×32 float64: four cache lines per row)
// the strided panel streams well, and 64×784·784×256 (11 tile rows) is
// 10% faster unpacked on a Zen 4 core (float32 80→89% of the FMA peak);
// with 64-byte rows (AVX2) a strided panel of 11 tile rows was measured
// 30% slower than a packed one, so there the limit stays at 5.
func directBMaxPanels(nr, size int) int {
	if nr*size >= 256 {
		return 11
	}
	return 5
}

// directAMaxPanels: when op(a) = a (not transposed) and c has at most this
// many NR-wide tile columns, the micro-kernel reads A's rows in place
// (lda > 0) instead of a packed panel: each A panel would be used by at
// most this many B panels, too few to pay for the copy (the packing was
// 12% of a 64×64 float32 product). Measured on a Zen 4 core, one thread,
// against packing: AVX-512 f32 n=64 5% faster, n=128 4%, f64 n=64 8%,
// n=128 3%, f32 64×784·784×256 (four tile columns) 1.5%, f32 n=256 (four)
// the same; AVX2 f32 n=64 5%. A last partial tile row is still packed (the
// kernel reads MR whole rows).
const directAMaxPanels = 4

// gemmJob is one Gemm call: its arguments and the parts it is split into.
type gemmJob[T vec.Float] struct {
	kernels[T]
	bl          blocks
	tA, tB      bool
	alpha, beta T
	a, b, c     *Dense[T]
	k           int
	directA     bool
	directB     bool
	fan         par.Fan
	tileSplit
}

func gemm[T vec.Float](t *asm.Table, threads int, tA, tB bool, alpha T, a, b *Dense[T], beta T, c *Dense[T]) {
	m, n := c.Rows, c.Cols
	if m == 0 || n == 0 {
		return
	}
	_, k := opShape(a, tA)
	if k == 0 || alpha == 0 {
		scaleRows(beta, c)
		return
	}
	if m == 1 || n == 1 {
		gemmVec(t, tA, tB, alpha, a, b, beta, c, k)
		return
	}
	g := jobs[T]().get()
	g.kernels = micro[T](t)
	g.bl = blocksFor(g.mr, g.nr, int(unsafe.Sizeof(alpha)))
	g.tA, g.tB, g.alpha, g.beta, g.a, g.b, g.c, g.k = tA, tB, alpha, beta, a, b, c, k
	g.directA = !tA && (n+g.nr-1)/g.nr <= directAMaxPanels
	g.directB = !tB && (m+g.mr-1)/g.mr <= directBMaxPanels(g.nr, int(unsafe.Sizeof(alpha)))
	g.split(m, n, k, g.mr, g.nr, threads, minPartWork)
	g.fan.Run(g, g.nparts)
	g.a, g.b, g.c = nil, nil, nil
	jobs[T]().put(g)
}

// minPartWork is the fewest multiply-adds worth a part of their own (a few
// µs of work, well above the cost of waking a worker): smaller products
// stay on the calling goroutine.
const minPartWork = 1 << 18

// tileSplit is how a product's c is split into parts: into bands of whole
// tile rows (along M) or whole tile columns (along N), so the tiles (hence
// the arithmetic of every element) are those of the unsplit product.
type tileSplit struct {
	alongN        bool
	nparts, tiles int
}

// packCost is the cost of packing one element in multiply-adds (a load and
// a store, against 32 multiply-adds a cycle on two AVX-512 FMA pipes).
const packCost = 8

// split decides the parts of an m×n product of inner dimension k on mr×nr
// tiles: at most threads, and none with fewer than minWork multiply-adds.
// A band along M packs all of op(b) (k×n) besides its rows of op(a); one
// along N all of op(a) (m×k): the direction whose largest part costs less
// (its tiles' multiply-adds plus its packing) is taken. With the product
// of the MNIST MLP (64×784 by 784×256) a split along M packed the 784×256
// b on both threads.
func (s *tileSplit) split(m, n, k, mr, nr, threads, minWork int) {
	tm, tn := (m+mr-1)/mr, (n+nr-1)/nr
	parts := func(tiles int) int { return max(1, min(threads, tiles, m*n*k/minWork)) }
	pm, pn := parts(tm), parts(tn)
	costM := (tm+pm-1)/pm*mr*(n*k+packCost*k) + packCost*k*n
	costN := (tn+pn-1)/pn*nr*(m*k+packCost*k) + packCost*m*k
	s.alongN = costN < costM
	s.tiles, s.nparts = tm, pm
	if s.alongN {
		s.tiles, s.nparts = tn, pn
	}
}

// part returns the rows i0..i1−1 and columns j0..j1−1 of part i.
func (s *tileSplit) part(i, m, n, mr, nr int) (i0, i1, j0, j1 int) {
	t0, t1 := par.Band(i, s.nparts, s.tiles)
	i0, i1, j0, j1 = 0, m, 0, n
	if s.alongN {
		j0, j1 = t0*nr, min(t1*nr, n)
	} else {
		i0, i1 = t0*mr, min(t1*mr, m)
	}
	return
}

// RunPart computes part i of a split job: a band of whole tile rows or
// tile columns of c, whole k (see split).
func (g *gemmJob[T]) RunPart(i int) {
	i0, i1, j0, j1 := g.part(i, g.c.Rows, g.c.Cols, g.mr, g.nr)
	w := works[T]().get()
	g.run(w, i0, i1, j0, j1)
	works[T]().put(w)
}

// work holds the packing buffers of one worker, and the vectors of gemmVec.
type work[T vec.Float] struct{ a, b, tmp, v, x []T }

// gemmVec computes a product with one row or one column (m == 1 or
// n == 1) as dot products or row updates (axpy) of the vector kernels: a
// tiled product would waste all but one row or column of each tile.
// op(a)'s row or op(b)'s column is copied to a contiguous vector when it is
// strided. Each element is alpha·s (+ beta·c), s a dot product (error
// γ_k) or a chain of k fused multiply-adds in p order.
func gemmVec[T vec.Float](t *asm.Table, tA, tB bool, alpha T, a, b *Dense[T], beta T, c *Dense[T], k int) {
	w := works[T]().get()
	m, n := c.Rows, c.Cols
	if m == 1 {
		ar := opVec(w, a, tA, k) // op(a)[0][:]
		cr := c.Data[:n]
		if tB { // op(b)[p][j] = b[j][p]
			for j := range cr {
				cr[j] = combine(alpha*dotRow(t, ar, b.Data[j*b.Stride:j*b.Stride+k]), beta, cr[j])
			}
		} else {
			w.v = grow(w.v, n)
			acc := w.v
			clear(acc)
			for p, x := range ar {
				axpyRow(t, x, b.Data[p*b.Stride:p*b.Stride+n], acc)
			}
			for j, s := range acc {
				cr[j] = combine(alpha*s, beta, cr[j])
			}
		}
	} else {
		bc := opVec(w, b, !tB, k) // op(b)[:][0]
		cs := c.Stride
		if !tA {
			for i := 0; i < m; i++ {
				c.Data[i*cs] = combine(alpha*dotRow(t, a.Data[i*a.Stride:i*a.Stride+k], bc), beta, c.Data[i*cs])
			}
		} else { // op(a)[i][p] = a[p][i]
			w.v = grow(w.v, m)
			acc := w.v
			clear(acc)
			for p, x := range bc {
				axpyRow(t, x, a.Data[p*a.Stride:p*a.Stride+m], acc)
			}
			for i, s := range acc {
				c.Data[i*cs] = combine(alpha*s, beta, c.Data[i*cs])
			}
		}
	}
	works[T]().put(w)
}

// opVec returns the k elements of x's first row (col = false) or first
// column (col = true) as a contiguous slice, copying a strided column.
func opVec[T vec.Float](w *work[T], x *Dense[T], col bool, k int) []T {
	if !col || x.Stride == 1 {
		return x.Data[:k:k]
	}
	w.x = grow(w.x, k)
	for p := range w.x {
		w.x[p] = x.Data[p*x.Stride]
	}
	return w.x
}

func combine[T vec.Float](x, beta, c T) T {
	if beta == 0 {
		return x
	}
	return beta*c + x
}

func dotRow[T vec.Float](k *asm.Table, x, y []T) T {
	if cast.Is32[T]() {
		return T(k.DotF32(cast.F32(x), cast.F32(y)))
	}
	return T(k.DotF64(cast.F64(x), cast.F64(y)))
}

func grow[T vec.Float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// run computes c[i0:i1, j0:j1] with the five BLIS loops (see blocks).
func (g *gemmJob[T]) run(w *work[T], i0, i1, j0, j1 int) {
	mr, nr, bl, kern := g.mr, g.nr, g.bl, g.gemm
	w.a = grow(w.a, bl.mc*bl.kc)
	w.b = grow(w.b, bl.nc*bl.kc)
	w.tmp = grow(w.tmp, mr*nr)
	c, cs := g.c.Data, g.c.Stride
	as := g.a.Stride
	for ic := i0; ic < i1; ic += bl.mc {
		mc := min(bl.mc, i1-ic)
		for pc := 0; pc < g.k; pc += bl.kc {
			kc := min(bl.kc, g.k-pc)
			be := g.beta
			if pc > 0 {
				be = 1
			}
			g.packAPanels(w.a, ic, mc, pc, kc)
			for jc := j0; jc < j1; jc += bl.nc {
				nc := min(bl.nc, j1-jc)
				bOff, bs := pc*g.b.Stride+jc, g.b.Stride
				if !g.directB {
					g.packBPanels(w.b, g.tB, pc, kc, jc, nc)
				} else if full := nc / nr * nr; full < nc {
					g.packBPanels(w.b, false, pc, kc, jc+full, nc-full)
				}
				for ir := 0; ir < mc; ir += mr {
					ap, lda := w.a[ir*kc:ir*kc+mr*kc], 0
					rows := min(mr, mc-ir)
					if g.directA && rows == mr {
						ap, lda = g.a.Data[(ic+ir)*as+pc:], as
					}
					for jr := 0; jr < nc; jr += nr {
						cols := min(nr, nc-jr)
						var bp []T
						ldb := nr
						switch {
						case !g.directB:
							bp = w.b[jr*kc : jr*kc+nr*kc]
						case cols == nr:
							bp, ldb = g.b.Data[bOff+jr:], bs
						default:
							bp = w.b[:nr*kc]
						}
						co := (ic+ir)*cs + jc + jr
						if rows == mr && cols == nr {
							kern(kc, ap, lda, bp, ldb, c[co:], cs, g.alpha, be)
						} else {
							kern(kc, ap, lda, bp, ldb, w.tmp, nr, g.alpha, 0)
							merge(c[co:], cs, w.tmp, nr, rows, cols, be)
						}
					}
				}
			}
		}
	}
}

// merge writes the rows×cols corner of the temporary tile t into c:
// c = t if beta == 0 (c not read), else beta·c + t.
func merge[T vec.Float](c []T, cs int, t []T, ts, rows, cols int, beta T) {
	for i := 0; i < rows; i++ {
		cr := c[i*cs : i*cs+cols]
		tr := t[i*ts : i*ts+cols]
		if beta == 0 {
			copy(cr, tr)
			continue
		}
		for j, v := range tr {
			cr[j] = beta*cr[j] + v
		}
	}
}

// packAPanels packs op(a)[i0:i0+mc, p0:p0+kc] (see packA), whole panels
// of a row-major a with the packing kernel, or none of them when the
// micro-kernel reads them in place (directA).
func (g *gemmJob[T]) packAPanels(dst []T, i0, mc, p0, kc int) {
	mr, a := g.mr, g.a
	full := 0
	if !g.tA {
		full = mc / mr
		for q := 0; q < full && !g.directA; q++ {
			g.packA(kc, a.Data[(i0+q*mr)*a.Stride+p0:], a.Stride, dst[q*mr*kc:(q+1)*mr*kc])
		}
	}
	packA(dst[full*mr*kc:], a, g.tA, i0+full*mr, mc-full*mr, p0, kc, mr)
}

// packBPanels packs op(b)[p0:p0+kc, j0:j0+nc] (see packB), whole panels
// with the packing kernels.
func (g *gemmJob[T]) packBPanels(dst []T, trans bool, p0, kc, j0, nc int) {
	nr, b := g.nr, g.b
	full := nc / nr
	for q := 0; q < full; q++ {
		d := dst[q*nr*kc : (q+1)*nr*kc]
		if trans {
			g.packBT(kc, b.Data[(j0+q*nr)*b.Stride+p0:], b.Stride, d)
		} else {
			g.packB(kc, b.Data[p0*b.Stride+j0+q*nr:], b.Stride, d)
		}
	}
	packB(dst[full*nr*kc:], b, trans, p0, kc, j0+full*nr, nc-full*nr, nr)
}

// packA copies op(a)[i0:i0+mc, p0:p0+kc] into MR-tall panels: panel q holds
// element (q·MR+i, p) at dst[q·MR·kc + p·MR + i]; rows past mc are zero.
func packA[T vec.Float](dst []T, a *Dense[T], trans bool, i0, mc, p0, kc, mr int) {
	as := a.Stride
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		d := dst[q*mr*kc : (q+1)*mr*kc]
		if trans { // op(a)[i][p] = a[p][i]
			for p := 0; p < kc; p++ {
				src := a.Data[(p0+p)*as+i0+q*mr:]
				dp := d[p*mr : p*mr+mr]
				copy(dp[:rows], src[:rows])
				clear(dp[rows:])
			}
			continue
		}
		// op(a) = a (only partial panels come here: whole ones go to the
		// packing kernel).
		for i := 0; i < rows; i++ {
			src := a.Data[(i0+q*mr+i)*as+p0:]
			src = src[:kc]
			for p, v := range src {
				d[p*mr+i] = v
			}
		}
		for p := 0; p < kc; p++ {
			clear(d[p*mr+rows : p*mr+mr])
		}
	}
}

// packB copies op(b)[p0:p0+kc, j0:j0+nc] into NR-wide panels: panel q holds
// element (p, q·NR+j) at dst[q·NR·kc + p·NR + j]; columns past nc are zero.
func packB[T vec.Float](dst []T, b *Dense[T], trans bool, p0, kc, j0, nc, nr int) {
	bs := b.Stride
	for q := 0; q*nr < nc; q++ {
		cols := min(nr, nc-q*nr)
		d := dst[q*nr*kc : (q+1)*nr*kc]
		if !trans {
			for p := 0; p < kc; p++ {
				src := b.Data[(p0+p)*bs+j0+q*nr:]
				dp := d[p*nr : p*nr+nr]
				copy(dp[:cols], src[:cols])
				clear(dp[cols:])
			}
			continue
		}
		for j := 0; j < cols; j++ { // op(b)[p][j] = b[j][p]
			src := b.Data[(j0+q*nr+j)*bs+p0:]
			src = src[:kc]
			for p, v := range src {
				d[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := 0; p < kc; p++ {
				d[p*nr+j] = 0
			}
		}
	}
}

// scaleRows sets c = beta·c, without reading c if beta == 0.
func scaleRows[T vec.Float](beta T, c *Dense[T]) {
	if beta == 1 {
		return
	}
	for i := 0; i < c.Rows; i++ {
		r := c.Data[i*c.Stride : i*c.Stride+c.Cols]
		if beta == 0 {
			clear(r)
			continue
		}
		for j := range r {
			r[j] *= beta
		}
	}
}
