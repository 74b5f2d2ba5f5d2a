package mat

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/internal/par"
	"github.com/lanes-go/lanes/vec"
)

// PoolShape describes 2-D max pooling of C×H×W images (NCHW rows, as
// Conv2D's) with KH×KW windows moved by Stride in both directions; Stride
// 0 means the window size (KH down, KW across), PyTorch's default. There is
// no padding, and windows that would cross the bottom or right edge are
// dropped (PyTorch's ceil_mode=False), so the output is C×OH×OW with
//
//	OH = (H−KH)/SH + 1,  OW = (W−KW)/SW + 1   (SH, SW the strides).
type PoolShape struct{ C, H, W, KH, KW, Stride int }

// Out returns OH and OW (see PoolShape). It panics if s is not valid.
func (s PoolShape) Out() (oh, ow int) {
	s.check("PoolShape.Out")
	sh, sw := s.strides()
	return (s.H-s.KH)/sh + 1, (s.W-s.KW)/sw + 1
}

func (s PoolShape) strides() (sh, sw int) {
	if s.Stride == 0 {
		return s.KH, s.KW
	}
	return s.Stride, s.Stride
}

func (s PoolShape) check(fn string) {
	if s.C < 1 || s.H < 1 || s.W < 1 || s.KH < 1 || s.KW < 1 || s.Stride < 0 || s.KH > s.H || s.KW > s.W ||
		s.H*s.W > math.MaxInt32 {
		panic(fmt.Sprintf("mat.%s: invalid %+v: want C, H, W, KH, KW ≥ 1, Stride ≥ 0, KH ≤ H, KW ≤ W, H·W < 2³¹", fn, s))
	}
}

// MaxPool2D sets dst to the maxima of the windows of the images x and idx
// to their positions, for MaxPool2DGrad:
//
//	dst[n][(c·OH+i)·OW+j] = max of x[n][(c·H+h)·W+v]
//	                        over h in [i·SH, i·SH+KH), v in [j·SW, j·SW+KW)
//	idx[(n·C+c)·OH·OW + i·OW+j] = h·W+v of that maximum
//	                        (the index within the channel's H×W plane, as PyTorch)
//
// As PyTorch: the window is scanned row by row; the first of equal maxima
// wins; a NaN wins over any number, and the last NaN of the window is the
// one recorded (so NaN propagates); a window of −Inf gives −Inf at its
// first position. x is N×(C·H·W), dst N×(C·OH·OW) (not read), len(idx) =
// N·C·OH·OW. It panics, before writing anything, if a shape does not agree
// with s or dst shares memory with x.
func MaxPool2D[T vec.Float](dst *Dense[T], idx []int32, x *Dense[T], s PoolShape) {
	const fn = "MaxPool2D"
	s.check(fn)
	oh, ow := s.Out()
	dst.valid(fn, "dst")
	x.valid(fn, "x")
	chw, cout := s.C*s.H*s.W, s.C*oh*ow
	if x.Cols != chw {
		panic(fmt.Sprintf("mat.%s: x is %d×%d, want N×(C·H·W) = N×%d", fn, x.Rows, x.Cols, chw))
	}
	if dst.Rows != x.Rows || dst.Cols != cout {
		panic(fmt.Sprintf("mat.%s: dst is %d×%d, want N×(C·OH·OW) = %d×%d", fn, dst.Rows, dst.Cols, x.Rows, cout))
	}
	if len(idx) != x.Rows*cout {
		panic(fmt.Sprintf("mat.%s: len(idx)=%d, want N·C·OH·OW = %d", fn, len(idx), x.Rows*cout))
	}
	noShare(fn, "dst", dst, "x", x)
	poolRun(asm.Current(), Threads(), false, dst, idx, x, s, false)
}

// minPoolWork is the fewest input elements worth a part of their own in a
// pooling call (splitting costs a few µs; the kernels pool tens of
// elements per ns). Tests lower it to split small calls.
var minPoolWork = 1 << 16

// poolJob is one MaxPool2D or MaxPool2DGrad call split by images over the
// worker pool: each part pools whole images, so the result does not
// depend on the number of parts.
type poolJob[T vec.Float] struct {
	fan           par.Fan
	k             *asm.Table
	grad, generic bool
	out, in       *Dense[T] // dst and x, or dx and dy
	idx           []int32
	s             PoolShape
	nparts        int
	check         bool  // MaxPool2DGrad's first pass: the indices are checked
	bad           []int // per part: the first index outside the plane, or −1
}

func (j *poolJob[T]) RunPart(i int) {
	n := j.in.Rows
	n0, n1 := par.Band(i, j.nparts, n)
	if j.check {
		oh, ow := j.s.Out()
		cout := j.s.C * oh * ow
		j.bad[i] = j.k.IndexOutside(j.idx[n0*cout:n1*cout], j.s.H*j.s.W)
		if j.bad[i] >= 0 {
			j.bad[i] += n0 * cout
		}
		return
	}
	if j.grad {
		maxPool2DGrad(j.k, j.out, j.in, j.idx, j.s, j.generic, n0, n1)
	} else {
		maxPool2D(j.k, j.out, j.idx, j.in, j.s, j.generic, n0, n1)
	}
}

var (
	poolJobs32 freeList[poolJob[float32]]
	poolJobs64 freeList[poolJob[float64]]
)

func poolJobs[T vec.Float]() *freeList[poolJob[T]] {
	if x, ok := any(&poolJobs32).(*freeList[poolJob[T]]); ok {
		return x
	}
	return any(&poolJobs64).(*freeList[poolJob[T]])
}

// poolRun runs a checked MaxPool2D (grad false: out = dst, in = x) or
// MaxPool2DGrad (grad true: out = dx, in = dy; the indices are checked
// here, split as the work is, before anything is written) on up to threads
// parts.
func poolRun[T vec.Float](k *asm.Table, threads int, grad bool, out *Dense[T], idx []int32, in *Dense[T], s PoolShape, generic bool) {
	n := in.Rows
	parts := max(1, min(threads, n, n*s.C*s.H*s.W/minPoolWork))
	if parts == 1 {
		if grad {
			badIndex(idx, k.IndexOutside(idx, s.H*s.W), s)
			maxPool2DGrad(k, out, in, idx, s, generic, 0, n)
		} else {
			maxPool2D(k, out, idx, in, s, generic, 0, n)
		}
		return
	}
	j := poolJobs[T]().get()
	j.k, j.grad, j.generic, j.out, j.in, j.idx, j.s, j.nparts = k, grad, generic, out, in, idx, s, parts
	if grad {
		if len(j.bad) < parts {
			j.bad = make([]int, parts)
		}
		j.check = true
		j.fan.Run(j, parts)
		j.check = false
		for _, o := range j.bad[:parts] {
			if o >= 0 {
				j.out, j.in, j.idx = nil, nil, nil
				poolJobs[T]().put(j)
				badIndex(idx, o, s)
			}
		}
	}
	j.fan.Run(j, parts)
	j.out, j.in, j.idx = nil, nil, nil
	poolJobs[T]().put(j)
}

// badIndex panics if o ≥ 0: MaxPool2DGrad's idx[o] is outside the plane.
func badIndex(idx []int32, o int, s PoolShape) {
	if o >= 0 {
		panic(fmt.Sprintf("mat.MaxPool2DGrad: idx[%d]=%d outside [0, H·W) = [0, %d)", o, idx[o], s.H*s.W))
	}
}

// maxPool2D pools images n0..n1−1 of a checked MaxPool2D with the kernels
// of k; generic forces the generic loop (for tests and benchmarks of the
// 2×2, stride 2 fast path).
func maxPool2D[T vec.Float](k *asm.Table, dst *Dense[T], idx []int32, x *Dense[T], s PoolShape, generic bool, n0, n1 int) {
	oh, ow := s.Out()
	sh, sw := s.strides()
	hw := s.H * s.W
	chw, cout := s.C*hw, s.C*oh*ow
	fast := !generic && s.KH == 2 && s.KW == 2 && sh == 2 && sw == 2
	for n := n0; n < n1; n++ {
		xs := x.Data[n*x.Stride : n*x.Stride+chw]
		ds := dst.Data[n*dst.Stride : n*dst.Stride+cout]
		is := idx[n*cout : (n+1)*cout]
		for c := 0; c < s.C; c++ {
			plane := xs[c*hw : (c+1)*hw]
			dp, ip := ds[c*oh*ow:(c+1)*oh*ow], is[c*oh*ow:(c+1)*oh*ow]
			if fast {
				maxPool2x2(k, dp, ip, plane, s.W, ow)
				continue
			}
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					h0, v0 := i*sh, j*sw
					best, at := T(math.Inf(-1)), h0*s.W+v0
					for h := h0; h < h0+s.KH; h++ {
						row := plane[h*s.W+v0 : h*s.W+v0+s.KW]
						for e, v := range row {
							if v > best || v != v {
								best, at = v, h*s.W+v0+e
							}
						}
					}
					dp[i*ow+j], ip[i*ow+j] = best, int32(at)
				}
			}
		}
	}
}

// maxPool2x2Grad writes the gradient of one plane's 2×2, stride-2 pooling
// (each window's elements once, see gen/spec/pool.go) with the kernel of k
// for float32 (AVX-512), else the Go kernel; false if an index is not in
// its window (the plane partly written).
func maxPool2x2Grad[T vec.Float](k *asm.Table, dx, dy []T, idx []int32, w, ow int) bool {
	if cast.Is32[T]() {
		return k.MaxPool2x2GradF32(cast.F32(dx), cast.F32(dy), idx, w, ow)
	}
	return asm.MaxPool2x2Grad(dx, dy, idx, w, ow)
}

// maxPool2x2 pools one plane, 2×2 windows with stride 2: the assembly
// kernel of the ISA for float32 (AVX-512), else the Go kernel, a tournament
// with the exact bits of the generic loop (see the tests).
func maxPool2x2[T vec.Float](k *asm.Table, dst []T, idx []int32, plane []T, w, ow int) {
	if cast.Is32[T]() {
		k.MaxPool2x2F32(cast.F32(dst), idx, cast.F32(plane), w, ow)
		return
	}
	asm.MaxPool2x2(dst, idx, plane, w, ow)
}

// MaxPool2DGrad sets dx to the gradient of MaxPool2D with respect to its
// input, given the gradient dy of its output and the positions idx that
// MaxPool2D recorded: dx is zeroed, then
//
//	dx[n][c·H·W + idx[(n·C+c)·OH·OW + o]] += dy[n][c·OH·OW + o]
//
// for every output o in order (overlapping windows, Stride < KH or KW, add
// up). dx is N×(C·H·W) (overwritten), dy N×(C·OH·OW). It panics, before
// writing anything, if a shape does not agree with s, an index is outside
// [0, H·W), or dx shares memory with dy.
func MaxPool2DGrad[T vec.Float](dx, dy *Dense[T], idx []int32, s PoolShape) {
	const fn = "MaxPool2DGrad"
	s.check(fn)
	oh, ow := s.Out()
	dx.valid(fn, "dx")
	dy.valid(fn, "dy")
	hw := s.H * s.W
	chw, cout := s.C*hw, s.C*oh*ow
	if dy.Cols != cout {
		panic(fmt.Sprintf("mat.%s: dy is %d×%d, want N×(C·OH·OW) = N×%d", fn, dy.Rows, dy.Cols, cout))
	}
	if dx.Rows != dy.Rows || dx.Cols != chw {
		panic(fmt.Sprintf("mat.%s: dx is %d×%d, want N×(C·H·W) = %d×%d", fn, dx.Rows, dx.Cols, dy.Rows, chw))
	}
	if len(idx) != dy.Rows*cout {
		panic(fmt.Sprintf("mat.%s: len(idx)=%d, want N·C·OH·OW = %d", fn, len(idx), dy.Rows*cout))
	}
	noShare(fn, "dx", dx, "dy", dy)
	poolRun(asm.Current(), Threads(), true, dx, idx, dy, s, false)
}

// maxPool2DGrad computes images n0..n1−1 of a checked MaxPool2DGrad.
func maxPool2DGrad[T vec.Float](k *asm.Table, dx, dy *Dense[T], idx []int32, s PoolShape, generic bool, n0, n1 int) {
	oh, ow := s.Out()
	sh, sw := s.strides()
	hw := s.H * s.W
	chw, cout := s.C*hw, s.C*oh*ow
	// the window kernel where rows have at least 8 windows: below, a call
	// per plane costs more than clearing it and scattering (batch 64, one
	// thread, the index check included: MNIST's 32×8×8 53 µs against 38;
	// its 16×24×24 108 against 152)
	fast := !generic && s.KH == 2 && s.KW == 2 && sh == 2 && sw == 2 && ow >= 8
	for n := n0; n < n1; n++ {
		xs := dx.Data[n*dx.Stride : n*dx.Stride+chw]
		ds := dy.Data[n*dy.Stride : n*dy.Stride+cout]
		is := idx[n*cout : (n+1)*cout]
		if !fast {
			clear(xs)
		}
		for c := 0; c < s.C; c++ {
			plane := xs[c*hw : (c+1)*hw]
			dp, ip := ds[c*oh*ow:(c+1)*oh*ow], is[c*oh*ow:(c+1)*oh*ow]
			if fast {
				if maxPool2x2Grad(k, plane, dp, ip, s.W, ow) {
					// the elements outside the windows: a last odd row, column
					clear(plane[2*oh*s.W:])
					if s.W > 2*ow {
						for i := 0; i < 2*oh; i++ {
							clear(plane[i*s.W+2*ow : (i+1)*s.W])
						}
					}
					continue
				}
				clear(plane) // an index outside its window: the general loop
			}
			for o, v := range dp {
				plane[ip[o]] += v
			}
		}
	}
}
