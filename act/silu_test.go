package act

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// siluGradRef returns dy·σ(x)·(1 + x·σ(−x)) as a double-double, and the
// scale of SiLUGrad's stated error, |dy|·σ(x)·(1 + 2|x|·σ(−x)), for finite
// x with |x| ≤ 800.
func siluGradRef(x, dy float64) (dd, float64) {
	ms, ks := sigmoidRef(x)
	mt, kt := sigmoidRef(-x)
	s, t := ddScale(ms, ks), ddScale(mt, kt)
	h := ddAdd(ddF(1), ddMul(ddF(x), t))
	g := ddMul(ddMul(s, h), ddF(dy))
	return g, math.Abs(dy) * s.f() * (1 + 2*math.Abs(x)*t.f())
}

// siluGradInputs: every 4096th bit pattern, uniform samples where the
// derivative is not flat, and (float32 when f32) the inputs nearest to the
// derivative's zero at x ≈ −1.2785, where 1 + x·σ(−x) cancels.
func siluGradInputs(r *rand.Rand, f32 bool) []float64 {
	var xs []float64
	stride := uint64(4096 * thin())
	for b := r.Uint64N(stride); b < 1<<32; b += stride {
		if f32 {
			xs = append(xs, float64(math.Float32frombits(uint32(b))))
		} else {
			xs = append(xs, math.Float64frombits(b<<32|uint64(r.Uint32())))
		}
	}
	for range 1 << 18 / thin() {
		xs = append(xs, -60+80*r.Float64())
	}
	if f32 {
		for v := float32(-1.29); v < -1.27; v = math.Nextafter32(v, 0) {
			xs = append(xs, float64(v))
		}
	} else {
		for range 1 << 16 / thin() {
			xs = append(xs, -1.2784645427610738+math.Ldexp(2*r.Float64()-1, -r.IntN(50)))
		}
	}
	var out []float64
	for _, x := range xs {
		if f32 {
			x = float64(float32(x))
		}
		if x == x && math.Abs(x) <= 800 {
			out = append(out, x)
		}
	}
	return out
}

// TestSiLUGradError checks SiLUGrad's stated bound against a double-double
// reference: |err| ≤ 4u·|dy|·σ(x)·(1 + 2|x|·σ(−x)) (u = 2⁻⁵³) plus half an
// ULP of the result (float32) or 2⁻¹⁰⁷⁵·|dy|·(2 + |x|) (float64, for
// subnormal σ(x) or results), with dy = 1 and random dy; every ISA gives
// the generic kernel's bits.
func TestSiLUGradError(t *testing.T) {
	const u = 0x1p-53
	r := rand.New(rand.NewPCG(7, 7))
	for _, f32 := range []bool{true, false} {
		xs := siluGradInputs(r, f32)
		dys := make([]float64, len(xs))
		for i := range dys {
			dys[i] = 1
			if i%2 == 1 {
				dys[i] = (2*r.Float64() - 1) * 8
			}
			if f32 {
				dys[i] = float64(float32(dys[i]))
			}
		}
		got := make([]float64, len(xs))
		if f32 {
			x32, dy32, g32 := make([]float32, len(xs)), make([]float32, len(xs)), make([]float32, len(xs))
			for i := range xs {
				x32[i], dy32[i] = float32(xs[i]), float32(dys[i])
			}
			asm.Get(isa.Generic).SiluGradF32(g32, x32, dy32)
			for i := range got {
				got[i] = float64(g32[i])
			}
			d := make([]float32, len(xs))
			for _, is := range isa.Available() {
				asm.Get(is).SiluGradF32(d, x32, dy32)
				for i := range d {
					if !tu.Same(d[i], g32[i]) {
						t.Fatalf("%s SiLUGrad(%v, %v) = %v, generic %v", is, x32[i], dy32[i], d[i], g32[i])
					}
				}
			}
		} else {
			asm.Get(isa.Generic).SiluGradF64(got, xs, dys)
			d := make([]float64, len(xs))
			for _, is := range isa.Available() {
				asm.Get(is).SiluGradF64(d, xs, dys)
				for i := range d {
					if !tu.Same(d[i], got[i]) {
						t.Fatalf("%s SiLUGrad(%v, %v) = %v, generic %v", is, xs[i], dys[i], d[i], got[i])
					}
				}
			}
		}
		var maxRatio, maxULP, atR, atU float64
		for i, x := range xs {
			ref, scale := siluGradRef(x, dys[i])
			err := math.Abs((got[i] - ref.hi) - ref.lo)
			bound := 4 * u * scale
			var ulp float64
			if f32 {
				ulp = ulp32(float32(got[i]), ref.f())
				bound += 0.5 * ulp32Size(ref.f())
			} else {
				bound += 0x1p-1075 * math.Abs(dys[i]) * (2 + math.Abs(x))
			}
			if !(err <= bound) {
				t.Fatalf("f32=%v SiLUGrad(%v, %v) = %v, reference %v: error %g > bound %g", f32, x, dys[i], got[i], ref.f(), err, bound)
			}
			if scale > 0x1p-1000 {
				if rt := err / (u * scale); rt > maxRatio && (!f32 || err > 0) {
					maxRatio, atR = rt, x
				}
			}
			if ulp > maxULP {
				maxULP, atU = ulp, x
			}
		}
		if f32 {
			t.Logf("float32: %d inputs, max %.4f ULP at x = %v", len(xs), maxULP, float32(atU))
		} else {
			t.Logf("float64: %d inputs, max error %.3f u·|dy|·σ(x)·(1 + 2|x|σ(−x)) at x = %v", len(xs), maxRatio, atR)
		}
	}
}

// ulp32Size is the size of one float32 ULP at v (subnormals: 2⁻¹⁴⁹).
func ulp32Size(v float64) float64 {
	_, e := math.Frexp(v)
	return math.Ldexp(1, max(e-24, -149))
}

func TestSiLUGradSpecials(t *testing.T) {
	nan, inf, negz := math.NaN(), math.Inf(1), math.Copysign(0, -1)
	cases := []struct{ x, dy, want float64 }{
		{nan, 1.5, nan}, {inf, 1.5, 1.5}, {-inf, 1.5, negz}, {-inf, -1.5, 0}, {0, 1.5, 0.75}, {negz, 1.5, 0.75},
		{1000, 1.5, 1.5}, {-1e4, 1.5, negz}, {1, nan, nan}, {1, inf, inf}, {1e30, -2, -2},
	}
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		x, dy, d := make([]float64, len(cases)), make([]float64, len(cases)), make([]float64, len(cases))
		for i, c := range cases {
			x[i], dy[i] = c.x, c.dy
		}
		siluGrad(k, d, x, dy)
		x32, dy32, d32 := make([]float32, len(cases)), make([]float32, len(cases)), make([]float32, len(cases))
		for i, c := range cases {
			x32[i], dy32[i] = float32(c.x), float32(c.dy)
		}
		siluGrad(k, d32, x32, dy32)
		for i, c := range cases {
			if !tu.Same(d[i], c.want) || !tu.Same(d32[i], float32(c.want)) {
				t.Errorf("SiLUGrad(%v, %v) = %v (float64), %v (float32), want %v", c.x, c.dy, d[i], d32[i], c.want)
			}
		}
	})
}
