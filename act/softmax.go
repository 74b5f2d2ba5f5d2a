package act

import (
	"math"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
)

// Softmax sets dst[i] = e^(x[i]−m) / Σⱼ e^(x[j]−m) with m = max x, which is
// the softmax of x and never overflows. The exponentials are those of Exp;
// their sum is a reduction whose order depends on the ISA, so the last bits
// may differ between ISAs. With u the unit roundoff (2⁻²⁴, 2⁻⁵³), the
// relative error of each dst[i] is at most (|x[i]−m| + 2n + 6)·u. If x holds
// a NaN or +Inf, or is all −Inf, every dst[i] is NaN. dst may alias x. It
// panics if len(dst) != len(x); an empty x does nothing.
func Softmax[T Float](dst, x []T) {
	check2("Softmax", len(dst), len(x))
	softmax(asm.Current(), dst, x)
}

func softmax[T Float](k *asm.Table, dst, x []T) {
	if len(x) == 0 {
		return
	}
	if cast.Is32[T]() {
		d, v := cast.F32(dst), cast.F32(x)
		s := k.ExpSubF32(d, v, k.MaxF32(v))
		k.ScaleF32(1/s, d)
		return
	}
	d, v := cast.F64(dst), cast.F64(x)
	s := k.ExpSubF64(d, v, k.MaxF64(v))
	k.ScaleF64(1/s, d)
}

// LogSoftmax sets dst[i] = (x[i] − m) − ln Σⱼ e^(x[j]−m) with m = max x, the
// logarithm of the softmax, without overflow or log of 0. The absolute error
// of each dst[i] is at most (|x[i]−m| + |dst[i]| + 2·L + 2n + 6)·u with
// L = ln Σⱼ e^(x[j]−m) ≤ ln n (u as in Softmax); the sum's order depends on
// the ISA. NaN and ±Inf as in Softmax. dst may alias x. It panics if
// len(dst) != len(x); an empty x does nothing.
func LogSoftmax[T Float](dst, x []T) {
	check2("LogSoftmax", len(dst), len(x))
	logSoftmax(asm.Current(), dst, x)
}

func logSoftmax[T Float](k *asm.Table, dst, x []T) {
	if len(x) == 0 {
		return
	}
	if cast.Is32[T]() {
		d, v := cast.F32(dst), cast.F32(x)
		m := k.MaxF32(v)
		l := float32(math.Log(float64(k.ExpSumF32(v, m))))
		k.SubSubF32(d, v, m, l)
		return
	}
	d, v := cast.F64(dst), cast.F64(x)
	m := k.MaxF64(v)
	l := math.Log(k.ExpSumF64(v, m))
	k.SubSubF64(d, v, m, l)
}

// SoftmaxGrad sets dst[i] = y[i]·(dy[i] − ⟨dy, y⟩), the vector-Jacobian
// product of softmax at its output y = Softmax(x) with the upstream gradient
// dy. ⟨dy, y⟩ is vec.Dot's reduction (its order depends on the ISA); the
// absolute error of dst[i] is at most
// |y[i]|·(2u·|dy[i] − ⟨dy,y⟩| + (γₙ+u)·Σⱼ|dy[j]·y[j]|). dst may alias y or
// dy. It panics unless the three lengths are equal.
func SoftmaxGrad[T Float](dst, y, dy []T) {
	check3("SoftmaxGrad", "y", len(dst), len(y), len(dy))
	softmaxGrad(asm.Current(), dst, y, dy)
}

func softmaxGrad[T Float](k *asm.Table, dst, y, dy []T) {
	if cast.Is32[T]() {
		d, yy, g := cast.F32(dst), cast.F32(y), cast.F32(dy)
		k.MulSubF32(k.DotF32(g, yy), d, yy, g)
		return
	}
	d, yy, g := cast.F64(dst), cast.F64(y), cast.F64(dy)
	k.MulSubF64(k.DotF64(g, yy), d, yy, g)
}
