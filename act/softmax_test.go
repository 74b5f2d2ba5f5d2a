package act

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// softmaxRef returns the exact-to-2⁻⁹⁰ softmax, log-softmax, and L = ln Σ
// e^(x−m) of finite x (double-double).
func softmaxRef(x []float64) (p, lp []float64, L float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	e := make([]dd, len(x))
	d := make([]dd, len(x))
	sum := ddF(0)
	for i, v := range x {
		d[i] = twoSum(v, -m)
		if d[i].hi < -1000 {
			continue
		}
		mm, k := expRef(d[i].hi)
		mm = ddMul(mm, ddAdd(ddF(1), ddF(d[i].lo))) // e^(hi+lo) = e^hi·(1 + lo + …), |lo| < 2⁻⁵⁰
		e[i] = ddScale(mm, k)
		sum = ddAdd(sum, e[i])
	}
	ls := ddAdd(logRef(sum.hi), ddF(sum.lo/sum.hi))
	p, lp = make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		p[i] = ddDiv(e[i], sum).f()
		lp[i] = ddSub(d[i], ls).f()
	}
	return p, lp, ls.f()
}

func softmaxInputs[T Float](r *rand.Rand, n int, spread float64) []T {
	x := make([]T, n)
	for i := range x {
		x[i] = T((2*r.Float64() - 1) * spread)
	}
	return x
}

func testSoftmax[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(21, 21))
	u, eta := tu.Unit[T](), tu.Eta[T]()
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		for _, n := range tu.Lengths() {
			if n == 0 || n > 5000 {
				continue
			}
			for _, spread := range []float64{1, 30, 1000} {
				x := softmaxInputs[T](r, n, spread)
				if n > 3 && r.IntN(4) == 0 {
					x[r.IntN(n)] = T(math.Inf(-1)) // e^−Inf = 0 is fine
				}
				xf := make([]float64, n)
				for i, v := range x {
					xf[i] = float64(v)
				}
				p, lp, L := softmaxRef(xf)
				m := math.Inf(-1)
				for _, v := range xf {
					m = max(m, v)
				}
				name := fmt.Sprintf("n=%d spread=%g", n, spread)
				got := make([]T, n)
				softmax(k, got, x)
				for i := range got {
					if math.IsInf(xf[i], -1) {
						if got[i] != 0 {
							t.Fatalf("Softmax %s i=%d: got %v for x = -Inf", name, i, got[i])
						}
						continue
					}
					bound := (math.Abs(xf[i]-m)+2*float64(n)+6)*u*p[i] + 2*eta
					if err := math.Abs(float64(got[i]) - p[i]); !(err <= bound) {
						t.Fatalf("Softmax %s i=%d: got %v want %v: err %g > %g", name, i, got[i], p[i], err, bound)
					}
				}
				logSoftmax(k, got, x)
				for i := range got {
					if math.IsInf(xf[i], -1) {
						if !math.IsInf(float64(got[i]), -1) {
							t.Fatalf("LogSoftmax %s i=%d: got %v want -Inf", name, i, got[i])
						}
						continue
					}
					bound := (math.Abs(xf[i]-m) + math.Abs(lp[i]) + 2*L + 2*float64(n) + 6) * u
					if err := math.Abs(float64(got[i]) - lp[i]); !(err <= bound) {
						t.Fatalf("LogSoftmax %s i=%d: got %v want %v: err %g > %g", name, i, got[i], lp[i], err, bound)
					}
				}
				// In place.
				xc := append([]T(nil), x...)
				softmax(k, xc, xc)
				softmax(k, got, x)
				for i := range got {
					if !tu.Same(got[i], xc[i]) {
						t.Fatalf("Softmax in place %s i=%d: %v != %v", name, i, xc[i], got[i])
					}
				}
				xc = append(xc[:0], x...)
				logSoftmax(k, xc, xc)
				logSoftmax(k, got, x)
				for i := range got {
					if !tu.Same(got[i], xc[i]) {
						t.Fatalf("LogSoftmax in place %s i=%d: %v != %v", name, i, xc[i], got[i])
					}
				}
			}
		}
		// NaN and +Inf make everything NaN; all −Inf too.
		for _, c := range [][]float64{{1, math.NaN(), 2}, {1, math.Inf(1), 2}, {math.Inf(-1), math.Inf(-1)}} {
			x := make([]T, len(c))
			for i, v := range c {
				x[i] = T(v)
			}
			got := make([]T, len(x))
			softmax(k, got, x)
			for _, v := range got {
				if v == v {
					t.Fatalf("Softmax(%v) = %v, want all NaN", c, got)
				}
			}
			logSoftmax(k, got, x)
			for _, v := range got {
				if v == v {
					t.Fatalf("LogSoftmax(%v) = %v, want all NaN", c, got)
				}
			}
		}
		softmax(k, []T{}, []T{})
		logSoftmax(k, []T{}, []T{})
	})
}

func TestSoftmax(t *testing.T) {
	t.Run("f32", testSoftmax[float32])
	t.Run("f64", testSoftmax[float64])
}

func testSoftmaxGrad[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(22, 22))
	u := tu.Unit[T]()
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		for _, n := range tu.Lengths() {
			y, dy := make([]T, n), make([]T, n)
			tu.Fill(r, y, tu.Normal)
			tu.Fill(r, dy, tu.Normal)
			// Reference dot in double-double.
			dot, abs := ddF(0), 0.0
			for i := range y {
				dot = ddAdd(dot, twoProd(float64(dy[i]), float64(y[i])))
				abs += math.Abs(float64(dy[i]) * float64(y[i]))
			}
			got := make([]T, n)
			softmaxGrad(k, got, y, dy)
			for i := range got {
				want := ddMul(ddF(float64(y[i])), ddSub(ddF(float64(dy[i])), dot)).f()
				bound := math.Abs(float64(y[i]))*(2*u*math.Abs(float64(dy[i])-dot.f())+(tu.Gamma[T](n)+u)*abs) + 2*tu.Eta[T]()
				if err := math.Abs(float64(got[i]) - want); !(err <= bound) {
					t.Fatalf("SoftmaxGrad n=%d i=%d: got %v want %v: err %g > %g", n, i, got[i], want, err, bound)
				}
			}
			for _, alias := range []int{0, 1} {
				c := append([]T(nil), y...)
				cd := append([]T(nil), dy...)
				if alias == 0 {
					softmaxGrad(k, c, c, cd)
				} else {
					softmaxGrad(k, cd, c, cd)
					c = cd
				}
				for i := range c {
					if !tu.Same(c[i], got[i]) {
						t.Fatalf("SoftmaxGrad in place (%d) n=%d i=%d: %v != %v", alias, n, i, c[i], got[i])
					}
				}
			}
		}
	})
}

func TestSoftmaxGrad(t *testing.T) {
	t.Run("f32", testSoftmaxGrad[float32])
	t.Run("f64", testSoftmaxGrad[float64])
}

// TestExpSum: the sum kernels agree with the stored exponentials within the
// γₙ bound of a sum, on every ISA, and expSum's sum is expSub's.
func testExpSum[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(23, 23))
	g := asm.Get(isa.Generic)
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		for _, n := range tu.Lengths() {
			x := softmaxInputs[T](r, n, 20)
			c := T(r.Float64())
			d, dg := make([]T, n), make([]T, n)
			s, s2, sg := expSubK(k, d, x, c), expSumK(k, x, c), expSubK(g, dg, x, c)
			var ref float64
			for i := range d {
				if !tu.Same(d[i], dg[i]) {
					t.Fatalf("expSub n=%d i=%d: %v, generic %v", n, i, d[i], dg[i])
				}
				ref += float64(d[i])
			}
			bound := (tu.Gamma[float64](n)+tu.Unit[T]())*ref + tu.Eta[T]()
			for _, v := range []T{s, s2, sg} {
				if err := math.Abs(float64(v) - ref); !(err <= bound) {
					t.Fatalf("expSub/expSum n=%d: sum %v, reference %v: err %g > %g", n, v, ref, err, bound)
				}
			}
		}
	})
}

// TestExpSumGuard: expSum only reads x; an unreadable page on either side
// catches an access outside it.
func testExpSumGuard[T Float](t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	forISA(t, func(t *testing.T, _ isa.ISA, k *asm.Table) {
		for n := 0; n <= 70; n++ {
			for _, atEnd := range []bool{true, false} {
				x := tu.Guarded[T](t, n, atEnd)
				expSumK(k, x, 0)
			}
		}
	})
}

func TestExpSum(t *testing.T) {
	t.Run("guard/f32", testExpSumGuard[float32])
	t.Run("guard/f64", testExpSumGuard[float64])
	t.Run("f32", testExpSum[float32])
	t.Run("f64", testExpSum[float64])
}
