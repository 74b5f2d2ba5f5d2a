package mat

import (
	"fmt"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/vec"
)

// vector views x as a 1×len(x) matrix, for the aliasing checks.
func vector[T vec.Float](x []T) *Dense[T] {
	return &Dense[T]{Rows: 1, Cols: len(x), Stride: len(x), Data: x}
}

// MulVec sets dst = a·x (GEMV):
//
//	for i := range dst { dst[i] = Σ_j a[i][j]·x[j] }
//
// each element a dot product of the active ISA (vec.Dot), so its error is
// at most γ_{a.Cols}·Σ_j |a[i][j]·x[j]|. dst is not read. It panics if
// len(x) != a.Cols or len(dst) != a.Rows, or if dst shares memory with a or
// x, before writing anything.
func MulVec[T vec.Float](dst []T, a *Dense[T], x []T) {
	a.valid("MulVec", "a")
	if len(x) != a.Cols || len(dst) != a.Rows {
		panic(fmt.Sprintf("mat.MulVec: a is %d×%d, len(x)=%d, len(dst)=%d: want len(x)=%d, len(dst)=%d",
			a.Rows, a.Cols, len(x), len(dst), a.Cols, a.Rows))
	}
	if d := vector(dst); shares(d, a) || shares(d, vector(x)) {
		panic(fmt.Sprintf("mat.MulVec: dst (len %d) shares memory with a (%d×%d) or x (len %d)", len(dst), a.Rows, a.Cols, len(x)))
	}
	mulVec(asm.Current(), dst, a, x)
}

func mulVec[T vec.Float](k *asm.Table, dst []T, a *Dense[T], x []T) {
	if a.Cols == 0 {
		clear(dst)
		return
	}
	for i := range dst {
		r := a.Data[i*a.Stride : i*a.Stride+a.Cols]
		if cast.Is32[T]() {
			dst[i] = T(k.DotF32(cast.F32(r), cast.F32(x)))
		} else {
			dst[i] = T(k.DotF64(cast.F64(r), cast.F64(x)))
		}
	}
}

// MulVecTrans sets dst = aᵀ·x (GEMV with the transpose):
//
//	dst = 0; for i := range x { for j := range dst { dst[j] = fma(x[i], a[i][j], dst[j]) } }
//
// row by row with the active ISA's Axpy, so the error of each element is at
// most γ_{a.Rows}·Σ_i |x[i]·a[i][j]|. dst is not read. It panics if
// len(x) != a.Rows or len(dst) != a.Cols, or if dst shares memory with a or
// x, before writing anything.
func MulVecTrans[T vec.Float](dst []T, a *Dense[T], x []T) {
	a.valid("MulVecTrans", "a")
	if len(x) != a.Rows || len(dst) != a.Cols {
		panic(fmt.Sprintf("mat.MulVecTrans: a is %d×%d, len(x)=%d, len(dst)=%d: want len(x)=%d, len(dst)=%d",
			a.Rows, a.Cols, len(x), len(dst), a.Rows, a.Cols))
	}
	if d := vector(dst); shares(d, a) || shares(d, vector(x)) {
		panic(fmt.Sprintf("mat.MulVecTrans: dst (len %d) shares memory with a (%d×%d) or x (len %d)", len(dst), a.Rows, a.Cols, len(x)))
	}
	mulVecTrans(asm.Current(), dst, a, x)
}

func mulVecTrans[T vec.Float](k *asm.Table, dst []T, a *Dense[T], x []T) {
	clear(dst)
	if a.Cols == 0 {
		return
	}
	for i, xi := range x {
		axpyRow(k, xi, a.Data[i*a.Stride:i*a.Stride+a.Cols], dst)
	}
}

func axpyRow[T vec.Float](k *asm.Table, alpha T, x, y []T) {
	if cast.Is32[T]() {
		k.AxpyF32(float32(alpha), cast.F32(x), cast.F32(y))
	} else {
		k.AxpyF64(float64(alpha), cast.F64(x), cast.F64(y))
	}
}

// AddOuter adds the rank-1 matrix alpha·x·yᵀ to a (GER):
//
//	for i := range x { s := alpha*x[i]; for j := range y { a[i][j] = fma(s, y[j], a[i][j]) } }
//
// so each element has at most two roundings: |err| ≤ γ₂·(|alpha·x[i]·y[j]| +
// |a[i][j]|), plus (1+|y[j]|)·η where results underflow (η the smallest
// subnormal). NaN and Inf in x or y propagate (no element is skipped). It
// panics if len(x) != a.Rows or len(y) != a.Cols, or if a shares memory
// with x or y, before writing anything.
func AddOuter[T vec.Float](a *Dense[T], alpha T, x, y []T) {
	a.valid("AddOuter", "a")
	if len(x) != a.Rows || len(y) != a.Cols {
		panic(fmt.Sprintf("mat.AddOuter: a is %d×%d, len(x)=%d, len(y)=%d: want len(x)=%d, len(y)=%d",
			a.Rows, a.Cols, len(x), len(y), a.Rows, a.Cols))
	}
	if shares(a, vector(x)) || shares(a, vector(y)) {
		panic(fmt.Sprintf("mat.AddOuter: a (%d×%d) shares memory with x (len %d) or y (len %d)", a.Rows, a.Cols, len(x), len(y)))
	}
	addOuter(asm.Current(), a, alpha, x, y)
}

func addOuter[T vec.Float](k *asm.Table, a *Dense[T], alpha T, x, y []T) {
	if a.Cols == 0 {
		return
	}
	for i, xi := range x {
		axpyRow(k, alpha*xi, y, a.Data[i*a.Stride:i*a.Stride+a.Cols])
	}
}
