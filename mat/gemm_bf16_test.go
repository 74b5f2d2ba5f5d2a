package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/vec"
)

// randBF16 fills m with bfloat16 values: normal numbers of a few binades
// (kind Normal), or with NaN, ±Inf, ±0 and subnormals mixed in (Special).
func randBF16(r *rand.Rand, m *Raw[vec.BF16], kind tu.Kind) {
	x := make([]float32, len(m.Data))
	tu.Fill(r, x, kind)
	vec.ToBF16(m.Data, x)
}

func newRawBF16(r *rand.Rand, rows, cols, extra int, kind tu.Kind) *Raw[vec.BF16] {
	m := &Raw[vec.BF16]{Rows: rows, Cols: cols, Stride: cols + extra}
	m.Data = make([]vec.BF16, max(0, rows*(cols+extra)))
	randBF16(r, m, kind)
	return m
}

func rawAt(m *Raw[vec.BF16], trans bool, i, j int) float64 {
	if trans {
		i, j = j, i
	}
	return float64(m.Data[i*m.Stride+j].Float32())
}

// maxBF16Ratio is the largest error/bound ratio checkBF16 has seen.
var maxBF16Ratio float64

// checkBF16 checks got against the float64 product of the bfloat16 values
// with the bound of GemmBF16 (u = 2⁻²⁴, or 2⁻²³ for NEON's round-to-odd),
// D counting the products with a subnormal factor; NaN and ±Inf results
// must be those of the reference.
func checkBF16(t *testing.T, name string, tA, tB bool, alpha float32, a, b *Raw[vec.BF16], beta float32, c0, got *Dense[float32], u float64) {
	t.Helper()
	m, n := got.Rows, got.Cols
	k := a.Cols
	if tA {
		k = a.Rows
	}
	kc := bf16KC
	if tinyBlocks {
		kc = 6
	}
	nb := (k + kc - 1) / kc
	nn := float64(k + nb + 1)
	g := nn * u / (1 - nn*u)
	sub := func(x float64) bool { return x != 0 && math.Abs(x) < 0x1p-126 }
	dz := func(x float64) float64 {
		if sub(x) {
			return 0
		}
		return x
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, abs, d, sd float64 // sd: the sum with subnormals as zero, for NaN and Inf
			for p := 0; p < k; p++ {
				x, y := rawAt(a, tA, i, p), rawAt(b, tB, p, j)
				s += x * y
				abs += math.Abs(x * y)
				if sub(x) || sub(y) {
					d += math.Abs(x * y)
				}
				sd += dz(x) * dz(y)
			}
			al := math.Abs(float64(alpha))
			want := float64(alpha) * s
			bound := g*al*abs + al*(float64(2*k)*0x1p-126+d)
			if beta != 0 {
				cv := float64(c0.Data[i*c0.Stride+j])
				want += float64(beta) * cv
				bound += g * math.Abs(float64(beta)*cv)
			}
			gv := float64(got.Data[i*got.Stride+j])
			if math.IsNaN(sd) || math.IsInf(sd, 0) {
				want = float64(alpha) * sd
				if beta != 0 {
					want += float64(beta) * float64(c0.Data[i*c0.Stride+j])
				}
			}
			switch {
			case math.IsNaN(want):
				if !math.IsNaN(gv) {
					t.Fatalf("%s: c[%d][%d] = %g, want NaN", name, i, j, gv)
				}
			case math.IsInf(want, 0):
				if gv != want {
					t.Fatalf("%s: c[%d][%d] = %g, want %g", name, i, j, gv, want)
				}
			default:
				e := math.Abs(gv - want)
				if !(e <= bound) {
					t.Fatalf("%s: c[%d][%d] = %g, want %g ± %g (error %.3g×bound)", name, i, j, gv, want, bound, e/bound)
				}
				if bound > 0 {
					maxBF16Ratio = max(maxBF16Ratio, e/bound)
				}
			}
		}
	}
}

// bf16Unit is the unit roundoff of the bound on the table of i.
func bf16Unit(i isa.ISA) float64 {
	if i == isa.NEON && isa.HasFeature(isa.NEON, isa.BF16) {
		return 0x1p-23
	}
	return 0x1p-24
}

// bf16Table is a table GemmBF16 runs on, named.
type bf16Table struct {
	name string
	isa  isa.ISA
	k    *asm.Table
}

// bf16Tables lists every table of this CPU, and the avx512 one as it is on
// a CPU without AVX512_BF16 (the FMA emulation of the same 6×64 tile).
func bf16Tables() []bf16Table {
	var ts []bf16Table
	for _, i := range isa.Available() {
		ts = append(ts, bf16Table{string(i), i, asm.Get(i)})
		if i == isa.AVX512 {
			ts = append(ts, bf16Table{"avx512-without-bf16", i, asm.Without(i, isa.BF16)})
		}
	}
	return ts
}

// forBF16 runs f on every table of bf16Tables in a subtest.
func forBF16(t *testing.T, f func(t *testing.T, k *asm.Table)) {
	for _, tb := range bf16Tables() {
		t.Run(tb.name, func(t *testing.T) { f(t, tb.k) })
	}
}

// runBF16 computes GemmBF16 on table k with threads into a copy of c0.
func runBF16(k *asm.Table, threads int, tA, tB bool, alpha float32, a, b *Raw[vec.BF16], beta float32, c0 *Dense[float32]) *Dense[float32] {
	c := clone(c0)
	g := bf16Jobs.get()
	g.a = bf16Src{h: rawBits(a), stride: a.Stride, trans: tA}
	g.b = bf16Src{h: rawBits(b), stride: b.Stride, trans: tB}
	kk := a.Cols
	if tA {
		kk = a.Rows
	}
	gemmBF16(g, k, threads, kk, alpha, beta, c)
	return c
}

func sameBitsBF16(x, y *Dense[float32]) (int, bool) {
	for i := range x.Data {
		if !tu.Same(x.Data[i], y.Data[i]) {
			return i, false
		}
	}
	return 0, true
}

// testBF16Shapes runs every transpose and every size up to a few tiles
// on every table, against the reference and bit for bit against the
// generic kernel (except NEON).
func testBF16Shapes(t *testing.T, ms, ns, ks []int, kinds []tu.Kind) {
	r := rand.New(rand.NewPCG(15, 1))
	gen := asm.Get(isa.Generic)
	for _, kind := range kinds {
		for _, m := range ms {
			for _, n := range ns {
				for _, kk := range ks {
					tA, tB := r.IntN(2) == 1, r.IntN(2) == 1
					ar, ac := m, kk
					if tA {
						ar, ac = kk, m
					}
					br, bc := kk, n
					if tB {
						br, bc = n, kk
					}
					a := newRawBF16(r, ar, ac, r.IntN(3), kind)
					b := newRawBF16(r, br, bc, r.IntN(3), kind)
					c0 := New[float32](m, n)
					tu.Fill(r, c0.Data, tu.Normal)
					alpha, beta := float32(1), float32(0)
					switch r.IntN(3) {
					case 1:
						alpha, beta = 0.75, -1.5
					case 2:
						alpha, beta = -2, 1
					}
					name := fmt.Sprintf("%d×%d×%d/tA=%v/tB=%v/kind=%d/α=%g/β=%g", m, kk, n, tA, tB, kind, alpha, beta)
					want := runBF16(gen, 1, tA, tB, alpha, a, b, beta, c0)
					checkBF16(t, "generic/"+name, tA, tB, alpha, a, b, beta, c0, want, 0x1p-24)
					for _, tb := range bf16Tables() {
						i := tb.isa
						got := runBF16(tb.k, 1+r.IntN(3), tA, tB, alpha, a, b, beta, c0)
						checkBF16(t, tb.name+"/"+name, tA, tB, alpha, a, b, beta, c0, got, bf16Unit(i))
						if i == isa.NEON && isa.HasFeature(i, isa.BF16) {
							continue
						}
						if e, ok := sameBitsBF16(got, want); !ok {
							t.Fatalf("%s/%s: c.Data[%d] = %g, generic %g", tb.name, name, e, got.Data[e], want.Data[e])
						}
					}
				}
			}
		}
	}
}

func TestGemmBF16Small(t *testing.T) {
	sizes, short := []int{0, 1, 2, 3, 5, 6, 7, 13, 17, 64, 65, 70}, []int{0, 1, 7, 17, 65}
	if testing.Short() {
		sizes = short
	}
	testBF16Shapes(t, sizes, sizes, sizes, []tu.Kind{tu.Normal})
	testBF16Shapes(t, short, short, short, []tu.Kind{tu.Special})
}

// TestGemmBF16Blocks crosses every cache-block boundary (k blocks of 6).
func TestGemmBF16Blocks(t *testing.T) {
	tinyBlocks = true
	defer func() { tinyBlocks = false }()
	s := []int{1, 5, 6, 7, 11, 13, 131}
	if testing.Short() {
		s = []int{1, 6, 7, 13, 131}
	}
	testBF16Shapes(t, s, s, s, []tu.Kind{tu.Normal})
}

// TestGemmBF16Large: products of several k blocks of the real size
// (bf16KC), and many tiles.
func TestGemmBF16Large(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	maxBF16Ratio = 0
	testBF16Shapes(t, []int{7, 70}, []int{130}, []int{1, 1100}, []tu.Kind{tu.Normal})
	t.Logf("largest error: %.3g of the bound", maxBF16Ratio)
}

// TestGemmBF16Pair checks the emulation of VDPBF16PS against the assembly
// kernel on single elements of every exponent (subnormal inputs, products
// that overflow or underflow float32, results that flush to zero).
func TestGemmBF16Pair(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	word := func() uint32 {
		w := uint32(0)
		for h := 0; h < 2; h++ {
			e := uint32(r.IntN(256))
			if r.IntN(4) > 0 {
				e = uint32(127 + r.IntN(140) - 70)
			}
			w |= (uint32(r.IntN(2))<<15 | e<<7 | uint32(r.IntN(128))) << (16 * h)
		}
		return w
	}
	for _, tb := range bf16Tables() {
		i, k := tb.name, tb.k
		if tb.isa == isa.NEON && isa.HasFeature(tb.isa, isa.BF16) {
			continue
		}
		mr, nr := k.GemmBF16Tile()
		const kp = 3
		a, b := make([]uint32, kp*mr), make([]uint32, kp*nr)
		c := make([]float32, mr*nr)
		for try := 0; try < 2000; try++ {
			for x := range a {
				a[x] = word()
			}
			for x := range b {
				b[x] = word()
			}
			k.GemmBF16(kp, a, b, c, nr, 1, 0)
			for ii := 0; ii < mr; ii++ {
				for j := 0; j < nr; j++ {
					var s float32
					for p := 0; p < kp; p++ {
						s = asm.DotBF16Pair(s, a[p*mr+ii], b[p*nr+j])
					}
					if !tu.Same(c[ii*nr+j], s) {
						t.Fatalf("%s: element (%d, %d): %g (%#08x), emulation %g (%#08x)", i, ii, j,
							c[ii*nr+j], math.Float32bits(c[ii*nr+j]), s, math.Float32bits(s))
					}
				}
			}
		}
	}
}

func TestGemmBF16F32(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		m, n, k := 37, 70, 41
		a, b := New[float32](m, k+3), New[float32](k, n)
		if tr[0] {
			a = New[float32](k, m+1)
		}
		if tr[1] {
			b = New[float32](n, k)
		}
		tu.Fill(r, a.Data, tu.Normal)
		tu.Fill(r, b.Data, tu.Normal)
		if tr[0] {
			a = a.Slice(0, k, 0, m)
		} else {
			a = a.Slice(0, m, 0, k)
		}
		ha := &Raw[vec.BF16]{Rows: a.Rows, Cols: a.Cols, Stride: a.Stride, Data: make([]vec.BF16, len(a.Data))}
		hb := &Raw[vec.BF16]{Rows: b.Rows, Cols: b.Cols, Stride: b.Stride, Data: make([]vec.BF16, len(b.Data))}
		vec.ToBF16(ha.Data, a.Data)
		vec.ToBF16(hb.Data, b.Data)
		c0 := New[float32](m, n)
		tu.Fill(r, c0.Data, tu.Normal)
		want, got := clone(c0), clone(c0)
		GemmBF16(tr[0], tr[1], 0.5, ha, hb, 2, want)
		GemmBF16F32(tr[0], tr[1], 0.5, a, b, 2, got)
		if e, ok := sameBitsBF16(got, want); !ok {
			t.Fatalf("trans %v: GemmBF16F32 c.Data[%d] = %g, GemmBF16 of the rounded operands %g", tr, e, got.Data[e], want.Data[e])
		}
	}
}

// TestGemmBF16BetaZero: beta == 0 does not read c (NaN stays out); alpha
// == 0 does not read a or b.
func TestGemmBF16BetaZero(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	forBF16(t, func(t *testing.T, k *asm.Table) {
		a, b := newRawBF16(r, 13, 9, 0, tu.Normal), newRawBF16(r, 9, 70, 0, tu.Normal)
		c := New[float32](13, 70)
		for i := range c.Data {
			c.Data[i] = float32(math.NaN())
		}
		c = runBF16(k, 1, false, false, 1, a, b, 0, c)
		for i, v := range c.Data {
			if v != v {
				t.Fatalf("beta = 0: c.Data[%d] is NaN", i)
			}
		}
		for i := range a.Data {
			a.Data[i] = 0x7fc0 // NaN
		}
		c2 := runBF16(k, 1, false, false, 0, a, b, 0.5, c)
		for i, v := range c2.Data {
			if v != 0.5*c.Data[i] {
				t.Fatalf("alpha = 0: c.Data[%d] = %g, want %g", i, v, 0.5*c.Data[i])
			}
		}
	})
}

func TestGemmBF16GuardPages(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	forBF16(t, func(t *testing.T, k *asm.Table) {
		for _, s := range [][3]int{{1, 1, 1}, {6, 64, 2}, {7, 65, 3}, {13, 130, 17}} {
			for _, atEnd := range []bool{false, true} {
				for tr := 0; tr < 4; tr++ {
					tA, tB := tr&1 != 0, tr&2 != 0
					m, n, kk := s[0], s[1], s[2]
					ar, ac, br, bc := m, kk, kk, n
					if tA {
						ar, ac = kk, m
					}
					if tB {
						br, bc = n, kk
					}
					a := &Raw[vec.BF16]{Rows: ar, Cols: ac, Stride: ac, Data: tu.Guarded[vec.BF16](t, ar*ac, atEnd)}
					b := &Raw[vec.BF16]{Rows: br, Cols: bc, Stride: bc, Data: tu.Guarded[vec.BF16](t, br*bc, atEnd)}
					c := &Dense[float32]{Rows: m, Cols: n, Stride: n, Data: tu.Guarded[float32](t, m*n, atEnd)}
					randBF16(r, a, tu.Normal)
					randBF16(r, b, tu.Normal)
					g := bf16Jobs.get()
					g.a = bf16Src{h: rawBits(a), stride: a.Stride, trans: tA}
					g.b = bf16Src{h: rawBits(b), stride: b.Stride, trans: tB}
					gemmBF16(g, k, 1, kk, 1, 1, c)
				}
			}
		}
	})
}

// TestGemmBF16Threads: 1, 2 and 3 threads give the same bits, split along
// M and along N.
func TestGemmBF16Threads(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	forBF16(t, func(t *testing.T, k *asm.Table) {
		shapes := [][3]int{{300, 130, 200}, {40, 700, 150}}
		if testing.Short() { // still 3 parts or more, along M and along N
			shapes = [][3]int{{130, 70, 64}, {12, 400, 130}}
		}
		for _, s := range shapes {
			a, b := newRawBF16(r, s[0], s[2], 1, tu.Normal), newRawBF16(r, s[2], s[1], 0, tu.Normal)
			c0 := New[float32](s[0], s[1])
			tu.Fill(r, c0.Data, tu.Normal)
			want := runBF16(k, 1, false, false, 1.5, a, b, 0.5, c0)
			for _, th := range []int{2, 3} {
				got := runBF16(k, th, false, false, 1.5, a, b, 0.5, c0)
				if e, ok := sameBitsBF16(got, want); !ok {
					t.Fatalf("%v, %d threads: c.Data[%d] = %g, one thread %g", s, th, e, got.Data[e], want.Data[e])
				}
			}
		}
	})
}

func TestGemmBF16Allocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	r := rand.New(rand.NewPCG(1, 2))
	// 64×100·100×100: two parts of minPartWork with two threads.
	a, b := newRawBF16(r, 64, 100, 0, tu.Normal), newRawBF16(r, 100, 100, 0, tu.Normal)
	fa, fb := New[float32](64, 100), New[float32](100, 100)
	c := New[float32](64, 100)
	defer SetThreads(0)
	for _, th := range []int{1, 2} {
		SetThreads(th)
		GemmBF16(false, true, 1, a, b, 0, c) // warm up
		GemmBF16(false, false, 1, a, b, 0, c)
		GemmBF16F32(true, false, 1, New[float32](100, 64), fb, 0, c)
		if n := testing.AllocsPerRun(10, func() { GemmBF16(false, false, 1, a, b, 0.5, c) }); n != 0 {
			t.Errorf("GemmBF16, %d threads: %v allocations", th, n)
		}
		if n := testing.AllocsPerRun(10, func() { GemmBF16F32(false, false, 1, fa, fb, 0.5, c) }); n != 0 {
			t.Errorf("GemmBF16F32, %d threads: %v allocations", th, n)
		}
	}
}

func TestGemmBF16Panics(t *testing.T) {
	a, b := NewRaw[vec.BF16](3, 4), NewRaw[vec.BF16](4, 5)
	fa := New[float32](3, 4)
	c := New[float32](3, 5)
	for i := range c.Data {
		c.Data[i] = 7
	}
	shared := New[float32](4, 5)
	for _, x := range []struct {
		f    func()
		want string
	}{
		{func() { GemmBF16(false, false, 1, a, b, 0, New[float32](3, 4)) }, "mat.GemmBF16: op(a) is 3×4"},
		{func() { GemmBF16(true, false, 1, a, b, 0, c) }, "mat.GemmBF16: op(a) is 4×3 (transA=true)"},
		{func() { GemmBF16(false, true, 1, a, b, 0, c) }, "transB=true"},
		{func() { GemmBF16(false, false, 1, nil, b, 0, c) }, "mat.GemmBF16: a is nil"},
		{func() { GemmBF16(false, false, 1, a, &Raw[vec.BF16]{Rows: 4, Cols: 5, Stride: 5}, 0, c) }, "mat.GemmBF16: b is malformed"},
		{func() {
			cc := New[float32](3, 5)
			aa := &Raw[vec.BF16]{Rows: 3, Cols: 4, Stride: 4, Data: bf16View(unsafeU16(cc.Data))[:12]}
			GemmBF16(false, false, 1, aa, b, 0, cc)
		}, "mat.GemmBF16: c (3×5) shares memory with a"},
		{func() { GemmBF16F32(false, false, 1, fa, shared, 0, shared.Slice(0, 3, 0, 5)) }, "mat.GemmBF16F32: c (3×5) shares memory with b"},
		{func() { GemmBF16F32(false, false, 1, fa, New[float32](5, 5), 0, c) }, "mat.GemmBF16F32: op(a) is 3×4"},
	} {
		func() {
			defer func() {
				r, _ := recover().(string)
				if !strings.Contains(r, x.want) {
					t.Errorf("panic %q, want it to contain %q", r, x.want)
				}
			}()
			x.f()
		}()
	}
	for i, v := range c.Data {
		if v != 7 {
			t.Fatalf("c.Data[%d] written before the panic", i)
		}
	}
}

func unsafeU16(x []float32) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(x))), 2*len(x))
}
