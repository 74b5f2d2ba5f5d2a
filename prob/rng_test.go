package prob

import (
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
)

// stream returns words [0, n) of (seed, stream) from the block function.
func streamWords(seed, stream uint64, n int) []uint32 {
	w := make([]uint32, 0, n+4)
	for b := uint64(0); len(w) < n; b++ {
		x := Philox4x32([4]uint32{uint32(b), uint32(b >> 32), uint32(stream), uint32(stream >> 32)}, [2]uint32{uint32(seed), uint32(seed >> 32)})
		w = append(w, x[:]...)
	}
	return w[:n]
}

func TestRNGWords(t *testing.T) {
	want := streamWords(42, 7, 1000)
	r := NewStream(42, 7)
	for i := 0; i < 10; i++ {
		if got := r.Uint32(); got != want[i] {
			t.Fatalf("Uint32 #%d = %#x, want %#x", i, got, want[i])
		}
	}
	// Uint64 is two words, low first, at any alignment (position 10, 12, then 13 after a Uint32).
	for _, p := range []int{10, 12} {
		if got, w := r.Uint64(), uint64(want[p])|uint64(want[p+1])<<32; got != w {
			t.Fatalf("Uint64 at %d = %#x, want %#x", p, got, w)
		}
	}
	r.Uint32()
	if got, w := r.Uint64(), uint64(want[15])|uint64(want[16])<<32; got != w {
		t.Fatalf("Uint64 at 15 = %#x, want %#x", got, w)
	}
	if New(3).Uint64() != NewStream(3, 0).Uint64() {
		t.Fatal("New(seed) is not NewStream(seed, 0)")
	}
}

func TestRNGFillChunks(t *testing.T) {
	want := streamWords(1, 2, 3000)
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		rr := rand.New(rand.NewPCG(1, 1))
		for trial := 0; trial < 50; trial++ {
			r := NewStream(1, 2)
			got := make([]uint32, 0, 3000)
			for len(got) < 3000 {
				n := min(rr.IntN(80), 3000-len(got))
				if rr.IntN(4) == 0 {
					n = min(rr.IntN(700), 3000-len(got))
				}
				buf := make([]uint32, n)
				r.fill(k, buf)
				got = append(got, buf...)
				if rr.IntN(5) == 0 && len(got) < 3000 {
					got = append(got, r.Uint32())
				}
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("trial %d: word %d = %#x, want %#x", trial, i, got[i], want[i])
				}
			}
		}
	})
}

func TestRNGSkip(t *testing.T) {
	want := streamWords(9, 1, 2000)
	for _, a := range []uint64{0, 1, 2, 3, 4, 5, 7, 8, 13} {
		for _, n := range []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 1001} {
			r := NewStream(9, 1)
			for range a {
				r.Uint32()
			}
			r.Skip(n)
			for i := 0; i < 9; i++ {
				if got := r.Uint32(); got != want[a+n+uint64(i)] {
					t.Fatalf("after %d words, Skip(%d): word %d = %#x, want %#x", a, n, i, got, want[a+n+uint64(i)])
				}
			}
		}
	}
	// A long skip lands on the right block.
	r := NewStream(9, 1)
	r.Skip(4*(1<<40) + 2)
	x := Philox4x32([4]uint32{0, 1 << 8, 1, 0}, [2]uint32{9, 0})
	if got := r.Uint32(); got != x[2] {
		t.Fatalf("Skip(2⁴²+2): %#x, want %#x", got, x[2])
	}
}

// TestRandSource checks the math/rand/v2 Source contract: rand.New works
// and its draws are the stream's Uint64 values.
func TestRandSource(t *testing.T) {
	var src rand.Source = New(5)
	g := rand.New(src)
	want := streamWords(5, 0, 8)
	if got, w := g.Uint64(), uint64(want[0])|uint64(want[1])<<32; got != w {
		t.Fatalf("rand.New(New(5)).Uint64() = %#x, want %#x", got, w)
	}
	// Its other methods draw from the same stream: a second generator on
	// the same seed gives the same values.
	g2 := rand.New(New(5))
	g2.Uint64()
	for range 100 {
		if a, b := g.Float64(), g2.Float64(); a != b || a < 0 || a >= 1 {
			t.Fatalf("Float64: %v, %v", a, b)
		}
	}
	// Smoke: IntN, Perm, Shuffle run and stay in range.
	for range 1000 {
		if v := g.IntN(7); v < 0 || v >= 7 {
			t.Fatalf("IntN(7) = %d", v)
		}
	}
	if p := g.Perm(10); len(p) != 10 {
		t.Fatal("Perm")
	}
}

func TestRNGAllocs(t *testing.T) {
	r := New(1)
	w := make([]uint32, 1000)
	f32 := make([]float32, 1000)
	f64 := make([]float64, 1001)
	ints := make([]int, 1000)
	c, _ := NewCategorical([]float64{1, 2, 3})
	counts := make([]int, 3)
	for name, f := range map[string]func(){
		"Fill":           func() { r.Fill(w) },
		"Uint64":         func() { r.Uint64() },
		"Uniform32":      func() { Uniform[float32]{0, 1}.Sample(r, f32) },
		"Uniform64":      func() { Uniform[float64]{0, 1}.Sample(r, f64) },
		"Normal32":       func() { Normal[float32]{0, 1}.Sample(r, f32) },
		"Normal64":       func() { Normal[float64]{0, 1}.Sample(r, f64) },
		"NormalRand":     func() { Normal[float32]{0, 1}.Rand(r) },
		"Bernoulli64":    func() { Bernoulli[float64]{0.3}.Sample(r, f64) },
		"Categorical":    func() { c.Sample(r, ints) },
		"Multinomial":    func() { c.Multinomial(r, counts, 5000) },
		"Xavier":         func() { Xavier(r, f32, 10, 20) },
		"He":             func() { He(r, f64, 10) },
		"MeanVariance":   func() { Mean(f64); Variance(f32) },
		"CategoricalPMF": func() { c.PMF(1) },
	} {
		if a := testing.AllocsPerRun(20, f); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}
