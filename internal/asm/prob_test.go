package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNormalTails: the extreme values of the transform are finite and
// bounded by √(−2 ln 2⁻⁵³), and u = 1 gives 0.
func TestNormalTails(t *testing.T) {
	z0, z1 := boxMuller(0xffffffff, 0xffffffff, 0, 0) // u = 1 → ρ = 0
	if z0 != 0 || z1 != 0 {
		t.Fatalf("u=1: %v %v", z0, z1)
	}
	z0, _ = boxMuller(0, 0, 0, 0) // u = 2⁻⁵³, θ = 0
	if want := math.Sqrt(-2 * math.Log(0x1p-53)); math.Abs(z0-want) > 1e-14*want {
		t.Fatalf("u=2⁻⁵³: z = %v, want %v", z0, want)
	}
}

// TestBoxMullerMath compares BMLog and bmSinCos with package math.
func TestBoxMullerMath(t *testing.T) {
	rr := rand.New(rand.NewPCG(1, 2))
	var maxLog, maxTrig float64
	for range 200000 {
		u := float64(rr.Uint64()>>11+1) * 0x1p-53
		if rr.IntN(4) == 0 {
			u = math.Ldexp(u, -rr.IntN(50))
		}
		got, want := BMLog(u), math.Log(u)
		if want != 0 {
			maxLog = max(maxLog, math.Abs(got-want)/ulp(want))
		} else if got != 0 {
			t.Fatalf("BMLog(%v) = %v", u, got)
		}
		v := rr.Uint64()
		s, c := bmSinCos(v)
		// The octant mapping: against math on the whole angle, whose own
		// rounding (and the bits below the top 53) is ~1e-15.
		th := 2 * math.Pi * float64(v>>11) * 0x1p-53
		if math.Abs(s-math.Sin(th)) > 3e-15 || math.Abs(c-math.Cos(th)) > 3e-15 {
			t.Fatalf("bmSinCos(%#x) = %v, %v; math gives %v, %v", v, s, c, math.Sin(th), math.Cos(th))
		}
		// The polynomials: at the reduced angle itself (octant 0).
		z := v >> 11 // 53 bits, octant 0
		s0, c0 := bmSinCos(z << 8)
		a := float64(float64(z) * (math.Pi / 4 * 0x1p-53))
		maxTrig = max(maxTrig, math.Abs(s0-math.Sin(a))/ulp(math.Sin(a)+1e-300), math.Abs(c0-math.Cos(a))/ulp(math.Cos(a)))
	}
	t.Logf("BMLog max error %.2f ulp; bmSinCos on [0, π/4] max error %.2f ulp (both against package math)", maxLog, maxTrig)
	if maxLog > 1 || maxTrig > 2 {
		t.Errorf("errors too large")
	}
	if got := BMLog(1); got != 0 {
		t.Errorf("BMLog(1) = %v", got)
	}
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}
