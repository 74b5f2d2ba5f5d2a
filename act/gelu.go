package act

import "github.com/lanes-go/lanes/internal/asm"

// GELU sets dst[i] = x[i]·Φ(x[i]) = x[i]/2·(1 + erf(x[i]/√2)) for every i,
// the Gaussian error linear unit (PyTorch's gelu, approximate='none'),
// within 1 ULP (float32) or 3 ULP (float64), subnormal results included.
// Φ(x) = erfc(−x/√2)/2 follows fdlibm's erf and erfc (its regions and
// rational approximations), with x/√2 and the exponent of the tail
// e^(−x²/2 − …) as double words: x/√2 rounded once would cost x²·u
// relative in the negative tail (100 ULP at x = −10). The float64 bound is
// that of the rational functions, evaluated to about 3.5u (u = 2⁻⁵³),
// which Φ inherits with weight up to 1 where 1 + erf(x/√2) is small
// against erf (x ∈ [−1.77, −1.19]: 2.51 ULP measured; elsewhere ≤ 1.34).
// GELU(±0) = ±0, GELU(+Inf) = +Inf, GELU(NaN) = NaN, and GELU(−Inf) = −0,
// the limit (PyTorch's x/2·(1 + erf(x/√2)) gives NaN there). It panics if
// len(dst) != len(x).
func GELU[T Float](dst, x []T) {
	check2("GELU", len(dst), len(x))
	gelu(asm.Current(), dst, x)
}

func gelu[T Float](k *asm.Table, dst, x []T) { unary(k.GeluF32, k.GeluF64, dst, x) }

// GELUGrad sets dst[i] = dy[i]·(Φ(x[i]) + x[i]·φ(x[i])), the derivative of
// GELU at its input x (φ(x) = e^(−x²/2)/√(2π)) times the upstream gradient
// dy. Φ(x) is within 3.5u relative (u = 2⁻⁵³; as in GELU) and φ(x) within
// 2u, Φ + x·φ is one fused multiply-add, and the low part of Φ and dy add
// one rounding each, so the error is at most 7u·|dy|·(Φ(x) + |x|·φ(x)),
// plus for float32 half an ULP of the result, and for float64
// 2⁻¹⁰⁷⁴·|dy|·(1 + |x|) where e^(−x²/2) is subnormal (x < −37.6). This is
// a relative error of a few u except near the zero of the derivative at
// x ≈ −0.7518, where it is an absolute error against dy·Φ(x).
// GELUGrad(+Inf) = dy, GELUGrad(−Inf) = dy·(−0) (the limits), NaN x gives
// NaN. dst may alias x or dy. It panics unless the three lengths are equal.
func GELUGrad[T Float](dst, x, dy []T) {
	check3("GELUGrad", "x", len(dst), len(x), len(dy))
	geluGrad(asm.Current(), dst, x, dy)
}

func geluGrad[T Float](k *asm.Table, dst, x, dy []T) {
	binary(k.GeluGradF32, k.GeluGradF64, dst, x, dy)
}

// GELUTanh sets dst[i] = x[i]/2·(1 + tanh u) = x[i]·σ(2u) with
// u = √(2/π)·(x[i] + 0.044715·x[i]³) for every i, the tanh approximation of
// GELU (PyTorch's gelu, approximate='tanh'), within 1 ULP (float32) or
// 1.5 ULP (float64) of that function, subnormal results included.
// GELUTanh(±0) = ±0, GELUTanh(+Inf) = +Inf, GELUTanh(NaN) = NaN, and
// GELUTanh(−Inf) = −0, the limit (PyTorch gives NaN there). It panics if
// len(dst) != len(x).
func GELUTanh[T Float](dst, x []T) {
	check2("GELUTanh", len(dst), len(x))
	geluTanh(asm.Current(), dst, x)
}

func geluTanh[T Float](k *asm.Table, dst, x []T) { unary(k.GeluTanhF32, k.GeluTanhF64, dst, x) }

// GELUTanhGrad sets dst[i] = dy[i]·s·(1 + g·(1 − s)), the derivative of
// GELUTanh at its input x times the upstream gradient dy, with z = 2u,
// s = σ(z) and g = x·dz/dx = x·√(8/π)·(1 + 3·0.044715·x²) (PyTorch's
// (1 + tanh u)/2 + x/2·(1 − tanh² u)·du/dx, rewritten). σ(z) and
// 1 − σ(z) = σ(−z) are each within about 1 ULP (so neither cancels), g is
// rounded 4 times and 1 + g·σ(−z) is one fused multiply-add, so the error
// is at most 8u·|dy|·σ(z)·(1 + |g|·σ(−z)) (u = 2⁻⁵³), plus for float32
// half an ULP of the result, and for float64 2⁻¹⁰⁷⁵·|dy|·(2 + |g|) where
// σ(z) or the result is subnormal; a relative error of a few u except near
// the zero of the derivative at x ≈ −0.7517. GELUTanhGrad(+Inf) = dy,
// GELUTanhGrad(−Inf) = dy·(−0), NaN x gives NaN. dst may alias x or dy.
// It panics unless the three lengths are equal.
func GELUTanhGrad[T Float](dst, x, dy []T) {
	check3("GELUTanhGrad", "x", len(dst), len(x), len(dy))
	geluTanhGrad(asm.Current(), dst, x, dy)
}

func geluTanhGrad[T Float](k *asm.Table, dst, x, dy []T) {
	binary(k.GeluTanhGradF32, k.GeluTanhGradF64, dst, x, dy)
}
