package vec

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
)

// Float is the element type of lanes: exactly float32 or float64.
type Float interface{ float32 | float64 }

// Dot returns the dot product of x and y:
//
//	for i := range x { sum += x[i]*y[i] }
//
// computed with fused multiply-adds into several partial sums. It panics if
// len(x) != len(y). The error is at most γₙ·Σ|x[i]·y[i]| (plus n times the
// smallest subnormal if products underflow).
func Dot[T Float](x, y []T) T {
	if len(x) != len(y) {
		panic(fmt.Sprintf("vec.Dot: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return dot(asm.Current(), x, y)
}

func dot[T Float](k *asm.Table, x, y []T) T {
	if cast.Is32[T]() {
		return T(k.DotF32(cast.F32(x), cast.F32(y)))
	}
	return T(k.DotF64(cast.F64(x), cast.F64(y)))
}

// dot3 returns x·y, x·x and y·y, computed in one pass.
func dot3[T Float](k *asm.Table, x, y []T) (xy, xx, yy T) {
	if cast.Is32[T]() {
		a, b, c := k.Dot3F32(cast.F32(x), cast.F32(y))
		return T(a), T(b), T(c)
	}
	a, b, c := k.Dot3F64(cast.F64(x), cast.F64(y))
	return T(a), T(b), T(c)
}

// sumsq returns Σ x[i]².
func sumsq[T Float](k *asm.Table, x []T) T {
	if cast.Is32[T]() {
		return T(k.SumsqF32(cast.F32(x)))
	}
	return T(k.SumsqF64(cast.F64(x)))
}

// Sum returns the sum of the elements of x:
//
//	for i := range x { sum += x[i] }
//
// in several partial sums. The error is at most γₙ·Σ|x[i]|.
func Sum[T Float](x []T) T { return sum(asm.Current(), x) }

func sum[T Float](k *asm.Table, x []T) T {
	if cast.Is32[T]() {
		return T(k.SumF32(cast.F32(x)))
	}
	return T(k.SumF64(cast.F64(x)))
}

// Axpy adds alpha times x to y:
//
//	for i := range x { y[i] = math.FMA(alpha, x[i], y[i]) }
//
// with one rounding per element (a fused multiply-add) on every ISA, so the
// result is the same on all of them. It panics if len(x) != len(y).
func Axpy[T Float](alpha T, x, y []T) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("vec.Axpy: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	axpy(asm.Current(), alpha, x, y)
}

func axpy[T Float](k *asm.Table, alpha T, x, y []T) {
	if cast.Is32[T]() {
		k.AxpyF32(float32(alpha), cast.F32(x), cast.F32(y))
		return
	}
	k.AxpyF64(float64(alpha), cast.F64(x), cast.F64(y))
}

// Scale multiplies x by alpha in place: for i := range x { x[i] *= alpha }.
func Scale[T Float](alpha T, x []T) { scale(asm.Current(), alpha, x) }

func scale[T Float](k *asm.Table, alpha T, x []T) {
	if cast.Is32[T]() {
		k.ScaleF32(float32(alpha), cast.F32(x))
		return
	}
	k.ScaleF64(float64(alpha), cast.F64(x))
}

func check3(fn string, dst, x, y int) {
	if dst != x || dst != y {
		panic(fmt.Sprintf("vec.%s: len(dst)=%d, len(x)=%d, len(y)=%d: lengths differ", fn, dst, x, y))
	}
}

// Add sets dst[i] = x[i] + y[i]. It panics unless the three lengths are equal.
func Add[T Float](dst, x, y []T) {
	check3("Add", len(dst), len(x), len(y))
	add(asm.Current(), dst, x, y)
}

func add[T Float](k *asm.Table, dst, x, y []T) {
	if cast.Is32[T]() {
		k.AddF32(cast.F32(dst), cast.F32(x), cast.F32(y))
		return
	}
	k.AddF64(cast.F64(dst), cast.F64(x), cast.F64(y))
}

// Sub sets dst[i] = x[i] − y[i]. It panics unless the three lengths are equal.
func Sub[T Float](dst, x, y []T) {
	check3("Sub", len(dst), len(x), len(y))
	sub(asm.Current(), dst, x, y)
}

func sub[T Float](k *asm.Table, dst, x, y []T) {
	if cast.Is32[T]() {
		k.SubF32(cast.F32(dst), cast.F32(x), cast.F32(y))
		return
	}
	k.SubF64(cast.F64(dst), cast.F64(x), cast.F64(y))
}

// Mul sets dst[i] = x[i] · y[i]. It panics unless the three lengths are equal.
func Mul[T Float](dst, x, y []T) {
	check3("Mul", len(dst), len(x), len(y))
	mul(asm.Current(), dst, x, y)
}

func mul[T Float](k *asm.Table, dst, x, y []T) {
	if cast.Is32[T]() {
		k.MulF32(cast.F32(dst), cast.F32(x), cast.F32(y))
		return
	}
	k.MulF64(cast.F64(dst), cast.F64(x), cast.F64(y))
}

// Max returns the largest element of x, or NaN if any element is NaN (which
// NaN is unspecified). Max(−0, +0) may return either zero. It panics if x is
// empty.
func Max[T Float](x []T) T {
	if len(x) == 0 {
		panic("vec.Max: empty slice")
	}
	return max_(asm.Current(), x)
}

func max_[T Float](k *asm.Table, x []T) T {
	if cast.Is32[T]() {
		return T(k.MaxF32(cast.F32(x)))
	}
	return T(k.MaxF64(cast.F64(x)))
}

// ArgMax returns the index of the first largest element of x; if x holds a
// NaN, the index of the first NaN (as numpy.argmax). −0 and +0 are equal.
// It panics if x is empty.
func ArgMax[T Float](x []T) int {
	if len(x) == 0 {
		panic("vec.ArgMax: empty slice")
	}
	return argMax(asm.Current(), x)
}

func argMax[T Float](k *asm.Table, x []T) int {
	m := max_(k, x)
	if m != m {
		for i, v := range x {
			if v != v {
				return i
			}
		}
	}
	for i, v := range x {
		if v == m {
			return i
		}
	}
	panic("unreachable: vec.ArgMax found no element equal to the maximum")
}

// Norm returns the Euclidean norm ‖x‖₂ = √(Σ x[i]²). It does not overflow or
// underflow for finite x: when the plain sum of squares would (all |x[i]|
// tiny or some huge), x is rescaled by a power of two, which is exact, and
// summed again. The relative error is at most γₙ/2 + u (plus n times the
// smallest subnormal in the sum of squares, relative to it, when rescaled
// elements underflow). Norm is NaN if x has a NaN, else +Inf if x has an Inf.
func Norm[T Float](x []T) T { return norm(asm.Current(), x) }

func norm[T Float](k *asm.Table, x []T) T {
	ss := sumsq(k, x)
	if inRange(ss) {
		return T(math.Sqrt(float64(ss)))
	}
	if ss != ss {
		return ss // a NaN in x
	}
	// ss is 0, too small to be accurate, or +Inf: rescale.
	amax := absMax(x)
	if amax == 0 || math.IsInf(float64(amax), 0) {
		return amax
	}
	s := pow2Inverse(amax)
	return T(math.Sqrt(float64(scaledDot(x, s, x, s)))) / s
}

// Cosine returns the cosine similarity Dot(x, y) / (Norm(x)·Norm(y)),
// clamped to [−1, 1]. Like Norm it rescales by powers of two where the dot
// product or the norms would overflow or underflow. It is NaN if x or y is
// all zeros or has a NaN. It panics if len(x) != len(y). The relative error
// is at most about (3n/2+3)·u.
func Cosine[T Float](x, y []T) T {
	if len(x) != len(y) {
		panic(fmt.Sprintf("vec.Cosine: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return cosine(asm.Current(), x, y)
}

func cosine[T Float](k *asm.Table, x, y []T) T {
	d, sxx, syy := dot3(k, x, y) // one pass for x·y, ‖x‖², ‖y‖²
	nx, ny := T(math.Sqrt(float64(sxx))), T(math.Sqrt(float64(syy)))
	if !inRange(T(math.Abs(float64(d)))) || !inRange(sxx) || !inRange(syy) || !inRange(nx*ny) {
		// Something underflowed, overflowed or lost bits to a subnormal:
		// work on x·2⁻ᵉˣ and y·2⁻ᵉʸ instead, exactly scaled, because
		// the cosine does not change under scaling.
		ax, ay := absMax(x), absMax(y)
		if inRange(ax) || ax > 0 && ax < tiny[T]() {
			if inRange(ay) || ay > 0 && ay < tiny[T]() {
				sx, sy := pow2Inverse(ax), pow2Inverse(ay)
				d = scaledDot(x, sx, y, sy)
				nx = T(math.Sqrt(float64(scaledDot(x, sx, x, sx))))
				ny = T(math.Sqrt(float64(scaledDot(y, sy, y, sy))))
			}
		}
	}
	c := d / nx / ny
	switch {
	case c > 1:
		return 1
	case c < -1:
		return -1
	}
	return c
}

// tiny is the smallest sum of squares that Norm trusts: below it, terms that
// underflowed could matter. It is the smallest normal divided by u.
func tiny[T Float]() T {
	if cast.Is32[T]() {
		return T(0x1p-102)
	}
	return T(0x1p-969)
}

// inRange reports whether v is in [tiny, MaxFloat]: far enough from
// underflow that its low bits are all there, and finite. NaN is not.
func inRange[T Float](v T) bool { return v >= tiny[T]() && v <= maxFinite[T]() }

func maxFinite[T Float]() T {
	m := math.MaxFloat64
	if cast.Is32[T]() {
		m = math.MaxFloat32
	}
	return T(m)
}

// absMax returns max |x[i]| (NaN if any x[i] is NaN). Only the rare rescaling
// paths use it.
func absMax[T Float](x []T) T {
	var m T
	for _, v := range x {
		a := T(math.Abs(float64(v)))
		if a != a {
			return a
		}
		if a > m {
			m = a
		}
	}
	return m
}

// pow2Inverse returns 2⁻ᵉ where 2ᵉ⁻¹ ≤ a < 2ᵉ, so a·2⁻ᵉ is in [½, 1),
// except that for subnormal a the scale stops at the largest power of two T
// holds (a·2⁻ᵉ is then still ≥ 2⁻²³). Multiplying by it is exact unless the
// product underflows.
func pow2Inverse[T Float](a T) T {
	_, e := math.Frexp(float64(a))
	if cast.Is32[T]() {
		e = max(e, -127)
	} else {
		e = max(e, -1023)
	}
	return T(math.Ldexp(1, -e))
}

// scaledDot returns Σ (sx·x[i])·(sy·y[i]), scaling each element exactly by
// a power of two before it multiplies. Only the rare rescaling paths use it,
// so it is a plain loop with four partial sums (passing a stack buffer to a
// kernel through the dispatch table would make it escape to the heap).
func scaledDot[T Float](x []T, sx T, y []T, sy T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	for len(x) >= 4 && len(y) >= 4 {
		s0 += (x[0] * sx) * (y[0] * sy)
		s1 += (x[1] * sx) * (y[1] * sy)
		s2 += (x[2] * sx) * (y[2] * sy)
		s3 += (x[3] * sx) * (y[3] * sy)
		x, y = x[4:], y[4:]
	}
	for i := range x {
		s0 += (x[i] * sx) * (y[i] * sy)
	}
	return (s0 + s1) + (s2 + s3)
}
