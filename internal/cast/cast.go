// Package cast reinterprets slices of a type parameter constrained to
// float32 | float64 as the concrete slice type, without copying, so that the
// generic front functions can call the typed kernels of package asm.
package cast

import "unsafe"

// Float is the element type constraint of the internal packages: exactly
// float32 or float64. It is the twin of the public vec.Float, which the
// internal packages cannot import (vec imports them); the two have the
// same type set, so a type parameter of one satisfies the other.
type Float interface{ float32 | float64 }

// Is32 reports whether T is float32. It is a constant per instantiation, so
// the branch it guards costs nothing.
func Is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// F32 returns x as []float32; T must be float32.
func F32[T Float](x []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// F64 returns x as []float64; T must be float64.
func F64[T Float](x []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}
