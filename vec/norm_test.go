package vec

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
)

// normRef is ‖x‖ from an exact big.Float sum of squares, rounded to float64.
func normRef[T Float](x []T) float64 {
	s := new(big.Float).SetPrec(2200)
	for _, v := range x {
		b := new(big.Float).SetPrec(2200).SetFloat64(float64(v))
		s.Add(s, b.Mul(b, b))
	}
	f, _ := s.Sqrt(s).Float64()
	return f
}

// cosRef is the cosine from exact big.Float sums, rounded to float64.
func cosRef[T Float](x, y []T) float64 {
	const prec = 2200
	d, sx, sy := new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec)
	for i := range x {
		a := new(big.Float).SetPrec(prec).SetFloat64(float64(x[i]))
		b := new(big.Float).SetPrec(prec).SetFloat64(float64(y[i]))
		d.Add(d, new(big.Float).SetPrec(prec).Mul(a, b))
		sx.Add(sx, new(big.Float).SetPrec(prec).Mul(a, a))
		sy.Add(sy, new(big.Float).SetPrec(prec).Mul(b, b))
	}
	sx.Sqrt(sx)
	sy.Sqrt(sy)
	d.Quo(d, sx)
	d.Quo(d, sy)
	f, _ := d.Float64()
	return f
}

func testNorm[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	u := tu.Unit[T]()
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, scale := range []float64{1, 1e-30, 1e30, 1e-200, 1e200, 1e-310, 1e300} {
			for _, n := range []int{0, 1, 2, 3, 7, 16, 17, 100, 1000, 4099} {
				x := make([]T, n)
				tu.Fill(r, x, tu.Normal)
				for i := range x {
					x[i] = T(float64(x[i]) * scale)
				}
				got := norm(k, x)
				want := normRef(x)
				// Relative bound γₙ/2 + u, plus underflow of rescaled squares
				// (each below 2·η after scaling to [½,1)) relative to the sum.
				bound := (tu.Gamma[T](n)/2+u)*want + 2*float64(n)*tu.Eta[T]()/max(want, 1e-300)*want
				if want > math.MaxFloat32 && tu.Is32[T]() || want == 0 && n > 0 && scale > 1e-300 {
					continue // not representable in T / all elements underflowed on conversion
				}
				if err := math.Abs(float64(got) - want); !(err <= bound) {
					t.Fatalf("Norm scale=%g n=%d: got %v want %v, err %g > %g", scale, n, got, want, err, bound)
				}
			}
		}
		// NaN beats Inf, Inf beats everything else.
		nan, inf := T(math.NaN()), T(math.Inf(-1))
		if v := norm(k, []T{1, inf, nan}); v == v {
			t.Fatalf("Norm with NaN = %v", v)
		}
		if v := norm(k, []T{1, inf, 3}); !math.IsInf(float64(v), 1) {
			t.Fatalf("Norm with -Inf = %v", v)
		}
		if v := norm(k, []T{0, 0, T(math.Copysign(0, -1))}); v != 0 {
			t.Fatalf("Norm of zeros = %v", v)
		}
	})
}

func TestNorm(t *testing.T) {
	t.Run("f32", testNorm[float32])
	t.Run("f64", testNorm[float64])
	// The example of the issue: no overflow for finite huge input.
	if got := Norm([]float32{1e30, 1e30}); math.Abs(float64(got)-1.4142135e30) > 1e23 {
		t.Fatalf("Norm([1e30 1e30]) = %v, want 1.414e30", got)
	}
	if got := Norm([]float32{3e-30, 4e-30}); math.Abs(float64(got)-5e-30) > 1e-36 {
		t.Fatalf("Norm([3e-30 4e-30]) = %v, want 5e-30", got)
	}
	if got := Norm([]float64{3e-320, 4e-320}); got != 5e-320 {
		t.Fatalf("Norm([3e-320 4e-320]) = %v, want 5e-320", got)
	}
}

func testCosine[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	u := tu.Unit[T]()
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, sc := range [][2]float64{{1, 1}, {1e30, 1e-30}, {1e200, 1e200}, {1e-200, 1}, {1e-310, 1e300}} {
			for _, n := range []int{1, 2, 5, 16, 33, 1000} {
				x, y := make([]T, n), make([]T, n)
				tu.Fill(r, x, tu.Normal)
				tu.Fill(r, y, tu.Normal)
				for i := range x {
					x[i] = T(float64(x[i]) * sc[0])
					y[i] = T(float64(y[i]) * sc[1])
				}
				if tu.Is32[T]() && (sc[0] > 1e38 || sc[1] > 1e38 || sc[0] < 1e-45 || sc[1] < 1e-45) {
					continue
				}
				got := cosine(k, x, y)
				want := cosRef(x, y)
				// dot: γₙ·Σ|xy| ≤ γₙ·‖x‖‖y‖ (Cauchy–Schwarz); norms (γₙ/2+u)
				// each; two divisions u each; so |err| ≤ (2γₙ + 4u)·1.
				bound := 2*tu.Gamma[T](n) + 4*u + 1e-15
				if err := math.Abs(float64(got) - want); !(err <= bound) {
					t.Fatalf("Cosine scale=%v n=%d: got %v want %v, err %g > %g", sc, n, got, want, err, bound)
				}
			}
		}
		x := []T{1, 2, 3}
		if c := cosine(k, x, x); c != 1 && math.Abs(float64(c)-1) > 4*u {
			t.Fatalf("Cosine(x, x) = %v", c)
		}
		if c := cosine(k, x, []T{0, 0, 0}); c == c {
			t.Fatalf("Cosine with a zero vector = %v, want NaN", c)
		}
	})
}

func TestCosine(t *testing.T) {
	t.Run("f32", testCosine[float32])
	t.Run("f64", testCosine[float64])
}
