package act

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/kconst"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// gradCase is one of the GELU derivatives under test: its kernels, its
// reference (the value m·2ᵏ and the scale of the stated error), the
// stated constant c of the bound c·u·scale, and the inputs nearest the
// derivative's zero.
type gradCase struct {
	name  string
	k32   func(k *asm.Table) func(dst, x, dy []float32)
	k64   func(k *asm.Table) func(dst, x, dy []float64)
	ref   func(x, dy float64) (dd, int, float64)
	c     float64
	zero  float64
	lo    float64 // the inputs sampled uniformly: [lo, hi]
	hi    float64
	under func(x float64) float64 // the float64 underflow term's factor of |dy| (see the doc comments)
}

var gradCases = []gradCase{
	{"GELUGrad", func(k *asm.Table) func(d, x, dy []float32) { return k.GeluGradF32 },
		func(k *asm.Table) func(d, x, dy []float64) { return k.GeluGradF64 },
		geluGradRef, geluGradC, -0.7517915246935645, -40, 12, func(x float64) float64 { return 0x1p-1074 * (1 + math.Abs(x)) }},
	{"GELUTanhGrad", func(k *asm.Table) func(d, x, dy []float32) { return k.GeluTanhGradF32 },
		func(k *asm.Table) func(d, x, dy []float64) { return k.GeluTanhGradF64 },
		geluTanhGradRef, geluTanhGradC, -0.7517, -23, 12, func(x float64) float64 {
			a := min(math.Abs(x), 22)
			return 0x1p-1074 * (1 + a*(geluADD.hi+geluGDD.hi*a*a)/2)
		}},
}

// The constants of the stated bounds (act.GELUGrad, act.GELUTanhGrad).
const (
	geluGradC     = 7
	geluTanhGradC = 8
)

// gradInputs: every 16384th bit pattern (float64: with random low bits),
// uniform samples over [lo, hi], and the inputs nearest to the zero of
// the derivative (float32: every one in ±0.002).
func gradInputs(r *rand.Rand, f32 bool, zero, lo, hi float64, n int) []float64 {
	var xs []float64
	for b := uint64(r.Uint32N(16384)); b < 1<<32; b += 16384 {
		if f32 {
			xs = append(xs, float64(math.Float32frombits(uint32(b))))
		} else {
			xs = append(xs, math.Float64frombits(b<<32|uint64(r.Uint32())))
		}
	}
	for range n {
		xs = append(xs, lo+(hi-lo)*r.Float64())
	}
	if f32 {
		for v := float32(zero - 0.002); v < float32(zero+0.002); v = math.Nextafter32(v, 1) {
			xs = append(xs, float64(v))
		}
	} else {
		for range n / 4 {
			xs = append(xs, zero+math.Ldexp(2*r.Float64()-1, -r.IntN(50)))
		}
	}
	var out []float64
	for _, x := range xs {
		if f32 {
			x = float64(float32(x))
		}
		if x == x && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

// TestGELUGradError checks GELUGrad's and GELUTanhGrad's stated bounds
// against double-double references: |err| ≤ c·u·scale (u = 2⁻⁵³) plus half
// an ULP of the result (float32) or the underflow term (float64), with
// dy = 1 and random dy; every ISA gives the generic kernel's bits.
func TestGELUGradError(t *testing.T) {
	const u = 0x1p-53
	r := rand.New(rand.NewPCG(8, 8))
	n := 1 << 17
	if testing.Short() {
		n = 1 << 14
	}
	for _, gc := range gradCases {
		for _, f32 := range []bool{true, false} {
			xs := gradInputs(r, f32, gc.zero, gc.lo, gc.hi, n)
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
				gc.k32(asm.Get(isa.Generic))(g32, x32, dy32)
				for i := range got {
					got[i] = float64(g32[i])
				}
				d := make([]float32, len(xs))
				for _, is := range isa.Available() {
					gc.k32(asm.Get(is))(d, x32, dy32)
					for i := range d {
						if !tu.Same(d[i], g32[i]) {
							t.Fatalf("%s %s(%v, %v) = %v, generic %v", is, gc.name, x32[i], dy32[i], d[i], g32[i])
						}
					}
				}
			} else {
				gc.k64(asm.Get(isa.Generic))(got, xs, dys)
				d := make([]float64, len(xs))
				for _, is := range isa.Available() {
					gc.k64(asm.Get(is))(d, xs, dys)
					for i := range d {
						if !tu.Same(d[i], got[i]) {
							t.Fatalf("%s %s(%v, %v) = %v, generic %v", is, gc.name, xs[i], dys[i], d[i], got[i])
						}
					}
				}
			}
			var maxRatio, maxULP, atR, atU float64
			for i, x := range xs {
				m, k, scale := gc.ref(x, dys[i])
				ref := ddScale(m, k)
				err := math.Abs(math.Ldexp((math.Ldexp(got[i], -k)-m.hi)-m.lo, k))
				bound := gc.c * u * scale
				var ulp float64
				if f32 {
					ulp = ulp32(float32(got[i]), ref.f())
					bound += 0.5 * ulp32Size(ref.f())
				} else {
					bound += math.Abs(dys[i]) * gc.under(x)
				}
				if !(err <= bound) {
					t.Fatalf("f32=%v %s(%v, %v) = %v, reference %v: error %g > bound %g", f32, gc.name, x, dys[i], got[i], ref.f(), err, bound)
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
				t.Logf("%s float32: %d inputs, max %.4f ULP at x = %v", gc.name, len(xs), maxULP, float32(atU))
			} else {
				t.Logf("%s float64: %d inputs, max error %.3f u·scale at x = %v", gc.name, len(xs), maxRatio, atR)
			}
		}
	}
}

func TestGELUGradSpecials(t *testing.T) {
	nan, inf, negz := math.NaN(), math.Inf(1), math.Copysign(0, -1)
	for _, gc := range gradCases {
		cases := []struct{ x, dy, want float64 }{
			{nan, 1.5, nan}, {inf, 1.5, 1.5}, {-inf, 1.5, negz}, {-inf, -1.5, 0}, {0, 1.5, 0.75}, {negz, 1.5, 0.75},
			{1000, 1.5, 1.5}, {-1e4, 1.5, negz}, {1, nan, nan}, {1e30, -2, -2}, {-100, 2, negz},
		}
		forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
			x, dy, d := make([]float64, len(cases)), make([]float64, len(cases)), make([]float64, len(cases))
			x32, dy32, d32 := make([]float32, len(cases)), make([]float32, len(cases)), make([]float32, len(cases))
			for i, c := range cases {
				x[i], dy[i] = c.x, c.dy
				x32[i], dy32[i] = float32(c.x), float32(c.dy)
			}
			gc.k64(k)(d, x, dy)
			gc.k32(k)(d32, x32, dy32)
			for i, c := range cases {
				if !tu.Same(d[i], c.want) || !tu.Same(d32[i], float32(c.want)) {
					t.Errorf("%s(%v, %v) = %v (float64), %v (float32), want %v", gc.name, c.x, c.dy, d[i], d32[i], c.want)
				}
			}
		})
	}
}

// TestErfConsts: the fdlibm coefficients in kconst have the bits that
// s_erf.c gives in hex beside each.
func TestErfConsts(t *testing.T) {
	for _, c := range []struct {
		name string
		got  []float64
		want []uint64
	}{
		{"pp", kconst.ErfPP[:], []uint64{0x3FC06EBA8214DB68, 0xBFD4CD7D691CB913, 0xBF9D2A51DBD7194F, 0xBF77A291236668E4, 0xBEF8EAD6120016AC}},
		{"qq", kconst.ErfQQ[:], []uint64{0x3FF0000000000000, 0x3FD97779CDDADC09, 0x3FB0A54C5536CEBA, 0x3F74D022C4D36B0F, 0x3F215DC9221C1A10, 0xBED09C4342A26120}},
		{"pa", kconst.ErfPA[:], []uint64{0xBF6359B8BEF77538, 0x3FDA8D00AD92B34D, 0xBFD7D240FBB8C3F1, 0x3FD45FCA805120E4, 0xBFBC63983D3E28EC, 0x3FA22A36599795EB, 0xBF61BF380A96073F}},
		{"qa", kconst.ErfQA[:], []uint64{0x3FF0000000000000, 0x3FBB3E6618EEE323, 0x3FE14AF092EB6F33, 0x3FB2635CD99FE9A7, 0x3FC02660E763351F, 0x3F8BEDC26B51DD1C, 0x3F888B545735151D}},
		{"ra", kconst.ErfRA[:], []uint64{0xBF843412600D6435, 0xBFE63416E4BA7360, 0xC0251E0441B0E726, 0xC04F300AE4CBA38D, 0xC0644CB184282266, 0xC067135CEBCCABB2, 0xC054526557E4D2F2, 0xC023A0EFC69AC25C}},
		{"sa", kconst.ErfSA[:], []uint64{0x3FF0000000000000, 0x4033A6B9BD707687, 0x4061350C526AE721, 0x407B290DD58A1A71, 0x40842B1921EC2868, 0x407AD02157700314, 0x405B28A3EE48AE2C, 0x401A47EF8E484A93, 0xBFAEEFF2EE749A62}},
		{"rb", kconst.ErfRB[:], []uint64{0xBF84341239E86F4A, 0xBFE993BA70C285DE, 0xC031C209555F995A, 0xC064145D43C5ED98, 0xC083EC881375F228, 0xC09004616A2E5992, 0xC07E384E9BDC383F}},
		{"sb", kconst.ErfSB[:], []uint64{0x3FF0000000000000, 0x403E568B261D5190, 0x40745CAE221B9F0A, 0x409802EB189D5118, 0x40A8FFB7688C246A, 0x40A3F219CEDF3BE6, 0x407DA874E79FE763, 0xC03670E242712D62}},
		{"erx", []float64{kconst.Erx}, []uint64{0x3FEB0AC160000000}},
	} {
		if len(c.got) != len(c.want) {
			t.Fatalf("%s: %d coefficients, want %d", c.name, len(c.got), len(c.want))
		}
		for i, v := range c.got {
			if math.Float64bits(v) != c.want[i] {
				t.Errorf("%s[%d] = %v (%#016x), s_erf.c has %#016x", c.name, i, v, math.Float64bits(v), c.want[i])
			}
		}
	}
}

// TestGELUCancel64 sweeps the inputs where GELU's float64 error is largest:
// x ∈ [−1.77, −1.19], where fdlibm's middle region gives Φ as
// (1 − Erx)/2 − P/(2Q) and the quotient's error is not damped.
func TestGELUCancel64(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	xs := make([]float64, 1<<18)
	for i := range xs {
		xs[i] = -1.77 + 0.58*r.Float64()
	}
	w := check64(t, "GELU", xs)
	t.Logf("GELU float64 on [−1.77, −1.19]: max %.4f ULP at x = %v → %v", w.ulp, w.in, w.out)
}
