package blas

import (
	"fmt"
	"math"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Invalid arguments panic exactly as in gonum: the same value, and
// nothing written before. Each case runs the same call on Implementation
// and on gonum's and compares what they panic with.

// panicOf returns what f panics with (nil if it does not).
func panicOf(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// blasCall is one call made on a float64 and a float32 implementation with
// fresh copies of its arguments: b64 and b32 give the call on each.
type blasCall struct {
	name string
	b64  func(gblas.Float64, []float64, []float64, []float64)
	b32  func(gblas.Float32, []float32, []float32, []float32)
}

const (
	nt, tr    = gblas.NoTrans, gblas.Trans
	up, lo    = gblas.Upper, gblas.Lower
	left, rgt = gblas.Left, gblas.Right
	nu, un    = gblas.NonUnit, gblas.Unit
)

func badCalls() []blasCall {
	var cs []blasCall
	add := func(name string, b64 func(gblas.Float64, []float64, []float64, []float64), b32 func(gblas.Float32, []float32, []float32, []float32)) {
		cs = append(cs, blasCall{name, b64, b32})
	}
	// gemm: m, n, k, lda, ldb, ldc, lengths, transposes.
	for _, g := range []struct {
		tA, tB        gblas.Transpose
		m, n, k       int
		lda, ldb, ldc int
		la, lb, lc    int
		alpha, beta   float64
	}{
		{'X', nt, 2, 2, 2, 2, 2, 2, 4, 4, 4, 1, 0},
		{nt, 'X', 2, 2, 2, 2, 2, 2, 4, 4, 4, 1, 0},
		{nt, nt, -1, 2, 2, 2, 2, 2, 4, 4, 4, 1, 0},
		{nt, nt, 2, -1, 2, 2, 2, 2, 4, 4, 4, 1, 0},
		{nt, nt, 2, 2, -1, 2, 2, 2, 4, 4, 4, 1, 0},
		{nt, nt, 2, 2, 3, 2, 2, 2, 6, 6, 4, 1, 0},
		{tr, nt, 3, 2, 2, 2, 2, 2, 6, 4, 6, 1, 0},
		{nt, nt, 2, 3, 2, 2, 2, 3, 4, 6, 6, 1, 0},
		{nt, tr, 2, 2, 3, 3, 2, 2, 6, 6, 4, 1, 0},
		{nt, nt, 2, 3, 2, 2, 3, 2, 4, 6, 6, 1, 0},
		{nt, nt, 2, 2, 2, 2, 2, 2, 3, 4, 4, 1, 0},
		{nt, nt, 2, 2, 2, 2, 2, 2, 4, 3, 4, 1, 0},
		{nt, nt, 2, 2, 2, 2, 2, 2, 4, 4, 3, 1, 0},
		{tr, tr, 2, 2, 2, 2, 2, 2, 3, 4, 4, 0, 0},
		{nt, nt, 0, 2, 2, 2, 2, 2, 0, 0, 0, 1, 0},
		{nt, nt, 2, 2, 0, 1, 2, 2, 0, 0, 4, 1, 0},
	} {
		add(fmt.Sprintf("gemm%v", g), func(b gblas.Float64, x, y, z []float64) {
			b.Dgemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, x[:g.la], g.lda, y[:g.lb], g.ldb, g.beta, z[:g.lc], g.ldc)
		}, func(b gblas.Float32, x, y, z []float32) {
			b.Sgemm(g.tA, g.tB, g.m, g.n, g.k, float32(g.alpha), x[:g.la], g.lda, y[:g.lb], g.ldb, float32(g.beta), z[:g.lc], g.ldc)
		})
	}
	for _, g := range []struct {
		ul             gblas.Uplo
		tA             gblas.Transpose
		n, k, lda, ldc int
		la, lc         int
	}{
		{'X', nt, 2, 2, 2, 2, 4, 4}, {up, 'X', 2, 2, 2, 2, 4, 4}, {up, nt, -1, 2, 2, 2, 4, 4},
		{up, nt, 2, -1, 2, 2, 4, 4}, {up, nt, 2, 3, 2, 2, 6, 4}, {up, tr, 3, 2, 2, 3, 6, 9},
		{lo, nt, 2, 2, 2, 1, 4, 4}, {lo, nt, 2, 2, 2, 2, 3, 4}, {lo, tr, 2, 2, 2, 2, 4, 3},
	} {
		add(fmt.Sprintf("syrk%v", g), func(b gblas.Float64, x, _, z []float64) {
			b.Dsyrk(g.ul, g.tA, g.n, g.k, 1, x[:g.la], g.lda, 0, z[:g.lc], g.ldc)
		}, func(b gblas.Float32, x, _, z []float32) {
			b.Ssyrk(g.ul, g.tA, g.n, g.k, 1, x[:g.la], g.lda, 0, z[:g.lc], g.ldc)
		})
	}
	for _, solve := range []bool{true, false} {
		for _, g := range []struct {
			s              gblas.Side
			ul             gblas.Uplo
			tA             gblas.Transpose
			d              gblas.Diag
			m, n, lda, ldb int
			la, lb         int
		}{
			{'X', up, nt, nu, 2, 2, 2, 2, 4, 4}, {left, 'X', nt, nu, 2, 2, 2, 2, 4, 4},
			{left, up, 'X', nu, 2, 2, 2, 2, 4, 4}, {left, up, nt, 'X', 2, 2, 2, 2, 4, 4},
			{left, up, nt, nu, -1, 2, 2, 2, 4, 4}, {left, up, nt, nu, 2, -1, 2, 2, 4, 4},
			{left, up, nt, nu, 3, 2, 2, 2, 9, 6}, {rgt, up, nt, nu, 2, 3, 2, 3, 9, 6},
			{left, lo, tr, un, 2, 3, 2, 2, 4, 6}, {left, lo, tr, un, 2, 2, 2, 2, 3, 4},
			{rgt, lo, tr, un, 2, 2, 2, 2, 4, 3},
		} {
			add(fmt.Sprintf("tri(solve=%v)%v", solve, g), func(b gblas.Float64, x, y, _ []float64) {
				if solve {
					b.Dtrsm(g.s, g.ul, g.tA, g.d, g.m, g.n, 1, x[:g.la], g.lda, y[:g.lb], g.ldb)
				} else {
					b.Dtrmm(g.s, g.ul, g.tA, g.d, g.m, g.n, 1, x[:g.la], g.lda, y[:g.lb], g.ldb)
				}
			}, func(b gblas.Float32, x, y, _ []float32) {
				if solve {
					b.Strsm(g.s, g.ul, g.tA, g.d, g.m, g.n, 1, x[:g.la], g.lda, y[:g.lb], g.ldb)
				} else {
					b.Strmm(g.s, g.ul, g.tA, g.d, g.m, g.n, 1, x[:g.la], g.lda, y[:g.lb], g.ldb)
				}
			})
		}
	}
	for _, g := range []struct {
		tA                 gblas.Transpose
		m, n, lda          int
		incX, incY, la, lx int
		ly                 int
	}{
		{'X', 2, 2, 2, 1, 1, 4, 2, 2}, {nt, -1, 2, 2, 1, 1, 4, 2, 2}, {nt, 2, -1, 2, 1, 1, 4, 2, 2},
		{nt, 2, 3, 2, 1, 1, 6, 3, 2}, {nt, 2, 2, 2, 0, 1, 4, 2, 2}, {nt, 2, 2, 2, 1, 0, 4, 2, 2},
		{nt, 2, 3, 3, 1, 1, 6, 2, 2}, {tr, 2, 3, 3, 1, 1, 6, 2, 2}, {tr, 2, 3, 3, -2, 1, 6, 2, 3},
		{nt, 2, 2, 2, 1, 2, 4, 2, 2}, {nt, 2, 2, 2, 1, 1, 3, 2, 2},
	} {
		add(fmt.Sprintf("gemv%v", g), func(b gblas.Float64, x, y, z []float64) {
			b.Dgemv(g.tA, g.m, g.n, 1, x[:g.la], g.lda, y[:g.lx], g.incX, 0, z[:g.ly], g.incY)
		}, func(b gblas.Float32, x, y, z []float32) {
			b.Sgemv(g.tA, g.m, g.n, 1, x[:g.la], g.lda, y[:g.lx], g.incX, 0, z[:g.ly], g.incY)
		})
		add(fmt.Sprintf("ger%v", g), func(b gblas.Float64, x, y, z []float64) {
			b.Dger(g.m, g.n, 1, y[:g.lx], g.incX, z[:g.ly], g.incY, x[:g.la], g.lda)
		}, func(b gblas.Float32, x, y, z []float32) {
			b.Sger(g.m, g.n, 1, y[:g.lx], g.incX, z[:g.ly], g.incY, x[:g.la], g.lda)
		})
	}
	for _, g := range []struct{ n, inc, lx, ly int }{
		{-1, 1, 4, 4}, {2, 0, 4, 4}, {3, 1, 2, 4}, {3, 1, 4, 2}, {3, 2, 4, 4}, {0, 1, 0, 0}, {1, 1, 0, 0}, {2, -1, 4, 4},
	} {
		add(fmt.Sprintf("level1%v", g), func(b gblas.Float64, x, y, _ []float64) {
			x, y = x[:g.lx], y[:g.ly]
			b.Ddot(g.n, x, g.inc, y, 1)
			b.Ddot(g.n, x, 1, y, g.inc)
			b.Daxpy(g.n, 2, x, g.inc, y, 1)
			b.Daxpy(g.n, 2, x, 1, y, g.inc)
			b.Dscal(g.n, 2, x, g.inc)
			b.Dnrm2(g.n, x, g.inc)
			b.Dasum(g.n, x, g.inc)
			b.Idamax(g.n, x, g.inc)
		}, func(b gblas.Float32, x, y, _ []float32) {
			x, y = x[:g.lx], y[:g.ly]
			b.Sdot(g.n, x, g.inc, y, 1)
			b.Sdot(g.n, x, 1, y, g.inc)
			b.Saxpy(g.n, 2, x, g.inc, y, 1)
			b.Saxpy(g.n, 2, x, 1, y, g.inc)
			b.Sscal(g.n, 2, x, g.inc)
			b.Snrm2(g.n, x, g.inc)
			b.Sasum(g.n, x, g.inc)
			b.Isamax(g.n, x, g.inc)
		})
	}
	return cs
}

func TestPanicsAsGonum(t *testing.T) {
	fill64 := func() ([]float64, []float64, []float64) {
		x, y, z := make([]float64, 16), make([]float64, 16), make([]float64, 16)
		for i := range x {
			x[i], y[i], z[i] = float64(i+1), float64(i+2), math.NaN()
		}
		return x, y, z
	}
	fill32 := func() ([]float32, []float32, []float32) {
		x, y, z := fill64()
		c := func(s []float64) []float32 {
			r := make([]float32, len(s))
			for i, v := range s {
				r[i] = float32(v)
			}
			return r
		}
		return c(x), c(y), c(z)
	}
	panics := 0
	for _, c := range badCalls() {
		x, y, z := fill64()
		gx, gy, gz := fill64()
		got := panicOf(func() { c.b64(impl, x, y, z) })
		want := panicOf(func() { c.b64(gonum.Implementation{}, gx, gy, gz) })
		if got != want {
			t.Errorf("float64 %s: panics with %v, gonum with %v", c.name, got, want)
		}
		if want != nil {
			panics++
			for i := range x {
				if x[i] != gx[i] || y[i] != gy[i] || !same(z[i], gz[i]) {
					t.Errorf("float64 %s: wrote before panicking", c.name)
					break
				}
			}
		}
		x32, y32, z32 := fill32()
		gx32, gy32, gz32 := fill32()
		got = panicOf(func() { c.b32(impl, x32, y32, z32) })
		want = panicOf(func() { c.b32(gonum.Implementation{}, gx32, gy32, gz32) })
		if got != want {
			t.Errorf("float32 %s: panics with %v, gonum with %v", c.name, got, want)
		}
	}
	if panics < 40 {
		t.Errorf("only %d of the cases panic: the table has too few bad calls", panics)
	}
}

func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
