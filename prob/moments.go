package prob

import (
	"errors"
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
)

// Mean returns the arithmetic mean Σx[i]/n, or NaN for an empty x. The
// sum is a compensated float64 sum (TwoSum per element, in the SIMD lanes of
// the active ISA), so the result is within a few units in the last place of
// T even for badly conditioned data such as 1e8 plus small noise; the last
// bits may differ between ISAs (the lanes add in a different order). NaN
// and ±Inf propagate.
func Mean[T Float](x []T) T { return mean(asm.Current(), x) }

func mean[T Float](k *asm.Table, x []T) T {
	if len(x) == 0 {
		return T(math.NaN())
	}
	s, c, _, _ := moments(k, x, 0)
	return T(sum(s, c) / float64(len(x)))
}

// Variance returns the population variance E[(X−μ)²] = Σ(x[i]−μ)²/n, or NaN
// for an empty x, by the corrected two-pass algorithm (Chan, Golub and
// LeVeque, 1983): μ = Σx/n, then (Σd² − (Σd)²/n)/n with d = x[i]−μ, where
// the second term removes the error of μ. All sums are compensated float64
// sums (as in Mean); d² enters with its exact FMA error. NaN and ±Inf give
// NaN.
func Variance[T Float](x []T) T { return variance(asm.Current(), x) }

func variance[T Float](k *asm.Table, x []T) T {
	n := float64(len(x))
	if len(x) == 0 {
		return T(math.NaN())
	}
	s, c, _, _ := moments(k, x, 0)
	mu := sum(s, c) / n
	s, c, q, e := moments(k, x, mu)
	d1, d2 := sum(s, c), sum(q, e)
	v := (d2 - float64(d1*d1)/n) / n
	return T(max(v, 0) + 0*v) // 0*v keeps NaN
}

// sum is s + c, or s alone when the error term is not finite (±Inf or NaN
// data make the TwoSum error terms NaN; s then carries the IEEE result).
func sum(s, c float64) float64 {
	if c-c != 0 {
		return s
	}
	return s + c
}

func moments[T Float](k *asm.Table, x []T, mu float64) (s, c, q, e float64) {
	if cast.Is32[T]() {
		return k.MomentsF32(cast.F32(x), mu)
	}
	return k.MomentsF64(cast.F64(x), mu)
}

// ErrZeroEvidence is returned by Posterior when Σ prior[i]·likelihood[i] is 0.
var ErrZeroEvidence = errors.New("prob.Posterior: the evidence Σ prior·likelihood is 0")

// Posterior applies Bayes' rule on a discrete set of hypotheses:
//
//	dst[i] = prior[i]·likelihood[i] / Σⱼ prior[j]·likelihood[j]
//
// computed in float64 and rounded to T, so dst sums to 1 up to rounding.
// It panics if the lengths differ. It returns ErrZeroEvidence if the
// evidence (the denominator) is 0, and an error if a prior or likelihood is
// negative, NaN or +Inf or the evidence overflows; on error dst is not
// written. dst may be prior or likelihood.
func Posterior[T Float](dst, prior, likelihood []T) error {
	if len(prior) != len(dst) || len(likelihood) != len(dst) {
		panic(fmt.Sprintf("prob.Posterior: len(dst)=%d, len(prior)=%d, len(likelihood)=%d differ", len(dst), len(prior), len(likelihood)))
	}
	var ev float64
	for i := range dst {
		p, l := float64(prior[i]), float64(likelihood[i])
		if !(p >= 0) || !(l >= 0) || math.IsInf(p, 1) || math.IsInf(l, 1) {
			return fmt.Errorf("prob.Posterior: prior[%d]=%v, likelihood[%d]=%v: want finite values ≥ 0", i, prior[i], i, likelihood[i])
		}
		ev += p * l
	}
	if ev == 0 {
		return ErrZeroEvidence
	}
	if math.IsInf(ev, 1) {
		return fmt.Errorf("prob.Posterior: the evidence overflows float64")
	}
	for i := range dst {
		dst[i] = T(float64(prior[i]) * float64(likelihood[i]) / ev)
	}
	return nil
}
