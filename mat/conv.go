package mat

import (
	"fmt"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/internal/kconst"
	"github.com/lanes-go/lanes/internal/par"
	"github.com/lanes-go/lanes/vec"
)

// ConvShape describes a 2-D convolution (cross-correlation, as PyTorch's
// Conv2d): a C×H×W input, K filters of C×KH×KW, Stride and zero padding Pad
// on every side. Stride 0 means 1. The output is K×OH×OW with
//
//	OH = (H+2·Pad−KH)/Stride + 1,  OW = (W+2·Pad−KW)/Stride + 1
//
// (integer division: as PyTorch, input rows and columns that no window
// reaches are ignored).
type ConvShape struct{ C, H, W, K, KH, KW, Stride, Pad int }

// Out returns OH and OW (see ConvShape). It panics if s is not valid.
func (s ConvShape) Out() (oh, ow int) {
	s.check("ConvShape.Out")
	st := s.stride()
	return (s.H+2*s.Pad-s.KH)/st + 1, (s.W+2*s.Pad-s.KW)/st + 1
}

func (s ConvShape) stride() int {
	if s.Stride == 0 {
		return 1
	}
	return s.Stride
}

// check panics unless every size is positive (Stride may be 0), Pad ≥ 0,
// and the padded input holds one window.
func (s ConvShape) check(fn string) {
	if s.C < 1 || s.H < 1 || s.W < 1 || s.K < 1 || s.KH < 1 || s.KW < 1 || s.Stride < 0 || s.Pad < 0 ||
		s.KH > s.H+2*s.Pad || s.KW > s.W+2*s.Pad {
		panic(fmt.Sprintf("mat.%s: invalid %+v: want C, H, W, K, KH, KW ≥ 1, Stride ≥ 0, Pad ≥ 0, KH ≤ H+2·Pad, KW ≤ W+2·Pad", fn, s))
	}
}

// convDims are the derived sizes of a ConvShape.
type convDims struct {
	ConvShape     // Stride resolved (≥ 1)
	oh, ow        int
	hw, ohw, khw  int // H·W, OH·OW, KH·KW
	chw, ckk, kow int // C·H·W, C·KH·KW, K·OH·OW
}

func dimsOf(fn string, s ConvShape) convDims {
	s.check(fn)
	d := convDims{ConvShape: s}
	d.Stride = s.stride()
	d.oh, d.ow = s.Out()
	d.hw, d.ohw, d.khw = s.H*s.W, d.oh*d.ow, s.KH*s.KW
	d.chw, d.ckk, d.kow = s.C*d.hw, s.C*d.khw, s.K*d.ohw
	return d
}

// Conv2D sets dst to the convolution of the images x with the filters w,
// plus the bias b:
//
//	dst[n][(k·OH+i)·OW+j] = b[k] + Σ_{c,p,q} w[k][(c·KH+p)·KW+q]·x[n][(c·H+h)·W+v],
//	h = i·Stride−Pad+p, v = j·Stride−Pad+q (terms outside the image are 0)
//
// x is N×(C·H·W), one C×H×W image per row (NCHW, as PyTorch); w is
// K×(C·KH·KW) (PyTorch's K×C×KH×KW weight, flattened); b has K elements or
// is nil (no bias); dst is N×(K·OH·OW) and is not read.
//
// It is an implicit-im2col GEMM per image, dst_n (K×OH·OW) = [w b]·[P_n; 1],
// on the micro-kernels of Gemm: the patch matrix P_n (C·KH·KW × OH·OW) is
// never stored; its KC×NR panels are packed straight from x (one panel,
// at most KC·NR elements, per worker), and the bias is one more term of
// each dot product (b[k]·1). Each element is a dot product of n =
// C·KH·KW (+1 with a bias) terms accumulated in fused multiply-adds, in
// nb = ⌈n/KC⌉ blocks, so
//
//	|err| ≤ γ_{n+nb}·(|b[k]| + Σ|w·x|).
//
// The zero padding takes part in the products as zeros (an infinite
// weight on a padded tap gives NaN, as in an explicit im2col). With Stride
// 1 and Pad 0, on an ISA with the gemmInd kernel (AVX-512), nothing of P is
// packed: the micro-kernel reads each of its rows where it lies in shifted
// copies of the image (an indirect convolution), with the same k blocks and
// bound, on the 6×64 or 8×48 float32 tile (6×32 or 8×24 float64),
// whichever wastes less.
//
// It panics, before writing anything, if a shape does not agree with s (the
// message names the function and the sizes), if s is invalid, or if dst
// shares memory with x, w or b. Images (and, within an image, blocks of
// output columns) run on SetThreads workers; the result does not depend on
// their number.
func Conv2D[T vec.Float](dst, x, w *Dense[T], b []T, s ConvShape) {
	d := checkConv2D("Conv2D", dst, x, w, b, s)
	conv(asm.Current(), Threads(), convFwd, d, x, w, dst, nil, b)
}

// Conv2DGradInput sets dx to the gradient of a convolution (Conv2D with the
// same w and s) with respect to its input x, given the gradient dy of its
// output (the transposed convolution of dy with w):
//
//	dx[n][(c·H+h)·W+v] = Σ_{k,p,q} w[k][(c·KH+p)·KW+q]·dy[n][(k·OH+i)·OW+j]
//	over the (p, q, i, j) with i·Stride−Pad+p = h and j·Stride−Pad+q = v.
//
// dx is N×(C·H·W) and is overwritten (not read); dy is N×(K·OH·OW), w is
// K×(C·KH·KW). Input positions that no window reaches get 0.
//
// Per image it computes G = wᵀ·dy_n (C·KH·KW × OH·OW) with the GEMM
// micro-kernels, a block of NC columns and of a few channels at a time in a
// buffer of at most about a quarter of the L2 cache, and adds each block's
// columns into dx (col2im) in a fixed order. Each element of dx is a sum of
// at most KH·KW such G elements, each a dot product of K terms, so with nb =
// ⌈K/KC⌉
//
//	|err| ≤ γ_{K+nb+KH·KW}·Σ|w·dy|.
//
// Panics and threads as Conv2D (dx must not share memory with dy or w).
func Conv2DGradInput[T vec.Float](dx, dy, w *Dense[T], s ConvShape) {
	const fn = "Conv2DGradInput"
	d := dimsOf(fn, s)
	dx.valid(fn, "dx")
	dy.valid(fn, "dy")
	w.valid(fn, "w")
	checkCols(fn, "dy", dy, d.kow, "K·OH·OW")
	checkW(fn, "w", w, d)
	if dx.Rows != dy.Rows || dx.Cols != d.chw {
		panic(fmt.Sprintf("mat.%s: dx is %d×%d, want N×(C·H·W) = %d×%d", fn, dx.Rows, dx.Cols, dy.Rows, d.chw))
	}
	noShare(fn, "dx", dx, "dy", dy)
	noShare(fn, "dx", dx, "w", w)
	conv(asm.Current(), Threads(), convGradIn, d, dy, w, dx, nil, nil)
}

// Conv2DGradWeight adds to dw and db the gradients of a convolution (Conv2D
// with the same s) with respect to its weights and bias, given its input x
// and the gradient dy of its output, summed over the N images:
//
//	dw[k][(c·KH+p)·KW+q] += Σ_{n,i,j} dy[n][(k·OH+i)·OW+j]·x[n][(c·H+h)·W+v]   (h, v as in Conv2D)
//	db[k] += Σ_{n,i,j} dy[n][(k·OH+i)·OW+j]
//
// It accumulates, as PyTorch's backward does into .grad, so that a layer
// used several times in a step sums its gradients; zero dw and db before
// the first backward of a step. db may be nil (no bias). x is N×(C·H·W),
// dy N×(K·OH·OW), dw K×(C·KH·KW), db K elements.
//
// dw is a GEMM dw += dy_n·P_nᵀ over the images in order, with the panels of
// P_nᵀ packed straight from x (no patch matrix is stored); each image's
// OH·OW terms are summed in nb = ⌈OH·OW/KC⌉ blocks, and each block is added
// into dw, so with m = N·(OH·OW+nb)
//
//	|err(dw)| ≤ γ_{m+1}·(|dw₀| + Σ|dy·x|),  |err(db)| ≤ γ_{N·(OH·OW+1)}·(|db₀| + Σ|dy|).
//
// With Stride 1 and Pad 0, on an ISA with a vector dotTile kernel (AVX-512),
// each dw element is instead a dot product of a row of dy_n and a row of the
// patch matrix, both contiguous (the latter in shifted copies of x_n): over
// fixed groups of G images, L vector lanes each sum their share of the
// terms (images, then positions, in order), the lanes are added as a tree
// and each group's sum into dw, so the height of the summation is
// G·⌈OH·OW/L⌉ + log₂min(L, OH·OW) + ⌈N/G⌉, which is at most m + 1: the
// bounds above hold on both paths (db's sums are made the same way).
//
// Panics and threads as Conv2D (dw and db must not share memory with x, dy
// or each other). On SetThreads workers: groups of images on the dot-product
// path (each group's sums kept apart and added in group order, the same
// additions as on one thread), blocks of dw's columns on the other.
func Conv2DGradWeight[T vec.Float](dw *Dense[T], db []T, x, dy *Dense[T], s ConvShape) {
	const fn = "Conv2DGradWeight"
	d := dimsOf(fn, s)
	dw.valid(fn, "dw")
	x.valid(fn, "x")
	dy.valid(fn, "dy")
	checkCols(fn, "x", x, d.chw, "C·H·W")
	checkW(fn, "dw", dw, d)
	if dy.Rows != x.Rows || dy.Cols != d.kow {
		panic(fmt.Sprintf("mat.%s: dy is %d×%d, want N×(K·OH·OW) = %d×%d", fn, dy.Rows, dy.Cols, x.Rows, d.kow))
	}
	if db != nil && len(db) != s.K {
		panic(fmt.Sprintf("mat.%s: len(db)=%d, want K = %d (or nil)", fn, len(db), s.K))
	}
	noShare(fn, "dw", dw, "x", x)
	noShare(fn, "dw", dw, "dy", dy)
	if db != nil {
		vb := vector(db)
		noShare(fn, "db", vb, "x", x)
		noShare(fn, "db", vb, "dy", dy)
		noShare(fn, "db", vb, "dw", dw)
	}
	t := asm.Current()
	conv(t, Threads(), convGradW, d, x, dy, dw, db, nil)
}

func checkConv2D[T vec.Float](fn string, dst, x, w *Dense[T], b []T, s ConvShape) convDims {
	d := dimsOf(fn, s)
	dst.valid(fn, "dst")
	x.valid(fn, "x")
	w.valid(fn, "w")
	checkCols(fn, "x", x, d.chw, "C·H·W")
	checkW(fn, "w", w, d)
	if b != nil && len(b) != s.K {
		panic(fmt.Sprintf("mat.%s: len(b)=%d, want K = %d (or nil)", fn, len(b), s.K))
	}
	if dst.Rows != x.Rows || dst.Cols != d.kow {
		panic(fmt.Sprintf("mat.%s: dst is %d×%d, want N×(K·OH·OW) = %d×%d", fn, dst.Rows, dst.Cols, x.Rows, d.kow))
	}
	noShare(fn, "dst", dst, "x", x)
	noShare(fn, "dst", dst, "w", w)
	if b != nil {
		noShare(fn, "dst", dst, "b", vector(b))
	}
	return d
}

func checkCols[T vec.Float](fn, name string, m *Dense[T], want int, what string) {
	if m.Cols != want {
		panic(fmt.Sprintf("mat.%s: %s is %d×%d, want N×(%s) = N×%d", fn, name, m.Rows, m.Cols, what, want))
	}
}

func checkW[T vec.Float](fn, name string, w *Dense[T], d convDims) {
	if w.Rows != d.K || w.Cols != d.ckk {
		panic(fmt.Sprintf("mat.%s: %s is %d×%d, want K×(C·KH·KW) = %d×%d", fn, name, w.Rows, w.Cols, d.K, d.ckk))
	}
}

func noShare[T vec.Float](fn, an string, a *Dense[T], bn string, b *Dense[T]) {
	if shares(a, b) {
		panic(fmt.Sprintf("mat.%s: %s (%d×%d) shares memory with %s (%d×%d)", fn, an, a.Rows, a.Cols, bn, b.Rows, b.Cols))
	}
}

// The three convolution products.
const (
	convFwd    = iota // out = a·P(in) + bias, per image
	convGradIn        // out = col2im(aᵀ·in), per image
	convGradW         // out += Σ_n b_n·P(in_n)ᵀ
)

// convJob is one call of a convolution kernel: its arguments, its packed
// weights and the tasks it is split into. The tasks are fixed by the shape
// and the blocks (never by the thread count), and each computes its own
// output elements whole, so the bits do not depend on how the tasks are
// shared out.
//
//	convFwd:    in = x, a = w, out = dst; task = (image, NC block of OH·OW)
//	convGradIn: in = dy, a = w, out = dx; task = (image, group of channels)
//	convGradW:  in = x, a = dy, out = dw; task = NR-wide column panel of dw
type convJob[T vec.Float] struct {
	kernels[T]
	bl         blocks
	op         int
	d          convDims
	in, a, out *Dense[T]
	bias       []T
	ap         []T  // convFwd: w packed in MR-tall panels, all k blocks
	mp         int  // rows of ap (K rounded up to MR)
	kx         int  // convFwd: C·KH·KW, plus 1 for the bias
	kcs        int  // convFwd: the balanced k block
	cg         int  // convGradIn: channels per task
	shift      bool // Stride 1, Pad 0: the shifted-image kernels (see shifted)
	dot        dotFn[T]
	copyRows   rowsFn[T]
	addRows    rowsFn[T]
	dotW       bool // convGradW on the dotTile kernel (see gradWeightDot)
	ind        bool // convFwd on the gemmInd kernel (see forwardInd)
	gemmInd    indFn[T]
	grp        int   // gradWeightDot: images per group
	ngrp       int   // gradWeightDot: groups
	sums       []T   // gradWeightDot on several parts: each group's dw and db sums
	reduce     bool  // gradWeightDot: the parts add up sums (see reduceSums)
	offs       []int // gradWeightDot: the row offsets of each part, offStride apart
	db         []T   // gradWeightDot: the bias gradient, or nil
	qoff       []int // gradWeightDot: offset of row q of P_n in the shifted images
	qInner     bool  // gradWeightDot: tiles in q order within a row block of dw
	ntasks     int
	nparts     int
	fan        par.Fan
}

var (
	convJobs32 freeList[convJob[float32]]
	convJobs64 freeList[convJob[float64]]
)

func convJobs[T vec.Float]() *freeList[convJob[T]] {
	if x, ok := any(&convJobs32).(*freeList[convJob[T]]); ok {
		return x
	}
	return any(&convJobs64).(*freeList[convJob[T]])
}

// balancedKC splits k into ⌈k/kc⌉ blocks of equal size (rounded up to a
// multiple of 8), so that no block is a short remainder: the C tile is
// loaded and stored once per block.
func balancedKC(k, kc int) int {
	if k <= kc {
		return k
	}
	nb := (k + kc - 1) / kc
	return min(kc, ((k+nb-1)/nb+7)/8*8)
}

// conv runs one convolution product with the kernels of table t on up to
// threads goroutines. The arguments were checked by the caller.
func conv[T vec.Float](t *asm.Table, threads, op int, d convDims, in, a, out *Dense[T], db, bias []T) {
	n := in.Rows
	if n == 0 {
		return
	}
	g := convJobs[T]().get()
	g.kernels = micro[T](t)
	g.copyRows, g.addRows = rowsOf[T](t)
	var z T
	g.bl = blocksFor(g.mr, g.nr, int(unsafe.Sizeof(z)))
	g.op, g.d, g.in, g.a, g.out, g.bias = op, d, in, a, out, bias
	g.dotW, g.ind, g.shift = false, false, false // a reused job: set by op below
	var work int                                 // multiply-adds
	switch op {
	case convFwd:
		g.kx = d.ckk
		if bias != nil {
			g.kx++
		}
		g.kcs = balancedKC(g.kx, g.bl.kc)
		g.shift = d.Stride == 1 && d.Pad == 0
		_, lanes := dotOf[T](t)
		if g.ind = g.shift && lanes > 0; g.ind {
			g.gemmInd = gemmIndOf[T](t)
			g.setQoff(bias != nil)
			// the 8-row tile where it wastes less of its tiles (conv1 of
			// the MNIST CNN: 16×576 in 8×48 tiles, none wasted, against
			// 18×576 in 6×64)
			mr8, nr8 := kconst.GemmInd8MR, kconst.GemmInd8RowVecs*lanes
			if tileFill(d.K, d.ohw, mr8, nr8) > tileFill(d.K, d.ohw, g.mr, g.nr) {
				g.mr, g.nr = mr8, nr8
				g.gemmInd = gemmInd8Of[T](t)
			}
		}
		g.mp = (d.K + g.mr - 1) / g.mr * g.mr
		g.ap = grow(g.ap, g.mp*g.kx)
		packWeights(g.ap, a, bias, g.kcs, g.mr, g.shift && !g.ind, &d)
		if !tinyBlocks {
			// the B block (kcs×nc) within half the L2: with a short k (a
			// few channels) one block takes a whole image, whose shifted
			// images are then built once
			g.bl.nc = max(g.bl.nc, clamp(cacheL2/2/(g.kcs*int(unsafe.Sizeof(z)))/g.nr*g.nr, g.nr, 4096/g.nr*g.nr))
		}
		g.ntasks = n * ((d.ohw + g.bl.nc - 1) / g.bl.nc)
		work = n * d.kow * d.ckk
	case convGradIn:
		// channels per task: G (cg·KH·KW × NC) within a quarter of the L2
		g.cg = clamp(cacheL2/4/int(unsafe.Sizeof(z))/(d.khw*g.bl.nc), 1, d.C)
		// shifted accumulators when a kernel row's (c, kw) fill two tiles
		if g.shift = d.Stride == 1 && d.Pad == 0 && d.C*d.KW >= 2*g.mr; g.shift {
			g.prepGradInShift(a)
		}
		g.ntasks = n * ((d.C + g.cg - 1) / g.cg)
		work = n * d.kow * d.ckk
	case convGradW:
		var lanes int
		g.dot, lanes = dotOf[T](t)
		work = n * d.kow * d.ckk
		if g.dotW = lanes > 0 && d.Stride == 1 && d.Pad == 0; g.dotW {
			g.db = db // the bias gradient goes with the tiles
			// tasks: groups of images whose shifted images and dy rows
			// fill about half the L2
			g.prepGradWeightDot(lanes)
			g.ntasks = g.ngrp
			break
		}
		if db != nil {
			convBiasGrad(t, db, a, d)
		}
		g.ntasks = (d.ckk + g.nr - 1) / g.nr
		// copied patch rows and the transposing packing kernel: measured
		// (Zen 5, AVX-512 f32, one thread) 26→29 GFLOPS on the MNIST conv1
		// (one panel), but 68→55 on conv2 (seven panels), which keeps
		// packPatchesT
		g.shift = d.Stride == 1 && d.Pad == 0 && d.ckk <= g.nr
		work = n * d.kow * d.ckk
	}
	g.nparts = max(1, min(threads, g.ntasks, work/minPartWork))
	if g.dotW && len(g.offs) < g.nparts*offStride {
		g.offs = make([]int, g.nparts*offStride)
	}
	if g.dotW && g.nparts > 1 {
		g.sums = grow(g.sums, g.ngrp*(d.K*d.ckk+d.K))
	}
	g.fan.Run(g, g.nparts)
	if g.dotW && g.nparts > 1 {
		g.reduce = true
		g.fan.Run(g, g.nparts)
		g.reduce = false
	}
	g.in, g.a, g.out, g.bias, g.db = nil, nil, nil, nil, nil
	convJobs[T]().put(g)
}

func (g *convJob[T]) RunPart(i int) {
	t0, t1 := par.Band(i, g.nparts, g.ntasks)
	w := works[T]().get()
	w.tmp = grow(w.tmp, g.mr*g.nr)
	if g.op == convGradW && g.dotW {
		if g.reduce {
			g.reduceSums(i)
		} else {
			g.gradWeightDot(w, g.offs[i*offStride:i*offStride+dotMR+dotNR], t0, t1, g.nparts > 1)
		}
		t1 = t0
	}
	if g.op == convGradW && g.shift {
		g.gradWeightRows(w, t0, t1)
		t1 = t0
	}
	for t := t0; t < t1; t++ {
		switch g.op {
		case convFwd:
			nb := (g.d.ohw + g.bl.nc - 1) / g.bl.nc
			j0 := t % nb * g.bl.nc
			if g.ind {
				g.forwardInd(w, t/nb, j0, min(j0+g.bl.nc, g.d.ohw))
				continue
			}
			g.forward(w, t/nb, j0, min(j0+g.bl.nc, g.d.ohw))
		case convGradIn:
			ng := (g.d.C + g.cg - 1) / g.cg
			c0 := t % ng * g.cg
			if g.shift {
				g.gradInputShift(w, t/ng, c0, min(c0+g.cg, g.d.C))
			} else {
				g.gradInput(w, t/ng, c0, min(c0+g.cg, g.d.C))
			}
		case convGradW:
			g.gradWeight(w, t*g.nr, min(t*g.nr+g.nr, g.d.ckk))
		}
	}
	works[T]().put(w)
}

// tile runs the micro-kernel on one MR×NR tile of c (rows×cols of it
// valid): in place when whole, else through the temporary tile.
func (g *convJob[T]) tile(w *work[T], kc int, ap []T, lda int, bp []T, c []T, ldc, rows, cols int, beta T) {
	if rows == g.mr && cols == g.nr {
		g.gemm(kc, ap, lda, bp, g.nr, c, ldc, 1, beta)
		return
	}
	g.gemm(kc, ap, lda, bp, g.nr, w.tmp, g.nr, 1, 0)
	merge(c, ldc, w.tmp, g.nr, rows, cols, beta)
}

// forward computes image n's output columns [j0, j1) (all K rows).
func (g *convJob[T]) forward(w *work[T], n, j0, j1 int) {
	d, mr, nr := &g.d, g.mr, g.nr
	xs := g.in.Data[n*g.in.Stride : n*g.in.Stride+d.chw]
	c := g.out.Data[n*g.out.Stride : n*g.out.Stride+d.kow]
	nc := j1 - j0
	np := (nc + nr - 1) / nr
	w.b = grow(w.b, np*nr*g.kcs)
	if g.shift {
		w.x = shifted(g.copyRows, w.x, xs, d, nr)
	}
	beta := T(0)
	for pc := 0; pc < g.kx; pc += g.kcs {
		kc := min(g.kcs, g.kx-pc)
		pk := min(kc, d.ckk-pc) // rows of patches; a last row of ones multiplies the bias
		for q := 0; q < np; q++ {
			jq := j0 + q*nr
			bp := w.b[q*nr*kc : (q+1)*nr*kc]
			if g.shift {
				g.packShifted(bp, w.x, d, pc, pk, jq)
			} else {
				packPatches(bp, xs, d, pc, pk, jq, min(jq+nr, j1), nr)
			}
			if pk < kc {
				ones := bp[pk*nr : pk*nr+nr]
				for j := range ones {
					ones[j] = 1
				}
			}
		}
		a := g.ap[pc*g.mp:]
		for ir := 0; ir < d.K; ir += mr {
			ap := a[ir*kc : ir*kc+mr*kc]
			rows := min(mr, d.K-ir)
			for q := 0; q < np; q++ {
				jr := j0 + q*nr
				g.tile(w, kc, ap, 0, w.b[q*nr*kc:(q+1)*nr*kc], c[ir*d.ohw+jr:], d.ohw, rows, min(nr, j1-jr), beta)
			}
		}
		beta = 1
	}
}

// unperm maps a row p' = (c·KW+kw)·KH+kh of the patch matrix in the order
// of the shifted images to its row (c·KH+kh)·KW+kw in P.
func (d *convDims) unperm(p int) int {
	c, r := p/d.khw, p%d.khw
	kw, kh := r/d.KH, r%d.KH
	return (c*d.KH+kh)*d.KW + kw
}

// shifted returns buf (grown) holding the C·KW shifted images of xs for
// Stride 1 and Pad 0: image (c, kw) is the H×OW matrix
//
//	S[(c·KW+kw)·H·OW + h·OW + o] = x[(c·H+h)·W + o+kw],
//
// followed by nr zeros. Row (c, kh, kw) of the patch matrix P is then the
// contiguous slice S[(c·KW+kw)·H·OW + kh·OW:][:OH·OW], so that a panel of P
// is KH-row runs of one stride (OW), copied by the packing kernel; S has
// C·KW·H·OW elements, about 1/KH of P's.
func shifted[T vec.Float](cp rowsFn[T], buf, xs []T, d *convDims, nr int) []T {
	n := d.C * d.KW * d.H * d.ow
	buf = grow(buf, n+nr)
	shiftedInto(cp, buf[:n], xs, d)
	clear(buf[n:])
	return buf
}

// shiftedInto writes the C·KW shifted images of xs (see shifted) to buf
// with the row-copy kernel cp, one call per channel (KW blocks of H rows
// of OW).
func shiftedInto[T vec.Float](cp rowsFn[T], buf, xs []T, d *convDims) {
	hw := d.H * d.ow
	for c := 0; c < d.C; c++ {
		cp(d.KW, 1, hw, d.H, d.ow, xs[c*d.hw:(c+1)*d.hw], d.W, buf[c*d.KW*hw:(c+1)*d.KW*hw], d.ow)
	}
}

// rowsFn is the type of the copyRows and addRows kernels for T.
type rowsFn[T vec.Float] func(m, sm, dm, n, w int, src []T, lds int, dst []T, ldd int)

// rowsOf returns the copyRows and addRows kernels of t for T.
func rowsOf[T vec.Float](t *asm.Table) (cp, add rowsFn[T]) {
	if cast.Is32[T]() {
		return *(*rowsFn[T])(unsafe.Pointer(&t.CopyRowsF32)), *(*rowsFn[T])(unsafe.Pointer(&t.AddRowsF32))
	}
	return *(*rowsFn[T])(unsafe.Pointer(&t.CopyRowsF64)), *(*rowsFn[T])(unsafe.Pointer(&t.AddRowsF64))
}

// packShifted packs rows [p0, p0+kc) (in the order of unperm) and the NR
// columns from j0 of the patch matrix into one panel, from the shifted
// images s (see shifted), with the packing kernel: a run of rows of one
// shifted image has stride OW. Columns past OH·OW hold other elements of s
// (the tile's columns past OH·OW are not stored).
func (g *convJob[T]) packShifted(dst, s []T, d *convDims, p0, kc, j0 int) {
	nr := g.nr
	hw := d.H * d.ow
	for p := p0; p < p0+kc; {
		img, kh := p/d.KH, p%d.KH // img = c·KW+kw
		n := min(d.KH-kh, p0+kc-p)
		g.packB(n, s[img*hw+kh*d.ow+j0:], d.ow, dst[(p-p0)*nr:(p-p0+n)*nr])
		p += n
	}
}

// packWeights packs w (K×C·KH·KW), with the bias as one more column if it
// is not nil, into MR-tall panels for k blocks of kcs: block pc (of kc
// columns) starts at dst[pc·MP], panel q at q·mr·kc within it, element (i,
// p) at p·mr + i; rows past K are zero.
//
// With perm, the columns are taken in the order of the shifted images
// (see shifted): packed column p is w's column d.unperm(p).
func packWeights[T vec.Float](dst []T, w *Dense[T], bias []T, kcs, mr int, perm bool, d *convDims) {
	kx, mp := w.Cols, (w.Rows+mr-1)/mr*mr
	if bias != nil {
		kx++
	}
	for pc := 0; pc < kx; pc += kcs {
		kc := min(kcs, kx-pc)
		blk := dst[pc*mp : pc*mp+mp*kc]
		clear(blk)
		for i := 0; i < w.Rows; i++ {
			q, r := i/mr, i%mr
			pn := blk[q*mr*kc : (q+1)*mr*kc]
			row := w.Data[i*w.Stride : i*w.Stride+w.Cols]
			for p := 0; p < kc; p++ {
				if pc+p < w.Cols {
					col := pc + p
					if perm {
						col = d.unperm(col)
					}
					pn[p*mr+r] = row[col]
				} else {
					pn[p*mr+r] = bias[i]
				}
			}
		}
	}
}

// packPatches packs the patch matrix P (C·KH·KW × OH·OW) of the image xs,
// rows [p0, p0+kc) and columns [j0, j1) (j1−j0 ≤ nr), into one NR-wide
// panel: dst[(p−p0)·nr + j−j0] = P[p][j], columns past j1 zero. P[p][j] is
// x[(c·H+h)·W+v], p = (c·KH+kh)·KW+kw, j = i·OW+o, h = i·S−Pad+kh,
// v = o·S−Pad+kw, or 0 outside the image. A panel row is made of runs
// along one output row i, copied whole when Stride is 1.
func packPatches[T vec.Float](dst, xs []T, d *convDims, p0, kc, j0, j1, nr int) {
	c, kh, kw := p0/d.khw, p0%d.khw/d.KW, p0%d.KW
	s := d.Stride
	if d.Pad == 0 && s == 1 {
		packPatchesUnpadded(dst, xs, d, c, kh, kw, kc, j0, j1, nr)
		return
	}
	for p := 0; p < kc; p++ {
		row := dst[p*nr : p*nr+nr]
		i, o := j0/d.ow, j0%d.ow
		for off := 0; off < j1-j0; {
			n := min(d.ow-o, j1-j0-off)
			r := row[off : off+n]
			h := i*s - d.Pad + kh
			if h < 0 || h >= d.H {
				clear(r)
			} else {
				src := xs[c*d.hw+h*d.W : c*d.hw+h*d.W+d.W]
				v0 := o*s - d.Pad + kw // column of r[0]
				lo, hi := inside(v0, n, s, d.W)
				clear(r[:lo])
				if s == 1 && lo < hi {
					copy(r[lo:hi], src[v0+lo:v0+hi])
				} else {
					for e := lo; e < hi; e++ {
						r[e] = src[v0+e*s]
					}
				}
				clear(r[hi:])
			}
			off += n
			i, o = i+1, 0
		}
		clear(row[j1-j0:])
		if kw++; kw == d.KW {
			kw = 0
			if kh++; kh == d.KH {
				kh, c = 0, c+1
			}
		}
	}
}

// packPatchesUnpadded is packPatches for Stride 1 and Pad 0, where every
// window lies inside the image: the panel's runs (one per output row) are
// found once, then copied for every row p of the panel from the image at
// the offset of (c, kh, kw).
func packPatchesUnpadded[T vec.Float](dst, xs []T, d *convDims, c, kh, kw, kc, j0, j1, nr int) {
	type run struct{ src, dst, n int }
	var runs [64]run // a run has ≥ 1 column, a panel ≤ 64
	nrun := 0
	i, o := j0/d.ow, j0%d.ow
	for off := 0; off < j1-j0; nrun++ {
		n := min(d.ow-o, j1-j0-off)
		runs[nrun] = run{i*d.W + o, off, n}
		off += n
		i, o = i+1, 0
	}
	rs := runs[:nrun]
	for p := 0; p < kc; p++ {
		row := dst[p*nr : p*nr+nr]
		src := xs[c*d.hw+kh*d.W+kw:]
		for _, r := range rs {
			dr := row[r.dst : r.dst+r.n]
			sr := src[r.src : r.src+r.n]
			if len(dr) >= 16 {
				copy(dr, sr)
				continue
			}
			sr = sr[:len(dr)]
			for e := range dr {
				dr[e] = sr[e]
			}
		}
		clear(row[j1-j0:])
		if kw++; kw == d.KW {
			kw = 0
			if kh++; kh == d.KH {
				kh, c = 0, c+1
			}
		}
	}
}

// inside returns the e in [lo, hi) ⊆ [0, n) for which 0 ≤ v0+e·s < w
// (lo == hi if none).
func inside(v0, n, s, w int) (lo, hi int) {
	if v0 < 0 {
		lo = (-v0 + s - 1) / s
	}
	if v0 < w {
		hi = min(n, (w-1-v0)/s+1)
	}
	return min(lo, n), max(min(lo, n), hi)
}

// gradInput computes image n's dx for channels [c0, c1): G = wᵀ·dy_n for
// the rows of those channels, NC columns at a time, each block added into
// dx (col2im) in a fixed order.
func (g *convJob[T]) gradInput(w *work[T], n, c0, c1 int) {
	d, mr, nr, bl := &g.d, g.mr, g.nr, g.bl
	dys := g.in.Data[n*g.in.Stride : n*g.in.Stride+d.kow]
	dx := g.out.Data[n*g.out.Stride : n*g.out.Stride+d.chw]
	clear(dx[c0*d.hw : c1*d.hw])
	r0, m := c0*d.khw, (c1-c0)*d.khw // rows of G: [r0, r0+m)
	mp := (m + mr - 1) / mr * mr
	kcs := balancedKC(d.K, bl.kc)
	// A = wᵀ rows [r0, r0+m), all K columns, packed for every k block.
	w.a = grow(w.a, mp*d.K)
	for pc := 0; pc < d.K; pc += kcs {
		kc := min(kcs, d.K-pc)
		packA(w.a[pc*mp:], g.a, true, r0, m, pc, kc, mr)
	}
	ncs := min(bl.nc, (d.ohw+nr-1)/nr*nr)
	w.b = grow(w.b, ncs*kcs)
	w.v = grow(w.v, m*ncs)
	dyM := Dense[T]{Rows: d.K, Cols: d.ohw, Stride: d.ohw, Data: dys}
	for jc := 0; jc < d.ohw; jc += ncs {
		nc := min(ncs, d.ohw-jc)
		gb := w.v[:m*nc]
		beta := T(0)
		for pc := 0; pc < d.K; pc += kcs {
			kc := min(kcs, d.K-pc)
			full := nc / nr
			for q := 0; q < full; q++ {
				g.packB(kc, dys[pc*d.ohw+jc+q*nr:], d.ohw, w.b[q*nr*kc:(q+1)*nr*kc])
			}
			packB(w.b[full*nr*kc:], &dyM, false, pc, kc, jc+full*nr, nc-full*nr, nr)
			a := w.a[pc*mp:]
			for ir := 0; ir < m; ir += mr {
				ap := a[ir*kc : ir*kc+mr*kc]
				rows := min(mr, m-ir)
				for jr := 0; jr < nc; jr += nr {
					g.tile(w, kc, ap, 0, w.b[jr*kc:jr*kc+nr*kc], gb[ir*nc+jr:], nc, rows, min(nr, nc-jr), beta)
				}
			}
			beta = 1
		}
		col2im(dx, gb, d, c0, c1, jc, nc)
	}
}

// prepGradInShift sets the channel groups of gradInputShift (their
// accumulators, KW shifted images per channel, within a quarter of the L2)
// and packs wᵀ once for all tasks: for group gi and kernel row kh, the rows
// (c, kw) of the group (c·KW+kw in order) in MR-tall panels, every k block
// (of kcs columns of K) at block offset pc·mpg, at g.ap[(gi·KH+kh)·mpg·K:],
// where mpg is a group's KW·cg rows rounded up to MR.
func (g *convJob[T]) prepGradInShift(w *Dense[T]) {
	d, mr := &g.d, g.mr
	var z T
	g.cg = clamp(cacheL2/4/int(unsafe.Sizeof(z))/(d.KW*d.H*d.ow), 1, d.C)
	g.kcs = balancedKC(d.K, g.bl.kc)
	g.mp = (g.cg*d.KW + mr - 1) / mr * mr
	ng := (d.C + g.cg - 1) / g.cg
	g.ap = grow(g.ap, ng*d.KH*g.mp*d.K)
	clear(g.ap)
	for gi := 0; gi < ng; gi++ {
		c0, c1 := gi*g.cg, min(gi*g.cg+g.cg, d.C)
		for kh := 0; kh < d.KH; kh++ {
			a := g.ap[(gi*d.KH+kh)*g.mp*d.K:]
			for pc := 0; pc < d.K; pc += g.kcs {
				kc := min(g.kcs, d.K-pc)
				blk := a[pc*g.mp:]
				for r := 0; r < (c1-c0)*d.KW; r++ {
					c, kw := c0+r/d.KW, r%d.KW
					col := (c*d.KH+kh)*d.KW + kw
					pn := blk[r/mr*mr*kc:]
					for p := 0; p < kc; p++ {
						pn[p*mr+r%mr] = w.Data[(pc+p)*w.Stride+col]
					}
				}
			}
		}
	}
}

// gradInputShift is gradInput for Stride 1 and Pad 0. Row (c, kh, kw) of
// G = wᵀ·dy_n is added into the accumulator of the shifted image (c, kw)
// (see shifted), at offset kh·OW, where its OH·OW columns are contiguous:
// the micro-kernel adds it there itself (beta = 1), the rows (c, kw) of one
// kh making up its tiles (rows OH·OW apart, none overlapping). Then dx is
// the sum of the shifted accumulators, kw in order. Each dx element is
// the sum, kh then kw in order, of its G elements.
func (g *convJob[T]) gradInputShift(w *work[T], n, c0, c1 int) {
	d, mr, nr := &g.d, g.mr, g.nr
	dys := g.in.Data[n*g.in.Stride : n*g.in.Stride+d.kow]
	dx := g.out.Data[n*g.out.Stride : n*g.out.Stride+d.chw]
	hw := d.H * d.ow
	m := (c1 - c0) * d.KW
	w.x = grow(w.x, m*hw)
	acc := w.x
	clear(acc)
	full := d.ohw / nr * nr
	w.b = grow(w.b, nr*g.kcs)
	dyM := Dense[T]{Rows: d.K, Cols: d.ohw, Stride: d.ohw, Data: dys}
	a0 := g.ap[(c0/g.cg*d.KH)*g.mp*d.K:]
	for kh := 0; kh < d.KH; kh++ {
		a := a0[kh*g.mp*d.K:]
		for pc := 0; pc < d.K; pc += g.kcs {
			kc := min(g.kcs, d.K-pc)
			if full < d.ohw {
				packB(w.b, &dyM, false, pc, kc, full, d.ohw-full, nr)
			}
			for ir := 0; ir < m; ir += mr {
				ap := a[pc*g.mp+ir*kc : pc*g.mp+ir*kc+mr*kc]
				rows := min(mr, m-ir)
				c := acc[ir*hw+kh*d.ow:]
				for jr := 0; jr < d.ohw; jr += nr {
					if jr < full {
						bp := dys[pc*d.ohw+jr:]
						if rows == mr {
							g.gemm(kc, ap, 0, bp, d.ohw, c[jr:], hw, 1, 1)
						} else {
							g.gemm(kc, ap, 0, bp, d.ohw, w.tmp, nr, 1, 0)
							merge(c[jr:], hw, w.tmp, nr, rows, nr, 1)
						}
						continue
					}
					g.tile(w, kc, ap, 0, w.b[:nr*kc], c[jr:], hw, rows, d.ohw-jr, 1)
				}
			}
		}
	}
	for c := c0; c < c1; c++ {
		dc := dx[c*d.hw : c*d.hw+d.hw]
		clear(dc)
		g.addRows(d.KW, hw, 1, d.H, d.ow, acc[(c-c0)*d.KW*hw:(c-c0+1)*d.KW*hw], d.ow, dc, d.W)
	}
}

// addRun adds src[:len(dst)] into dst.
func addRun[T vec.Float](dst, src []T) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// col2im adds the block gb of G (rows of channels [c0, c1), columns
// [j0, j0+nc) of OH·OW, row stride nc) into the image dx: G's element
// ((c·KH+kh)·KW+kw, i·OW+o) goes to dx[(c·H+h)·W+v], h = i·S−Pad+kh,
// v = o·S−Pad+kw, if inside the image. Order: c, kh, kw, then j.
func col2im[T vec.Float](dx, gb []T, d *convDims, c0, c1, j0, nc int) {
	s := d.Stride
	if s == 1 && d.Pad == 0 {
		col2imUnpadded(dx, gb, d, c0, c1, j0, nc)
		return
	}
	for c := c0; c < c1; c++ {
		for kh := 0; kh < d.KH; kh++ {
			for kw := 0; kw < d.KW; kw++ {
				r := ((c-c0)*d.KH+kh)*d.KW + kw
				gr := gb[r*nc : r*nc+nc]
				i, o := j0/d.ow, j0%d.ow
				for off := 0; off < nc; {
					n := min(d.ow-o, nc-off)
					if h := i*s - d.Pad + kh; h >= 0 && h < d.H {
						dst := dx[c*d.hw+h*d.W : c*d.hw+h*d.W+d.W]
						v0 := o*s - d.Pad + kw
						lo, hi := inside(v0, n, s, d.W)
						src := gr[off : off+n]
						if s == 1 && lo < hi {
							dd := dst[v0+lo : v0+hi]
							ss := src[lo:hi]
							ss = ss[:len(dd)]
							for e := range dd {
								dd[e] += ss[e]
							}
						} else {
							for e := lo; e < hi; e++ {
								dst[v0+e*s] += src[e]
							}
						}
					}
					off += n
					i, o = i+1, 0
				}
			}
		}
	}
}

// col2imUnpadded is col2im for Stride 1 and Pad 0: every window lies
// inside the image, so no run needs clipping.
func col2imUnpadded[T vec.Float](dx, gb []T, d *convDims, c0, c1, j0, nc int) {
	for c := c0; c < c1; c++ {
		for kh := 0; kh < d.KH; kh++ {
			for kw := 0; kw < d.KW; kw++ {
				r := ((c-c0)*d.KH+kh)*d.KW + kw
				gr := gb[r*nc : r*nc+nc]
				dst := dx[c*d.hw+kh*d.W+kw:]
				i, o := j0/d.ow, j0%d.ow
				for off := 0; off < nc; {
					n := min(d.ow-o, nc-off)
					dd := dst[i*d.W+o : i*d.W+o+n]
					ss := gr[off : off+n]
					ss = ss[:len(dd)]
					for e := range dd {
						dd[e] += ss[e]
					}
					off += n
					i, o = i+1, 0
				}
			}
		}
	}
}

// gradWeight adds into dw's columns [q0, q1) (one NR-wide panel, all K
// rows) the products dy_n·P_nᵀ of every image n in order, in k blocks of
// OH·OW. A = dy_n is read in place (whole MR-row panels) or packed.
func (g *convJob[T]) gradWeight(w *work[T], q0, q1 int) {
	d, mr, nr := &g.d, g.mr, g.nr
	dw := g.out.Data
	dws := g.out.Stride
	kcs := balancedKC(d.ohw, g.bl.kc)
	w.b = grow(w.b, nr*kcs)
	full := d.K / mr * mr
	w.a = grow(w.a, mr*kcs)
	for n := 0; n < g.in.Rows; n++ {
		xs := g.in.Data[n*g.in.Stride : n*g.in.Stride+d.chw]
		dyM := Dense[T]{Rows: d.K, Cols: d.ohw, Stride: d.ohw, Data: g.a.Data[n*g.a.Stride : n*g.a.Stride+d.kow]}
		for pc := 0; pc < d.ohw; pc += kcs {
			kc := min(kcs, d.ohw-pc)
			bp := w.b[:nr*kc]
			packPatchesT(bp, xs, d, pc, kc, q0, q1, nr)
			for ir := 0; ir < d.K; ir += mr {
				ap, lda := dyM.Data[ir*d.ohw+pc:], d.ohw
				if ir >= full {
					ap, lda = w.a[:mr*kc], 0
					packA(ap, &dyM, false, ir, d.K-ir, pc, kc, mr)
				}
				g.tile(w, kc, ap, lda, bp, dw[ir*dws+q0:], dws, min(mr, d.K-ir), q1-q0, 1)
			}
		}
	}
}

// gradWeightRows is gradWeight for Stride 1 and Pad 0 and the panels
// [t0, t1) of dw's columns: for a few panels at a time (their rows of the
// patch matrix P within a quarter of the L2), image by image, it copies
// those rows of P_n (runs of OW, contiguous in x) and packs each panel of
// P_nᵀ with the transposing packing kernel. Each dw element gets the same
// sums, in the same order, as from gradWeight.
func (g *convJob[T]) gradWeightRows(w *work[T], t0, t1 int) {
	d, mr, nr := &g.d, g.mr, g.nr
	var z T
	dw, dws := g.out.Data, g.out.Stride
	kcs := balancedKC(d.ohw, g.bl.kc)
	w.b = grow(w.b, nr*kcs)
	w.a = grow(w.a, mr*kcs)
	full := d.K / mr * mr
	step := max(1, cacheL2/4/int(unsafe.Sizeof(z))/(nr*d.ohw))
	for c0 := t0; c0 < t1; c0 += step {
		c1 := min(c0+step, t1)
		q0, q1 := c0*nr, min(c1*nr, d.ckk)
		w.v = grow(w.v, (c1-c0)*nr*d.ohw)
		pm := w.v
		clear(pm[(q1-q0)*d.ohw:]) // rows past C·KH·KW
		for n := 0; n < g.in.Rows; n++ {
			xs := g.in.Data[n*g.in.Stride : n*g.in.Stride+d.chw]
			for q := q0; q < q1; q++ {
				c, kh, kw := q/d.khw, q%d.khw/d.KW, q%d.KW
				row := pm[(q-q0)*d.ohw : (q-q0+1)*d.ohw]
				src := xs[c*d.hw+kh*d.W+kw:]
				g.copyRows(1, 0, 0, d.oh, d.ow, src, d.W, row, d.ow)
			}
			dyM := Dense[T]{Rows: d.K, Cols: d.ohw, Stride: d.ohw, Data: g.a.Data[n*g.a.Stride : n*g.a.Stride+d.kow]}
			for pc := 0; pc < d.ohw; pc += kcs {
				kc := min(kcs, d.ohw-pc)
				for qp := q0; qp < q1; qp += nr {
					bp := w.b[:nr*kc]
					g.packBT(kc, pm[(qp-q0)*d.ohw+pc:], d.ohw, bp)
					cols := min(nr, q1-qp)
					for ir := 0; ir < d.K; ir += mr {
						ap, lda := dyM.Data[ir*d.ohw+pc:], d.ohw
						if ir >= full {
							ap, lda = w.a[:mr*kc], 0
							packA(ap, &dyM, false, ir, d.K-ir, pc, kc, mr)
						}
						g.tile(w, kc, ap, lda, bp, dw[ir*dws+qp:], dws, min(mr, d.K-ir), cols, 1)
					}
				}
			}
		}
	}
}

// dotMR×dotNR is the tile of the dotTile kernel.
const dotMR, dotNR = kconst.DotMR, kconst.DotNR

// dotFn is the type of the dotTile kernel of gen/spec/mat.go for T.
type dotFn[T vec.Float] func(n, k int, a []T, aoff []int, sa int, b []T, boff []int, sb int, c []T, ldc int, db []T)

// dotOf returns the dotTile kernel of t for T and its lanes (0: the
// generic loop, which conv does not use).
func dotOf[T vec.Float](t *asm.Table) (dotFn[T], int) {
	if cast.Is32[T]() {
		return *(*dotFn[T])(unsafe.Pointer(&t.DotTileF32)), t.DotTileLanesF32()
	}
	return *(*dotFn[T])(unsafe.Pointer(&t.DotTileF64)), t.DotTileLanesF64()
}

// gradWeightDot is gradWeight for Stride 1 and Pad 0 on the dotTile
// kernel, for groups of images, every tile of dw for each (tile t: rows
// [4·(t mod nkb), +4) and columns [5·(t div nkb), +5), nkb = ⌈K/4⌉, or q
// inner: rows [4·(t div nqb), +4), columns [5·(t mod nqb), +5)). Row q = (c·KH+kh)·KW+kw
// of the patch matrix P_n is the contiguous slice of OH·OW elements at
// (c·KW+kw)·H·OW + kh·OW of the shifted images of x_n (see shifted), and
// row k of dy_n is contiguous too: dw[k][q] is the dot product of the two,
// summed over the images. The images go in fixed groups of g.grp (their
// shifted images built once per group); the tiles of the first column
// block also sum their rows of dy into db (in the kernel, on the add
// pipes); per group and tile the kernel
// sums each element's terms in vector lanes, images then positions in
// order, adds the lanes as a tree and the sum into dw. A tile past K or
// C·KH·KW repeats its last row and goes through a temporary tile.
// prepGradWeightDot sets the tile order and the group size of
// gradWeightDot and the offsets of P's rows. Per image, the tiles of one
// column block of dw (k inner) read DotNR rows of P_n and all of dy_n; the
// tiles of one row block (q inner) DotMR rows of dy_n and all the shifted
// images. The order with the smaller such set is taken, and the group is
// as many images as fit that set in half the L1, but at least enough for
// 64 vector steps per call (the lanes' trees and the update of dw
// amortized), and at most a third of the L2 of shifted images and dy; the
// ⌈N/G⌉ groups are then balanced (sizes within one). Measured (Zen 5,
// AVX-512 f32, one thread, best of 100), with the lanes of the tile added
// all at once in the kernel: conv2 of the MNIST CNN (4 steps an image, 38
// KB of shifted images and dy) at G = 4, 6, 8, 10, 12, 16, 32: 153, 161,
// 168, 165, 160, 153, 108 GFLOPS (this rule: 8); conv1 (36 steps) at G = 1,
// 2, 4: 170, 177, 118 (this rule: 2).
func (g *convJob[T]) prepGradWeightDot(lanes int) {
	d := &g.d
	var z T
	size := int(unsafe.Sizeof(z))
	sz := d.C * d.KW * d.H * d.ow
	kIn, qIn := dotNR*d.ohw+d.kow, dotMR*d.ohw+sz
	g.qInner = qIn < kIn
	set := min(kIn, qIn) * size
	steps := (d.ohw + lanes - 1) / lanes
	g.grp = clamp(max(cacheL1/2/set, (64+steps-1)/steps), 1, max(1, cacheL2/3/((sz+d.kow)*size)))
	g.grp = min(g.grp, g.in.Rows)
	ng := (g.in.Rows + g.grp - 1) / g.grp
	g.grp = (g.in.Rows + ng - 1) / ng
	if tinyBlocks {
		g.grp = min(2, g.in.Rows)
	}
	g.ngrp = (g.in.Rows + g.grp - 1) / g.grp
	g.setQoff(false)
}

// setQoff sets g.qoff[q] to the offset of row q of the patch matrix in
// the shifted images (see shifted), plus, with one, a last row at C·KW·H·OW
// (where forwardInd keeps a row of ones for the bias).
func (g *convJob[T]) setQoff(one bool) {
	d := &g.d
	n := d.ckk
	if one {
		n++
	}
	if cap(g.qoff) < n {
		g.qoff = make([]int, n)
	}
	g.qoff = g.qoff[:n]
	for q := 0; q < d.ckk; q++ {
		c, kh, kw := q/d.khw, q%d.khw/d.KW, q%d.KW
		g.qoff[q] = (c*d.KW+kw)*d.H*d.ow + kh*d.ow
	}
	if one {
		g.qoff[d.ckk] = d.C * d.KW * d.H * d.ow
	}
}

// indFn is the type of the gemmInd kernel of gen/spec/mat.go for T.
type indFn[T vec.Float] func(k int, a, b []T, boff []int, c []T, ldc int, beta T)

func gemmIndOf[T vec.Float](t *asm.Table) indFn[T] {
	if cast.Is32[T]() {
		return *(*indFn[T])(unsafe.Pointer(&t.GemmIndF32))
	}
	return *(*indFn[T])(unsafe.Pointer(&t.GemmIndF64))
}

func gemmInd8Of[T vec.Float](t *asm.Table) indFn[T] {
	if cast.Is32[T]() {
		return *(*indFn[T])(unsafe.Pointer(&t.GemmInd8F32))
	}
	return *(*indFn[T])(unsafe.Pointer(&t.GemmInd8F64))
}

// tileFill is the share of the m×n tiles' elements that lie in an m×n
// matrix.
func tileFill(m, n, mr, nr int) float64 {
	return float64(m*n) / float64((m+mr-1)/mr*mr*((n+nr-1)/nr*nr))
}

// forwardInd is forward for Stride 1 and Pad 0 on the gemmInd kernel: the
// rows of the patch matrix are read where they lie in the shifted images of
// x_n (row q at g.qoff[q], the bias row of ones after them), so nothing is
// packed but the weights (once per call). The tiles and the k blocks are
// those of forward; the terms are summed in the order of P's rows.
func (g *convJob[T]) forwardInd(w *work[T], n, j0, j1 int) {
	d, mr, nr := &g.d, g.mr, g.nr
	xs := g.in.Data[n*g.in.Stride : n*g.in.Stride+d.chw]
	c := g.out.Data[n*g.out.Stride : n*g.out.Stride+d.kow]
	sz := d.C * d.KW * d.H * d.ow
	// the shifted images, a row of ones, and room for the columns of a
	// last tile past OH·OW (read, not stored)
	w.x = grow(w.x, sz+d.ohw+nr)
	shiftedInto(g.copyRows, w.x[:sz], xs, d)
	if g.bias != nil {
		ones := w.x[sz+j0 : sz+min(j1+nr, d.ohw+nr)] // what the tiles read
		for i := range ones {
			ones[i] = 1
		}
	}
	beta := T(0)
	for pc := 0; pc < g.kx; pc += g.kcs {
		kc := min(g.kcs, g.kx-pc)
		a := g.ap[pc*g.mp:]
		offs := g.qoff[pc : pc+kc]
		for ir := 0; ir < d.K; ir += mr {
			ap := a[ir*kc : ir*kc+mr*kc]
			rows := min(mr, d.K-ir)
			for jr := j0; jr < j1; jr += nr {
				cols := min(nr, j1-jr)
				co := c[ir*d.ohw+jr:]
				if rows == mr && cols == nr {
					g.gemmInd(kc, ap, w.x[jr:], offs, co, d.ohw, beta)
					continue
				}
				g.gemmInd(kc, ap, w.x[jr:], offs, w.tmp, nr, 0)
				merge(co, d.ohw, w.tmp, nr, rows, cols, beta)
			}
		}
		beta = 1
	}
}

// offStride is the distance of two parts' offsets in convJob.offs: more
// than a cache line between them, or the parts, which rewrite them for
// every tile, would take the line from each other's core (measured on the
// MNIST conv2, two threads on Zen 5: no faster than one).
const offStride = dotMR + dotNR + 128/8

// gradWeightDot runs the groups [j0, j1) of images (group j: images
// [j·G, min((j+1)·G, N))) through every tile of dw. One part doing every
// group adds each group's sums into dw and db, in group order; with sums,
// each group's go to its own block of g.sums (started at −0, so that the
// block holds the sums themselves, signed zeros included), which
// reduceSums then adds into dw and db in group order: the same additions
// in the same order, the same bits for any number of parts. Splitting by
// groups, not tiles, builds each image's shifted images once and keeps an
// image's rows of dy on the core that computed them.
func (g *convJob[T]) gradWeightDot(w *work[T], offs []int, j0, j1 int, sums bool) {
	d := &g.d
	n := g.in.Rows
	nkb, nqb := (d.K+dotMR-1)/dotMR, (d.ckk+dotNR-1)/dotNR
	sz := d.C * d.KW * d.H * d.ow // one image's shifted images
	dy := g.a
	w.x = grow(w.x, g.grp*sz)
	w.tmp = grow(w.tmp, dotMR*dotNR+dotMR)
	dbt := w.tmp[dotMR*dotNR:] // the bias sums of a partial tile
	aoff, boff := offs[:dotMR], offs[dotMR:dotMR+dotNR]
	var negZero T
	negZero = -negZero
	for j := j0; j < j1; j++ {
		n0 := j * g.grp
		ng := min(g.grp, n-n0)
		dw, dws, dbAll := g.out.Data, g.out.Stride, g.db
		if sums {
			blk := g.sums[j*(d.K*d.ckk+d.K) : (j+1)*(d.K*d.ckk+d.K)]
			blk[0] = negZero
			for i := 1; i < len(blk); i *= 2 {
				copy(blk[i:], blk[:i])
			}
			dw, dws = blk[:d.K*d.ckk], d.ckk
			if g.db != nil {
				dbAll = blk[d.K*d.ckk:]
			}
		}
		for i := 0; i < ng; i++ {
			xs := g.in.Data[(n0+i)*g.in.Stride : (n0+i)*g.in.Stride+d.chw]
			shiftedInto(g.copyRows, w.x[i*sz:(i+1)*sz], xs, d)
		}
		a := dy.Data[n0*dy.Stride:]
		for t := 0; t < nkb*nqb; t++ {
			k0, q0 := t%nkb*dotMR, t/nkb*dotNR
			if g.qInner {
				k0, q0 = t/nqb*dotMR, t%nqb*dotNR
			}
			rows, cols := min(dotMR, d.K-k0), min(dotNR, d.ckk-q0)
			for i := range aoff {
				aoff[i] = (k0 + min(i, rows-1)) * d.ohw
			}
			for j := range boff {
				boff[j] = g.qoff[q0+min(j, cols-1)]
			}
			// the tiles of the first column block sum the bias
			// gradients of their rows too
			var db []T
			if q0 == 0 && dbAll != nil {
				db = dbAll[k0 : k0+rows]
				if rows < dotMR {
					db = dbt
					clear(db)
				}
			}
			c := dw[k0*dws+q0:]
			if rows == dotMR && cols == dotNR {
				g.dot(ng, d.ohw, a, aoff, dy.Stride, w.x, boff, sz, c, dws, db)
				continue
			}
			tmp := w.tmp[:dotMR*dotNR]
			clear(tmp)
			g.dot(ng, d.ohw, a, aoff, dy.Stride, w.x, boff, sz, tmp, dotNR, db)
			for i := 0; i < rows; i++ {
				addRun(c[i*dws:i*dws+cols], tmp[i*dotNR:])
			}
			if q0 == 0 && dbAll != nil && rows < dotMR {
				addRun(dbAll[k0:k0+rows], dbt)
			}
		}
	}
}

// reduceSums is part i of adding the groups' sums of gradWeightDot into
// dw and db, group by group: rows [i·K/P, (i+1)·K/P) of dw and those
// elements of db.
func (g *convJob[T]) reduceSums(i int) {
	d := &g.d
	k0, k1 := par.Band(i, g.nparts, d.K)
	blk := d.K*d.ckk + d.K
	for k := k0; k < k1; k++ {
		row := g.out.Data[k*g.out.Stride : k*g.out.Stride+d.ckk]
		for j := 0; j < g.ngrp; j++ {
			vec.Add(row, row, g.sums[j*blk+k*d.ckk:][:d.ckk])
		}
	}
	if g.db != nil {
		for j := 0; j < g.ngrp; j++ {
			addRun(g.db[k0:k1], g.sums[j*blk+d.K*d.ckk+k0:])
		}
	}
}

// packPatchesT packs Pᵀ (OH·OW × C·KH·KW) of the image xs, rows [j0, j0+kc)
// and columns [q0, q1) (q1−q0 ≤ nr), into one NR-wide panel:
// dst[(j−j0)·nr + q−q0] = P[q][j] (see packPatches), columns past q1 zero.
func packPatchesT[T vec.Float](dst, xs []T, d *convDims, j0, kc, q0, q1, nr int) {
	// the panel's columns: offset of x[c][kh][kw] in the image, and kh, kw
	var offs, khs, kws [64]int
	nq := q1 - q0
	for e := 0; e < nq; e++ {
		q := q0 + e
		c, kh, kw := q/d.khw, q%d.khw/d.KW, q%d.KW
		offs[e], khs[e], kws[e] = c*d.hw+kh*d.W+kw, kh, kw
	}
	offq := offs[:nq]
	s := d.Stride
	i, o := j0/d.ow, j0%d.ow
	for j := 0; j < kc; j++ {
		row := dst[j*nr : j*nr+nr]
		r := row[:nq]
		h0, v0 := i*s-d.Pad, o*s-d.Pad // top left of the window
		if h0 >= 0 && h0+d.KH <= d.H && v0 >= 0 && v0+d.KW <= d.W {
			src := xs[h0*d.W+v0:]
			for e, off := range offq {
				r[e] = src[off]
			}
		} else {
			for e := range r {
				h, v := h0+khs[e], v0+kws[e]
				if h >= 0 && h < d.H && v >= 0 && v < d.W {
					r[e] = xs[offs[e]+h0*d.W+v0]
				} else {
					r[e] = 0
				}
			}
		}
		clear(row[nq:])
		if o++; o == d.ow {
			i, o = i+1, 0
		}
	}
}

// convBiasGrad adds to db the sums of dy's rows of each filter: db[k] +=
// Σ_n Sum(dy[n][k·OH·OW : (k+1)·OH·OW]), images in order.
func convBiasGrad[T vec.Float](t *asm.Table, db []T, dy *Dense[T], d convDims) {
	for n := 0; n < dy.Rows; n++ {
		r := dy.Data[n*dy.Stride : n*dy.Stride+d.kow]
		for k := range db {
			db[k] += sumRow(t, r[k*d.ohw:(k+1)*d.ohw])
		}
	}
}

func sumRow[T vec.Float](k *asm.Table, x []T) T {
	if cast.Is32[T]() {
		return T(k.SumF32(cast.F32(x)))
	}
	return T(k.SumF64(cast.F64(x)))
}
