package act

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// ---- float32: against float64 math ---------------------------------------

// ulp32 returns the error of got in ULPs of the exact value ref (a float64
// close enough to exact), in float32: subnormals in units of 2⁻¹⁴⁹, ±Inf
// as ±2¹²⁸.
func ulp32(got float32, ref float64) float64 {
	g := float64(got)
	if math.IsInf(g, 0) {
		if math.Abs(ref) >= 0x1p128 && math.Signbit(ref) == math.Signbit(g) {
			return 0 // beyond 2¹²⁸, +Inf is the correctly rounded value
		}
		g = math.Copysign(0x1p128, g)
	}
	if g != g || ref != ref {
		if g != g && ref != ref {
			return 0
		}
		return math.Inf(1)
	}
	if math.IsInf(ref, 0) {
		ref = math.Copysign(0x1p128, ref)
	}
	_, e := math.Frexp(ref) // |ref| ∈ [2^(e−1), 2^e)
	ue := min(max(e-1-23, -149), 104)
	if ref == 0 {
		ue = -149
	}
	return math.Abs(g-ref) / math.Ldexp(1, ue)
}

// ref32 are the float64 references; each has a relative error below 4·2⁻⁵³,
// which is below 2⁻²⁶ ULP of float32 (refErr32).
const refErr32 = 0x1p-26

func ref32(name string, x float64) float64 {
	switch name {
	case "Exp":
		return math.Exp(x)
	case "Log":
		return math.Log(x)
	case "Sigmoid":
		if x >= 0 {
			return 1 / (1 + math.Exp(-x))
		}
		e := math.Exp(x)
		return e / (1 + e)
	case "Tanh":
		return math.Tanh(x)
	case "SiLU":
		if math.IsInf(x, -1) {
			return math.Copysign(0, -1)
		}
		return x * ref32("Sigmoid", x)
	case "GELU", "GELUTanh":
		if math.IsInf(x, 0) {
			return max(x, math.Copysign(0, -1)) // +Inf, −0
		}
		m, k := ref64(name, x)
		return ddScale(m, k).f()
	}
	panic(name)
}

// bounds are the documented bounds in ULP (float32, and float64 unless
// bounds64 has its own).
var bounds = map[string]float64{"Exp": 1, "Log": 1, "Sigmoid": 2, "Tanh": 2, "SiLU": 1, "GELU": 1, "GELUTanh": 1}

var bounds64 = map[string]float64{"SiLU": 1.5, "GELU": 3, "GELUTanh": 1.5}

func bound64(name string) float64 {
	if b, ok := bounds64[name]; ok {
		return b
	}
	return bounds[name]
}

var transcendental = []string{"Exp", "Log", "Sigmoid", "Tanh", "SiLU", "GELU", "GELUTanh"}

func kernel32(k *asm.Table, name string) func(dst, x []float32) {
	switch name {
	case "Exp":
		return k.ExpF32
	case "Log":
		return k.LogF32
	case "Sigmoid":
		return k.SigmoidF32
	case "Tanh":
		return k.TanhF32
	case "SiLU":
		return k.SiluF32
	case "GELU":
		return k.GeluF32
	case "GELUTanh":
		return k.GeluTanhF32
	}
	panic(name)
}

func kernel64(k *asm.Table, name string) func(dst, x []float64) {
	switch name {
	case "Exp":
		return k.ExpF64
	case "Log":
		return k.LogF64
	case "Sigmoid":
		return k.SigmoidF64
	case "Tanh":
		return k.TanhF64
	case "SiLU":
		return k.SiluF64
	case "GELU":
		return k.GeluF64
	case "GELUTanh":
		return k.GeluTanhF64
	}
	panic(name)
}

// worst tracks the largest error seen.
type worst struct {
	ulp float64
	in  float64
	out float64
}

func (w *worst) add(ulp, in, out float64) {
	if ulp > w.ulp || w.in == 0 && w.ulp == 0 {
		*w = worst{ulp, in, out}
	}
}

// check32 checks the generic kernel's accuracy on xs and that every other
// ISA returns the same bits.
func check32(t *testing.T, name string, xs []float32) worst {
	t.Helper()
	g := make([]float32, len(xs))
	kernel32(asm.Get(isa.Generic), name)(g, xs)
	var w worst
	for i, x := range xs {
		u := ulp32(g[i], ref32(name, float64(x)))
		w.add(u, float64(x), float64(g[i]))
		if !(u <= bounds[name]+refErr32) {
			t.Fatalf("%s(%v) = %v: %.3f ULP, reference %v, bound %v", name, x, g[i], u, ref32(name, float64(x)), bounds[name])
		}
	}
	d := make([]float32, len(xs))
	for _, isa := range isa.Available() {
		kernel32(asm.Get(isa), name)(d, xs)
		for i := range d {
			if !tu.Same(d[i], g[i]) {
				t.Fatalf("%s %s(%v) = %v (%#x), generic %v (%#x)", isa, name, xs[i], d[i], tu.Bits(d[i]), g[i], tu.Bits(g[i]))
			}
		}
	}
	return w
}

// samples32 is a dense sweep over every float32 bit pattern (one in 4096,
// from a random start, so every binade of both signs gets 2048 samples)
// plus 2¹⁹ uniform samples over the range where the function is not flat.
func samples32(name string, r *rand.Rand) []float32 {
	stride := uint64(4096 * thin())
	xs := make([]float32, 0, 1<<20+1<<19)
	start := r.Uint64N(stride)
	for i := start; i < 1<<32; i += stride {
		xs = append(xs, math.Float32frombits(uint32(i)))
	}
	rng := map[string][2]float64{"Exp": {-104, 89}, "Log": {0, 4}, "Sigmoid": {-105, 20}, "Tanh": {-10, 10}, "SiLU": {-110, 50},
		"GELU": {-15, 10}, "GELUTanh": {-12, 10}}[name]
	lo, hi := rng[0], rng[1]
	for range 1 << 19 / thin() {
		xs = append(xs, float32(lo+(hi-lo)*r.Float64()))
	}
	return xs
}

// thin is how many times fewer inputs the accuracy sweeps take in -short
// mode (8; 1 otherwise). The full sweeps run natively; -short serves the
// emulated runs (qemu), where the kernels are still checked bit for bit
// against the generic ones on every input, but the double-double
// references would take ten minutes.
func thin() int {
	if testing.Short() {
		return 8
	}
	return 1
}

func TestULP32(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 32))
	for _, name := range transcendental {
		t.Run(name, func(t *testing.T) {
			xs := samples32(name, r)
			w := check32(t, name, xs)
			t.Logf("%s float32: %d inputs, max %.4f ULP at x = %v (%#x) → %v", name, len(xs), w.ulp, float32(w.in), math.Float32bits(float32(w.in)), float32(w.out))
		})
	}
}

// TestExhaustive32 checks all 2³² float32 inputs (LANES_EXHAUSTIVE=1 only:
// it takes minutes). LANES_EXHAUSTIVE_STRIDE=s checks every s-th bit
// pattern instead (for slow runs, e.g. under qemu).
func TestExhaustive32(t *testing.T) {
	if !exhaustive() {
		t.Skip("set LANES_EXHAUSTIVE=1 to check all 2³² float32 inputs")
	}
	stride := uint64(1)
	if s, err := strconv.ParseUint(os.Getenv("LANES_EXHAUSTIVE_STRIDE"), 10, 32); err == nil && s > 0 {
		stride = s
	}
	const chunk = 1 << 22
	xs := make([]float32, chunk)
	for _, name := range transcendental {
		t.Run(name, func(t *testing.T) {
			var w worst
			n := uint64(0)
			for base := uint64(0); base < 1<<32; base += chunk * stride {
				xs = xs[:0]
				for i := base; i < base+chunk*stride && i < 1<<32; i += stride {
					xs = append(xs, math.Float32frombits(uint32(i)))
				}
				n += uint64(len(xs))
				cw := check32(t, name, xs)
				if cw.ulp > w.ulp {
					w = cw
				}
			}
			t.Logf("exhaustive %s float32 (%d inputs, stride %d), ISAs %v bit-identical: max %.4f ULP at x = %v (%#x) → %v", name, n, stride, isa.Available(), w.ulp, float32(w.in), math.Float32bits(float32(w.in)), float32(w.out))
		})
	}
}

// ---- float64: against double-double references -----------------------------

// ulp64 returns the error of got in ULPs of the exact value m·2ᵏ (m a
// double-double, normal), in float64 (subnormals in units of 2⁻¹⁰⁷⁴, ±Inf
// as ±2¹⁰²⁴).
func ulp64(got float64, m dd, k int) float64 {
	if got != got {
		return math.Inf(1)
	}
	if m.hi < 0 {
		got, m = -got, ddNeg(m)
	}
	if m.hi == 0 {
		return math.Abs(got) / 0x1p-1074
	}
	fr, e := math.Frexp(m.hi)
	if fr == 0.5 && m.lo < 0 {
		e--
	}
	ue := min(max(e+k-1-52, -1074), 971)
	var g float64
	if math.IsInf(got, 0) && e+k > 1024 {
		return 0 // beyond 2¹⁰²⁴, +Inf is the correctly rounded value
	}
	if math.IsInf(got, 0) {
		g = math.Copysign(math.Ldexp(1, 1024-k), got)
	} else {
		g = math.Ldexp(got, -k)
	}
	diff := (g - m.hi) - m.lo
	return math.Ldexp(math.Abs(diff), k-ue)
}

func ref64(name string, x float64) (dd, int) {
	switch name {
	case "Exp":
		if x > 710 {
			return ddF(1), 1100 // +Inf either way
		}
		if x < -800 {
			return ddF(0), 0
		}
		return expRef(x)
	case "Log":
		return logRef(x), 0
	case "Sigmoid":
		if x < -800 {
			return ddF(0), 0
		}
		return sigmoidRef(x)
	case "Tanh":
		return tanhRef(x), 0
	case "SiLU":
		if x < -800 {
			return ddF(0), 0
		}
		m, k := sigmoidRef(x)
		return ddMul(ddF(x), m), k
	case "GELU":
		return geluRef(x)
	case "GELUTanh":
		return geluTanhRef(x)
	}
	panic(name)
}

// in64 reports whether x is in the domain where the reference applies (the
// special values are TestSpecials').
func in64(name string, x float64) bool {
	if x != x || math.IsInf(x, 0) {
		return false
	}
	return name != "Log" || x > 0
}

func check64(t *testing.T, name string, xs []float64) worst {
	t.Helper()
	g := make([]float64, len(xs))
	kernel64(asm.Get(isa.Generic), name)(g, xs)
	var w worst
	for i, x := range xs {
		if !in64(name, x) {
			continue
		}
		m, k := ref64(name, x)
		var u float64
		if k > 1024 {
			if !math.IsInf(g[i], 1) {
				u = math.Inf(1)
			}
		} else {
			u = ulp64(g[i], m, k)
		}
		w.add(u, x, g[i])
		if !(u <= bound64(name)) {
			t.Fatalf("%s(%v) = %v: %.3f ULP, reference %v·2^%d, bound %v", name, x, g[i], u, m.f(), k, bound64(name))
		}
	}
	d := make([]float64, len(xs))
	for _, isa := range isa.Available() {
		kernel64(asm.Get(isa), name)(d, xs)
		for i := range d {
			if !tu.Same(d[i], g[i]) {
				t.Fatalf("%s %s(%v) = %v (%#x), generic %v (%#x)", isa, name, xs[i], d[i], tu.Bits(d[i]), g[i], tu.Bits(g[i]))
			}
		}
	}
	return w
}

// samples64 draws n inputs: a third random bit patterns (the whole domain,
// every exponent equally), a third uniform over the range where the function
// is not flat, a third of magnitude 2^u, u uniform in [−60, 10] (log: near 1).
func samples64(name string, r *rand.Rand, n int) []float64 {
	rng := map[string][2]float64{"Exp": {-746, 710}, "Log": {0, 4}, "Sigmoid": {-746, 40}, "Tanh": {-20, 20}, "SiLU": {-770, 50},
		"GELU": {-40, 12}, "GELUTanh": {-23, 12}}[name]
	xs := make([]float64, n)
	for i := range xs {
		switch i % 3 {
		case 0:
			xs[i] = math.Float64frombits(r.Uint64())
			if name == "Log" {
				xs[i] = math.Abs(xs[i])
			}
		case 1:
			xs[i] = rng[0] + (rng[1]-rng[0])*r.Float64()
		default:
			v := math.Ldexp(1+r.Float64(), -r.IntN(71)+10)
			if name == "Log" {
				v = 1 + math.Ldexp(2*r.Float64()-1, -r.IntN(54))
			} else if r.IntN(2) == 0 {
				v = -v
			}
			xs[i] = v
		}
	}
	return xs
}

func TestULP64(t *testing.T) {
	n := 1_000_002 / thin()
	if exhaustive() {
		n = 10_000_002
	}
	r := rand.New(rand.NewPCG(64, 64))
	for _, name := range transcendental {
		t.Run(name, func(t *testing.T) {
			const batch = 1 << 16
			var w worst
			for done := 0; done < n; done += batch {
				cw := check64(t, name, samples64(name, r, min(batch, n-done)))
				if cw.ulp > w.ulp {
					w = cw
				}
			}
			t.Logf("%s float64: %d inputs, max %.4f ULP at x = %v (%#x) → %v", name, n, w.ulp, w.in, math.Float64bits(w.in), w.out)
		})
	}
}

// TestSubnormal64 sweeps the inputs whose results are subnormal.
func TestSubnormal64(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, c := range []struct {
		name   string
		lo, hi float64
	}{{"Exp", -746, -707}, {"Sigmoid", -746, -707}, {"SiLU", -770, -700},
		{"GELU", -39, -37.4}, {"GELUTanh", -22, -21.2}, {"Log", 0, 0x1p-1022}} {
		xs := make([]float64, 200_000/thin())
		for i := range xs {
			xs[i] = c.lo + (c.hi-c.lo)*r.Float64()
			if c.name == "Log" {
				xs[i] = math.Float64frombits(r.Uint64N(1<<52-1) + 1)
			}
		}
		w := check64(t, c.name, xs)
		t.Logf("%s float64 on [%g, %g]: max %.4f ULP at x = %v → %v", c.name, c.lo, c.hi, w.ulp, w.in, w.out)
	}
}
