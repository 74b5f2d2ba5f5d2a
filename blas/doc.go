// Package blas is a gonum BLAS implementation on lanes: its Implementation
// satisfies gonum's blas.Float32 and blas.Float64, so one line makes
// gonum.org/v1/gonum/mat and gonum.org/v1/gonum/lapack run their matrix
// products and factorisations on lanes' packed, register-blocked GEMM and
// its SIMD vector kernels, without cgo:
//
//	blas64.Use(blas.Implementation{})
//	blas32.Use(blas.Implementation{})
//
// Implementation embeds gonum.org/v1/gonum/blas/gonum.Implementation, gonum's
// own pure-Go BLAS: every routine listed below runs on lanes, every other
// routine (the complex ones, the banded, packed and symmetric Level 2
// routines, Dsymm, Dsyr2k, the rotations, swap and copy, ...) is gonum's,
// unchanged.
//
// # Routines on lanes
//
// Routed to lanes, float32 (S) and float64 (D):
//
//   - Level 3: Sgemm/Dgemm (mat.Gemm: every transpose, any lda, ldb, ldc);
//     Ssyrk/Dsyrk, Strsm/Dtrsm and Strmm/Dtrmm, blocked recursively so
//     that all but small diagonal blocks is GEMM work (the diagonal blocks
//     of trsm with the triangle on the left are solved with lanes' Axpy
//     and Scale, those of trsm with the triangle on the right and of trmm
//     by gonum's routine, the diagonal blocks of syrk by GEMM into a
//     small buffer).
//   - Level 2: Sgemv/Dgemv (mat.MulVec, mat.MulVecTrans), Sger/Dger (Axpy
//     per row, as mat.AddOuter), for every increment (a strided x or y is
//     copied to a contiguous buffer: O(m+n) next to O(m·n) work).
//   - Level 1, unit increments: dot (vec.Dot), axpy (vec.Axpy), scal
//     (vec.Scale), nrm2 (vec.Norm); asum and iamax, for which lanes has no
//     kernel, as unrolled pure-Go loops (four partial sums or maxima). Other
//     increments run gonum's code.
//
// # Arguments and semantics
//
// Arguments are checked exactly as gonum checks them: whenever an argument
// is invalid (or the call is a quick return), the call goes to the
// embedded gonum routine, which panics with gonum's own message ("blas:
// bad leading dimension of A", ...) before writing anything. Only valid,
// non-trivial calls reach lanes.
//
// Semantics are BLAS's: with beta = 0, C (or y) is not read, so NaN in it
// is overwritten; with alpha = 0, A and B (or x) are not read. C must not
// overlap A or B (BLAS leaves that undefined; lanes' Gemm panics when the
// elements of C and A or B coincide, or, for views with different strides,
// when their address ranges overlap).
//
// # Accuracy and threads
//
// Results are not bit-identical to gonum's: lanes uses fused multiply-adds
// and sums in a different order. Each result is within the usual BLAS error
// bounds: |ĉ − c| ≤ γ_{k+nb+1}·(|alpha|·|op(A)|·|op(B)| + |beta|·|C|)
// elementwise for gemm, nb = ⌈k/KC⌉ the number of cache blocks along k
// (see mat.Gemm), γₙ·Σ|xᵢyᵢ| for a dot product, and
// the componentwise backward error c·n·u·|op(A)|·|X| of substitution for
// trsm. Large products run on mat.SetThreads workers (default GOMAXPROCS);
// the bits do not depend on the number of threads.
package blas
