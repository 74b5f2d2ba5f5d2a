// Package mat holds dense row-major matrices and the level-2/3 kernels of
// lanes on them: GEMM (Gemm, Mul), GEMV (MulVec, MulVecTrans), the rank-1
// update (AddOuter), and the convolution and pooling of images (Conv2D,
// MaxPool2D and their gradients), for float32 and float64.
//
//	a := mat.NewFrom(2, 3, []float64{1, 2, 3, 4, 5, 6}) // wraps row-major data
//	b := mat.New[float64](3, 4)                         // zeroed
//	c := mat.New[float64](2, 4)
//	mat.Mul(c, a, b)                                    // c = a·b
//	mat.Gemm(true, false, 2, a, c, 0, d)                // d = 2·aᵀ·c: transposes are flags
//	v := c.Slice(0, 2, 1, 3)                            // a view sharing c's data
//	mat.MulVec(y, a, x)                                 // y = a·x
//	mat.AddOuter(a, 0.5, u, w)                          // a += 0.5·u·wᵀ
//	mat.SetThreads(4)                                   // large products on 4 goroutines
//
// A Dense is Rows, Cols, Stride and Data, element (i, j) at
// Data[i*Stride+j]; a view made by Slice has its parent's Stride and works
// everywhere a matrix does. The outputs are arguments, so a loop that
// reuses them allocates nothing.
//
// # Contract
//
// For every function and ISA:
//   - Shapes that must agree are checked first; a mismatch panics with a
//     message naming the function and the shapes, and nothing is written.
//   - The output must not share memory with an input (checked: it panics).
//   - NaN and ±Inf propagate as in the plain Go loops, except where BLAS
//     semantics say an operand is not read (alpha = 0, beta = 0).
//   - No heap allocation per call in steady state; the same inputs on the
//     same ISA give the same bits for any thread count.
//
// Error bounds use u, the unit roundoff (2⁻²⁴ for float32, 2⁻⁵³ for
// float64) and γₙ = n·u/(1−n·u); Gemm, MulVec, Conv2D and the others each
// state theirs (for Gemm, γ_{k+nb+1} times the product of the magnitudes,
// nb = ⌈k/KC⌉ the number of cache blocks along k).
//
// # How Gemm works
//
// Gemm is a BLIS-style GEMM: op(B) is packed into NR-wide panels and op(A)
// into MR-tall panels, blocked by KC/MC/NC for the caches, and an assembly
// micro-kernel per ISA multiplies the panels. The MR×NR tile is as large as
// the register file allows (the accumulators, the B vectors of one k step
// and one broadcast element of A): AVX-512 6×64 float32 / 6×32 float64,
// AVX2+FMA 6×16 / 6×8, NEON 6×16 / 6×8, pure Go 2×4. The blocks follow the
// cache sizes that cpuid reports (32 KiB L1 data, 256 KiB L2 and 4 MiB L3
// where it reports none): an MR×KC panel of A fills at most half the L1
// (KC a multiple of 8 in [64, 384]), the KC×NC block of B half the L2, and
// the MC×KC block of A a quarter of the L3 (Blocking reports them). Edge
// tiles are packed with zero padding and written to C through a small
// temporary tile, so nothing outside the matrices is read or written. When
// C has few rows, B is read in place instead of packed. Large products are
// split over a persistent pool of SetThreads workers along M or N (never
// K; the direction whose largest part, tiles and packing, costs less),
// each part made of whole tiles, so the result is bit-identical whatever
// the number of threads.
package mat
