package act

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// forISA runs f once per ISA this CPU and build can run.
func forISA(t *testing.T, f func(t *testing.T, isa isa.ISA, k *asm.Table)) {
	for _, isa := range isa.Available() {
		t.Run(string(isa), func(t *testing.T) { f(t, isa, asm.Get(isa)) })
	}
}

const testAlpha = 0.01

// kern is one kernel under test, with a uniform signature: b is ignored by
// the one-input kernels.
type kern[T Float] struct {
	name string
	two  bool
	run  func(k *asm.Table, dst, a, b []T)
}

func kernels[T Float]() []kern[T] {
	al := T(testAlpha)
	return []kern[T]{
		{"Exp", false, func(k *asm.Table, d, a, _ []T) { exp(k, d, a) }},
		{"Log", false, func(k *asm.Table, d, a, _ []T) { log(k, d, a) }},
		{"Sigmoid", false, func(k *asm.Table, d, a, _ []T) { sigmoid(k, d, a) }},
		{"Tanh", false, func(k *asm.Table, d, a, _ []T) { tanh(k, d, a) }},
		{"SiLU", false, func(k *asm.Table, d, a, _ []T) { silu(k, d, a) }},
		{"SiLUGrad", true, func(k *asm.Table, d, a, b []T) { siluGrad(k, d, a, b) }},
		{"GELU", false, func(k *asm.Table, d, a, _ []T) { gelu(k, d, a) }},
		{"GELUGrad", true, func(k *asm.Table, d, a, b []T) { geluGrad(k, d, a, b) }},
		{"GELUTanh", false, func(k *asm.Table, d, a, _ []T) { geluTanh(k, d, a) }},
		{"GELUTanhGrad", true, func(k *asm.Table, d, a, b []T) { geluTanhGrad(k, d, a, b) }},
		{"ReLU", false, func(k *asm.Table, d, a, _ []T) { relu(k, d, a) }},
		{"LeakyReLU", false, func(k *asm.Table, d, a, _ []T) { leakyReLU(k, d, a, al) }},
		{"SigmoidGrad", true, func(k *asm.Table, d, a, b []T) { sigmoidGrad(k, d, a, b) }},
		{"TanhGrad", true, func(k *asm.Table, d, a, b []T) { tanhGrad(k, d, a, b) }},
		{"ReLUGrad", true, func(k *asm.Table, d, a, b []T) { reluGrad(k, d, a, b) }},
		{"LeakyReLUGrad", true, func(k *asm.Table, d, a, b []T) { leakyReLUGrad(k, d, a, b, al) }},
		{"ExpSub", false, func(k *asm.Table, d, a, _ []T) { expSubK(k, d, a, 0.75) }},
		{"SubSub", false, func(k *asm.Table, d, a, _ []T) { subSubK(k, d, a, 0.75, 0.25) }},
		{"MulSub", true, func(k *asm.Table, d, a, b []T) { mulSubK(k, d, a, b, 0.5) }},
	}
}

// Typed calls of the softmax pieces.
func expSubK[T Float](k *asm.Table, d, x []T, c T) T {
	if tu.Is32[T]() {
		return T(k.ExpSubF32(any(d).([]float32), any(x).([]float32), float32(c)))
	}
	return T(k.ExpSubF64(any(d).([]float64), any(x).([]float64), float64(c)))
}

func expSumK[T Float](k *asm.Table, x []T, c T) T {
	if tu.Is32[T]() {
		return T(k.ExpSumF32(any(x).([]float32), float32(c)))
	}
	return T(k.ExpSumF64(any(x).([]float64), float64(c)))
}

func subSubK[T Float](k *asm.Table, d, x []T, a, b T) {
	if tu.Is32[T]() {
		k.SubSubF32(any(d).([]float32), any(x).([]float32), float32(a), float32(b))
		return
	}
	k.SubSubF64(any(d).([]float64), any(x).([]float64), float64(a), float64(b))
}

func mulSubK[T Float](k *asm.Table, d, y, dy []T, c T) {
	if tu.Is32[T]() {
		k.MulSubF32(float32(c), any(d).([]float32), any(y).([]float32), any(dy).([]float32))
		return
	}
	k.MulSubF64(float64(c), any(d).([]float64), any(y).([]float64), any(dy).([]float64))
}

// scalarRef is the plain-Go definition of the exact kernels and the Grad
// kernels (as their doc comments state them).
func scalarRef[T Float](name string, a, b T) (T, bool) {
	al := T(testAlpha)
	switch name {
	case "ReLU":
		if a > 0 || a != a {
			return a, true
		}
		return 0, true
	case "LeakyReLU":
		if a > 0 {
			return a, true
		}
		return al * a, true
	case "ReLUGrad":
		switch {
		case a > 0:
			return b, true
		case a != a:
			return a, true
		}
		return 0, true
	case "LeakyReLUGrad":
		switch {
		case a > 0:
			return b, true
		case a != a:
			return a, true
		}
		return al * b, true
	case "SubSub":
		return (a - 0.75) - 0.25, true
	case "MulSub":
		return a * (b - 0.5), true
	case "SigmoidGrad":
		y, dy := float64(a), float64(b)
		if tu.Is32[T]() {
			return T(float32(dy * float64(y*(1-y)))), true
		}
		return T(dy * float64(y*(1-y))), true
	case "TanhGrad":
		y, dy := float64(a), float64(b)
		if tu.Is32[T]() {
			return T(float32(dy * math.FMA(-y, y, 1))), true
		}
		return T(dy * math.FMA(-y, y, 1)), true
	}
	return 0, false
}

// ---- lengths, offsets, aliasing, guard elements -------------------------

func testLayout[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(11, 1))
	g := asm.Get(isa.Generic)
	offs := 16
	if !tu.Is32[T]() {
		offs = 8
	}
	forISA(t, func(t *testing.T, isa isa.ISA, k *asm.Table) {
		for _, kn := range kernels[T]() {
			for _, n := range tu.Lengths() {
				for off := 0; off < offs; off++ {
					if n > 300 && off%5 != 0 || n > 64 && n <= 300 && off%3 != 0 {
						continue
					}
					a, b := make([]T, n+off)[off:], make([]T, n+off)[off:]
					tu.Fill(r, a, tu.Special)
					tu.Fill(r, b, tu.Special)
					if kn.name == "Log" && r.IntN(2) == 0 {
						for i := range a {
							a[i] = T(math.Abs(float64(a[i])))
						}
					}
					want := make([]T, n)
					kn.run(g, want, a, b)
					for i := range want {
						if v, ok := scalarRef[T](kn.name, a[i], b[i]); ok && !tu.Same(v, want[i]) {
							t.Fatalf("%s generic n=%d i=%d: in (%v, %v): got %v, the definition gives %v", kn.name, n, i, a[i], b[i], want[i], v)
						}
					}
					p := tu.NewPadded[T](n, 8)
					kn.run(k, p.S(), a, b)
					if !p.Intact() {
						t.Fatalf("%s n=%d off=%d: wrote outside dst", kn.name, n, off)
					}
					for i, v := range p.S() {
						if !tu.Same(v, want[i]) {
							t.Fatalf("%s n=%d off=%d i=%d: in (%v, %v): got %v (%#x), generic %v (%#x)", kn.name, n, off, i, a[i], b[i], v, tu.Bits(v), want[i], tu.Bits(want[i]))
						}
					}
					// In place: dst = a, then dst = b.
					ac := append([]T(nil), a...)
					kn.run(k, ac, ac, b)
					for i := range ac {
						if !tu.Same(ac[i], want[i]) {
							t.Fatalf("%s in place (dst = first input) n=%d i=%d: got %v want %v", kn.name, n, i, ac[i], want[i])
						}
					}
					if kn.two {
						bc := append([]T(nil), b...)
						kn.run(k, bc, a, bc)
						for i := range bc {
							if !tu.Same(bc[i], want[i]) {
								t.Fatalf("%s in place (dst = dy) n=%d i=%d: got %v want %v", kn.name, n, i, bc[i], want[i])
							}
						}
					}
				}
			}
		}
	})
}

func TestLayout(t *testing.T) {
	t.Run("f32", testLayout[float32])
	t.Run("f64", testLayout[float64])
}

// TestGuardPages: every slice touches an unreadable page on one side; any
// access outside it faults.
func testGuard[T Float](t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	r := rand.New(rand.NewPCG(12, 1))
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		for _, kn := range kernels[T]() {
			for n := 0; n <= 70; n++ {
				for _, atEnd := range []bool{true, false} {
					d := tu.Guarded[T](t, n, atEnd)
					a := tu.Guarded[T](t, n, atEnd)
					b := tu.Guarded[T](t, n, atEnd)
					tu.Fill(r, a, tu.Normal)
					tu.Fill(r, b, tu.Normal)
					kn.run(k, d, a, b)
				}
			}
		}
	})
}

func TestGuardPages(t *testing.T) {
	t.Run("f32", testGuard[float32])
	t.Run("f64", testGuard[float64])
}

func TestNoAllocs(t *testing.T) {
	x32, y32, d32 := make([]float32, 1000), make([]float32, 1000), make([]float32, 1000)
	x64, y64, d64 := make([]float64, 1000), make([]float64, 1000), make([]float64, 1000)
	for _, f := range []func(){
		func() { Exp(d32, x32) }, func() { Log(d32, x32) }, func() { Sigmoid(d32, x32) }, func() { Tanh(d32, x32) },
		func() { ReLU(d32, x32) }, func() { LeakyReLU(d32, x32, 0.1) }, func() { SigmoidGrad(d32, x32, y32) },
		func() { TanhGrad(d32, x32, y32) }, func() { ReLUGrad(d32, x32, y32) }, func() { LeakyReLUGrad(d32, x32, y32, 0.1) },
		func() { Exp(d64, x64) }, func() { Log(d64, x64) }, func() { Sigmoid(d64, x64) }, func() { Tanh(d64, x64) },
		func() { ReLU(d64, x64) }, func() { LeakyReLU(d64, x64, 0.1) }, func() { SigmoidGrad(d64, x64, y64) },
		func() { TanhGrad(d64, x64, y64) }, func() { ReLUGrad(d64, x64, y64) }, func() { LeakyReLUGrad(d64, x64, y64, 0.1) },
		func() { SiLU(d32, x32) }, func() { SiLUGrad(d32, x32, y32) }, func() { SiLU(d64, x64) }, func() { SiLUGrad(d64, x64, y64) },
		func() { GELU(d32, x32) }, func() { GELUGrad(d32, x32, y32) }, func() { GELU(d64, x64) }, func() { GELUGrad(d64, x64, y64) },
		func() { GELUTanh(d32, x32) }, func() { GELUTanhGrad(d32, x32, y32) }, func() { GELUTanh(d64, x64) },
		func() { GELUTanhGrad(d64, x64, y64) },
		func() { Softmax(d32, x32) }, func() { LogSoftmax(d32, x32) }, func() { SoftmaxGrad(d32, x32, y32) },
		func() { Softmax(d64, x64) }, func() { LogSoftmax(d64, x64) }, func() { SoftmaxGrad(d64, x64, y64) },
	} {
		if a := testing.AllocsPerRun(20, f); a != 0 {
			t.Fatalf("%v allocations per call", a)
		}
	}
}

func TestPanics(t *testing.T) {
	d, x, y := make([]float32, 3), make([]float32, 4), make([]float32, 3)
	for _, c := range []struct {
		f    func()
		want string
	}{
		{func() { Exp(d, x) }, "act.Exp: len(dst)=3 != len(x)=4"},
		{func() { Log(d, x) }, "act.Log: len(dst)=3 != len(x)=4"},
		{func() { Sigmoid(d, x) }, "act.Sigmoid: len(dst)=3 != len(x)=4"},
		{func() { Tanh(d, x) }, "act.Tanh: len(dst)=3 != len(x)=4"},
		{func() { SiLU(d, x) }, "act.SiLU: len(dst)=3 != len(x)=4"},
		{func() { SiLUGrad(d, x, y) }, "act.SiLUGrad: len(dst)=3, len(x)=4, len(dy)=3: lengths differ"},
		{func() { GELU(d, x) }, "act.GELU: len(dst)=3 != len(x)=4"},
		{func() { GELUGrad(d, y, x) }, "act.GELUGrad: len(dst)=3, len(x)=3, len(dy)=4: lengths differ"},
		{func() { GELUTanh(d, x) }, "act.GELUTanh: len(dst)=3 != len(x)=4"},
		{func() { GELUTanhGrad(d, x, y) }, "act.GELUTanhGrad: len(dst)=3, len(x)=4, len(dy)=3: lengths differ"},
		{func() { ReLU(d, x) }, "act.ReLU: len(dst)=3 != len(x)=4"},
		{func() { LeakyReLU(d, x, 0.1) }, "act.LeakyReLU: len(dst)=3 != len(x)=4"},
		{func() { SigmoidGrad(d, y, x) }, "act.SigmoidGrad: len(dst)=3, len(y)=3, len(dy)=4: lengths differ"},
		{func() { TanhGrad(d, x, y) }, "act.TanhGrad: len(dst)=3, len(y)=4, len(dy)=3: lengths differ"},
		{func() { ReLUGrad(d, x, y) }, "act.ReLUGrad: len(dst)=3, len(x)=4, len(dy)=3: lengths differ"},
		{func() { LeakyReLUGrad(d, y, x, 0.1) }, "act.LeakyReLUGrad: len(dst)=3, len(x)=3, len(dy)=4: lengths differ"},
		{func() { Softmax(d, x) }, "act.Softmax: len(dst)=3 != len(x)=4"},
		{func() { LogSoftmax(d, x) }, "act.LogSoftmax: len(dst)=3 != len(x)=4"},
		{func() { SoftmaxGrad(d, y, x) }, "act.SoftmaxGrad: len(dst)=3, len(y)=3, len(dy)=4: lengths differ"},
	} {
		for i := range d {
			d[i] = 7
		}
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); s != c.want {
					t.Fatalf("panic %q, want %q", r, c.want)
				}
			}()
			c.f()
		}()
		for _, v := range d {
			if v != 7 {
				t.Fatalf("%s: dst written before the panic", c.want)
			}
		}
	}
}

// ---- special values -------------------------------------------------------

func testSpecials[T Float](t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	var maxT, tinyT float64 = math.MaxFloat64, 0x1p-1074
	if tu.Is32[T]() {
		maxT, tinyT = math.MaxFloat32, 0x1p-149
	}
	type c struct{ in, want float64 }
	cases := map[string][]c{
		"Exp": {{nan, nan}, {inf, inf}, {-inf, 0}, {0, 1}, {math.Copysign(0, -1), 1}, {1000, inf}, {-1000, 0},
			{maxT, inf}, {-maxT, 0}, {tinyT, 1}, {-tinyT, 1}},
		"Log": {{nan, nan}, {-1, nan}, {-inf, nan}, {-tinyT, nan}, {0, -inf}, {math.Copysign(0, -1), -inf}, {inf, inf}, {1, 0}},
		"Sigmoid": {{nan, nan}, {inf, 1}, {-inf, 0}, {0, 0.5}, {math.Copysign(0, -1), 0.5}, {1000, 1}, {-1e4, 0},
			{maxT, 1}, {-maxT, 0}},
		"Tanh": {{nan, nan}, {inf, 1}, {-inf, -1}, {0, 0}, {math.Copysign(0, -1), math.Copysign(0, -1)}, {50, 1}, {-50, -1},
			{maxT, 1}, {-maxT, -1}, {tinyT, tinyT}, {-tinyT, -tinyT}},
		"SiLU": {{nan, nan}, {inf, inf}, {-inf, math.Copysign(0, -1)}, {0, 0}, {math.Copysign(0, -1), math.Copysign(0, -1)},
			{1000, 1000}, {-1e4, math.Copysign(0, -1)}, {maxT, maxT}, {-maxT, math.Copysign(0, -1)}},
		"GELU": {{nan, nan}, {inf, inf}, {-inf, math.Copysign(0, -1)}, {0, 0}, {math.Copysign(0, -1), math.Copysign(0, -1)},
			{1000, 1000}, {-1e4, math.Copysign(0, -1)}, {maxT, maxT}, {-maxT, math.Copysign(0, -1)}, {-50, math.Copysign(0, -1)},
			{tinyT, 0}, {-tinyT, math.Copysign(0, -1)}, {2 * tinyT, tinyT}},
		"GELUTanh": {{nan, nan}, {inf, inf}, {-inf, math.Copysign(0, -1)}, {0, 0}, {math.Copysign(0, -1), math.Copysign(0, -1)},
			{1000, 1000}, {-1e4, math.Copysign(0, -1)}, {maxT, maxT}, {-maxT, math.Copysign(0, -1)}, {-30, math.Copysign(0, -1)},
			{tinyT, 0}, {-tinyT, math.Copysign(0, -1)}, {2 * tinyT, tinyT}},
		"ReLU": {{nan, nan}, {inf, inf}, {-inf, 0}, {math.Copysign(0, -1), 0}, {-1, 0}, {2, 2}, {tinyT, tinyT}},
	}
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		for _, kn := range kernels[T]() {
			cs, ok := cases[kn.name]
			if !ok {
				continue
			}
			// Each case alone and all of them in one vector (the SIMD path).
			in := make([]T, len(cs))
			for i, cc := range cs {
				in[i] = T(cc.in)
			}
			for _, n := range []int{1, len(cs)} {
				for start := 0; start+n <= len(cs); start += n {
					out := make([]T, n)
					kn.run(k, out, in[start:start+n], in[start:start+n])
					for i, got := range out {
						cc := cs[start+i]
						if !tu.Same(got, T(cc.want)) {
							t.Errorf("%s(%v) = %v, want %v", kn.name, cc.in, got, cc.want)
						}
					}
				}
			}
		}
	})
}

func TestSpecials(t *testing.T) {
	t.Run("f32", testSpecials[float32])
	t.Run("f64", testSpecials[float64])
}

// ---- reproducibility across architectures ----------------------------------

// golden holds FNV-64 hashes of each kernel's output on fixed inputs (NaN
// canonicalized). Every ISA on every architecture must give them; a
// mismatch means a kernel rounds differently somewhere (e.g. the Go
// compiler fused an operation on this architecture).
var golden = map[string]string{
	"ExpF32":           "3299c329b85fce0a",
	"ExpF64":           "bb2e658e6240d4fc",
	"LeakyReLUF32":     "b40313ce39fec3a6",
	"LeakyReLUF64":     "b594507fd9bd528b",
	"LeakyReLUGradF32": "5edbf7ccdfaf1dde",
	"LeakyReLUGradF64": "ea3c747be936aac9",
	"LogF32":           "1b8c3cd11ac46720",
	"LogF64":           "69d39bb39c928ecf",
	"ReLUF32":          "3d775c17ad68adfb",
	"ReLUF64":          "138a88b7043132a4",
	"ReLUGradF32":      "82ea7968b670f3ad",
	"ReLUGradF64":      "32db2b7c985d7a3d",
	"SigmoidF32":       "97ac15458c05da01",
	"SigmoidF64":       "1e10ef61a18e4f74",
	"SigmoidGradF32":   "bd2d4a4e1add01c0",
	"SigmoidGradF64":   "55cec64040ff1251",
	"TanhF32":          "0e95f28603dcd184",
	"TanhF64":          "9c6f427c7f70cf4d",
	"TanhGradF32":      "0f0546365a82dac3",
	"TanhGradF64":      "1a9f260a0fbae375",
	"ExpSubF32":        "57d85d7cce0085a2",
	"ExpSubF64":        "ea740823a67ab9bb",
	"SubSubF32":        "261d7c7071f7b51a",
	"SubSubF64":        "9de092ebc32e3535",
	"MulSubF32":        "73e6fefe528cea13",
	"MulSubF64":        "e83d9c7f33affadf",
	"SiLUF32":          "64f6965db7b94255",
	"SiLUF64":          "d005add941cd2ea8",
	"SiLUGradF32":      "747f04bc57089dee",
	"SiLUGradF64":      "4fc0eea5bd17127b",
	"GELUF32":          "a63724aef0aa1cf4",
	"GELUF64":          "6972b8e77d7935c2",
	"GELUGradF32":      "ab405642ebdf0848",
	"GELUGradF64":      "c24d5b64a3831cd2",
	"GELUTanhF32":      "b53bb0edfb360a63",
	"GELUTanhF64":      "1274ee3d348d109d",
	"GELUTanhGradF32":  "e86dbcf7ae0680c3",
	"GELUTanhGradF64":  "3dd17ee868d1d06e",
}

func hashKernel[T Float](k *asm.Table, kn kern[T]) string {
	r := rand.New(rand.NewPCG(99, 7))
	n := 4099
	a, b, d := make([]T, n), make([]T, n), make([]T, n)
	for i := range a {
		switch i % 4 {
		case 0:
			a[i] = T(math.Float64frombits(r.Uint64()))
			if tu.Is32[T]() {
				a[i] = T(math.Float32frombits(r.Uint32()))
			}
		case 1:
			a[i] = T((2*r.Float64() - 1) * 30)
		case 2:
			a[i] = T((2*r.Float64() - 1) * 800)
		default:
			a[i] = T(math.Ldexp(r.Float64(), -r.IntN(60)))
		}
		b[i] = T(2*r.Float64() - 1)
	}
	kn.run(k, d, a, b)
	h := fnv.New64a()
	for _, v := range d {
		u := tu.Bits(v)
		if v != v {
			u = 1
		}
		fmt.Fprintf(h, "%x,", u)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

func testGolden[T Float](t *testing.T, suffix string) {
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		var sb strings.Builder
		for _, kn := range kernels[T]() {
			got := hashKernel(k, kn)
			key := kn.name + suffix
			fmt.Fprintf(&sb, "\t%q: %q,\n", key, got)
			if want, ok := golden[key]; !ok {
				t.Errorf("no golden hash for %s", key)
			} else if got != want {
				t.Errorf("%s: hash %s, golden %s", key, got, want)
			}
		}
		if t.Failed() {
			t.Logf("hashes:\n%s", sb.String())
		}
	})
}

func TestGolden(t *testing.T) {
	t.Run("f32", func(t *testing.T) { testGolden[float32](t, "F32") })
	t.Run("f64", func(t *testing.T) { testGolden[float64](t, "F64") })
}

func exhaustive() bool { return os.Getenv("LANES_EXHAUSTIVE") == "1" }
