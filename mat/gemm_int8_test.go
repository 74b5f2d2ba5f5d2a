package mat

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// refInt8 is the definition: c[i][j] = Σ_p op(a)[i][p]·op(b)[p][j] in int64,
// reduced to int32 modulo 2³² at the end (the exact sum when it fits).
func refInt8(tA, tB bool, a *Raw[uint8], b *Raw[int8], m, n, k int) []int32 {
	out := make([]int32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s int64
			for p := 0; p < k; p++ {
				var x uint8
				var y int8
				if tA {
					x = a.Data[p*a.Stride+i]
				} else {
					x = a.Data[i*a.Stride+p]
				}
				if tB {
					y = b.Data[j*b.Stride+p]
				} else {
					y = b.Data[p*b.Stride+j]
				}
				s += int64(x) * int64(y)
			}
			out[i*n+j] = int32(s)
		}
	}
	return out
}

// rawPadded is a rows×cols view at (1, 2) of a parent with two extra rows
// and five extra columns, the parent filled with the sentinel s; the view
// filled by fill.
type rawPadded[E RawElem] struct {
	parent, m *Raw[E]
	s         E
}

func newRawPadded[E RawElem](rows, cols int, s E, fill func() E) rawPadded[E] {
	p := NewRaw[E](rows+2, cols+5)
	for i := range p.Data {
		p.Data[i] = s
	}
	v := p.Slice(1, 1+rows, 2, 2+cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			v.Data[i*v.Stride+j] = fill()
		}
	}
	return rawPadded[E]{p, v, s}
}

// intact reports whether the parent outside the view still holds the
// sentinel.
func (r rawPadded[E]) intact() bool {
	for i := 0; i < r.parent.Rows; i++ {
		for j := 0; j < r.parent.Cols; j++ {
			in := i >= 1 && i < 1+r.m.Rows && j >= 2 && j < 2+r.m.Cols
			if !in && r.parent.Data[i*r.parent.Stride+j] != r.s {
				return false
			}
		}
	}
	return true
}

// int8Case runs one GemmInt8 on padded views with table k and threads
// threads, and checks the result exactly and the padding of c.
func int8Case(t *testing.T, k *asm.Table, r *rand.Rand, threads int, tA, tB bool, m, n, kk int) {
	t.Helper()
	ar, ac, br, bc := m, kk, kk, n
	if tA {
		ar, ac = ac, ar
	}
	if tB {
		br, bc = bc, br
	}
	a := newRawPadded[uint8](ar, ac, 0xa5, func() uint8 { return uint8(r.Uint32()) })
	b := newRawPadded[int8](br, bc, 0x5a, func() int8 { return int8(r.Uint32()) })
	c := newRawPadded[int32](m, n, -7, func() int32 { return int32(r.Uint32()) })
	gemmInt8(k, threads, tA, tB, a.m, b.m, c.m)
	want := refInt8(tA, tB, a.m, b.m, m, n, kk)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if got := c.m.Data[i*c.m.Stride+j]; got != want[i*n+j] {
				t.Fatalf("m=%d n=%d k=%d tA=%v tB=%v threads=%d: c[%d][%d] = %d, want %d", m, n, kk, tA, tB, threads, i, j, got, want[i*n+j])
			}
		}
	}
	if !c.intact() || !a.intact() || !b.intact() {
		t.Fatalf("m=%d n=%d k=%d tA=%v tB=%v: write outside c, or to a or b", m, n, kk, tA, tB)
	}
}

// TestGemmInt8Shapes sweeps shapes around the tiles of every table, with k
// not a multiple of 4, on strided views, every transpose.
func TestGemmInt8Shapes(t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(21, 22))
		mr, nr := k.GemmTileI8()
		ms := []int{1, 2, mr - 1, mr, mr + 1, 2*mr + 3}
		ns := []int{1, 3, nr - 1, nr, nr + 1, 2*nr + 5}
		ks := []int{1, 2, 3, 4, 5, 7, 8, 13, 64, 67}
		if raceEnabled || testing.Short() {
			ks = []int{1, 5, 8, 67}
		}
		for tc := 0; tc < 4; tc++ {
			for _, m := range ms {
				for _, n := range ns {
					for _, kk := range ks {
						if m < 1 || n < 1 {
							continue
						}
						int8Case(t, k, r, 1, tc&1 != 0, tc&2 != 0, m, n, kk)
					}
				}
			}
		}
	})
}

// TestGemmInt8Blocks crosses the cache blocks: tiny blocks on small
// shapes, and the real blocks on sizes just past them.
func TestGemmInt8Blocks(t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(23, 24))
		tinyBlocks = true
		for i := 0; i < 24; i++ {
			m, n, kk := r.IntN(40)+1, r.IntN(150)+1, r.IntN(40)+1
			int8Case(t, k, r, 1+i%3, i&1 != 0, i&2 != 0, m, n, kk)
		}
		tinyBlocks = false
		if testing.Short() || raceEnabled {
			return
		}
		mr, nr := k.GemmTileI8()
		bl := blocksInt8(mr, nr)
		for i, s := range [][3]int{
			{13, 41, bl.kc + 3},              // two k blocks, a partial quad
			{7, bl.nc + nr + 3, 2*bl.kc + 5}, // across NC, three k blocks
			{bl.mc + mr + 1, 9, 19},          // across MC
		} {
			int8Case(t, k, r, 1, i&1 != 0, i&2 != 0, s[0], s[1], s[2])
		}
	})
}

// TestGemmInt8Threads checks that 1, 2 and 3 threads give the same bits
// on every table (exact arithmetic: the same as the reference).
func TestGemmInt8Threads(t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(25, 26))
		for _, s := range [][3]int{{150, 60, 210}, {40, 400, 123}, {129, 257, 100}} {
			for tc := 0; tc < 4; tc++ {
				if (raceEnabled || testing.Short()) && tc%3 != 0 {
					continue
				}
				tA, tB := tc&1 != 0, tc&2 != 0
				m, n, kk := s[0], s[1], s[2]
				a, b := randInt8Raw(r, m, kk, n, tA, tB)
				want := refInt8(tA, tB, a, b, m, n, kk)
				for _, th := range []int{1, 2, 3} {
					c := NewRaw[int32](m, n)
					gemmInt8(k, th, tA, tB, a, b, c)
					for i, v := range c.Data {
						if v != want[i] {
							t.Fatalf("%v tA=%v tB=%v, %d threads: c[%d] = %d, want %d", s, tA, tB, th, i, v, want[i])
						}
					}
				}
			}
		}
	})
}

func randInt8Raw(r *rand.Rand, m, k, n int, tA, tB bool) (*Raw[uint8], *Raw[int8]) {
	a, b := NewRaw[uint8](m, k), NewRaw[int8](k, n)
	if tA {
		a = NewRaw[uint8](k, m)
	}
	if tB {
		b = NewRaw[int8](n, k)
	}
	for i := range a.Data {
		a.Data[i] = uint8(r.Uint32())
	}
	for i := range b.Data {
		b.Data[i] = int8(r.Uint32())
	}
	return a, b
}

// TestGemmInt8Overflow checks the int32 limits of the doc comment on every
// table: at k = 65 793 the extreme sums k·255·(−128) and k·255·127 are
// exact; at k = 65 794 the negative extreme wraps modulo 2³², the same way
// on every ISA as in the reference.
func TestGemmInt8Overflow(t *testing.T) {
	const kMax = 65793
	if int64(kMax)*255*128 >= 1<<31 || int64(kMax+1)*255*128 < 1<<31 {
		t.Fatalf("k = %d is not the largest k with k·255·128 < 2³¹", kMax)
	}
	short := raceEnabled || testing.Short()
	for _, tc := range []struct {
		k    int
		b    int8
		want int32
	}{
		{kMax, -128, -2147483520},       // k·255·(−128), exact
		{kMax, 127, 2130706305},         // k·255·127, exact
		{kMax + 1, -128, 2147451136},    // −2147516160 + 2³²: wrapped
		{kMax + 2, -128, 2147418496},    // one more term
		{2 * kMax, 127, -33554686},      // 4261412610 − 2³²: wrapped
		{4 * (kMax + 1), -128, -130048}, // −8590064640 + 2·2³²
		{kMax - 5, -128, -2147483520 + 5*255*128},
	} {
		if short && tc.k > kMax+1 {
			continue
		}
		for _, tr := range []int{0, 3} {
			if short && tr != 0 {
				continue
			}
			tA, tB := tr&1 != 0, tr&2 != 0
			// Enough rows and columns for a full and a partial tile of
			// every table (16 ≥ MR + 1, 80 ≥ NR + 1).
			m, n := 16, 80
			if short {
				m, n = 13, 9
			}
			a := NewRawFrom(m, tc.k, filled(m*tc.k, uint8(255)))
			if tA {
				a = NewRawFrom(tc.k, m, a.Data)
			}
			b := NewRawFrom(tc.k, n, filled(tc.k*n, tc.b))
			if tB {
				b = NewRawFrom(n, tc.k, b.Data)
			}
			if ref := refInt8(tA, tB, a, b, 1, 1, tc.k)[0]; ref != tc.want {
				t.Fatalf("k=%d b=%d: reference %d, want %d", tc.k, tc.b, ref, tc.want)
			}
			tu.ForISA(t, func(t *testing.T, k *asm.Table) {
				c := NewRaw[int32](m, n)
				gemmInt8(k, 2, tA, tB, a, b, c)
				for i, v := range c.Data {
					if v != tc.want {
						t.Fatalf("k=%d b=%d tA=%v tB=%v: c[%d] = %d, want %d", tc.k, tc.b, tA, tB, i, v, tc.want)
					}
				}
			})
		}
	}
}

// filled returns n copies of v (copy doubling: fast under the race detector).
func filled[E RawElem](n int, v E) []E {
	s := make([]E, n)
	if n > 0 {
		s[0] = v
		for i := 1; i < n; i *= 2 {
			copy(s[i:], s[:i])
		}
	}
	return s
}

// TestGemmInt8GuardPages places a, b and c against unreadable pages on
// either side: an access one byte outside any of them faults.
func TestGemmInt8GuardPages(t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(27, 28))
		mr, nr := k.GemmTileI8()
		for _, s := range [][3]int{{mr, nr, 8}, {2 * mr, 3 * nr, 9}, {mr + 1, nr + 1, 3}, {mr - 1, nr - 1, 13}, {1, 1, 1}, {70, 20, 17}, {3, 100, 2}} {
			for tc := 0; tc < 4; tc++ {
				tA, tB := tc&1 != 0, tc&2 != 0
				m, n, kk := s[0], s[1], s[2]
				if m < 1 || n < 1 {
					continue
				}
				for _, atEnd := range []bool{true, false} {
					ar, ac, br, bc := m, kk, kk, n
					if tA {
						ar, ac = ac, ar
					}
					if tB {
						br, bc = bc, br
					}
					a := NewRawFrom(ar, ac, tu.Guarded[uint8](t, ar*ac, atEnd))
					b := NewRawFrom(br, bc, tu.Guarded[int8](t, br*bc, atEnd))
					c := NewRawFrom(m, n, tu.Guarded[int32](t, m*n, atEnd))
					for i := range a.Data {
						a.Data[i] = uint8(r.Uint32())
					}
					for i := range b.Data {
						b.Data[i] = int8(r.Uint32())
					}
					gemmInt8(k, 1, tA, tB, a, b, c)
					want := refInt8(tA, tB, a, b, m, n, kk)
					for i := range want {
						if c.Data[i] != want[i] {
							t.Fatalf("guard %v tc=%d atEnd=%v: c[%d] = %d, want %d", s, tc, atEnd, i, c.Data[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestGemmInt8Tables: a table has its own int8 kernel exactly where the CPU
// has the int8 feature for that ISA; the others hold the generic kernel.
func TestGemmInt8Tables(t *testing.T) {
	gen := asm.Get(isa.Generic)
	for _, i := range isa.Available() {
		k := asm.Get(i)
		own := fmt.Sprintf("%p", k.GemmI8) != fmt.Sprintf("%p", gen.GemmI8)
		if want := i != isa.Generic && isa.HasFeature(i, isa.Int8); own != want {
			t.Errorf("%s: own int8 kernel %v, want %v (features %v)", i, own, want, isa.Features(i))
		}
		mr, nr := k.GemmTileI8()
		t.Logf("%s: int8 tile %d×%d, features %v", i, mr, nr, isa.Features(i))
	}
}

func TestGemmInt8Zero(t *testing.T) {
	c := NewRaw[int32](3, 4)
	for i := range c.Data {
		c.Data[i] = 9
	}
	GemmInt8(false, false, NewRaw[uint8](3, 0), NewRaw[int8](0, 4), c)
	for _, v := range c.Data {
		if v != 0 {
			t.Fatalf("k = 0: c = %v, want zeros", c.Data)
		}
	}
	GemmInt8(false, false, NewRaw[uint8](0, 5), NewRaw[int8](5, 4), NewRaw[int32](0, 4))
	GemmInt8(true, true, NewRaw[uint8](5, 3), NewRaw[int8](0, 5), NewRaw[int32](3, 0))
}

func TestGemmInt8Allocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	defer SetThreads(0)
	for _, th := range []int{1, 2} {
		SetThreads(th)
		for _, s := range [][3]int{{5, 7, 3}, {64, 200, 150}, {200, 300, 100}} {
			a, b, c := NewRaw[uint8](s[0], s[2]), NewRaw[int8](s[1], s[2]), NewRaw[int32](s[0], s[1])
			f := func() { GemmInt8(false, true, a, b, c) }
			f()
			if n := testing.AllocsPerRun(10, f); n != 0 {
				t.Errorf("GemmInt8 %v, %d threads: %v allocations per call", s, th, n)
			}
		}
	}
}

func TestGemmInt8Panics(t *testing.T) {
	a, b, c := NewRaw[uint8](2, 3), NewRaw[int8](3, 4), NewRaw[int32](2, 4)
	for i := range c.Data {
		c.Data[i] = 7
	}
	// c over the bytes of a or b (only unsafe code can build this).
	buf := make([]int32, 8)
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), 32)
	ua := NewRawFrom(2, 3, raw[4:10])
	sb := NewRawFrom(3, 4, unsafe.Slice((*int8)(unsafe.Pointer(&raw[20])), 12))
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() { GemmInt8(false, false, a, NewRaw[int8](2, 4), c) }, "mat.GemmInt8: op(a) is 2×3 (transA=false), op(b) is 2×4 (transB=false), c is 2×4"},
		{func() { GemmInt8(true, false, a, b, c) }, "mat.GemmInt8: op(a) is 3×2 (transA=true)"},
		{func() { GemmInt8(false, true, a, b, c) }, "op(b) is 4×3 (transB=true)"},
		{func() { GemmInt8(false, false, a, b, NewRaw[int32](2, 5)) }, "c is 2×5: want op(a).Cols == op(b).Rows and c 2×4"},
		{func() { GemmInt8(false, false, nil, b, c) }, "mat.GemmInt8: a is nil"},
		{func() { GemmInt8(false, false, a, b, &Raw[int32]{Rows: 2, Cols: 4, Stride: 3, Data: make([]int32, 8)}) }, "mat.GemmInt8: c is malformed"},
		{func() { GemmInt8(false, false, ua, b, NewRawFrom(2, 4, buf)) }, "mat.GemmInt8: c (2×4) shares memory with a"},
		{func() { GemmInt8(false, false, a, sb, NewRawFrom(2, 4, buf)) }, "mat.GemmInt8: c (2×4) shares memory with b"},
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
	for _, v := range buf {
		if v != 0 {
			t.Fatalf("aliased c written before the panic: %v", buf)
		}
	}
}

// TestGemmPackBI8 checks every table's B packing kernel against the
// definition, with the source against unreadable pages.
func TestGemmPackBI8(t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(29, 30))
		for _, n := range []int{16, 32, 48, 64} {
			for _, kq := range []int{1, 2, 5} {
				for _, ld := range []int{n, n + 3} {
					for _, atEnd := range []bool{true, false} {
						src := tu.Guarded[int8](t, (4*kq-1)*ld+n, atEnd)
						for i := range src {
							src[i] = int8(r.Uint32())
						}
						dst := tu.Guarded[int8](t, 4*kq*n, atEnd)
						k.GemmPackBI8(kq, src, ld, dst, n)
						for q := 0; q < kq; q++ {
							for j := 0; j < n; j++ {
								for rr := 0; rr < 4; rr++ {
									if got, want := dst[q*4*n+4*j+rr], src[(4*q+rr)*ld+j]; got != want {
										t.Fatalf("n=%d k=%d ld=%d: dst[%d] = %d, want %d", n, kq, ld, q*4*n+4*j+rr, got, want)
									}
								}
							}
						}
					}
				}
			}
		}
	})
}

// FuzzGemmInt8 checks random shapes, transposes, thread counts and blocks
// on every ISA against the exact reference:
//
//	go test -run '^$' -fuzz FuzzGemmInt8 -fuzztime 30s ./mat/
func FuzzGemmInt8(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(0), uint64(1))
	f.Add(uint8(14), uint8(65), uint8(1), uint8(3), uint64(2))
	f.Add(uint8(29), uint8(1), uint8(40), uint8(6), uint64(3))
	f.Add(uint8(13), uint8(129), uint8(13), uint8(5), uint64(4))
	f.Fuzz(func(t *testing.T, m, n, k, flags uint8, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 31))
		tinyBlocks = flags&4 != 0
		defer func() { tinyBlocks = false }()
		for _, i := range isa.Available() {
			int8Case(t, asm.Get(i), r, 1+int(seed%3), flags&1 != 0, flags&2 != 0, 1+int(m%70), 1+int(n%150), 1+int(k%90))
		}
	})
}
