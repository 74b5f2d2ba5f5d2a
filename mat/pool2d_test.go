package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/vec"
)

// refMaxPool is PyTorch's CPU loop (max_pool2d_with_indices): maxval starts
// at −Inf and maxindex at the window's first position; an element replaces
// them if it is greater or NaN.
func refMaxPool[T vec.Float](x *Dense[T], s PoolShape) (y []float64, idx []int32) {
	oh, ow := s.Out()
	sh, sw := s.strides()
	for n := 0; n < x.Rows; n++ {
		for c := 0; c < s.C; c++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					best, at := math.Inf(-1), i*sh*s.W+j*sw
					for h := i * sh; h < i*sh+s.KH; h++ {
						for v := j * sw; v < j*sw+s.KW; v++ {
							if e := float64(x.At(n, (c*s.H+h)*s.W+v)); e > best || math.IsNaN(e) {
								best, at = e, h*s.W+v
							}
						}
					}
					y, idx = append(y, best), append(idx, int32(at))
				}
			}
		}
	}
	return y, idx
}

func testMaxPool[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, tc := range []struct {
		s PoolShape
		n int
	}{
		{PoolShape{C: 1, H: 1, W: 1, KH: 1, KW: 1}, 1},
		{PoolShape{C: 16, H: 24, W: 24, KH: 2, KW: 2}, 3}, // MNIST after conv1
		{PoolShape{C: 32, H: 8, W: 8, KH: 2, KW: 2}, 2},
		{PoolShape{C: 3, H: 7, W: 9, KH: 3, KW: 2, Stride: 1}, 2}, // overlapping windows
		{PoolShape{C: 2, H: 9, W: 8, KH: 3, KW: 3, Stride: 2}, 3},
		{PoolShape{C: 2, H: 5, W: 7, KH: 2, KW: 3}, 1},              // default strides 2 and 3, edges dropped
		{PoolShape{C: 1, H: 10, W: 10, KH: 2, KW: 2, Stride: 4}, 1}, // gaps
	} {
		s := tc.s
		oh, ow := s.Out()
		cout, chw := s.C*oh*ow, s.C*s.H*s.W
		for _, kind := range []tu.Kind{tu.Normal, tu.Special} {
			x := newPadded[T](r, tc.n, chw, 1, kind)
			if kind == tu.Normal { // ties: the first one wins
				for i := 0; i < chw; i += 3 {
					x.m.Row(0)[i] = 0.5
				}
				x.m.Row(0)[0] = T(math.Inf(-1))
			}
			y := newPadded[T](r, tc.n, cout, 2, tu.Normal)
			ibuf := make([]int32, tc.n*cout+4)
			for i := range ibuf {
				ibuf[i] = -7
			}
			idx := ibuf[2 : 2+tc.n*cout : 2+tc.n*cout]
			MaxPool2D(y.m, idx, x.m, s)
			if !y.intact() || ibuf[0] != -7 || ibuf[1] != -7 || ibuf[len(ibuf)-1] != -7 || ibuf[len(ibuf)-2] != -7 {
				t.Fatalf("%+v: wrote outside dst or idx", s)
			}
			want, wantIdx := refMaxPool(x.m, s)
			for n := 0; n < tc.n; n++ {
				for o := 0; o < cout; o++ {
					got, w := float64(y.m.At(n, o)), want[n*cout+o]
					if !tu.Same(got, w) || idx[n*cout+o] != wantIdx[n*cout+o] {
						t.Fatalf("%+v kind %d: y[%d][%d] = %v at %d, want %v at %d", s, kind, n, o, got, idx[n*cout+o], w, wantIdx[n*cout+o])
					}
				}
			}
			// gradient: the sum over the outputs whose argmax is each input
			dy := newPadded[T](r, tc.n, cout, 1, tu.Normal)
			dx := newPadded[T](r, tc.n, chw, 3, tu.Special)
			MaxPool2DGrad(dx.m, dy.m, idx, s)
			if !dx.intact() {
				t.Fatalf("%+v: MaxPool2DGrad wrote outside dx", s)
			}
			ref, abs := make([]float64, tc.n*chw), make([]float64, tc.n*chw)
			for n := 0; n < tc.n; n++ {
				for o := 0; o < cout; o++ {
					c := o / (oh * ow)
					e := n*chw + c*s.H*s.W + int(wantIdx[n*cout+o])
					ref[e] += float64(dy.m.At(n, o))
					abs[e] += math.Abs(float64(dy.m.At(n, o)))
				}
			}
			for n := 0; n < tc.n; n++ {
				for i := 0; i < chw; i++ {
					// each element is a sum of at most KH·KW terms in T, the reference its float64 sum
					g, w := float64(dx.m.At(n, i)), ref[n*chw+i]
					if !(math.Abs(g-w) <= (tu.Gamma[T](s.KH*s.KW)+tu.Gamma[float64](s.KH*s.KW))*abs[n*chw+i]) {
						t.Fatalf("%+v: dx[%d][%d] = %v, want %v", s, n, i, g, w)
					}
				}
			}
		}
	}
}

func TestMaxPool2DF32(t *testing.T) { testMaxPool[float32](t) }
func TestMaxPool2DF64(t *testing.T) { testMaxPool[float64](t) }

// TestMaxPool2DNaN pins PyTorch's NaN rule on a small window: NaN wins over
// numbers and over +Inf, and the last NaN of the window is recorded.
func TestMaxPool2DNaN(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	x := NewFrom(1, 8, []float64{1, nan, inf, nan, 3, 2, 2, math.Inf(-1)})
	y, idx := New[float64](1, 2), make([]int32, 2)
	MaxPool2D(y, idx, x, PoolShape{C: 2, H: 2, W: 2, KH: 2, KW: 2})
	if !math.IsNaN(y.Data[0]) || idx[0] != 3 || y.Data[1] != 3 || idx[1] != 0 {
		t.Fatalf("MaxPool2D = %v at %v, want [NaN 3] at [3 0]", y.Data, idx)
	}
	dx := New[float64](1, 8)
	MaxPool2DGrad(dx, NewFrom(1, 2, []float64{5, 7}), idx, PoolShape{C: 2, H: 2, W: 2, KH: 2, KW: 2})
	if fmt.Sprint(dx.Data) != "[0 0 0 5 7 0 0 0]" {
		t.Fatalf("MaxPool2DGrad = %v", dx.Data)
	}
}

// TestMaxPool2DFast checks that the 2×2, stride 2 fast paths (MaxPool2D
// and MaxPool2DGrad) and the generic loops agree bit for bit, indices
// included, on data full of ties (few distinct values), NaNs (with
// payloads), ±Inf and −0/+0, and on gradient indices moved out of their
// windows.
func TestMaxPool2DFast(t *testing.T) {
	testMaxPoolFast[float32](t)
	testMaxPoolFast[float64](t)
}

func testMaxPoolFast[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) { testMaxPoolFastISA[T](t, k) })
}

func testMaxPoolFastISA[T vec.Float](t *testing.T, k *asm.Table) {
	r := rand.New(rand.NewPCG(7, 8))
	nan := math.NaN()
	var pool []T
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -1, 0.5, math.Inf(1), math.Inf(-1), nan, -nan} {
		pool = append(pool, T(v))
	}
	switch p := any(&pool).(type) { // NaNs with distinct payloads
	case *[]float32:
		*p = append(*p, math.Float32frombits(0x7fc00123), math.Float32frombits(0xffc00456))
	case *[]float64:
		*p = append(*p, math.Float64frombits(0x7ff8000000000123), math.Float64frombits(0xfff8000000000456))
	}
	for _, s := range []PoolShape{
		{C: 3, H: 24, W: 24, KH: 2, KW: 2},
		{C: 2, H: 8, W: 8, KH: 2, KW: 2, Stride: 2},
		{C: 2, H: 7, W: 9, KH: 2, KW: 2}, // odd sizes: last row and column dropped
		{C: 1, H: 2, W: 2, KH: 2, KW: 2},
		{C: 2, H: 5, W: 40, KH: 2, KW: 2}, // 20 outputs a row: one vector and a tail
		{C: 1, H: 4, W: 71, KH: 2, KW: 2}, // 35: two vectors and a tail, a column dropped
		{C: 1, H: 3, W: 32, KH: 2, KW: 2}, // 16: exactly one vector
		{C: 2, H: 6, W: 66, KH: 2, KW: 2}, // 33
	} {
		oh, ow := s.Out()
		cout, chw := s.C*oh*ow, s.C*s.H*s.W
		const n = 5
		for trial := 0; trial < 200; trial++ {
			x := New[T](n, chw)
			for i := range x.Data {
				switch k := r.IntN(4); {
				case k == 0 && trial%4 != 0: // trial%4 == 0: numbers only, no specials
					x.Data[i] = pool[r.IntN(len(pool))]
				case k == 1:
					x.Data[i] = T(r.IntN(3) - 1) // ties
				default:
					x.Data[i] = T(r.NormFloat64())
				}
			}
			y1, y2 := New[T](n, cout), New[T](n, cout)
			i1, i2 := make([]int32, n*cout), make([]int32, n*cout)
			poolRun(k, 1, false, y1, i1, x, s, false)
			poolRun(k, 1, false, y2, i2, x, s, true)
			for o := range i1 {
				if !sameBits(y1.Data[o], y2.Data[o]) || i1[o] != i2[o] {
					t.Fatalf("%T %+v: out %d: fast %v at %d, generic %v at %d", T(0), s, o, y1.Data[o], i1[o], y2.Data[o], i2[o])
				}
			}
			// the gradient: dy with specials (−0 becomes +0, NaN payloads
			// kept), into a dx full of garbage (every element written);
			// every fifth trial moves some indices out of their windows
			// (still in the plane: the general loop takes those planes)
			dy := New[T](n, cout)
			for i := range dy.Data {
				dy.Data[i] = pool[r.IntN(len(pool))]
				if r.IntN(2) == 0 {
					dy.Data[i] = T(r.NormFloat64())
				}
			}
			if trial%5 == 4 {
				for m := 0; m < 3; m++ {
					o := r.IntN(len(i1))
					i1[o] = int32(r.IntN(s.H * s.W))
				}
			}
			dx1, dx2 := New[T](n, chw), New[T](n, chw)
			for i := range dx1.Data {
				dx1.Data[i], dx2.Data[i] = 3, 3
			}
			poolRun(k, 1, true, dx1, i1, dy, s, false)
			poolRun(k, 1, true, dx2, i1, dy, s, true)
			for e := range dx1.Data {
				if !sameBits(dx1.Data[e], dx2.Data[e]) {
					t.Fatalf("%T %+v trial %d: dx[%d]: fast %v, generic %v", T(0), s, trial, e, dx1.Data[e], dx2.Data[e])
				}
			}
		}
	}
}

// TestMaxPool2DFastGuard runs the 2×2, stride 2 path of every ISA on
// inputs and outputs placed against guard pages: no access past a row's
// inputs or the outputs, at either end.
func TestMaxPool2DFastGuard(t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, s := range []PoolShape{
			{C: 3, H: 24, W: 24, KH: 2, KW: 2}, {C: 2, H: 8, W: 8, KH: 2, KW: 2},
			{C: 1, H: 4, W: 70, KH: 2, KW: 2}, {C: 1, H: 3, W: 33, KH: 2, KW: 2},
		} {
			oh, ow := s.Out()
			cout, chw := s.C*oh*ow, s.C*s.H*s.W
			const n = 3
			for _, atEnd := range []bool{false, true} {
				x := NewFrom(n, chw, tu.Guarded[float32](t, n*chw, atEnd))
				tu.Fill(r, x.Data, tu.Normal)
				y := NewFrom(n, cout, tu.Guarded[float32](t, n*cout, atEnd))
				idx := tu.Guarded[int32](t, n*cout, atEnd)
				y2, i2 := New[float32](n, cout), make([]int32, n*cout)
				poolRun(k, 2, false, y, idx, x, s, false)
				poolRun(k, 1, false, y2, i2, x, s, true)
				for o := range i2 {
					if !sameBits(y.Data[o], y2.Data[o]) || idx[o] != i2[o] {
						t.Fatalf("%+v atEnd=%v: out %d: fast %v at %d, generic %v at %d", s, atEnd, o, y.Data[o], idx[o], y2.Data[o], i2[o])
					}
				}
				// the gradient, dx against its guard pages (dy is y)
				dx := NewFrom(n, chw, tu.Guarded[float32](t, n*chw, atEnd))
				dx2 := New[float32](n, chw)
				poolRun(k, 2, true, dx, idx, y, s, false)
				poolRun(k, 1, true, dx2, i2, y2, s, true)
				for e := range dx2.Data {
					if !sameBits(dx.Data[e], dx2.Data[e]) {
						t.Fatalf("%+v atEnd=%v: dx[%d]: fast %v, generic %v", s, atEnd, e, dx.Data[e], dx2.Data[e])
					}
				}
			}
		}
	})
}

func sameBits[T vec.Float](a, b T) bool {
	switch a := any(a).(type) {
	case float32:
		return math.Float32bits(a) == math.Float32bits(any(b).(float32))
	case float64:
		return math.Float64bits(a) == math.Float64bits(any(b).(float64))
	}
	panic("unreachable")
}

func BenchmarkMaxPool2D(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range []PoolShape{
		{C: 16, H: 24, W: 24, KH: 2, KW: 2},
		{C: 32, H: 8, W: 8, KH: 2, KW: 2},
	} {
		const n = 64
		oh, ow := s.Out()
		cout, chw := s.C*oh*ow, s.C*s.H*s.W
		x, y, dx, dy := New[float32](n, chw), New[float32](n, cout), New[float32](n, chw), New[float32](n, cout)
		tu.Fill(r, x.Data, tu.Normal)
		tu.Fill(r, dy.Data, tu.Normal)
		idx := make([]int32, n*cout)
		MaxPool2D(y, idx, x, s) // the indices the gradient benchmark uses
		name := fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W)
		b.Run(name+"/generic", func(b *testing.B) {
			for b.Loop() {
				poolRun(asm.Current(), 1, false, y, idx, x, s, true)
			}
		})
		b.Run(name+"/fast", func(b *testing.B) {
			for b.Loop() {
				poolRun(asm.Current(), 1, false, y, idx, x, s, false)
			}
		})
		b.Run(name+"/grad/generic", func(b *testing.B) {
			for b.Loop() {
				poolRun(asm.Current(), 1, true, dx, idx, dy, s, true)
			}
		})
		b.Run(name+"/grad", func(b *testing.B) {
			for b.Loop() {
				poolRun(asm.Current(), 1, true, dx, idx, dy, s, false)
			}
		})
		if runtime.GOMAXPROCS(0) < 2 {
			continue
		}
		b.Run(name+"/fast/t=2", func(b *testing.B) {
			for b.Loop() {
				poolRun(asm.Current(), 2, false, y, idx, x, s, false)
			}
		})
		b.Run(name+"/grad/t=2", func(b *testing.B) {
			for b.Loop() {
				poolRun(asm.Current(), 2, true, dx, idx, dy, s, false)
			}
		})
	}
}

// TestMaxPool2DThreads: split over 1, 2, 3 or 7 parts (the work threshold
// lowered so that small calls split), MaxPool2D and MaxPool2DGrad give the
// same bits and indices.
func TestMaxPool2DThreads(t *testing.T) {
	defer func(w int) { minPoolWork = w }(minPoolWork)
	minPoolWork = 1
	r := rand.New(rand.NewPCG(13, 14))
	for _, s := range []PoolShape{{C: 3, H: 8, W: 8, KH: 2, KW: 2}, {C: 2, H: 7, W: 9, KH: 3, KW: 2, Stride: 1}} {
		oh, ow := s.Out()
		const n = 9
		cout, chw := s.C*oh*ow, s.C*s.H*s.W
		x, dy := New[float32](n, chw), New[float32](n, cout)
		tu.Fill(r, x.Data, tu.Normal)
		tu.Fill(r, dy.Data, tu.Normal)
		y1, i1, dx1 := New[float32](n, cout), make([]int32, n*cout), New[float32](n, chw)
		poolRun(asm.Current(), 1, false, y1, i1, x, s, false)
		poolRun(asm.Current(), 1, true, dx1, i1, dy, s, false)
		for _, th := range []int{2, 3, 7} {
			y, idx, dx := New[float32](n, cout), make([]int32, n*cout), New[float32](n, chw)
			poolRun(asm.Current(), th, false, y, idx, x, s, false)
			poolRun(asm.Current(), th, true, dx, idx, dy, s, false)
			for o := range idx {
				if !sameBits(y.Data[o], y1.Data[o]) || idx[o] != i1[o] {
					t.Fatalf("%+v, %d threads: out %d: %v at %d, one thread %v at %d", s, th, o, y.Data[o], idx[o], y1.Data[o], i1[o])
				}
			}
			for e := range dx.Data {
				if !sameBits(dx.Data[e], dx1.Data[e]) {
					t.Fatalf("%+v, %d threads: dx[%d] = %v, one thread %v", s, th, e, dx.Data[e], dx1.Data[e])
				}
			}
		}
	}
}

// TestMaxPool2DGradBadIndexSplit: with the work split over parts, a bad
// index is still found before anything is written, and the message names
// the first one.
func TestMaxPool2DGradBadIndexSplit(t *testing.T) {
	defer func(w int) { minPoolWork = w }(minPoolWork)
	minPoolWork = 1
	s := PoolShape{C: 2, H: 4, W: 4, KH: 2, KW: 2}
	const n = 7
	dy, dx := New[float32](n, 8), New[float32](n, 32)
	idx := make([]int32, n*8)
	for th := 1; th <= 7; th++ {
		for _, bad := range [][2]int{{n*8 - 1, 16}, {3, -1}, {50, 99}} {
			for i := range idx {
				idx[i] = int32(i % 16)
			}
			idx[bad[0]] = int32(bad[1])
			if bad[0] == 3 {
				idx[40] = 17 // a later one, in another part
			}
			for i := range dx.Data {
				dx.Data[i] = 7
			}
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				poolRun(asm.Current(), th, true, dx, idx, dy, s, false)
				return "no panic"
			}()
			want := fmt.Sprintf("mat.MaxPool2DGrad: idx[%d]=%d outside [0, H·W) = [0, 16)", bad[0], bad[1])
			if msg != want {
				t.Fatalf("%d threads: panic %q, want %q", th, msg, want)
			}
			for i, v := range dx.Data {
				if v != 7 {
					t.Fatalf("%d threads: dx[%d] written (%v) before the panic", th, i, v)
				}
			}
		}
	}
}

// TestIndexOutside checks the index check of MaxPool2DGrad on every ISA
// against a plain loop: every length to 200 and a few long ones, the first
// bad index at every position (negative, n, large), several bad ones, and
// the slice against guard pages at either end.
func TestIndexOutside(t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(3, 4))
		const n = 576
		want := func(idx []int32) int {
			for i, v := range idx {
				if v < 0 || v >= n {
					return i
				}
			}
			return -1
		}
		lens := []int{1000, 4099}
		for l := 0; l <= 200; l++ {
			lens = append(lens, l)
		}
		for _, l := range lens {
			for _, atEnd := range []bool{false, true} {
				idx := tu.Guarded[int32](t, l, atEnd)
				for i := range idx {
					idx[i] = int32(r.IntN(n))
				}
				if got := k.IndexOutside(idx, n); got != -1 {
					t.Fatalf("len %d: %d, want -1", l, got)
				}
				for p := 0; p < l; p += 1 + l/50 {
					for _, bad := range []int32{-1, n, 1 << 30, -1 << 31} {
						save := idx[p]
						idx[p] = bad
						if p+3 < l {
							idx[p+3] = -5 // a later one
						}
						if got := k.IndexOutside(idx, n); got != want(idx) {
							t.Fatalf("len %d, bad %d at %d: %d, want %d", l, bad, p, got, want(idx))
						}
						idx[p] = save
						if p+3 < l {
							idx[p+3] = int32(r.IntN(n))
						}
					}
				}
			}
		}
	})
}
