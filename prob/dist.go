package prob

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/asm"
)

// Parameters. The distribution types are plain values whose fields are the
// parameters, like gonum's distuv. Invalid parameters (NaN, ±Inf, Sigma ≤ 0,
// Lo ≥ Hi, P outside [0, 1], weights that are negative or all zero) are
// reported two ways: the New* constructors and Validate return an error, and
// every method panics with that error's message ("prob.Normal: Sigma=0 is not
// > 0"), checked before anything is written.

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Uniform is the continuous uniform distribution on [Lo, Hi).
type Uniform[T Float] struct{ Lo, Hi T }

// NewUniform returns Uniform{lo, hi}, or an error if the parameters are
// invalid (see Uniform.Validate).
func NewUniform[T Float](lo, hi T) (Uniform[T], error) {
	u := Uniform[T]{lo, hi}
	return u, u.Validate()
}

// Validate returns an error unless Lo and Hi are finite, Lo < Hi, and Hi−Lo
// is finite in T.
func (u Uniform[T]) Validate() error {
	if !finite(float64(u.Lo)) || !finite(float64(u.Hi)) || !(u.Lo < u.Hi) || !finite(float64(u.Hi-u.Lo)) {
		return fmt.Errorf("prob.Uniform: Lo=%v, Hi=%v is not a finite interval with Lo < Hi", u.Lo, u.Hi)
	}
	return nil
}

func (u Uniform[T]) check() {
	if err := u.Validate(); err != nil {
		panic(err.Error())
	}
}

// Sample fills dst with independent draws: dst[i] = Lo + (Hi−Lo)·uᵢ, uᵢ the
// next word's top 24 bits·2⁻²⁴ (float32) or the next two words' top 53 bits
// ·2⁻⁵³ (float64), so uᵢ ∈ [0, 1) is a multiple of 2⁻²⁴ or 2⁻⁵³. The
// product and sum are each rounded to nearest; a result that rounds up to
// Hi is replaced by the largest T below Hi, so every value is in [Lo, Hi).
// The bits are the same on every ISA and for any chunking of dst.
func (u Uniform[T]) Sample(r *RNG, dst []T) {
	u.check()
	uniformFill(asm.Current(), r, dst, u.Lo, u.Hi)
}

// Rand returns one draw, the value Sample would write.
func (u Uniform[T]) Rand(r *RNG) T {
	u.check()
	return uniform1(r, u.Lo, u.Hi)
}

// PDF is 1/(Hi−Lo) on [Lo, Hi] and 0 elsewhere.
func (u Uniform[T]) PDF(x T) T {
	u.check()
	if x < u.Lo || x > u.Hi {
		return 0
	}
	return T(1 / (float64(u.Hi) - float64(u.Lo)))
}

// LogPDF is −ln(Hi−Lo) on [Lo, Hi] and −Inf elsewhere.
func (u Uniform[T]) LogPDF(x T) T {
	u.check()
	if x < u.Lo || x > u.Hi {
		return T(math.Inf(-1))
	}
	return T(-math.Log(float64(u.Hi) - float64(u.Lo)))
}

// CDF is P(X ≤ x) = (x−Lo)/(Hi−Lo), clamped to [0, 1]; NaN for NaN x.
func (u Uniform[T]) CDF(x T) T {
	u.check()
	switch {
	case x != x:
		return x
	case x <= u.Lo:
		return 0
	case x >= u.Hi:
		return 1
	}
	return T((float64(x) - float64(u.Lo)) / (float64(u.Hi) - float64(u.Lo)))
}

// Mean is (Lo+Hi)/2.
func (u Uniform[T]) Mean() T { u.check(); return T((float64(u.Lo) + float64(u.Hi)) / 2) }

// Variance is (Hi−Lo)²/12.
func (u Uniform[T]) Variance() T {
	u.check()
	d := float64(u.Hi) - float64(u.Lo)
	return T(d * d / 12)
}

// Normal is the normal (Gaussian) distribution with mean Mu and standard
// deviation Sigma.
type Normal[T Float] struct{ Mu, Sigma T }

// NewNormal returns Normal{mu, sigma}, or an error if the parameters are
// invalid (see Normal.Validate).
func NewNormal[T Float](mu, sigma T) (Normal[T], error) {
	n := Normal[T]{mu, sigma}
	return n, n.Validate()
}

// Validate returns an error unless Mu is finite and Sigma is finite and > 0.
func (n Normal[T]) Validate() error {
	if !finite(float64(n.Mu)) {
		return fmt.Errorf("prob.Normal: Mu=%v is not finite", n.Mu)
	}
	if !(n.Sigma > 0) || !finite(float64(n.Sigma)) {
		return fmt.Errorf("prob.Normal: Sigma=%v is not > 0 and finite", n.Sigma)
	}
	return nil
}

func (n Normal[T]) check() {
	if err := n.Validate(); err != nil {
		panic(err.Error())
	}
}

// Sample fills dst with independent draws Mu + Sigma·z, z standard normal.
//
// float32: z is the ziggurat of Marsaglia and Tsang (128 layers) on one
// word per value (layer, sign and a 24-bit point); 97.2% of words are
// accepted by the fast path z = ±u·W[layer] of a SIMD kernel, the rest are
// finished by wedge tests or the exact tail algorithm (so |z| has no bound
// below about 14) with extra randomness from a stream private to the
// value's position. The value is Mu + Sigma·z in float32 arithmetic.
//
// float64: Box–Muller on one Philox block per two values (z₀ = ρ·cos θ,
// z₁ = ρ·sin θ, ρ = √(−2 ln u), u ∈ (0, 1] with 53 bits, θ = 2π·v with 64
// bits; |z| ≤ 8.57), Mu + Sigma·z in float64. Each value draws two words;
// a call first rounds the position up to an even word.
//
// The bits are the same on every ISA and for any chunking of dst (the
// transcendental functions are lanes' own, evaluated identically by the
// SIMD and Go code).
func (n Normal[T]) Sample(r *RNG, dst []T) {
	n.check()
	normalFill(asm.Current(), r, dst, float64(n.Mu), float64(n.Sigma))
}

// Rand returns one draw, the value Sample would write.
func (n Normal[T]) Rand(r *RNG) T {
	n.check()
	return normal1[T](asm.Current(), r, float64(n.Mu), float64(n.Sigma))
}

// PDF is exp(−(x−Mu)²/(2·Sigma²)) / (Sigma·√(2π)).
func (n Normal[T]) PDF(x T) T {
	n.check()
	return T(math.Exp(n.logPDF(float64(x))))
}

// LogPDF is −(x−Mu)²/(2·Sigma²) − ln(Sigma) − ln(2π)/2.
func (n Normal[T]) LogPDF(x T) T { n.check(); return T(n.logPDF(float64(x))) }

func (n Normal[T]) logPDF(x float64) float64 {
	z := (x - float64(n.Mu)) / float64(n.Sigma)
	return -z*z/2 - math.Log(float64(n.Sigma)) - 0.5*math.Log(2*math.Pi)
}

// CDF is P(X ≤ x) = erfc(−(x−Mu)/(Sigma·√2))/2.
func (n Normal[T]) CDF(x T) T {
	n.check()
	return T(0.5 * math.Erfc(-(float64(x)-float64(n.Mu))/(float64(n.Sigma)*math.Sqrt2)))
}

// Mean is Mu.
func (n Normal[T]) Mean() T { n.check(); return n.Mu }

// Variance is Sigma².
func (n Normal[T]) Variance() T { n.check(); return T(float64(n.Sigma) * float64(n.Sigma)) }

// Bernoulli is the distribution of a 0/1 variable that is 1 with
// probability P.
type Bernoulli[T Float] struct{ P T }

// NewBernoulli returns Bernoulli{p}, or an error unless 0 ≤ p ≤ 1.
func NewBernoulli[T Float](p T) (Bernoulli[T], error) {
	b := Bernoulli[T]{p}
	return b, b.Validate()
}

// Validate returns an error unless 0 ≤ P ≤ 1 (NaN is invalid).
func (b Bernoulli[T]) Validate() error {
	if !(b.P >= 0 && b.P <= 1) {
		return fmt.Errorf("prob.Bernoulli: P=%v is not in [0, 1]", b.P)
	}
	return nil
}

func (b Bernoulli[T]) check() {
	if err := b.Validate(); err != nil {
		panic(err.Error())
	}
}

// Sample fills dst with independent 0/1 values (for dropout masks and
// binary outputs): dst[i] = 1 if the next word w < round(P·2³²), else 0. So
// P is used to the nearest multiple of 2⁻³² (P = 0 never gives 1, P = 1
// always does). One word per value; the same on every ISA and chunking.
func (b Bernoulli[T]) Sample(r *RNG, dst []T) {
	b.check()
	bernoulliFill(asm.Current(), r, dst, bernoulliThreshold(float64(b.P)))
}

// Rand returns one draw, the value Sample would write.
func (b Bernoulli[T]) Rand(r *RNG) T {
	b.check()
	return T(b2u(uint64(r.Uint32()) < bernoulliThreshold(float64(b.P))))
}

// PMF is P(X = x): P for x = 1, 1−P for x = 0, 0 otherwise.
func (b Bernoulli[T]) PMF(x T) T {
	b.check()
	switch x {
	case 1:
		return b.P
	case 0:
		return 1 - b.P
	}
	return 0
}

// LogPMF is ln PMF(x).
func (b Bernoulli[T]) LogPMF(x T) T { return T(math.Log(float64(b.PMF(x)))) }

// CDF is P(X ≤ x): 0 for x < 0, 1−P for 0 ≤ x < 1, 1 for x ≥ 1; NaN for
// NaN x.
func (b Bernoulli[T]) CDF(x T) T {
	b.check()
	switch {
	case x != x:
		return x
	case x < 0:
		return 0
	case x < 1:
		return 1 - b.P
	}
	return 1
}

// Mean is P.
func (b Bernoulli[T]) Mean() T { b.check(); return b.P }

// Variance is P·(1−P).
func (b Bernoulli[T]) Variance() T { b.check(); return T(float64(b.P) * (1 - float64(b.P))) }
