package prob

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
)

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want %q", want)
		}
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Fatalf("panic %v, want it to contain %q", r, want)
		}
	}()
	f()
}

func TestInvalidParameters(t *testing.T) {
	nan := math.NaN()
	inf := math.Inf(1)
	r := New(1)
	dst := []float64{7, 7}
	for _, c := range []struct {
		lo, hi float64
		ok     bool
	}{{0, 1, true}, {1, 1, false}, {2, 1, false}, {nan, 1, false}, {0, inf, false}, {-math.MaxFloat64, math.MaxFloat64, false}} {
		_, err := NewUniform(c.lo, c.hi)
		if (err == nil) != c.ok {
			t.Errorf("NewUniform(%v, %v): err = %v", c.lo, c.hi, err)
		}
		if !c.ok {
			mustPanic(t, "prob.Uniform: Lo=", func() { Uniform[float64]{c.lo, c.hi}.Sample(r, dst) })
		}
	}
	for _, c := range []struct {
		mu, sigma float64
		ok        bool
		msg       string
	}{{0, 1, true, ""}, {0, 0, false, "Sigma=0"}, {0, -1, false, "Sigma=-1"}, {nan, 1, false, "Mu=NaN"}, {0, nan, false, "Sigma=NaN"}, {0, inf, false, "Sigma=+Inf"}} {
		_, err := NewNormal(c.mu, c.sigma)
		if (err == nil) != c.ok {
			t.Errorf("NewNormal(%v, %v): err = %v", c.mu, c.sigma, err)
		}
		if !c.ok {
			mustPanic(t, c.msg, func() { Normal[float64]{c.mu, c.sigma}.Sample(r, dst) })
			mustPanic(t, c.msg, func() { Normal[float64]{c.mu, c.sigma}.PDF(0) })
		}
	}
	for _, c := range []struct {
		p  float32
		ok bool
	}{{0, true}, {1, true}, {0.5, true}, {-0.1, false}, {1.01, false}, {float32(nan), false}} {
		_, err := NewBernoulli(c.p)
		if (err == nil) != c.ok {
			t.Errorf("NewBernoulli(%v): err = %v", c.p, err)
		}
		if !c.ok {
			mustPanic(t, "prob.Bernoulli: P=", func() { Bernoulli[float32]{c.p}.Sample(r, []float32{1}) })
		}
	}
	for _, w := range [][]float64{nil, {0, 0}, {1, -1}, {1, nan}, {1, inf}, {math.MaxFloat64, math.MaxFloat64}} {
		if _, err := NewCategorical(w); err == nil {
			t.Errorf("NewCategorical(%v): no error", w)
		}
		c := &Categorical[float64]{P: w}
		mustPanic(t, "prob.Categorical:", func() { c.Sample(r, []int{1}) })
	}
	if dst[0] != 7 || dst[1] != 7 {
		t.Fatal("a panicking Sample wrote dst")
	}
	mustPanic(t, "prob.Xavier: fanIn=0", func() { Xavier(r, dst, 0, 3) })
	mustPanic(t, "prob.He: fanIn=-1", func() { He(r, dst, -1) })
	c, _ := NewCategorical([]float64{1, 2})
	mustPanic(t, "len(counts)=3 != len(P)=2", func() { c.Multinomial(r, make([]int, 3), 5) })
}

func TestDistributionFunctions(t *testing.T) {
	close := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) && !(math.IsInf(got, -1) && math.IsInf(want, -1)) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	u := Uniform[float64]{-1, 3}
	close("Uniform.PDF(0)", u.PDF(0), 0.25)
	close("Uniform.PDF(4)", u.PDF(4), 0)
	close("Uniform.LogPDF(0)", u.LogPDF(0), math.Log(0.25))
	close("Uniform.CDF(0)", u.CDF(0), 0.25)
	close("Uniform.CDF(-5)", u.CDF(-5), 0)
	close("Uniform.CDF(5)", u.CDF(5), 1)
	close("Uniform.Mean", u.Mean(), 1)
	close("Uniform.Variance", u.Variance(), 16.0/12)

	n := Normal[float64]{1, 2}
	close("Normal.PDF(1)", n.PDF(1), 1/(2*math.Sqrt(2*math.Pi)))
	close("Normal.LogPDF(3)", n.LogPDF(3), -0.5-math.Log(2)-0.5*math.Log(2*math.Pi))
	close("Normal.CDF(1)", n.CDF(1), 0.5)
	close("Normal.CDF(3)", n.CDF(3), 0.8413447460685429)
	close("Normal.Mean", n.Mean(), 1)
	close("Normal.Variance", n.Variance(), 4)

	b := Bernoulli[float64]{0.25}
	close("Bernoulli.PMF(1)", b.PMF(1), 0.25)
	close("Bernoulli.PMF(0)", b.PMF(0), 0.75)
	close("Bernoulli.PMF(0.5)", b.PMF(0.5), 0)
	close("Bernoulli.LogPMF(1)", b.LogPMF(1), math.Log(0.25))
	close("Bernoulli.CDF(0.5)", b.CDF(0.5), 0.75)
	close("Bernoulli.CDF(-1)", b.CDF(-1), 0)
	close("Bernoulli.Mean", b.Mean(), 0.25)
	close("Bernoulli.Variance", b.Variance(), 0.1875)

	c := &Categorical[float64]{P: []float64{1, 0, 3}}
	close("Categorical.PMF(2)", c.PMF(2), 0.75)
	close("Categorical.PMF(3)", c.PMF(3), 0)
	close("Categorical.LogPMF(1)", c.LogPMF(1), math.Inf(-1))
	close("Categorical.CDF(1)", c.CDF(1), 0.25)
	close("Categorical.CDF(2)", c.CDF(2), 1)
	close("Categorical.Mean", c.Mean(), 1.5)
	close("Categorical.Variance", c.Variance(), 0.25*2.25+0.75*0.25)
	// Zero-weight categories are never drawn.
	ks := make([]int, 10000)
	c.Sample(New(9), ks)
	for _, v := range ks {
		if v == 1 {
			t.Fatal("drew a category of weight 0")
		}
	}
	// Bernoulli extremes.
	x := make([]float32, 1000)
	Bernoulli[float32]{0}.Sample(New(1), x)
	for _, v := range x {
		if v != 0 {
			t.Fatal("P=0 gave 1")
		}
	}
	Bernoulli[float32]{1}.Sample(New(1), x)
	for _, v := range x {
		if v != 1 {
			t.Fatal("P=1 gave 0")
		}
	}
}

// TestUniformRange: values lie in [Lo, Hi) even where Lo + (Hi−Lo)·u
// rounds up to Hi.
func TestUniformRange(t *testing.T) {
	x := make([]float32, 100000)
	lo, hi := float32(1), float32(1.0000002) // two float32 steps wide
	Uniform[float32]{lo, hi}.Sample(New(1), x)
	seen := map[float32]bool{}
	for _, v := range x {
		if v < lo || v >= hi {
			t.Fatalf("value %v outside [%v, %v)", v, lo, hi)
		}
		seen[v] = true
	}
	if len(seen) != 2 {
		t.Errorf("%d distinct values, want 2", len(seen))
	}
	y := make([]float64, 1000)
	Uniform[float64]{-1e300, 1e300}.Sample(New(2), y)
	for _, v := range y {
		if v < -1e300 || v >= 1e300 {
			t.Fatalf("%v outside the range", v)
		}
	}
}

// TestMeanVariance compares with exact big.Float results on badly
// conditioned data: 1e8 plus noise of size 1.
func TestMeanVariance(t *testing.T) {
	rr := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 10, 1000, 100001} {
		x64 := make([]float64, n)
		x32 := make([]float32, n)
		for i := range x64 {
			x64[i] = 1e8 + rr.NormFloat64()
			x32[i] = float32(1e4 + rr.NormFloat64()) // float32: 1e4 + noise keeps the noise representable
		}
		for _, isa := range isa.Available() {
			k := asm.Get(isa)
			checkMV(t, k, x64)
			checkMV(t, k, x32)
		}
	}
	if !math.IsNaN(Mean([]float64{})) || !math.IsNaN(float64(Variance([]float32{}))) {
		t.Error("empty input: want NaN")
	}
	if v := Mean([]float64{1, math.Inf(1), 2}); !math.IsInf(v, 1) {
		t.Errorf("Mean with +Inf = %v", v)
	}
	if v := Mean([]float32{1, float32(math.Inf(-1))}); !math.IsInf(float64(v), -1) {
		t.Errorf("Mean with -Inf = %v", v)
	}
	if v := Mean([]float64{math.Inf(1), math.Inf(-1)}); !math.IsNaN(v) {
		t.Errorf("Mean of +Inf, -Inf = %v", v)
	}
	if v := Mean([]float64{1, math.NaN()}); !math.IsNaN(v) {
		t.Error("NaN does not propagate through Mean")
	}
	if v := Variance([]float64{1, math.Inf(1)}); !math.IsNaN(v) {
		t.Errorf("Variance with Inf = %v, want NaN", v)
	}
	if v := Variance([]float32{5, 5, 5}); v != 0 {
		t.Errorf("Variance of constants = %v", v)
	}
}

func checkMV[T Float](t *testing.T, k *asm.Table, x []T) {
	t.Helper()
	n := len(x)
	prec := uint(2000)
	sum := new(big.Float).SetPrec(prec)
	for _, v := range x {
		sum.Add(sum, new(big.Float).SetPrec(prec).SetFloat64(float64(v)))
	}
	mu := new(big.Float).SetPrec(prec).Quo(sum, big.NewFloat(float64(n)))
	ss := new(big.Float).SetPrec(prec)
	for _, v := range x {
		d := new(big.Float).SetPrec(prec).Sub(new(big.Float).SetPrec(prec).SetFloat64(float64(v)), mu)
		ss.Add(ss, d.Mul(d, d))
	}
	vr := new(big.Float).SetPrec(prec).Quo(ss, big.NewFloat(float64(n)))
	wm, _ := mu.Float64()
	wv, _ := vr.Float64()
	gm, gv := float64(mean(k, x)), float64(variance(k, x))
	u := 0x1p-53
	if _, ok := any(x).([]float32); ok {
		u = 0x1p-24
	}
	// Mean: rounded once to T from a float64 (or compensated) sum: ≤ 2u.
	if math.Abs(gm-wm) > 2*u*math.Abs(wm) {
		t.Errorf("n=%d %T: mean = %v, exact %v", n, x, gm, wm)
	}
	// Variance: relative error ≤ 4u (+ the cancellation-free sums).
	if math.Abs(gv-wv) > 4*u*math.Abs(wv)+1e-300 {
		t.Errorf("n=%d %T: Variance = %v, exact %v (rel err %.3g)", n, x, gv, wv, math.Abs(gv-wv)/wv)
	}
}

func TestPosterior(t *testing.T) {
	prior := []float64{0.5, 0.3, 0.2}
	lik := []float64{0.1, 0.5, 0.0}
	dst := make([]float64, 3)
	if err := Posterior(dst, prior, lik); err != nil {
		t.Fatal(err)
	}
	ev := 0.5*0.1 + 0.3*0.5
	want := []float64{0.05 / ev, 0.15 / ev, 0}
	for i := range want {
		if math.Abs(dst[i]-want[i]) > 1e-15 {
			t.Errorf("posterior[%d] = %v, want %v", i, dst[i], want[i])
		}
	}
	// In place.
	p := []float32{1, 1}
	if err := Posterior(p, p, []float32{1, 3}); err != nil || p[0] != 0.25 || p[1] != 0.75 {
		t.Errorf("in place: %v %v", p, err)
	}
	keep := []float64{9, 9, 9}
	if err := Posterior(keep, prior, []float64{0, 0, 1e-300 * 0}); !errors.Is(err, ErrZeroEvidence) {
		t.Errorf("zero evidence: err = %v", err)
	}
	if err := Posterior(keep, prior, []float64{-1, 0, 0}); err == nil {
		t.Error("negative likelihood: no error")
	}
	if err := Posterior(keep, []float64{math.NaN(), 1, 1}, lik); err == nil {
		t.Error("NaN prior: no error")
	}
	if keep[0] != 9 || keep[1] != 9 || keep[2] != 9 {
		t.Error("dst written on error")
	}
	mustPanic(t, "prob.Posterior: len(dst)=3, len(prior)=2", func() { _ = Posterior(dst, prior[:2], lik) })
}

func TestInit(t *testing.T) {
	const n = 200000
	w := make([]float64, n)
	Xavier(New(1), w, 100, 200)
	a := math.Sqrt(6.0 / 300)
	for _, v := range w {
		if v < -a || v >= a {
			t.Fatalf("Xavier value %v outside [−%v, %v)", v, a, a)
		}
	}
	if v, want := float64(Variance(w)), 2.0/300; math.Abs(v-want) > 5*want*math.Sqrt(0.8/n) {
		t.Errorf("Xavier variance %v, want %v", v, want)
	}
	x := make([]float32, n)
	He(New(2), x, 50)
	if v, want := float64(Variance(x)), 2.0/50; math.Abs(v-want) > 5*want*math.Sqrt(2.0/n) {
		t.Errorf("He variance %v, want %v", v, want)
	}
	if m := float64(Mean(x)); math.Abs(m) > 5*math.Sqrt(2.0/50/n) {
		t.Errorf("He mean %v", m)
	}
}
