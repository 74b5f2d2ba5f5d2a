package prob

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// A sampler fills dst from r with the kernels of k.
type sampler[T Float] struct {
	name string
	fill func(k *asm.Table, r *RNG, dst []T)
	one  func(r *RNG) T // the single-draw form (Rand)
}

func samplers[T Float]() []sampler[T] {
	c, _ := NewCategorical([]T{1, 0, 3, 2.5})
	return []sampler[T]{
		{"uniform", func(k *asm.Table, r *RNG, d []T) { uniformFill(k, r, d, -2, 3) }, func(r *RNG) T { return Uniform[T]{-2, 3}.Rand(r) }},
		{"normal", func(k *asm.Table, r *RNG, d []T) { normalFill(k, r, d, 1, 2) }, func(r *RNG) T { return Normal[T]{1, 2}.Rand(r) }},
		{"bernoulli", func(k *asm.Table, r *RNG, d []T) { bernoulliFill(k, r, d, bernoulliThreshold(0.3)) }, func(r *RNG) T { return Bernoulli[T]{0.3}.Rand(r) }},
		{"categorical", func(k *asm.Table, r *RNG, d []T) {
			ints := make([]int, len(d))
			categoricalFill(k, r, c.table(), ints)
			for i, v := range ints {
				d[i] = T(v)
			}
		}, func(r *RNG) T { return T(c.Rand(r)) }},
	}
}

// TestSamplersBitIdentical: every ISA gives the generic bits, for any
// chunking of the output, interleaved with other draws, and the one-value
// Rand gives the same values as Sample.
func TestSamplersBitIdentical(t *testing.T) {
	t.Run("float32", testBitIdentical[float32])
	t.Run("float64", testBitIdentical[float64])
}

func testBitIdentical[T Float](t *testing.T) {
	gen := asm.Get(isa.Generic)
	for _, s := range samplers[T]() {
		for _, n := range []int{0, 1, 2, 3, 5, 7, 8, 31, 64, 255, 1024, 3001} {
			for _, start := range []uint64{0, 1, 2, 3, 5} {
				r := New(11)
				r.Skip(start)
				want := make([]T, n)
				s.fill(gen, r, want)
				after := r.Uint32()

				tu.ForISA(t, func(t *testing.T, k *asm.Table) {
					rr := rand.New(rand.NewPCG(uint64(n), start))
					for trial := 0; trial < 4; trial++ {
						r := New(11)
						r.Skip(start)
						got := make([]T, n)
						for i := 0; i < n; {
							m := min(n-i, 1+rr.IntN(70))
							if trial == 0 {
								m = n - i // all at once
							}
							if trial == 3 && m == 1 {
								got[i] = s.one(r)
							} else {
								s.fill(k, r, got[i:i+m])
							}
							i += m
						}
						for i := range want {
							if tu.Bits(got[i]) != tu.Bits(want[i]) {
								t.Fatalf("%s n=%d start=%d trial %d: [%d] = %v, generic all-at-once gives %v", s.name, n, start, trial, i, got[i], want[i])
							}
						}
						if a := r.Uint32(); a != after {
							t.Fatalf("%s n=%d start=%d trial %d: the next word is %#x, want %#x (words consumed differ)", s.name, n, start, trial, a, after)
						}
					}
				})
			}
		}
	}
}

// TestSamplersGuards: NaN guard elements around dst stay intact, and on
// guard pages nothing outside dst is touched.
func TestSamplersGuards(t *testing.T) {
	t.Run("float32", testGuards[float32])
	t.Run("float64", testGuards[float64])
}

func testGuards[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, s := range samplers[T]() {
			for n := 0; n <= 70; n++ {
				p := tu.NewPadded[T](n, 8)
				r := New(3)
				r.Skip(uint64(n % 3))
				s.fill(k, r, p.S())
				if !p.Intact() {
					t.Fatalf("%s n=%d: guard elements overwritten", s.name, n)
				}
				for i, v := range p.S() {
					if v != v {
						t.Fatalf("%s n=%d: [%d] is NaN", s.name, n, i)
					}
				}
				if tu.GuardPages {
					for _, atEnd := range []bool{true, false} {
						d := tu.Guarded[T](t, n, atEnd)
						s.fill(k, New(3), d)
					}
				}
			}
		}
	})
}

// normalsHash is the SHA-256 of the little-endian bits of the first 2²⁰
// float32 standard normals of seed 42, stream 0. It is pinned: every ISA of
// every architecture must give it.
const normalsHash = "67015fb779d08a0631b5692049697ef65187afcc245bb789330e2a4b006ec59c"

func TestNormalHash(t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		z := make([]float32, 1<<20)
		normalFill(k, New(42), z, 0, 1)
		h := sha256.New()
		var b [4]byte
		for _, v := range z {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
		got := hex.EncodeToString(h.Sum(nil))
		t.Logf("SHA-256 of the first 2^20 float32 normals of seed 42: %s", got)
		if got != normalsHash {
			t.Errorf("hash %s, want %s", got, normalsHash)
		}
	})
}

// ksStat returns the Kolmogorov–Smirnov statistic D = sup|Fₙ(x) − F(x)| of
// the sample x (sorted in place) against the CDF f.
func ksStat(x []float64, f func(float64) float64) float64 {
	slices.Sort(x)
	n := float64(len(x))
	var d float64
	for i, v := range x {
		c := f(v)
		d = max(d, float64(i+1)/n-c, c-float64(i)/n)
	}
	return d
}

// ksCrit is the asymptotic critical value of √n·D at α = 0.001
// (Kolmogorov distribution: P(K > 1.9495) = 0.001).
const ksCrit = 1.9495

func toF64[T Float](x []T) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// statN is the sample size of the statistical tests: 10⁶, or 2·10⁵ with
// -short (CI's race and emulated runs).
func statN() int {
	if testing.Short() {
		return 200_000
	}
	return 1_000_000
}

func TestKS(t *testing.T) {
	n := statN()
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	check := func(name string, x []float64, f func(float64) float64) {
		t.Helper()
		d := ksStat(x, f)
		s := d * math.Sqrt(float64(n))
		t.Logf("KS %s: n=%d D=%.6f √n·D=%.4f (critical %.4f at α=0.001)", name, n, d, s, ksCrit)
		if s > ksCrit {
			t.Errorf("KS %s: √n·D = %.4f > %.4f", name, s, ksCrit)
		}
	}
	u32 := make([]float32, n)
	Uniform[float32]{0, 1}.Sample(New(101), u32)
	check("uniform float32", toF64(u32), func(x float64) float64 { return x })
	u64 := make([]float64, n)
	Uniform[float64]{-1, 3}.Sample(New(102), u64)
	check("uniform float64 [-1,3)", u64, func(x float64) float64 { return (x + 1) / 4 })
	z32 := make([]float32, n)
	Normal[float32]{0, 1}.Sample(New(103), z32)
	check("normal float32", toF64(z32), phi)
	z64 := make([]float64, n)
	Normal[float64]{2, 3}.Sample(New(104), z64)
	check("normal float64 (2,3)", z64, func(x float64) float64 { return phi((x - 2) / 3) })
}

// TestNormalTails: the frequencies of |z| > 3.5, 5 and 6 among float32 and
// float64 normals are within 5 binomial standard deviations of the exact
// normal tail probabilities erfc(t/√2). The float32 ziggurat reaches these
// values only through its slow path (the base strip ends at r ≈ 3.44).
func TestNormalTails(t *testing.T) {
	n := 40_000_000
	if testing.Short() {
		n = 10_000_000
	}
	const chunk = 1 << 20
	thresholds := []float64{3.5, 5, 6}
	check := func(name string, counts []int, maxAbs float64) {
		for j, th := range thresholds {
			p := math.Erfc(th / math.Sqrt2)
			mean := float64(n) * p
			sd := math.Sqrt(float64(n) * p * (1 - p))
			t.Logf("%s: #|z|>%g = %d of %d, expected %.1f ± %.1f (%.2fσ); max |z| %.3f", name, th, counts[j], n, mean, sd, (float64(counts[j])-mean)/sd, maxAbs)
			if math.Abs(float64(counts[j])-mean) > 5*sd {
				t.Errorf("%s: #|z|>%g = %d, outside %.1f ± 5·%.1f", name, th, counts[j], mean, sd)
			}
		}
	}
	count := func(counts []int, maxAbs *float64, z float64) {
		a := math.Abs(z)
		*maxAbs = max(*maxAbs, a)
		for j, th := range thresholds {
			if a > th {
				counts[j]++
			}
		}
	}
	{
		r := New(401)
		x := make([]float32, chunk)
		counts := make([]int, len(thresholds))
		var maxAbs float64
		for done := 0; done < n; done += chunk {
			Normal[float32]{0, 1}.Sample(r, x[:min(chunk, n-done)])
			for _, v := range x[:min(chunk, n-done)] {
				if v != v || math.IsInf(float64(v), 0) {
					t.Fatalf("float32 normal %v", v)
				}
				count(counts, &maxAbs, float64(v))
			}
		}
		check("float32", counts, maxAbs)
	}
	{
		r := New(402)
		x := make([]float64, chunk)
		counts := make([]int, len(thresholds))
		var maxAbs float64
		for done := 0; done < n; done += chunk {
			Normal[float64]{0, 1}.Sample(r, x[:min(chunk, n-done)])
			for _, v := range x[:min(chunk, n-done)] {
				count(counts, &maxAbs, v)
			}
		}
		check("float64", counts, maxAbs)
	}
}

// chi2Crit001 are the chi-square critical values at α = 0.001 for 1..9
// degrees of freedom.
var chi2Crit001 = []float64{0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877}

func chi2(counts []int, p []float64, n int) float64 {
	var c float64
	for i, o := range counts {
		e := p[i] * float64(n)
		c += (float64(o) - e) * (float64(o) - e) / e
	}
	return c
}

func TestChiSquare(t *testing.T) {
	n := statN()
	check := func(name string, counts []int, p []float64) {
		t.Helper()
		c := chi2(counts, p, n)
		df := len(p) - 1
		t.Logf("chi-square %s: n=%d χ²=%.3f df=%d (critical %.3f at α=0.001)", name, n, c, df, chi2Crit001[df])
		if c > chi2Crit001[df] {
			t.Errorf("chi-square %s: %.3f > %.3f", name, c, chi2Crit001[df])
		}
	}
	b := make([]float32, n)
	Bernoulli[float32]{0.3}.Sample(New(201), b)
	var ones int
	for _, v := range b {
		if v != 0 && v != 1 {
			t.Fatalf("Bernoulli value %v", v)
		}
		ones += int(v)
	}
	check("bernoulli p=0.3", []int{n - ones, ones}, []float64{0.7, 0.3})

	w := []float64{1, 2, 3, 4, 0.5, 0.25, 7, 1, 1, 0.25}
	var sw float64
	for _, v := range w {
		sw += v
	}
	p := make([]float64, len(w))
	for i := range w {
		p[i] = w[i] / sw
	}
	c, err := NewCategorical(w)
	if err != nil {
		t.Fatal(err)
	}
	ks := make([]int, n)
	c.Sample(New(202), ks)
	counts := make([]int, len(w))
	for _, v := range ks {
		counts[v]++
	}
	check("categorical k=10", counts, p)

	mc := make([]int, len(w))
	c.Multinomial(New(203), mc, n)
	check("multinomial k=10", mc, p)
	// Multinomial counts are the counts of the draws Sample would give.
	c.Sample(New(203), ks)
	clear(counts)
	for _, v := range ks {
		counts[v]++
	}
	if !slices.Equal(counts, mc) {
		t.Fatalf("Multinomial %v != counts of Sample %v", mc, counts)
	}
}

// TestMoments: sample mean and variance within 5 standard errors.
func TestMoments(t *testing.T) {
	const n = 400_000
	check := func(name string, x []float64, mean, variance, mu4 float64) {
		t.Helper()
		m := Mean(x)
		v := Variance(x)
		seM := math.Sqrt(variance / n)
		seV := math.Sqrt((mu4 - variance*variance) / n)
		t.Logf("%s: mean %.5f (want %.5f, %.2f se), variance %.5f (want %.5f, %.2f se)", name, m, mean, (m-mean)/seM, v, variance, (v-variance)/seV)
		if math.Abs(m-mean) > 5*seM || math.Abs(v-variance) > 5*seV {
			t.Errorf("%s: moments outside 5σ", name)
		}
	}
	x := make([]float64, n)
	Normal[float64]{-1, 2}.Sample(New(301), x)
	check("normal(-1,2)", x, -1, 4, 3*16)
	Uniform[float64]{2, 5}.Sample(New(302), x)
	check("uniform[2,5)", x, 3.5, 9.0/12, 81.0/80)
	y := make([]float32, n)
	Normal[float32]{0, 1}.Sample(New(303), y)
	check("normal32", toF64(y), 0, 1, 3)
	Bernoulli[float64]{0.1}.Sample(New(304), x)
	check("bernoulli(0.1)", x, 0.1, 0.09, 0.09*(1-0.3+0.03))
}

// TestStreamIndependence: streams of one seed, and neighbouring seeds, are
// uncorrelated (|r| < 5/√n), and different.
func TestStreamIndependence(t *testing.T) {
	n := statN()
	corr := func(a, b []float64) float64 {
		ma, mb := Mean(a), Mean(b)
		var sab, saa, sbb float64
		for i := range a {
			sab += (a[i] - ma) * (b[i] - mb)
			saa += (a[i] - ma) * (a[i] - ma)
			sbb += (b[i] - mb) * (b[i] - mb)
		}
		return sab / math.Sqrt(saa*sbb)
	}
	pairs := []struct {
		name string
		a, b *RNG
	}{
		{"seed 1 streams 0,1", NewStream(1, 0), NewStream(1, 1)},
		{"seed 1 streams 0,2^63", NewStream(1, 0), NewStream(1, 1<<63)},
		{"seeds 42,43", New(42), New(43)},
	}
	for _, p := range pairs {
		a, b := make([]float64, n), make([]float64, n)
		Normal[float64]{0, 1}.Sample(p.a, a)
		Normal[float64]{0, 1}.Sample(p.b, b)
		r := corr(a, b)
		bound := 5 / math.Sqrt(float64(n))
		t.Logf("%s: correlation %.6f (bound %.6f)", p.name, r, bound)
		if math.Abs(r) > bound {
			t.Errorf("%s: correlation %v", p.name, r)
		}
	}
}

var _ = fmt.Sprint
