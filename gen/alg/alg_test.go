package alg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
)

// The generic kernels are the reference: running an algorithm of this
// package on Scalar must give their bits on every input (NaN payloads
// aside). A vector backend then only has to perform each Ops operation
// correctly; the act and prob tests check that every ISA's kernels return
// the generic bits.

var generic = asm.Get(isa.Generic)

// inputs64 are float64 test inputs: the special values, the edges of every
// range the algorithms clamp or split at, and n random ones spread over
// the exponents.
func inputs64(n int) []float64 {
	xs := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(),
		// GELU's region bounds (|x/√2| = 0.84375, 1.25, 1/0.35) and clamps.
		0.84375 * math.Sqrt2, -0.84375 * math.Sqrt2, 1.25 * math.Sqrt2, -1.25 * math.Sqrt2,
		0x1.6db6ep+01 * math.Sqrt2, -0x1.6db6ep+01 * math.Sqrt2, -39, 10, -22, -0.7518, -0.7522,
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		0x1p-1022, 0x1p-1023, -746, 710, -745.2, 709.8, 19.5, 19.1, -19.5, 0.5, 2, math.Sqrt2 / 2, math.Sqrt2,
		0x1.cp-01, 10, 9.02, -104, 89, 88.7, -103.9}
	for _, x := range append([]float64(nil), xs...) {
		xs = append(xs, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1)), math.Nextafter(x, math.Inf(-1)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		switch r.IntN(3) {
		case 0: // any bits
			xs = append(xs, math.Float64frombits(r.Uint64()))
		case 1: // the interesting range of exp, sigmoid, tanh
			xs = append(xs, (r.Float64()*2-1)*750)
		default: // small magnitudes
			xs = append(xs, (r.Float64()*2-1)*math.Ldexp(1, r.IntN(40)-30))
		}
	}
	return xs
}

func inputs32(n int) []float32 {
	var xs []float32
	for _, x := range inputs64(0) {
		xs = append(xs, float32(x))
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range n {
		if r.IntN(2) == 0 {
			xs = append(xs, math.Float32frombits(r.Uint32()))
		} else {
			xs = append(xs, float32((r.Float64()*2-1)*110))
		}
	}
	// Every 4099th bit pattern, so each exponent and sign is swept.
	for b := uint64(0); b < 1<<32; b += 4099 {
		xs = append(xs, math.Float32frombits(uint32(b)))
	}
	return xs
}

func same64(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b
}

func same32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

func n(short, long int) int {
	if testing.Short() {
		return short
	}
	return long
}

func TestActFloat64Lanes(t *testing.T) {
	xs := inputs64(n(20000, 400000))
	got := make([]float64, len(xs))
	s := Scalar64
	for _, c := range []struct {
		name   string
		alg    func(Ops[uint64], uint64) uint64
		kernel func(dst, x []float64)
	}{
		{"Exp64", Exp64[uint64], generic.ExpF64},
		{"Sigmoid64", Sigmoid64[uint64], generic.SigmoidF64},
		{"Tanh64", Tanh64[uint64], generic.TanhF64},
		{"Log64", Log64[uint64], generic.LogF64},
		{"SiLU64", SiLU64[uint64], generic.SiluF64},
		{"SiLUGrad64", func(o Ops[uint64], x uint64) uint64 { return SiLUGrad64(o, x, o.F(gradDy)) }, gradDy64(generic.SiluGradF64)},
		{"GELU64", GELU64[uint64], generic.GeluF64},
		{"GELUGrad64", func(o Ops[uint64], x uint64) uint64 { return GELUGrad64(o, x, o.F(gradDy)) }, gradDy64(generic.GeluGradF64)},
		{"GELUTanh64", GELUTanh64[uint64], generic.GeluTanhF64},
		{"GELUTanhGrad64", func(o Ops[uint64], x uint64) uint64 { return GELUTanhGrad64(o, x, o.F(gradDy)) }, gradDy64(generic.GeluTanhGradF64)},
	} {
		c.kernel(got, xs)
		bad := 0
		for i, x := range xs {
			want := math.Float64frombits(c.alg(s, math.Float64bits(x)))
			if !same64(got[i], want) {
				if bad++; bad <= 5 {
					t.Errorf("%s(%v): alg %v (%#x), generic kernel %v (%#x)", c.name, x, want, math.Float64bits(want), got[i], math.Float64bits(got[i]))
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d inputs differ", c.name, bad, len(xs))
		}
	}
}

// gradDy is the upstream gradient of the Grad kernels' tests (not 1, so
// that its product rounds).
const gradDy = 0.7

// gradDy64 adapts a float64 Grad kernel to one input, with dy = gradDy.
func gradDy64(k func(dst, x, dy []float64)) func(dst, x []float64) {
	return func(dst, x []float64) {
		dy := make([]float64, len(x))
		for i := range dy {
			dy[i] = gradDy
		}
		k(dst, x, dy)
	}
}

func TestActFloat32Lanes(t *testing.T) {
	xs := inputs32(n(20000, 200000))
	got := make([]float32, len(xs))
	s := Scalar32
	for _, c := range []struct {
		name   string
		alg    func(Ops[uint64], uint64) uint64
		kernel func(dst, x []float32)
	}{
		{"Exp32", Exp32[uint64], generic.ExpF32},
		{"Sigmoid32", Sigmoid32[uint64], generic.SigmoidF32},
		{"Tanh32", Tanh32[uint64], generic.TanhF32},
	} {
		c.kernel(got, xs)
		bad := 0
		for i, x := range xs {
			want := math.Float32frombits(uint32(c.alg(s, uint64(math.Float32bits(x)))))
			if !same32(got[i], want) {
				if bad++; bad <= 5 {
					t.Errorf("%s(%v): alg %v, generic kernel %v", c.name, x, want, got[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d inputs differ", c.name, bad, len(xs))
		}
	}
}

// TestActWide: the float32 Log, SiLU, SiLUGrad, the GELUs and the
// exponential of float32 Softmax run in float64 lanes and round once at
// the end.
func TestActWide(t *testing.T) {
	xs := inputs32(n(20000, 200000))
	got := make([]float32, len(xs))
	s := Scalar64
	wide := func(alg func(Ops[uint64], uint64) uint64, x float32) float32 {
		return float32(math.Float64frombits(alg(s, math.Float64bits(float64(x)))))
	}
	generic.LogF32(got, xs)
	for i, x := range xs {
		if want := wide(LogW32[uint64], x); !same32(got[i], want) {
			t.Fatalf("LogW32(%v): alg %v, generic kernel %v", x, want, got[i])
		}
	}
	generic.SiluF32(got, xs)
	for i, x := range xs {
		if want := wide(SiLU64[uint64], x); !same32(got[i], want) {
			t.Fatalf("SiLU64(%v) (float32 data): alg %v, generic kernel %v", x, want, got[i])
		}
	}
	dy := make([]float32, len(xs))
	for i := range dy {
		dy[i] = gradDy
	}
	generic.SiluGradF32(got, xs, dy)
	for i, x := range xs {
		want := wide(func(o Ops[uint64], x uint64) uint64 { return SiLUGrad64(o, x, o.F(float64(float32(gradDy)))) }, x)
		if !same32(got[i], want) {
			t.Fatalf("SiLUGrad64(%v) (float32 data): alg %v, generic kernel %v", x, want, got[i])
		}
	}
	for _, c := range []struct {
		name   string
		alg    func(Ops[uint64], uint64) uint64
		kernel func(dst, x []float32)
	}{
		{"GELU64", GELU64[uint64], generic.GeluF32},
		{"GELUTanh64", GELUTanh64[uint64], generic.GeluTanhF32},
		{"GELUGrad64", func(o Ops[uint64], x uint64) uint64 { return GELUGrad64(o, x, o.F(float64(float32(gradDy)))) },
			func(d, x []float32) { generic.GeluGradF32(d, x, dy) }},
		{"GELUTanhGrad64", func(o Ops[uint64], x uint64) uint64 { return GELUTanhGrad64(o, x, o.F(float64(float32(gradDy)))) },
			func(d, x []float32) { generic.GeluTanhGradF32(d, x, dy) }},
	} {
		c.kernel(got, xs)
		for i, x := range xs {
			if want := wide(c.alg, x); !same32(got[i], want) {
				t.Fatalf("%s(%v) (float32 data): alg %v, generic kernel %v", c.name, x, want, got[i])
			}
		}
	}
	generic.ExpSubF32(got, xs, 0) // e^(x − 0)
	for i, x := range xs {
		if want := wide(ExpW32[uint64], x); !same32(got[i], want) {
			t.Fatalf("ExpW32(%v): alg %v, generic kernel %v", x, want, got[i])
		}
	}
}

func TestBoxMuller(t *testing.T) {
	const mu, sigma = 0.25, 1.5
	r := rand.New(rand.NewPCG(5, 6))
	w := make([]uint32, 4*n(20000, 500000))
	for i := range w {
		w[i] = r.Uint32()
	}
	// The extremes of U and of each octant's angle.
	copy(w, []uint32{0, 0, 0, 0, ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), 0x7ff, 0, 0xff, 0x20000000,
		0x800, 0, 0x100, 0xe0000000})
	got := make([]float64, len(w)/2)
	generic.NormalF64(got, w, mu, sigma)
	s := Scalar64
	for b := range len(w) / 4 {
		u := uint64(w[4*b]) | uint64(w[4*b+1])<<32
		th := uint64(w[4*b+2]) | uint64(w[4*b+3])<<32
		z0, z1 := BoxMuller(s, u, th)
		for j, z := range []uint64{z0, z1} {
			want := mu + float64(sigma*math.Float64frombits(z))
			if !same64(got[2*b+j], want) {
				t.Fatalf("block %d (u %#x, t %#x) value %d: alg %v, generic kernel %v", b, u, th, j, want, got[2*b+j])
			}
		}
	}
}
