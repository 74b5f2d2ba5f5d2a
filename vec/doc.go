// Package vec holds the level-1 kernels of lanes on float32 and float64
// slices: dot product, sum, norm, cosine, max, and the element-wise
// Axpy/Scale/Add/Sub/Mul. Each call goes to the kernel of the active ISA
// (see package isa): AVX-512, AVX2+FMA, NEON, or fast pure Go.
//
//	x := []float32{1, 2, 3, 4}
//	y := []float32{4, 3, 2, 1}
//	d := vec.Dot(x, y)           // 20
//	vec.Axpy(2, x, y)            // y += 2·x
//	vec.Add(y, y, x)             // y = y + x: dst may be an input
//	n := vec.Norm(x)             // ‖x‖₂, without overflow for huge x
//	i := vec.ArgMax(y)           // index of the first largest element
//
// The functions are generic over Float, exactly float32 or float64; the
// element type picks the kernel, without allocation or conversion.
//
// # Contract
//
// For every function and ISA:
//   - Slices of any length and any offset; no alignment requirement.
//   - Lengths that must match are checked first; a mismatch panics with a
//     message naming the function and the lengths, and nothing is written.
//   - dst may be the same slice as an input (in place); partial overlap of
//     dst with an input is undefined.
//   - NaN and ±Inf propagate as they would in the plain Go loop.
//   - No heap allocation; the same inputs on the same ISA give the same bits.
//   - Element-wise functions give the same bits on every ISA. Reductions
//     (Dot, Sum, Norm, Cosine) add in an order that depends on the ISA's
//     vector width, so their last bits may differ between ISAs; each states
//     its error bound, which holds on every ISA.
//
// # Accuracy
//
// Error bounds use u, the unit roundoff (2⁻²⁴ for float32, 2⁻⁵³ for float64)
// and γₙ = n·u/(1−n·u). The errors of Dot and Sum are at most γₙ times the
// sum of the magnitudes of their terms, Norm's γₙ/2 + u relative, Cosine's
// about (3n/2+3)·u relative; each function's comment states its bound
// exactly. The element-wise functions round once per element (Axpy in one
// fused multiply-add), as the plain Go loop does.
package vec
