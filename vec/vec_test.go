package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// offsets are the sub-slice starts tried: every lane position of the widest
// vector (64 bytes).
func offsets[T Float]() int {
	if tu.Is32[T]() {
		return 16
	}
	return 8
}

// cases calls f for every length of tu.Lengths, offset and input kind, with
// x (and y) of that length starting at that offset from an aligned array.
func cases[T Float](t *testing.T, seed uint64, f func(name string, x, y []T, kind tu.Kind)) {
	r := rand.New(rand.NewPCG(seed, 1))
	for _, kind := range []tu.Kind{tu.Normal, tu.Special, tu.Tiny} {
		for _, n := range tu.Lengths() {
			for off := 0; off < offsets[T](); off++ {
				if n > 300 && off%3 != 0 {
					continue
				}
				bx, by := make([]T, n+off), make([]T, n+off)
				x, y := bx[off:], by[off:]
				tu.Fill(r, x, kind)
				tu.Fill(r, y, kind)
				f(fmt.Sprintf("n=%d/off=%d/kind=%d", n, off, kind), x, y, kind)
			}
		}
	}
}

// refDot returns a reference dot product, the bound on its own error, and
// Σ|x[i]·y[i]|. float32 data is summed in float64 (products exact); float64
// data with Dot2 of Ogita, Rump and Oishi (2005): as if in twice the
// precision, error ≤ u·|s| + γₙ²·Σ|xy|.
func refDot[T Float](x, y []T) (ref, refErr, abs float64) {
	n := len(x)
	g := tu.Gamma[float64](n)
	if tu.Is32[T]() {
		for i := range x {
			p := float64(x[i]) * float64(y[i])
			ref += p
			abs += math.Abs(p)
		}
		return ref, g * abs, abs
	}
	var s, c float64
	for i := range x {
		a, b := float64(x[i]), float64(y[i])
		p := a * b
		pe := math.FMA(a, b, -p) // TwoProd
		t := s + p
		z := t - s
		se := (s - (t - z)) + (p - z) // TwoSum
		s = t
		c += pe + se
		abs += math.Abs(p)
	}
	ref = s + c
	return ref, 0x1p-53*math.Abs(ref) + g*g*abs, abs
}

// checkReduction compares got with the reference under the γₙ bound, or, with
// NaN/Inf in the input, with the class of the plain float64 loop.
func checkReduction[T Float](t *testing.T, what string, got T, x, y []T) {
	t.Helper()
	if tu.HasSpecial(x, y) {
		// With a NaN or an infinity in the input, the plain float64 loop is
		// NaN or ±Inf, and every ISA must give exactly that.
		var naive float64
		for i := range x {
			naive += float64(x[i]) * float64(y[i])
		}
		if !tu.Same(got, T(naive)) {
			t.Fatalf("%s: got %v, the plain loop gives %v", what, got, naive)
		}
		return
	}
	ref, refErr, abs := refDot(x, y)
	bound := tu.Gamma[T](len(x))*abs + float64(len(x))*tu.Eta[T]() + refErr
	if err := math.Abs(float64(got) - ref); !(err <= bound) {
		t.Fatalf("%s: got %v, reference %v: |err| = %g > bound %g (n=%d)", what, got, ref, err, bound, len(x))
	}
}

func ones[T Float](n int) []T {
	o := make([]T, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

func testDot[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		cases(t, 1, func(name string, x, y []T, _ tu.Kind) {
			checkReduction(t, "Dot "+name, dot(k, x, y), x, y)
		})
	})
}

func testDot3[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		cases(t, 10, func(name string, x, y []T, _ tu.Kind) {
			xy, xx, yy := dot3(k, x, y)
			checkReduction(t, "Dot3 xy "+name, xy, x, y)
			checkReduction(t, "Dot3 xx "+name, xx, x, x)
			checkReduction(t, "Dot3 yy "+name, yy, y, y)
		})
	})
}

func TestDot3(t *testing.T) {
	t.Run("f32", testDot3[float32])
	t.Run("f64", testDot3[float64])
}

func testSum[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		cases(t, 2, func(name string, x, _ []T, _ tu.Kind) {
			checkReduction(t, "Sum "+name, sum(k, x), x, ones[T](len(x)))
		})
	})
}

func TestDot(t *testing.T) {
	t.Run("f32", testDot[float32])
	t.Run("f64", testDot[float64])
}

func testSumsq[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		cases(t, 11, func(name string, x, _ []T, _ tu.Kind) {
			checkReduction(t, "Sumsq "+name, sumsq(k, x), x, x)
		})
	})
}

func TestSumsq(t *testing.T) {
	t.Run("f32", testSumsq[float32])
	t.Run("f64", testSumsq[float64])
}

func TestSum(t *testing.T) {
	t.Run("f32", testSum[float32])
	t.Run("f64", testSum[float64])
}

// TestDotExact: small integers make every partial sum exact, so every ISA
// must agree with the generic kernel bit for bit, whatever its order.
func TestDotExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	g := asm.Get(isa.Generic)
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for n := 0; n < 700; n++ {
			x, y := make([]float32, n), make([]float32, n)
			for i := range x {
				x[i], y[i] = float32(r.IntN(33)-16), float32(r.IntN(33)-16)
			}
			if got, want := dot(k, x, y), dot(g, x, y); got != want {
				t.Fatalf("n=%d: got %v want %v", n, got, want)
			}
		}
	})
}

func maxRef[T Float](x []T) T {
	m := T(math.Inf(-1))
	for _, v := range x {
		if v != v {
			return v
		}
		m = max(m, v)
	}
	return m
}

func testMax[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		cases(t, 4, func(name string, x, _ []T, _ tu.Kind) {
			if len(x) == 0 {
				return
			}
			got, want := max_(k, x), maxRef(x)
			if !(got == want || got != got && want != want) {
				t.Fatalf("Max %s: got %v want %v", name, got, want)
			}
			i := argMax(k, x)
			wi := -1
			for j, v := range x {
				if want != want && v != v || want == want && v == want {
					wi = j
					break
				}
			}
			if i != wi {
				t.Fatalf("ArgMax %s: got %d want %d", name, i, wi)
			}
		})
		// A single NaN anywhere, including the last and the first element.
		for n := 1; n < 100; n++ {
			for p := 0; p < n; p++ {
				x := make([]T, n)
				for i := range x {
					x[i] = T(i)
				}
				x[p] = T(math.NaN())
				if m := max_(k, x); m == m {
					t.Fatalf("Max n=%d NaN at %d: got %v", n, p, m)
				}
				if i := argMax(k, x); i != p {
					t.Fatalf("ArgMax n=%d NaN at %d: got %d", n, p, i)
				}
			}
		}
		// All −Inf, and the maximum in every position.
		x := []T{T(math.Inf(-1)), T(math.Inf(-1))}
		if m := max_(k, x); !math.IsInf(float64(m), -1) {
			t.Fatalf("Max(-Inf,-Inf) = %v", m)
		}
		for n := 1; n < 70; n++ {
			for p := 0; p < n; p++ {
				x := make([]T, n)
				for i := range x {
					x[i] = -T(i)
				}
				x[p] = 1000
				if i := argMax(k, x); i != p {
					t.Fatalf("ArgMax n=%d max at %d: got %d", n, p, i)
				}
			}
		}
	})
}

func TestMax(t *testing.T) {
	t.Run("f32", testMax[float32])
	t.Run("f64", testMax[float64])
}

// fma returns alpha·x+y rounded once.
func fma[T Float](a, x, y T) T {
	if tu.Is32[T]() {
		return T(asm.FMA32(float32(a), float32(x), float32(y)))
	}
	return T(math.FMA(float64(a), float64(x), float64(y)))
}

// elementwise lists the element-wise kernels with their exact reference.
type ew[T Float] struct {
	name string
	run  func(k *asm.Table, dst, x, y []T) // dst is written; x, y read
	ref  func(x, y T) T
}

func elementwiseKernels[T Float]() []ew[T] {
	const alpha = 1.0 / 3
	return []ew[T]{
		{"Add", func(k *asm.Table, d, x, y []T) { add(k, d, x, y) }, func(x, y T) T { return x + y }},
		{"Sub", func(k *asm.Table, d, x, y []T) { sub(k, d, x, y) }, func(x, y T) T { return x - y }},
		{"Mul", func(k *asm.Table, d, x, y []T) { mul(k, d, x, y) }, func(x, y T) T { return x * y }},
		{"Scale", func(k *asm.Table, d, x, _ []T) { copy(d, x); scale(k, T(alpha), d) }, func(x, _ T) T { return x * T(alpha) }},
		{"Axpy", func(k *asm.Table, d, x, y []T) { copy(d, y); axpy(k, T(alpha), x, d) }, func(x, y T) T { return fma(T(alpha), x, y) }},
	}
}

func testElementwise[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, e := range elementwiseKernels[T]() {
			cases(t, 5, func(name string, x, y []T, _ tu.Kind) {
				p := tu.NewPadded[T](len(x), 8)
				d := p.S()
				e.run(k, d, x, y)
				for i := range d {
					if want := e.ref(x[i], y[i]); !tu.Same(d[i], want) {
						t.Fatalf("%s %s: [%d] = %v (%x), want %v (%x) from x=%v y=%v", e.name, name, i, d[i], tu.Bits(d[i]), want, tu.Bits(want), x[i], y[i])
					}
				}
				if !p.Intact() {
					t.Fatalf("%s %s: wrote outside dst", e.name, name)
				}
			})
		}
	})
}

func TestElementwise(t *testing.T) {
	t.Run("f32", testElementwise[float32])
	t.Run("f64", testElementwise[float64])
}

// TestInPlace: dst may be x or y exactly.
func TestInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for n := 0; n < 100; n++ {
			x, y := make([]float64, n), make([]float64, n)
			tu.Fill(r, x, tu.Normal)
			tu.Fill(r, y, tu.Normal)
			want := make([]float64, n)
			for i := range want {
				want[i] = x[i] - y[i]
			}
			a := append([]float64(nil), x...)
			sub(k, a, a, y)
			b := append([]float64(nil), y...)
			sub(k, b, x, b)
			for i := range want {
				if a[i] != want[i] || b[i] != want[i] {
					t.Fatalf("n=%d: in-place Sub differs at %d", n, i)
				}
			}
		}
	})
}

// TestFMA32 checks the exact float32 FMA against a float64-exact reference:
// a·b is exact in float64, and for |c| within 2⁵⁰ of it so is the sum when
// both are small integers scaled by powers of two; the hard cases come from
// rounding boundaries.
func TestFMA32(t *testing.T) {
	// The case of TOOLCHAIN.md §8 where float32(math.FMA(...)) is wrong.
	a := float32(1 + 0x1p-12)
	if got, want := asm.FMA32(a, a, 0x1p-80), float32(0x1.002002p+0); got != want {
		t.Fatalf("FMA32 double-rounding case: got %x want %x", math.Float32bits(got), math.Float32bits(want))
	}
	r := rand.New(rand.NewPCG(7, 7))
	// 13-bit significands make a·b 26 bits wide, often exactly a float32
	// halfway point; a tiny c then makes the float64 sum round onto it.
	short := func() float32 {
		return float32(math.Ldexp(float64(r.IntN(1<<13)|1<<12), r.IntN(40)-30))
	}
	for i := range 2_000_000 {
		a := math.Float32frombits(r.Uint32())
		b := math.Float32frombits(r.Uint32())
		c := math.Float32frombits(r.Uint32())
		if i%2 == 0 {
			a, b = short(), short()
			c = float32(math.Ldexp(float64(r.Float32()), -r.IntN(60)-30))
			if r.IntN(2) == 0 {
				c = -c
			}
		}
		got := asm.FMA32(a, b, c)
		want := fma32Big(a, b, c)
		if !tu.Same(got, want) {
			t.Fatalf("FMA32(%x, %x, %x) = %x, want %x", math.Float32bits(a), math.Float32bits(b), math.Float32bits(c), math.Float32bits(got), math.Float32bits(want))
		}
	}
}

func TestPanics(t *testing.T) {
	x3, y4 := []float32{1, 2, 3}, []float32{9, 9, 9, 9}
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"vec.Dot: len(x)=3 != len(y)=4", func() { Dot(x3, y4) }},
		{"vec.Axpy: len(x)=3 != len(y)=4", func() { Axpy(2, x3, y4) }},
		{"vec.Cosine: len(x)=3 != len(y)=4", func() { Cosine(x3, y4) }},
		{"vec.Add: len(dst)=4, len(x)=3, len(y)=4", func() { Add(y4, x3, y4) }},
		{"vec.Sub: len(dst)=4, len(x)=4, len(y)=3", func() { Sub(y4, y4, x3) }},
		{"vec.Mul: len(dst)=3, len(x)=4, len(y)=4", func() { Mul(x3, y4, y4) }},
		{"vec.Max: empty slice", func() { Max([]float64{}) }},
		{"vec.ArgMax: empty slice", func() { ArgMax([]float32(nil)) }},
	} {
		func() {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, c.want) {
					t.Errorf("panic %q, want %q", msg, c.want)
				}
			}()
			c.f()
		}()
		if x3[0] != 1 || x3[2] != 3 || y4[0] != 9 || y4[3] != 9 {
			t.Fatalf("%s: an input was written before the panic", c.want)
		}
	}
}

func TestAllocs(t *testing.T) {
	x, y, d := make([]float32, 1000), make([]float32, 1000), make([]float32, 1000)
	for i := range x {
		x[i], y[i] = float32(i), 1
	}
	huge := []float64{1e300, 1e300, 3}
	for name, f := range map[string]func(){
		"Dot":    func() { Dot(x, y) },
		"Sum":    func() { Sum(x) },
		"Norm":   func() { Norm(x) },
		"NormRe": func() { Norm(huge) },
		"Cosine": func() { Cosine(x, y) },
		"Max":    func() { Max(x) },
		"ArgMax": func() { ArgMax(x) },
		"Axpy":   func() { Axpy(2, x, y) },
		"Scale":  func() { Scale(1, y) },
		"Add":    func() { Add(d, x, y) },
		"Sub":    func() { Sub(d, x, y) },
		"Mul":    func() { Mul(d, x, y) },
	} {
		if a := testing.AllocsPerRun(20, f); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}

// TestGuardPages runs every kernel on slices that touch PROT_NONE pages on
// one side: any read or write past either end faults.
func TestGuardPages(t *testing.T) {
	t.Run("f32", testGuardPages[float32])
	t.Run("f64", testGuardPages[float64])
}

func testGuardPages[T Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, atEnd := range []bool{true, false} {
			for n := 0; n <= 200; n++ {
				x := tu.Guarded[T](t, n, atEnd)
				y := tu.Guarded[T](t, n, atEnd)
				d := tu.Guarded[T](t, n, atEnd)
				for i := range x {
					x[i], y[i] = T(i%7)-3, T(i%5)-2
				}
				dot(k, x, y)
				dot3(k, x, y)
				sumsq(k, x)
				sum(k, x)
				norm(k, x)
				if n > 0 {
					max_(k, x)
					argMax(k, x)
				}
				axpy(k, 2, x, y)
				scale(k, 2, y)
				add(k, d, x, y)
				sub(k, d, x, y)
				mul(k, d, x, y)
			}
		}
	})
}
