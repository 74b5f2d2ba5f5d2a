package act

import (
	"fmt"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/vec"
)

// Float is the element type of lanes: exactly float32 or float64 (vec.Float).
type Float = vec.Float

func check2(fn string, dst, x int) {
	if dst != x {
		panic(fmt.Sprintf("act.%s: len(dst)=%d != len(x)=%d", fn, dst, x))
	}
}

func check3(fn, xn string, dst, x, dy int) {
	if dst != x || dst != dy {
		panic(fmt.Sprintf("act.%s: len(dst)=%d, len(%s)=%d, len(dy)=%d: lengths differ", fn, dst, xn, x, dy))
	}
}

// unary calls the typed kernel f32 or f64 on dst and x.
func unary[T Float](f32 func(dst, x []float32), f64 func(dst, x []float64), dst, x []T) {
	if cast.Is32[T]() {
		f32(cast.F32(dst), cast.F32(x))
		return
	}
	f64(cast.F64(dst), cast.F64(x))
}

func binary[T Float](f32 func(dst, x, y []float32), f64 func(dst, x, y []float64), dst, x, y []T) {
	if cast.Is32[T]() {
		f32(cast.F32(dst), cast.F32(x), cast.F32(y))
		return
	}
	f64(cast.F64(dst), cast.F64(x), cast.F64(y))
}

// Exp sets dst[i] = e^x[i] for every i, within 1 ULP. Exp(NaN) = NaN,
// Exp(+Inf) = +Inf, Exp(−Inf) = +0; results beyond the largest finite value
// are +Inf and results below it are the correctly rounded subnormal (within
// 1 ULP) or +0. It panics if len(dst) != len(x).
func Exp[T Float](dst, x []T) {
	check2("Exp", len(dst), len(x))
	exp(asm.Current(), dst, x)
}

func exp[T Float](k *asm.Table, dst, x []T) { unary(k.ExpF32, k.ExpF64, dst, x) }

// Log sets dst[i] = ln x[i] for every i, within 1 ULP. Log(±0) = −Inf,
// Log(x) = NaN for x < 0 and NaN, Log(+Inf) = +Inf; subnormal x are handled
// exactly. It panics if len(dst) != len(x).
func Log[T Float](dst, x []T) {
	check2("Log", len(dst), len(x))
	log(asm.Current(), dst, x)
}

func log[T Float](k *asm.Table, dst, x []T) { unary(k.LogF32, k.LogF64, dst, x) }

// Sigmoid sets dst[i] = 1/(1 + e^−x[i]) for every i, within 2 ULP, subnormal
// results included (below about −87.3 for float32, −708.4 for float64).
// Sigmoid(+Inf) = 1, Sigmoid(−Inf) = +0, Sigmoid(NaN) = NaN; no finite input
// gives NaN. It panics if len(dst) != len(x).
func Sigmoid[T Float](dst, x []T) {
	check2("Sigmoid", len(dst), len(x))
	sigmoid(asm.Current(), dst, x)
}

func sigmoid[T Float](k *asm.Table, dst, x []T) { unary(k.SigmoidF32, k.SigmoidF64, dst, x) }

// Tanh sets dst[i] = tanh x[i] for every i, within 2 ULP. Tanh(±0) = ±0,
// Tanh(±Inf) = ±1, Tanh(NaN) = NaN. It panics if len(dst) != len(x).
func Tanh[T Float](dst, x []T) {
	check2("Tanh", len(dst), len(x))
	tanh(asm.Current(), dst, x)
}

func tanh[T Float](k *asm.Table, dst, x []T) { unary(k.TanhF32, k.TanhF64, dst, x) }

// SiLU sets dst[i] = x[i]·σ(x[i]) = x[i]/(1 + e^−x[i]) for every i (the
// sigmoid-weighted linear unit, or swish; PyTorch's silu), within 1 ULP
// (float32) or 1.5 ULP (float64), subnormal results included. SiLU(±0) = ±0,
// SiLU(+Inf) = +Inf, SiLU(NaN) = NaN, and SiLU(−Inf) = −0, the limit (PyTorch's
// x/(1 + e^−x) gives NaN there). It panics if len(dst) != len(x).
func SiLU[T Float](dst, x []T) {
	check2("SiLU", len(dst), len(x))
	silu(asm.Current(), dst, x)
}

func silu[T Float](k *asm.Table, dst, x []T) { unary(k.SiluF32, k.SiluF64, dst, x) }

// SiLUGrad sets dst[i] = dy[i]·σ(x[i])·(1 + x[i]·(1 − σ(x[i]))), the
// derivative of SiLU at its input x times the upstream gradient dy. σ(x) and
// 1 − σ(x) = σ(−x) are each computed to within about 1 ULP (so neither
// cancels), 1 + x·σ(−x) is one fused multiply-add, and the products round
// once each (float32: all in float64, then rounded once). The error is at
// most 4u·|dy|·σ(x)·(1 + 2|x|·σ(−x)), u = 2⁻⁵³, plus for float32 half an
// ULP of the result, and for float64 2⁻¹⁰⁷⁵·|dy|·(2 + |x|) where σ(x) or
// the result is subnormal. This is a relative error of a few u except near
// the zero of the derivative at x ≈ −1.2785, where it is an absolute error
// against dy·σ(x). SiLUGrad(+Inf) = dy, SiLUGrad(−Inf) = dy·(−0) (the
// limits), NaN x gives NaN. dst may alias x or dy. It panics unless the
// three lengths are equal.
func SiLUGrad[T Float](dst, x, dy []T) {
	check3("SiLUGrad", "x", len(dst), len(x), len(dy))
	siluGrad(asm.Current(), dst, x, dy)
}

func siluGrad[T Float](k *asm.Table, dst, x, dy []T) {
	binary(k.SiluGradF32, k.SiluGradF64, dst, x, dy)
}

// ReLU sets dst[i] = max(x[i], 0): x[i] if x[i] > 0, +0 if x[i] ≤ 0 (−0
// included), and NaN if x[i] is NaN. Exact. It panics if len(dst) != len(x).
func ReLU[T Float](dst, x []T) {
	check2("ReLU", len(dst), len(x))
	relu(asm.Current(), dst, x)
}

func relu[T Float](k *asm.Table, dst, x []T) { unary(k.ReluF32, k.ReluF64, dst, x) }

// LeakyReLU sets dst[i] = x[i] if x[i] > 0, else alpha·x[i] (one rounding;
// NaN stays NaN). It panics if len(dst) != len(x).
func LeakyReLU[T Float](dst, x []T, alpha T) {
	check2("LeakyReLU", len(dst), len(x))
	leakyReLU(asm.Current(), dst, x, alpha)
}

func leakyReLU[T Float](k *asm.Table, dst, x []T, alpha T) {
	if cast.Is32[T]() {
		k.LeakyReluF32(float32(alpha), cast.F32(dst), cast.F32(x))
		return
	}
	k.LeakyReluF64(float64(alpha), cast.F64(dst), cast.F64(x))
}

// SigmoidGrad sets dst[i] = dy[i]·y[i]·(1 − y[i]), the gradient of the
// sigmoid at its output y = Sigmoid(x) times the upstream gradient dy. It is
// computed as dy·(y·(1−y)) with three roundings (float64), or in float64 and
// rounded once (float32): the relative error is at most 3u (float64,
// u = 2⁻⁵³, plus underflow) or 0.5 ULP + 3·2⁻⁵³ (float32). dst may alias y
// or dy. It panics unless the three lengths are equal.
func SigmoidGrad[T Float](dst, y, dy []T) {
	check3("SigmoidGrad", "y", len(dst), len(y), len(dy))
	sigmoidGrad(asm.Current(), dst, y, dy)
}

func sigmoidGrad[T Float](k *asm.Table, dst, y, dy []T) {
	binary(k.SigmoidGradF32, k.SigmoidGradF64, dst, y, dy)
}

// TanhGrad sets dst[i] = dy[i]·(1 − y[i]²), the gradient of tanh at its
// output y = Tanh(x) times dy. 1 − y² is one fused multiply-add, so there is
// no cancellation error near |y| = 1: the relative error is at most 2u
// (float64) or 0.5 ULP + 2·2⁻⁵³ (float32, computed in float64). It panics
// unless the three lengths are equal.
func TanhGrad[T Float](dst, y, dy []T) {
	check3("TanhGrad", "y", len(dst), len(y), len(dy))
	tanhGrad(asm.Current(), dst, y, dy)
}

func tanhGrad[T Float](k *asm.Table, dst, y, dy []T) {
	binary(k.TanhGradF32, k.TanhGradF64, dst, y, dy)
}

// ReLUGrad sets dst[i] = dy[i] if x[i] > 0, +0 if x[i] ≤ 0, and x[i] (NaN)
// if x[i] is NaN: a select, not a product, so an infinite dy[i] with
// x[i] ≤ 0 gives 0 (as in the frameworks' where(x > 0, dy, 0)). x is the
// input of ReLU. Exact. It panics unless the three lengths are equal.
func ReLUGrad[T Float](dst, x, dy []T) {
	check3("ReLUGrad", "x", len(dst), len(x), len(dy))
	reluGrad(asm.Current(), dst, x, dy)
}

func reluGrad[T Float](k *asm.Table, dst, x, dy []T) {
	binary(k.ReluGradF32, k.ReluGradF64, dst, x, dy)
}

// LeakyReLUGrad sets dst[i] = dy[i] if x[i] > 0, alpha·dy[i] if x[i] ≤ 0
// (one rounding), and x[i] (NaN) if x[i] is NaN. It panics unless the three
// lengths are equal.
func LeakyReLUGrad[T Float](dst, x, dy []T, alpha T) {
	check3("LeakyReLUGrad", "x", len(dst), len(x), len(dy))
	leakyReLUGrad(asm.Current(), dst, x, dy, alpha)
}

func leakyReLUGrad[T Float](k *asm.Table, dst, x, dy []T, alpha T) {
	if cast.Is32[T]() {
		k.LeakyReluGradF32(float32(alpha), cast.F32(dst), cast.F32(x), cast.F32(dy))
		return
	}
	k.LeakyReluGradF64(float64(alpha), cast.F64(dst), cast.F64(x), cast.F64(dy))
}
