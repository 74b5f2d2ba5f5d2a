package asm

import (
	"runtime"

	"github.com/lanes-go/lanes/internal/kconst"
)

// Generic (pure-Go) mat kernels. See gen/spec/mat.go for their contract.

// genericMR and genericNR are the tile of gemmGeneric: 8 accumulators plus
// the 6 values of one k step fit the 15 floating-point registers Go's
// amd64 ABI leaves (X15 is reserved); a 4×4 tile spilled and ran at half
// the speed (measured: 4.1 vs 7.5 GFLOPS float32 on a 3.5 GHz core).
const genericMR, genericNR = kconst.GemmGenericMR, kconst.GemmGenericNR

func gemmTileGeneric[T Float]() (mr, nr int) { return genericMR, genericNR }

// gemmGeneric is the 2×4 micro-kernel in Go. acc += a·b may or may not be
// fused, depending on the compiler and architecture (the Go spec allows
// either); the error bound of package mat holds in both cases.
func gemmGeneric[T Float](k int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T) {
	var c00, c01, c02, c03 T
	var c10, c11, c12, c13 T
	// A(i, p) is a[p·sp + i·si]: packed (sp = 2, si = 1) or in place
	// (sp = 1, si = lda).
	sp, si := 2, 1
	if lda > 0 {
		sp, si = 1, lda
	}
	if k > 0 {
		_ = a[(k-1)*sp+si]
		_ = b[(k-1)*ldb+3]
	}
	for p := 0; p < k; p++ {
		bp := b[p*ldb : p*ldb+4 : p*ldb+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0, a1 := a[p*sp], a[p*sp+si]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
	}
	storeRow(c[0:4:4], c00, c01, c02, c03, alpha, beta)
	storeRow(c[ldc:ldc+4:ldc+4], c10, c11, c12, c13, alpha, beta)
}

func storeRow[T Float](r []T, x0, x1, x2, x3, alpha, beta T) {
	r = r[:4]
	x0, x1, x2, x3 = T(alpha*x0), T(alpha*x1), T(alpha*x2), T(alpha*x3)
	if beta == 0 {
		r[0], r[1], r[2], r[3] = x0, x1, x2, x3
		return
	}
	r[0] = beta*r[0] + x0
	r[1] = beta*r[1] + x1
	r[2] = beta*r[2] + x2
	r[3] = beta*r[3] + x3
}

// gemmPackAGeneric packs genericMR rows: dst[p·2+i] = a[i·lda+p].
func gemmPackAGeneric[T Float](k int, a []T, lda int, dst []T) {
	r0 := a[0:k]
	r1 := a[lda : lda+k]
	dst = dst[:2*k]
	for p := range r0 {
		d := dst[2*p : 2*p+2 : 2*p+2]
		d[0], d[1] = r0[p], r1[p]
	}
}

// gemmPackBGeneric packs genericNR columns: dst[p·4+j] = b[p·ldb+j].
func gemmPackBGeneric[T Float](k int, b []T, ldb int, dst []T) {
	dst = dst[:4*k]
	for p := 0; p < k; p++ {
		s := b[p*ldb : p*ldb+4 : p*ldb+4]
		d := dst[4*p : 4*p+4 : 4*p+4]
		d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
	}
}

// gemmPackBTGeneric packs genericNR rows of b: dst[p·4+j] = b[j·ldb+p].
func gemmPackBTGeneric[T Float](k int, b []T, ldb int, dst []T) {
	r0 := b[0*ldb : 0*ldb+k]
	r1 := b[1*ldb : 1*ldb+k]
	r2 := b[2*ldb : 2*ldb+k]
	r3 := b[3*ldb : 3*ldb+k]
	dst = dst[:4*k]
	for p := range r0 {
		d := dst[4*p : 4*p+4 : 4*p+4]
		d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
	}
}

// peakFMAGeneric runs n iterations of 8 independent multiply-add chains and
// returns the floating-point operations done (2 per multiply-add).
func peakFMAGeneric[T Float](n int) int {
	x0, x1, x2, x3, x4, x5, x6, x7 := T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8)
	m, d := T(0.999), T(0.001)
	for i := 0; i < n; i++ {
		x0 = x0*m + d
		x1 = x1*m + d
		x2 = x2*m + d
		x3 = x3*m + d
		x4 = x4*m + d
		x5 = x5*m + d
		x6 = x6*m + d
		x7 = x7*m + d
	}
	runtime.KeepAlive(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7) // the chains must be computed
	return 16 * n
}

// dotTileLanesGeneric is 0: the generic dotTile has no vector lanes.
func dotTileLanesGeneric[T Float]() int { return 0 }

// dotTileGeneric is the DotMR×DotNR tile of dot products of
// gen/spec/mat.go, each a running sum over s then p, added into c (and the
// sums of A's rows into db if it is not empty).
func dotTileGeneric[T Float](n, k int, a []T, aoff []int, sa int, b []T, boff []int, sb int, c []T, ldc int, db []T) {
	_, _ = aoff[kconst.DotMR-1], boff[kconst.DotNR-1]
	if len(db) > 0 {
		for i := 0; i < kconst.DotMR; i++ {
			var sum T
			for s := 0; s < n; s++ {
				for _, x := range a[s*sa+aoff[i]:][:k] {
					sum += x
				}
			}
			db[i] += sum
		}
	}
	for i := 0; i < kconst.DotMR; i++ {
		for j := 0; j < kconst.DotNR; j++ {
			var sum T
			for s := 0; s < n; s++ {
				ar := a[s*sa+aoff[i]:][:k]
				br := b[s*sb+boff[j]:][:k]
				for p, x := range ar {
					sum += x * br[p]
				}
			}
			c[i*ldc+j] += sum
		}
	}
}

// copyRowsGeneric copies m blocks of n rows of w elements:
// dst[q·dm+r·ldd+e] = src[q·sm+r·lds+e]. Short rows go 8 elements at a time
// through an array (a copy call per row costs more than the move).
func copyRowsGeneric[T Float](m, sm, dm, n, w int, src []T, lds int, dst []T, ldd int) {
	for q := 0; q < m; q++ {
		for r := 0; r < n; r++ {
			d := dst[q*dm+r*ldd : q*dm+r*ldd+w]
			s := src[q*sm+r*lds : q*sm+r*lds+w]
			if w >= 64 {
				copy(d, s)
				continue
			}
			e := 0
			for ; e+8 <= w; e += 8 {
				v := *(*[8]T)(s[e : e+8]) // through a local: no memmove call
				*(*[8]T)(d[e : e+8]) = v
			}
			for ; e < w; e++ {
				d[e] = s[e]
			}
		}
	}
}

// addRowsGeneric adds m blocks of n rows of w elements, q ascending:
// dst[q·dm+r·ldd+e] += src[q·sm+r·lds+e].
func addRowsGeneric[T Float](m, sm, dm, n, w int, src []T, lds int, dst []T, ldd int) {
	for q := 0; q < m; q++ {
		for r := 0; r < n; r++ {
			d := dst[q*dm+r*ldd : q*dm+r*ldd+w]
			s := src[q*sm+r*lds : q*sm+r*lds+w]
			for e := range d {
				d[e] += s[e]
			}
		}
	}
}

// gemmIndGeneric is gemmInd on the generic 2×4 tile: gemmGeneric with a
// packed A, alpha = 1 and B row p at b[boff[p]:].
func gemmIndGeneric[T Float](k int, a []T, b []T, boff []int, c []T, ldc int, beta T) {
	var acc [genericMR][genericNR]T
	a = a[:k*genericMR]
	for p, off := range boff[:k] {
		bp := b[off : off+genericNR : off+genericNR]
		for i := range acc {
			x := a[p*genericMR+i]
			for j := range acc[i] {
				acc[i][j] += x * bp[j]
			}
		}
	}
	for i := range acc {
		storeRow(c[i*ldc:i*ldc+genericNR:i*ldc+genericNR], acc[i][0], acc[i][1], acc[i][2], acc[i][3], 1, beta)
	}
}

// gemmInd8Generic is gemmIndGeneric (the generic 2×4 tile).
func gemmInd8Generic[T Float](k int, a []T, b []T, boff []int, c []T, ldc int, beta T) {
	gemmIndGeneric(k, a, b, boff, c, ldc, beta)
}
