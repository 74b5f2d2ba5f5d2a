package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/vec"
)

// padded is a matrix view inside a parent whose other elements hold the
// NaN sentinel: reading them poisons a result, writing them is detected.
type padded[T vec.Float] struct {
	parent, m *Dense[T]
}

// newPadded returns a rows×cols view at (1, 2) of a parent with Stride
// cols+2+extra, filled with values of kind.
func newPadded[T vec.Float](r *rand.Rand, rows, cols, extra int, kind tu.Kind) padded[T] {
	p := New[T](rows+2, cols+2+extra)
	for i := range p.Data {
		p.Data[i] = tu.Sentinel[T]()
	}
	v := p.Slice(1, 1+rows, 2, 2+cols)
	for i := 0; i < rows; i++ {
		tu.Fill(r, v.Row(i), kind)
	}
	return padded[T]{p, v}
}

// intact reports whether every parent element outside the view still holds
// the sentinel.
func (p padded[T]) intact() bool {
	for i := 0; i < p.parent.Rows; i++ {
		for j := 0; j < p.parent.Cols; j++ {
			in := i >= 1 && i < 1+p.m.Rows && j >= 2 && j < 2+p.m.Cols
			if !in && tu.Bits(p.parent.Data[i*p.parent.Stride+j]) != tu.Bits(tu.Sentinel[T]()) {
				return false
			}
		}
	}
	return true
}

func opAt[T vec.Float](m *Dense[T], trans bool, i, j int) float64 {
	if trans {
		return float64(m.At(j, i))
	}
	return float64(m.At(i, j))
}

// checkGemmResult compares got (c after the call) with the float64
// reference computed from a, b and c0 (c before the call). Without NaN/Inf
// in the inputs each element must be within
//
//	γ_{k+nb+1}(T)·S + γ_{k+2}(float64)·S + (k+nb+2)·η(T)·(1+|alpha|),
//	S = |alpha|·Σ|op(a)||op(b)| + |beta|·|c0|
//
// (the documented bound, plus the reference's own float64 error, plus the
// absolute error of underflowing products). With NaN/Inf the class of the
// result (NaN, +Inf, −Inf, finite) must be that of the float64 loop.
func checkGemmResult[T vec.Float](t *testing.T, name string, tA, tB bool, alpha T, a, b *Dense[T], beta T, c0, got *Dense[T], kc int) {
	t.Helper()
	m, n := got.Rows, got.Cols
	_, k := opShape(a, tA)
	nb := 0
	if k > 0 {
		nb = (k + kc - 1) / kc
	}
	g := tu.Gamma[T](k+nb+1) + tu.Gamma[float64](k+2)
	eta := float64(k+nb+2) * tu.Eta[T]() * (1 + math.Abs(float64(alpha)))
	// op(a) row by row and op(b) column by column, in float64, contiguous in p.
	oa, ob := make([]float64, m*k), make([]float64, n*k)
	for i := 0; i < m; i++ {
		for p := 0; p < k; p++ {
			oa[i*k+p] = opAt(a, tA, i, p)
		}
	}
	for j := 0; j < n; j++ {
		for p := 0; p < k; p++ {
			ob[j*k+p] = opAt(b, tB, p, j)
		}
	}
	for i := 0; i < m; i++ {
		ra := oa[i*k : i*k+k]
		for j := 0; j < n; j++ {
			var s, abs float64
			special := false
			if alpha != 0 {
				rb := ob[j*k : j*k+k]
				for p, x := range ra {
					y := rb[p]
					s += x * y
					abs += math.Abs(x * y)
				}
				special = math.IsNaN(abs) || math.IsInf(abs, 0)
			}
			ref := float64(alpha) * s
			abs *= math.Abs(float64(alpha))
			if beta != 0 {
				cv := float64(c0.Data[i*c0.Stride+j])
				ref += float64(beta) * cv
				abs += math.Abs(float64(beta) * cv)
				special = special || math.IsNaN(cv) || math.IsInf(cv, 0)
			}
			v := float64(got.Data[i*got.Stride+j])
			if special || math.IsNaN(ref) || math.IsInf(ref, 0) {
				if class(v) != class(ref) {
					t.Fatalf("%s: c[%d][%d] = %v, the float64 loop gives %v", name, i, j, v, ref)
				}
				continue
			}
			if err := math.Abs(v - ref); !(err <= g*abs+eta) {
				t.Fatalf("%s: c[%d][%d] = %v, reference %v: |err| = %g > bound %g", name, i, j, v, ref, err, g*abs+eta)
			}
		}
	}
}

func class(v float64) int {
	switch {
	case math.IsNaN(v):
		return 0
	case math.IsInf(v, 1):
		return 1
	case math.IsInf(v, -1):
		return 2
	}
	return 3
}

func clone[T vec.Float](m *Dense[T]) *Dense[T] {
	c := &Dense[T]{Rows: m.Rows, Cols: m.Cols, Stride: m.Stride, Data: append([]T(nil), m.Data...)}
	return c
}

// kcOf is the KC the call uses (for the bound's block count).
func kcOf[T vec.Float](k *asm.Table) int {
	ks := micro[T](k)
	var z T
	return blocksFor(ks.mr, ks.nr, int(sizeof(z))).kc
}

func sizeof[T vec.Float](z T) int {
	if tu.Is32[T]() {
		return 4
	}
	return 8
}

// gemmCase runs one Gemm on padded views and checks result and guards.
func gemmCase[T vec.Float](t *testing.T, k *asm.Table, r *rand.Rand, threads int, tA, tB bool, m, n, kk int, alpha, beta T, kind tu.Kind) {
	t.Helper()
	ar, ac := m, kk
	if tA {
		ar, ac = kk, m
	}
	br, bc := kk, n
	if tB {
		br, bc = n, kk
	}
	a := newPadded[T](r, ar, ac, r.IntN(4), kind)
	b := newPadded[T](r, br, bc, r.IntN(4), kind)
	c := newPadded[T](r, m, n, r.IntN(4), kind)
	if beta == 0 { // must not be read
		for i := 0; i < m; i++ {
			for j := range c.m.Row(i) {
				c.m.Row(i)[j] = T(math.NaN())
			}
		}
	}
	c0 := clone(c.m)
	gemm(k, threads, tA, tB, alpha, a.m, b.m, beta, c.m)
	name := fmt.Sprintf("m=%d n=%d k=%d tA=%v tB=%v alpha=%v beta=%v kind=%d threads=%d", m, n, kk, tA, tB, alpha, beta, kind, threads)
	if !c.intact() {
		t.Fatalf("%s: wrote outside c", name)
	}
	checkGemmResult(t, name, tA, tB, alpha, a.m, b.m, beta, c0, c.m, kcOf[T](k))
}

func testGemmSmall[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(1, 2))
		for m := 0; m <= 40; m++ {
			for n := 0; n <= 40; n++ {
				// every (m, n) with a k that cycles through 0..40, and all
				// four transpose combinations in turn
				if (raceEnabled || testing.Short()) && (m*41+n)%5 != 0 && m > 2 && n > 2 {
					continue // a fifth of the pairs, and every pair with a dimension ≤ 2
				}
				kk := (m*7 + n*13) % 41
				tc := (m + n) % 4
				gemmCase[T](t, k, r, 1, tc&1 != 0, tc&2 != 0, m, n, kk, 1, 0, tu.Normal)
			}
		}
		// every k with a few shapes around the tile edges, every transpose
		for kk := 0; kk <= 40; kk++ {
			for tc := 0; tc < 4; tc++ {
				for _, mn := range [][2]int{{1, 1}, {4, 4}, {6, 8}, {14, 32}, {15, 33}, {13, 17}} {
					gemmCase[T](t, k, r, 1, tc&1 != 0, tc&2 != 0, mn[0], mn[1], kk, 0.5, -1, tu.Normal)
				}
			}
		}
	})
}

func TestGemmSmallF32(t *testing.T) { testGemmSmall[float32](t) }
func TestGemmSmallF64(t *testing.T) { testGemmSmall[float64](t) }

func testGemmAlphaBeta[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, alpha := range []T{1, -1, 0.5, 0, 3} {
			for _, beta := range []T{0, 1, -0.5, 2} {
				for tc := 0; tc < 4; tc++ {
					for _, s := range [][3]int{{0, 5, 3}, {5, 0, 3}, {5, 7, 0}, {17, 35, 9}, {30, 70, 20}} {
						gemmCase[T](t, k, r, 1, tc&1 != 0, tc&2 != 0, s[0], s[1], s[2], alpha, beta, tu.Normal)
					}
				}
			}
		}
		// alpha = 0 does not read a or b: NaN there must not reach c.
		a, b, c := New[T](3, 4), New[T](4, 5), New[T](3, 5)
		for i := range a.Data {
			a.Data[i] = T(math.NaN())
		}
		for i := range c.Data {
			c.Data[i] = 2
		}
		gemm(k, 1, false, false, 0, a, b, 0.5, c)
		for _, v := range c.Data {
			if v != 1 {
				t.Fatalf("alpha=0: c = %v, want all 1", c.Data)
			}
		}
	})
}

func TestGemmAlphaBetaF32(t *testing.T) { testGemmAlphaBeta[float32](t) }
func TestGemmAlphaBetaF64(t *testing.T) { testGemmAlphaBeta[float64](t) }

func testGemmSpecial[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(5, 6))
		for i := 0; i < 60; i++ {
			m, n, kk := r.IntN(40)+1, r.IntN(70)+1, r.IntN(30)+1
			tc := i % 4
			gemmCase[T](t, k, r, 1, tc&1 != 0, tc&2 != 0, m, n, kk, 1.5, T([]float64{0, 1, -2}[i%3]), tu.Special)
			gemmCase[T](t, k, r, 1, tc&1 != 0, tc&2 != 0, m, n, kk, 1, 1, tu.Tiny)
		}
	})
}

func TestGemmSpecialF32(t *testing.T) { testGemmSpecial[float32](t) }
func TestGemmSpecialF64(t *testing.T) { testGemmSpecial[float64](t) }

// testGemmBlocks crosses the cache-block boundaries: with tiny blocks on
// small shapes, and with the real blocks on sizes just past them.
func testGemmBlocks[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(7, 8))
		tinyBlocks = true
		cases := 40
		if raceEnabled || testing.Short() {
			cases = 10
		}
		for i := 0; i < cases; i++ {
			m, n, kk := r.IntN(90)+1, r.IntN(150)+1, r.IntN(40)+1
			tc := i % 4
			gemmCase[T](t, k, r, 1, tc&1 != 0, tc&2 != 0, m, n, kk, -0.75, T(i%2), tu.Normal)
			gemmCase[T](t, k, r, 3, tc&1 != 0, tc&2 != 0, m, n, kk, 1, 0, tu.Normal)
		}
		tinyBlocks = false
		ks := micro[T](k)
		mr, nr := ks.mr, ks.nr
		var z T
		bl := blocksFor(mr, nr, sizeof(z))
		if testing.Short() {
			return
		}
		for i, s := range [][3]int{
			{67, 41, bl.kc + 1},               // two k blocks
			{31, bl.nc + nr + 3, 2*bl.kc + 5}, // across NC, three k blocks
			{bl.mc + mr + 1, 23, 19},          // across MC
			{97, 389, 401},                    // primes
		} {
			gemmCase[T](t, k, r, 1, i%2 == 1, i/2 == 1, s[0], s[1], s[2], 1, 0.5, tu.Normal)
		}
	})
}

func TestGemmBlocksF32(t *testing.T) { testGemmBlocks[float32](t) }
func TestGemmBlocksF64(t *testing.T) { testGemmBlocks[float64](t) }

// TestGemmGuardPages places a, b and c against unreadable pages, on either
// side: an access one element outside any of them faults.
func TestGemmGuardPages(t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	testGuard[float32](t)
	testGuard[float64](t)
}

func testGuard[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(9, 10))
		ks := micro[T](k)
		mr, nr := ks.mr, ks.nr
		for _, s := range [][3]int{{mr, nr, 5}, {2 * mr, 3 * nr, 9}, {mr + 1, nr + 1, 3}, {mr - 1, nr - 1, 8}, {1, 1, 1}, {70, 20, 17}, {3, 100, 2}} {
			for tc := 0; tc < 4; tc++ {
				tA, tB := tc&1 != 0, tc&2 != 0
				m, n, kk := s[0], s[1], s[2]
				for _, atEnd := range []bool{true, false} {
					mk := func(rows, cols int) *Dense[T] {
						d := tu.Guarded[T](t, rows*cols, atEnd)
						tu.Fill(r, d, tu.Normal)
						return NewFrom(rows, cols, d)
					}
					var a, b *Dense[T]
					if tA {
						a = mk(kk, m)
					} else {
						a = mk(m, kk)
					}
					if tB {
						b = mk(n, kk)
					} else {
						b = mk(kk, n)
					}
					c := mk(m, n)
					c0 := clone(c)
					gemm(k, 1, tA, tB, 1, a, b, 1, c)
					checkGemmResult(t, fmt.Sprintf("guard %v m=%d n=%d k=%d", tc, m, n, kk), tA, tB, 1, a, b, 1, c0, c, kcOf[T](k))
				}
			}
		}
	})
}

// TestGemmThreads checks that 1, 2, 3 and 7 threads give the same bits
// (and, run with -race, that the parts do not race).
func TestGemmThreads(t *testing.T) {
	testThreads[float32](t)
	testThreads[float64](t)
}

func testThreads[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, s := range [][3]int{{150, 60, 210}, {40, 400, 120}, {129, 257, 100}} {
			for tc := 0; tc < 4; tc++ {
				if (raceEnabled || testing.Short()) && tc%3 != 0 {
					continue
				}
				tA, tB := tc&1 != 0, tc&2 != 0
				ar, ac, br, bc := s[0], s[2], s[2], s[1]
				if tA {
					ar, ac = ac, ar
				}
				if tB {
					br, bc = bc, br
				}
				a, b, c := newPadded[T](r, ar, ac, 1, tu.Normal), newPadded[T](r, br, bc, 2, tu.Normal), newPadded[T](r, s[0], s[1], 3, tu.Normal)
				var want *Dense[T]
				for _, th := range []int{1, 2, 3, 7} {
					got := clone(c.parent)
					gc := got.Slice(1, 1+s[0], 2, 2+s[1])
					gemm(k, th, tA, tB, 1.25, a.m, b.m, -1, gc)
					if want == nil {
						want = got
						checkGemmResult(t, fmt.Sprintf("threads %v", s), tA, tB, 1.25, a.m, b.m, -1, c.m, gc, kcOf[T](k))
						continue
					}
					for i := range got.Data {
						if !tu.Same(got.Data[i], want.Data[i]) {
							t.Fatalf("%v tc=%d: %d threads differ from 1 at %d: %v vs %v", s, tc, th, i, got.Data[i], want.Data[i])
						}
					}
				}
			}
		}
	})
}

func TestGemmAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	r := rand.New(rand.NewPCG(13, 14))
	for _, th := range []int{1, 2} {
		for _, s := range [][3]int{{5, 7, 3}, {64, 200, 150}, {200, 300, 100}} {
			a, b, c := newPadded[float32](r, s[0], s[2], 1, tu.Normal), newPadded[float32](r, s[2], s[1], 1, tu.Normal), New[float32](s[0], s[1])
			SetThreads(th)
			f := func() { Gemm(false, true, 1, a.m, b.m.Transpose(), 0, c) }
			_ = f
			g := func() { Mul(c, a.m, b.m) }
			g()
			if n := testing.AllocsPerRun(10, g); n != 0 {
				t.Errorf("Mul %v, %d threads: %v allocations per call", s, th, n)
			}
			a64, b64, c64 := New[float64](s[0], s[2]), New[float64](s[1], s[2]), New[float64](s[0], s[1])
			h := func() { Gemm(false, true, 2, a64, b64, 1, c64) }
			h()
			if n := testing.AllocsPerRun(10, h); n != 0 {
				t.Errorf("Gemm f64 %v, %d threads: %v allocations per call", s, th, n)
			}
		}
	}
	SetThreads(0)
}

func TestGemmPanics(t *testing.T) {
	a, b, c := New[float32](2, 3), New[float32](3, 4), New[float32](2, 4)
	for i := range c.Data {
		c.Data[i] = 7
	}
	big := New[float32](4, 4)
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() { Gemm(false, false, 1, a, a, 0, c) }, "mat.Gemm: op(a) is 2×3 (transA=false), op(b) is 2×3 (transB=false), c is 2×4"},
		{func() { Gemm(true, false, 1, a, b, 0, c) }, "mat.Gemm: op(a) is 3×2 (transA=true)"},
		{func() { Mul(New[float32](2, 5), a, b) }, "mat.Mul: op(a) is 2×3 (transA=false), op(b) is 3×4 (transB=false), c is 2×5"},
		{func() { Mul(c, a, nil) }, "mat.Mul: b is nil"},
		{func() { Mul(big.Slice(0, 2, 0, 2), big.Slice(0, 2, 0, 2), big.Slice(2, 4, 0, 2)) }, "mat.Mul: c (2×2) shares memory with a"},
		{func() { Mul(big.Slice(1, 3, 1, 3), big.Slice(2, 4, 0, 2), big.Slice(0, 2, 2, 4)) }, "shares memory with a"},
		{func() {
			Gemm(false, false, 1, a, b, 0, &Dense[float32]{Rows: 2, Cols: 4, Stride: 3, Data: make([]float32, 8)})
		}, "mat.Gemm: c is malformed"},
		{func() { MulVec(make([]float32, 2), a, make([]float32, 4)) }, "mat.MulVec: a is 2×3, len(x)=4, len(dst)=2"},
		{func() { MulVec(a.Data[:2], a, make([]float32, 3)) }, "mat.MulVec: dst (len 2) shares memory"},
		{func() { MulVecTrans(make([]float32, 2), a, make([]float32, 2)) }, "mat.MulVecTrans: a is 2×3, len(x)=2, len(dst)=2"},
		{func() { AddOuter(a, 1, make([]float32, 3), make([]float32, 3)) }, "mat.AddOuter: a is 2×3, len(x)=3, len(y)=3"},
		{func() { AddOuter(a, 1, a.Data[4:6], make([]float32, 3)) }, "mat.AddOuter: a (2×3) shares memory"},
		{func() { NewFrom(2, 2, make([]float32, 3)) }, "mat.NewFrom: len(data)=3 != 2×2"},
		{func() { a.At(2, 0) }, "mat.Dense.At: (2, 0) out of range for 2×3"},
		{func() { a.Slice(0, 3, 0, 1) }, "mat.Dense.Slice: [0:3, 0:1] out of range for 2×3"},
	} {
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			tc.f()
			return "no panic"
		}()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("panic %q, want it to contain %q", msg, tc.want)
		}
	}
	for _, v := range c.Data {
		if v != 7 {
			t.Fatalf("c written before the panic: %v", c.Data)
		}
	}
	// Disjoint views of one parent with the same stride do not alias.
	p := New[float32](4, 4)
	for i := range p.Data {
		p.Data[i] = 1
	}
	Mul(p.Slice(0, 4, 0, 1), p.Slice(0, 4, 1, 2), NewFrom(1, 1, []float32{3}))
	if p.At(0, 0) != 3 || p.At(3, 0) != 3 || p.At(3, 1) != 1 {
		t.Fatalf("disjoint views: %v", p)
	}
}

func TestGemmPublic(t *testing.T) {
	a := NewFrom(2, 3, []float64{1, 2, 3, 4, 5, 6})
	b := NewFrom(3, 2, []float64{7, 8, 9, 10, 11, 12})
	c := New[float64](2, 2)
	Mul(c, a, b)
	if want := []float64{58, 64, 139, 154}; fmt.Sprint(c.Data) != fmt.Sprint(want) {
		t.Fatalf("Mul = %v, want %v", c.Data, want)
	}
	Gemm(true, true, 1, b, a, 0, c) // (bᵀ·aᵀ) = (a·b)ᵀ
	if want := []float64{58, 139, 64, 154}; fmt.Sprint(c.Data) != fmt.Sprint(want) {
		t.Fatalf("Gemm tt = %v, want %v", c.Data, want)
	}
}

// TestGemmConcurrent runs parallel products from several goroutines at once
// (sharing the worker pool and the buffer free lists) and checks each
// against the single-threaded result.
func TestGemmConcurrent(t *testing.T) {
	k := asm.Get(isa.Available()[0])
	r := rand.New(rand.NewPCG(15, 16))
	a, b := newPadded[float32](r, 90, 70, 1, tu.Normal), newPadded[float32](r, 70, 110, 2, tu.Normal)
	want := New[float32](90, 110)
	gemm(k, 1, false, false, 1, a.m, b.m, 0, want)
	done := make(chan error)
	for g := 0; g < 6; g++ {
		go func() {
			c := New[float32](90, 110)
			for i := 0; i < 5; i++ {
				gemm(k, 3, false, false, 1, a.m, b.m, 0, c)
				for j := range c.Data {
					if !tu.Same(c.Data[j], want.Data[j]) {
						done <- fmt.Errorf("goroutine %d: element %d = %v, want %v", g, j, c.Data[j], want.Data[j])
						return
					}
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 6; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestSetThreads(t *testing.T) {
	defer SetThreads(0)
	SetThreads(3)
	if Threads() != 3 {
		t.Fatalf("Threads() = %d after SetThreads(3)", Threads())
	}
	SetThreads(-1)
	if Threads() != runtime.GOMAXPROCS(0) {
		t.Fatalf("Threads() = %d after SetThreads(-1), want GOMAXPROCS %d", Threads(), runtime.GOMAXPROCS(0))
	}
}
