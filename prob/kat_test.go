package prob

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

type kat struct {
	ctr [4]uint32
	key [2]uint32
	out [4]uint32
}

// katVectors are the Random123 Philox4x32-10 known-answer vectors (the
// copy in ../../shared/data/philox4x32-10-kat.txt is read too when present).
var katVectors = []kat{
	{[4]uint32{0, 0, 0, 0}, [2]uint32{0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
	{[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff}, [4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
	{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0}, [4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
}

func loadKAT(t *testing.T) []kat {
	f, err := os.Open("../../shared/data/philox4x32-10-kat.txt")
	if err != nil {
		return katVectors
	}
	defer f.Close()
	var ks []kat
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var k kat
		_, err := fmt.Sscanf(line, "%x %x %x %x | %x %x | %x %x %x %x",
			&k.ctr[0], &k.ctr[1], &k.ctr[2], &k.ctr[3], &k.key[0], &k.key[1], &k.out[0], &k.out[1], &k.out[2], &k.out[3])
		if err != nil {
			t.Fatalf("KAT line %q: %v", line, err)
		}
		ks = append(ks, k)
	}
	if len(ks) != len(katVectors) {
		t.Fatalf("KAT file has %d vectors, want %d", len(ks), len(katVectors))
	}
	for i := range ks {
		if ks[i] != katVectors[i] {
			t.Fatalf("KAT file vector %d = %x, the built-in copy says %x", i, ks[i], katVectors[i])
		}
	}
	return ks
}

func TestPhiloxKAT(t *testing.T) {
	ks := loadKAT(t)
	for _, k := range ks {
		if got := Philox4x32(k.ctr, k.key); got != k.out {
			t.Errorf("Philox4x32(%x, %x) = %x, want %x", k.ctr, k.key, got, k.out)
		}
	}
	// The kernels: counter words 0,1 are the block, 2,3 the stream.
	tu.ForISA(t, func(t *testing.T, kt *asm.Table) {
		for _, k := range ks {
			block := uint64(k.ctr[0]) | uint64(k.ctr[1])<<32
			stream := uint64(k.ctr[2]) | uint64(k.ctr[3])<<32
			key := uint64(k.key[0]) | uint64(k.key[1])<<32
			for _, n := range []int{1, 3, 8, 16, 17, 64, 100} {
				// The KAT block first, then its successors (block+i wraps).
				dst := make([]uint32, 4*n)
				kt.Philox(dst, block, stream, key)
				if got := [4]uint32(dst[:4]); got != k.out {
					t.Fatalf("n=%d: Philox(block=%#x, stream=%#x, key=%#x) = %x, want %x", n, block, stream, key, got, k.out)
				}
				for i := 1; i < n; i++ {
					b := block + uint64(i)
					want := Philox4x32([4]uint32{uint32(b), uint32(b >> 32), k.ctr[2], k.ctr[3]}, k.key)
					if got := [4]uint32(dst[4*i:]); got != want {
						t.Fatalf("n=%d: block %d = %x, want %x", n, i, got, want)
					}
				}
			}
		}
	})
}

// TestPhiloxKernels compares every ISA's kernel with the scalar block
// function on every block count 0..200 and large ones, at counters that make
// the low counter word wrap inside a vector, and checks guard elements.
func TestPhiloxKernels(t *testing.T) {
	rr := rand.New(rand.NewPCG(5, 6))
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		counts := []int{}
		for n := 0; n <= 200; n++ {
			counts = append(counts, n)
		}
		counts = append(counts, 1000, 4099)
		for _, n := range counts {
			for _, block := range []uint64{0, 1<<32 - 5, 1<<32 - 37, 1<<64 - 3, rr.Uint64()} {
				stream, key := rr.Uint64(), rr.Uint64()
				buf := make([]uint32, 4*n+8)
				for i := range buf {
					buf[i] = 0xdeadbeef
				}
				dst := buf[4 : 4+4*n]
				k.Philox(dst, block, stream, key)
				for i := 0; i < n; i++ {
					b := block + uint64(i)
					want := Philox4x32([4]uint32{uint32(b), uint32(b >> 32), uint32(stream), uint32(stream >> 32)}, [2]uint32{uint32(key), uint32(key >> 32)})
					if got := [4]uint32(dst[4*i:]); got != want {
						t.Fatalf("n=%d block=%#x: block %d = %x, want %x", n, block, i, got, want)
					}
				}
				for i := range 4 {
					if buf[i] != 0xdeadbeef || buf[len(buf)-1-i] != 0xdeadbeef {
						t.Fatalf("n=%d: guard word overwritten", n)
					}
				}
			}
		}
	})
}

// TestPhiloxGuardPages runs the kernels on slices that end where an
// unreadable page starts (and start where one ends).
func TestPhiloxGuardPages(t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for n := 0; n <= 70; n++ {
			for _, atEnd := range []bool{true, false} {
				dst := tu.Guarded[uint32](t, 4*n, atEnd)
				k.Philox(dst, 7, 8, 9)
				if n > 0 {
					want := Philox4x32([4]uint32{7 + uint32(n) - 1, 0, 8, 0}, [2]uint32{9, 0})
					if got := [4]uint32(dst[4*n-4:]); got != want {
						t.Fatalf("n=%d: last block %x, want %x", n, got, want)
					}
				}
			}
		}
	})
}

// TestNormalKernel compares every ISA's Box–Muller kernel (float64) with
// the generic one on random words, for 0..70 blocks and a large count,
// separately and in place, with the input and the output against guard
// pages.
func TestNormalKernel(t *testing.T) {
	t.Run("float64", testNormalKernel[float64])
}

func testNormalKernel[T Float](t *testing.T) {
	gen := asm.Get(isa.Generic)
	call := func(k *asm.Table, dst []T, w []uint32) {
		k.NormalF64(any(dst).([]float64), w, -1.5, 0.25)
	}
	rr := rand.New(rand.NewPCG(8, 9))
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, nb := range append(seq(0, 70), 1000) {
			w := make([]uint32, 4*nb)
			for i := range w {
				w[i] = rr.Uint32()
			}
			// Extremes: u = 2⁻⁵³ and u = 1, every octant boundary.
			if nb > 2 {
				w[0], w[1], w[2], w[3] = 0, 0, 0, 0
				w[4], w[5], w[6], w[7] = 0xffffffff, 0xffffffff, 0, 0xe0000000
			}
			want := make([]T, 2*nb)
			call(gen, want, w)
			got := tu.Guarded[T](t, 2*nb, true)
			gw := tu.Guarded[uint32](t, 4*nb, true)
			copy(gw, w)
			call(k, got, gw)
			for i := range want {
				if tu.Bits(got[i]) != tu.Bits(want[i]) || got[i] != got[i] {
					t.Fatalf("nb=%d: [%d] = %v, generic %v", nb, i, got[i], want[i])
				}
			}
			if _, ok := any(got).([]float64); ok && nb > 0 {
				// In place: dst starts where w starts.
				buf := tu.Guarded[uint32](t, 4*nb, false)
				copy(buf, w)
				d := unsafe.Slice((*T)(unsafe.Pointer(&buf[0])), 2*nb)
				call(k, d, buf)
				for i := range want {
					if tu.Bits(d[i]) != tu.Bits(want[i]) {
						t.Fatalf("nb=%d in place: [%d] = %v, generic %v", nb, i, d[i], want[i])
					}
				}
			}
		}
	})
}

// zigWords returns n words for the ziggurat kernel tests: random words,
// and for every layer the words at the fast path's edge (u = K−1 and K),
// u = 0 and u = 2²⁴−1, with both signs.
func zigWords(rr *rand.Rand, n int) []uint32 {
	w := make([]uint32, n)
	for i := range w {
		w[i] = rr.Uint32()
		if rr.IntN(3) == 0 {
			l := uint32(rr.IntN(128))
			kk := zigTable[128+l]
			var u uint32
			switch rr.IntN(4) {
			case 0:
				u = kk - 1
			case 1:
				u = kk
			case 2:
				u = 0
			default:
				u = 1<<24 - 1
			}
			w[i] = (u&(1<<24-1))<<8 | uint32(rr.IntN(2))<<7 | l
		}
	}
	return w
}

// TestNormalZigKernel compares every ISA's ziggurat fast-path kernel with
// the generic one (values and reject bits, which must also equal zigFast's
// verdict), for every length 0..300 and large ones, separately and in place,
// with the input, output and reject bits against guard pages, and with
// non-trivial mu and sigma.
func TestNormalZigKernel(t *testing.T) {
	gen := asm.Get(isa.Generic)
	rr := rand.New(rand.NewPCG(12, 13))
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, n := range append(seq(0, 300), 1000, 4099) {
			w := zigWords(rr, n)
			mu, sigma := float32(-1.5), float32(0.375)
			want := make([]float32, n)
			wantRej := make([]uint16, (n+15)/16)
			gen.NormalZigF32(want, w, wantRej, zigTable[:], mu, sigma)
			for i, v := range w {
				z, ok := zigFast(v)
				rejected := wantRej[i/16]>>(i%16)&1 != 0
				if ok == rejected {
					t.Fatalf("n=%d [%d]: generic reject bit %v, zigFast ok=%v", n, i, rejected, ok)
				}
				if ok && math.Float32bits(want[i]) != math.Float32bits(mu+float32(sigma*z)) {
					t.Fatalf("n=%d [%d]: generic %v, zigFast gives %v", n, i, want[i], mu+float32(sigma*z))
				}
				if !ok && math.Float32bits(want[i]) != v {
					t.Fatalf("n=%d [%d]: rejected lane holds %#x, want the word %#x", n, i, math.Float32bits(want[i]), v)
				}
			}
			for g := range wantRej {
				if tail := n - 16*g; tail < 16 && wantRej[g]>>tail != 0 {
					t.Fatalf("n=%d: reject bits past the end: %#x", n, wantRej[g])
				}
			}
			for _, atEnd := range []bool{true, false} {
				got := tu.Guarded[float32](t, n, atEnd)
				gw := tu.Guarded[uint32](t, n, atEnd)
				gr := tu.Guarded[uint16](t, (n+15)/16, atEnd)
				copy(gw, w)
				k.NormalZigF32(got, gw, gr, zigTable[:], mu, sigma)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("n=%d: [%d] = %#x, generic %#x", n, i, math.Float32bits(got[i]), math.Float32bits(want[i]))
					}
				}
				for g := range wantRej {
					if gr[g] != wantRej[g] {
						t.Fatalf("n=%d: rej[%d] = %#x, generic %#x", n, g, gr[g], wantRej[g])
					}
				}
			}
			// In place, with guard elements around dst and rej.
			buf := make([]uint32, n+8)
			for i := range buf {
				buf[i] = 0xdeadbeef
			}
			copy(buf[4:], w)
			rbuf := make([]uint16, (n+15)/16+8)
			for i := range rbuf {
				rbuf[i] = 0xbeef
			}
			d := unsafe.Slice((*float32)(unsafe.Pointer(&buf[4])), n)
			k.NormalZigF32(d, buf[4:4+n], rbuf[4:4+len(wantRej)], zigTable[:], mu, sigma)
			for i := range want {
				if math.Float32bits(d[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n=%d in place: [%d] = %#x, generic %#x", n, i, math.Float32bits(d[i]), math.Float32bits(want[i]))
				}
			}
			for i := range 4 {
				if buf[i] != 0xdeadbeef || buf[len(buf)-1-i] != 0xdeadbeef || rbuf[i] != 0xbeef || rbuf[len(rbuf)-1-i] != 0xbeef {
					t.Fatalf("n=%d in place: guard overwritten", n)
				}
			}
		}
	})
}

// TestZigWedgeKernel checks every ISA's first slow-path attempt
// (ZigWedgeF32) against zigSlow: after the kernel, every rejected lane
// either holds mu + float32(sigma·zigSlow(word)) or still holds its word and
// is listed in idx[:n], in increasing order, and only undecided lanes are
// listed (their number equals the generic kernel's); after zigFinish
// every rejected lane holds zigSlow's value. Accepted lanes are untouched,
// reject bits past len(dst) are ignored, and dst, rej and idx lie against
// guard pages.
func TestZigWedgeKernel(t *testing.T) {
	gen := asm.Get(isa.Generic)
	rr := rand.New(rand.NewPCG(14, 15))
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, n := range append(seq(0, 130), 255, 256, 257, 1000, 4099, 16384) {
			w := zigWords(rr, n)
			mu, sigma := float32(0.25), float32(-1.75)
			key, p := zigKey(rr.Uint64(), rr.Uint64()), rr.Uint64()
			d0 := make([]float32, n)
			rej0 := make([]uint16, (n+15)/16)
			gen.NormalZigF32(d0, w, rej0, zigTable[:], mu, sigma)
			nGen := gen.ZigWedgeF32(append([]float32(nil), d0...), rej0, make([]uint32, 16*len(rej0)),
				zigTable[:], zigWedgeTable[:], key, p, mu, sigma)
			for _, atEnd := range []bool{true, false} {
				d := tu.Guarded[float32](t, n, atEnd)
				rej := tu.Guarded[uint16](t, len(rej0), atEnd)
				idx := tu.Guarded[uint32](t, 16*len(rej0), atEnd)
				copy(d, d0)
				copy(rej, rej0)
				if n%16 != 0 {
					rej[len(rej)-1] |= 0xffff << (n % 16) // must be ignored
				}
				got := k.ZigWedgeF32(d, rej, idx, zigTable[:], zigWedgeTable[:], key, p, mu, sigma)
				if n == 16384 && atEnd {
					t.Logf("n=%d: %d rejected words left undecided", n, got)
				}
				if got != nGen {
					t.Fatalf("n=%d: %d undecided, generic %d", n, got, nGen)
				}
				for i := 1; i < got; i++ {
					if idx[i] <= idx[i-1] {
						t.Fatalf("n=%d: idx not increasing: %v", n, idx[:got])
					}
				}
				listed := map[uint32]bool{}
				for _, j := range idx[:got] {
					listed[j] = true
				}
				for j := range n {
					rejected := rej0[j/16]>>(j%16)&1 != 0
					final := d0[j]
					if rejected {
						final = mu + float32(sigma*zigSlow(w[j], key, p+uint64(j)))
					}
					switch {
					case listed[uint32(j)]:
						if !rejected || math.Float32bits(d[j]) != w[j] {
							t.Fatalf("n=%d [%d]: listed, rejected=%v, holds %#x (word %#x)", n, j, rejected, math.Float32bits(d[j]), w[j])
						}
					case math.Float32bits(d[j]) != math.Float32bits(final):
						t.Fatalf("n=%d [%d]: %v, want %v (rejected=%v)", n, j, d[j], final, rejected)
					}
				}
				copy(d, d0)
				zigFinish(k, d, rej, idx, key, p, mu, sigma)
				for j := range n {
					want := d0[j]
					if rej0[j/16]>>(j%16)&1 != 0 {
						want = mu + float32(sigma*zigSlow(w[j], key, p+uint64(j)))
					}
					if math.Float32bits(d[j]) != math.Float32bits(want) {
						t.Fatalf("n=%d: zigFinish [%d] = %v, want %v", n, j, d[j], want)
					}
				}
			}
		}
	})
}

func seq(a, b int) []int {
	var s []int
	for i := a; i <= b; i++ {
		s = append(s, i)
	}
	return s
}

// TestUniformKernel compares every ISA's uniform kernel with the generic
// one on random and extreme words, ranges where lo + (hi−lo)·u rounds up to
// hi, and a −0 lower bound, for every length 0..70 and a large one, with the
// input and output against guard pages and in place.
func TestUniformKernel(t *testing.T) {
	t.Run("float32", testUniformKernel[float32])
	t.Run("float64", testUniformKernel[float64])
}

func testUniformKernel[T Float](t *testing.T) {
	gen := asm.Get(isa.Generic)
	words := 1
	if !tu.Is32[T]() {
		words = 2
	}
	call := func(k *asm.Table, dst []T, w []uint32, lo, hi T) {
		switch d := any(dst).(type) {
		case []float32:
			k.UniformF32(d, w, float32(lo), float32(hi)-float32(lo), float32(hi), math.Nextafter32(float32(hi), float32(math.Inf(-1))))
		case []float64:
			k.UniformF64(d, w, float64(lo), float64(hi)-float64(lo), float64(hi), math.Nextafter(float64(hi), math.Inf(-1)))
		}
	}
	rr := rand.New(rand.NewPCG(10, 11))
	eps := T(0x1p-52)
	if tu.Is32[T]() {
		eps = T(0x1p-23)
	}
	ranges := [][2]T{{0, 1}, {-3, 5}, {1, 1 + 2*eps}, {T(math.Copysign(0, -1)), 1e-30}, {-1e30, 1e30}}
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, n := range append(seq(0, 70), 1000) {
			w := make([]uint32, words*n)
			for i := range w {
				w[i] = rr.Uint32()
				if rr.IntN(8) == 0 {
					w[i] = []uint32{0, 0xffffffff, 0x80000000, 0xff}[rr.IntN(4)]
				}
			}
			for _, r := range ranges {
				want := make([]T, n)
				call(gen, want, w, r[0], r[1])
				got := tu.Guarded[T](t, n, true)
				gw := tu.Guarded[uint32](t, words*n, true)
				copy(gw, w)
				call(k, got, gw, r[0], r[1])
				for i := range want {
					if tu.Bits(got[i]) != tu.Bits(want[i]) {
						t.Fatalf("n=%d range %v: [%d] = %v, generic %v", n, r, i, got[i], want[i])
					}
					if !(want[i] >= r[0] && want[i] < r[1]) {
						t.Fatalf("n=%d range %v: [%d] = %v outside [lo, hi)", n, r, i, want[i])
					}
				}
				if n > 0 {
					buf := tu.Guarded[uint32](t, words*n, false)
					copy(buf, w)
					d := unsafe.Slice((*T)(unsafe.Pointer(&buf[0])), n)
					call(k, d, buf, r[0], r[1])
					for i := range want {
						if tu.Bits(d[i]) != tu.Bits(want[i]) {
							t.Fatalf("n=%d in place: [%d] = %v, generic %v", n, i, d[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestMomentsKernel compares every ISA's compensated sums with the generic
// ones on lengths 0..70 and large ones, with x against guard pages: the
// totals s+c and q+e agree to within the compensated sums' error bound
// (2u·|total| + 2n·u²·Σ|terms|, u = 2⁻⁵³), and ±Inf/NaN propagate through
// Mean and Variance on every ISA.
func TestMomentsKernel(t *testing.T) {
	t.Run("float32", testMomentsKernel[float32])
	t.Run("float64", testMomentsKernel[float64])
}

func testMomentsKernel[T Float](t *testing.T) {
	gen := asm.Get(isa.Generic)
	rr := rand.New(rand.NewPCG(12, 13))
	const u = 0x1p-53
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, n := range append(seq(0, 70), 1000, 4099) {
			for _, atEnd := range []bool{true, false} {
				x := tu.Guarded[T](t, n, atEnd)
				tu.Fill(rr, x, tu.Normal)
				mu := rr.NormFloat64()
				var abs1, abs2 float64
				for _, v := range x {
					d := float64(v) - mu
					abs1 += math.Abs(d)
					abs2 += d * d
				}
				var s, c, q, e, gs, gc, gq, ge float64
				if xs, ok := any(x).([]float32); ok {
					s, c, q, e = k.MomentsF32(xs, mu)
					gs, gc, gq, ge = gen.MomentsF32(xs, mu)
				} else {
					xs := any(x).([]float64)
					s, c, q, e = k.MomentsF64(xs, mu)
					gs, gc, gq, ge = gen.MomentsF64(xs, mu)
				}
				nn := float64(n)
				if d, b := math.Abs((s+c)-(gs+gc)), 2*u*math.Abs(gs+gc)+2*nn*u*u*abs1; d > b {
					t.Fatalf("n=%d: Σd = %v+%v, generic %v+%v (|Δ| %g > %g)", n, s, c, gs, gc, d, b)
				}
				if d, b := math.Abs((q+e)-(gq+ge)), 2*u*math.Abs(gq+ge)+2*nn*u*u*abs2; d > b {
					t.Fatalf("n=%d: Σd² = %v+%v, generic %v+%v (|Δ| %g > %g)", n, q, e, gq, ge, d, b)
				}
			}
		}
		for _, n := range []int{1, 5, 17, 100} {
			x := make([]T, n)
			tu.Fill(rr, x, tu.Normal)
			x[n/2] = T(math.Inf(1))
			if m := mean(k, x); !math.IsInf(float64(m), 1) {
				t.Fatalf("n=%d: Mean with +Inf = %v", n, m)
			}
			if v := variance(k, x); !math.IsNaN(float64(v)) {
				t.Fatalf("n=%d: Variance with +Inf = %v", n, v)
			}
			x[0] = T(math.NaN())
			if m := mean(k, x); !math.IsNaN(float64(m)) {
				t.Fatalf("n=%d: Mean with NaN = %v", n, m)
			}
		}
	})
}

// TestZigFinishPanics: short reject or position buffers are refused before
// anything is written.
func TestZigFinishPanics(t *testing.T) {
	for _, c := range []struct{ n, rej, idx int }{{17, 1, 32}, {17, 2, 31}, {16, 0, 16}, {1, 1, 15}} {
		d := make([]float32, c.n)
		for i := range d {
			d[i] = 7
		}
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, "zigFinish") {
					t.Errorf("%+v: panic %v", c, r)
				}
			}()
			zigFinish(asm.Current(), d, make([]uint16, c.rej), make([]uint32, c.idx), 1, 0, 0, 1)
		}()
		for i, v := range d {
			if v != 7 {
				t.Fatalf("%+v: dst[%d] written", c, i)
			}
		}
	}
}
