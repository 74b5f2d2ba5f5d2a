package blas

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/vec"
)

// Tests on both precisions against a float64 reference (gonum's float64
// routines on the same inputs, converted), at sizes that cross the
// recursion thresholds and the GEMM blocking, with padded leading
// dimensions and negative increments. Every tolerance is an error bound:
// γₙ = n·u/(1−n·u) of the routine under test (u of T) plus that of the
// float64 reference, times the magnitude the bound is stated for
// (|alpha|·|op(A)|·|op(B)| + |beta|·|C| for gemm, computed by the same
// routine on absolute values). Padding is NaN and must stay untouched.

// api holds the routines under test for one element type.
type api[T vec.Float] struct {
	gemm  func(tA, tB gblas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)
	syrk  func(ul gblas.Uplo, tA gblas.Transpose, n, k int, alpha T, a []T, lda int, beta T, c []T, ldc int)
	tri   func(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha T, a []T, lda int, b []T, ldb int)
	trmm  func(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha T, a []T, lda int, b []T, ldb int)
	gemv  func(tA gblas.Transpose, m, n int, alpha T, a []T, lda int, x []T, incX int, beta T, y []T, incY int)
	ger   func(m, n int, alpha T, x []T, incX int, y []T, incY int, a []T, lda int)
	dot   func(n int, x []T, incX int, y []T, incY int) T
	axpy  func(n int, alpha T, x []T, incX int, y []T, incY int)
	scal  func(n int, alpha T, x []T, incX int)
	nrm2  func(n int, x []T, incX int) T
	asum  func(n int, x []T, incX int) T
	iamax func(n int, x []T, incX int) int
	// gonum's iamax, for exact comparison
	gIamax func(n int, x []T, incX int) int
	u      float64 // unit roundoff of T
}

var (
	api32 = api[float32]{impl.Sgemm, impl.Ssyrk, impl.Strsm, impl.Strmm, impl.Sgemv, impl.Sger,
		impl.Sdot, impl.Saxpy, impl.Sscal, impl.Snrm2, impl.Sasum, impl.Isamax, gonum.Implementation{}.Isamax, 0x1p-24}
	api64 = api[float64]{impl.Dgemm, impl.Dsyrk, impl.Dtrsm, impl.Dtrmm, impl.Dgemv, impl.Dger,
		impl.Ddot, impl.Daxpy, impl.Dscal, impl.Dnrm2, impl.Dasum, impl.Idamax, gonum.Implementation{}.Idamax, 0x1p-53}
	ref = gonum.Implementation{}
)

func apiOf[T vec.Float]() api[T] {
	if a, ok := any(api32).(api[T]); ok {
		return a
	}
	return any(api64).(api[T])
}

// gamma returns γₙ for unit roundoff u.
func gamma(n int, u float64) float64 { return float64(n) * u / (1 - float64(n)*u) }

// gammaRef is γₙ of the float64 reference.
func gammaRef(n int) float64 { return gamma(n, 0x1p-53) }

// blockedCount is the number of roundings in an element of a recursive
// blocked routine over k terms: k fused multiply-adds, one more per KC
// block of the GEMM (KC ≥ 64), one per recursion level, and up to four for
// alpha, beta and the diagonal.
func blockedCount(k int) int { return k + (k+63)/64 + 2*bits.Len(uint(k)) + 4 }

// mat returns a rows×cols matrix with leading dimension ld ≥ cols: values
// in [-1, 1], NaN in the padding (and in the whole matrix if nan).
func randMat[T vec.Float](r *rand.Rand, rows, cols, ld int, nan bool) []T {
	a := make([]T, rows*ld)
	for i := range a {
		a[i] = T(math.NaN())
		if !nan && i%ld < cols {
			a[i] = T(2*r.Float64() - 1)
		}
	}
	return a
}

func to64[T vec.Float](x []T) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

func abs64(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Abs(v)
	}
	return y
}

// checkMat compares got (rows×cols, leading dimension ld) with want within
// tol·mag elementwise (want, mag: float64 with the same layout); padding
// elements (column ≥ cols) must be bit-identical to orig. skip(i, j)
// marks elements that must be bit-identical to orig as well.
func checkMat[T vec.Float](t *testing.T, name string, got, orig []T, want, mag []float64, rows, cols, ld int, tol float64, skip func(i, j int) bool) {
	t.Helper()
	bad := 0
	for i := 0; i < rows; i++ {
		for j := 0; j < ld && i*ld+j < len(got); j++ {
			p := i*ld + j
			if j >= cols || (skip != nil && skip(i, j)) {
				if math.Float64bits(float64(got[p])) != math.Float64bits(float64(orig[p])) {
					t.Errorf("%s: element (%d, %d) outside the result changed: %v → %v", name, i, j, orig[p], got[p])
					bad++
				}
			} else if e := math.Abs(float64(got[p]) - want[p]); !(e <= tol*mag[p]) {
				t.Errorf("%s: element (%d, %d) = %v, want %v ± %.3g (error %.3g)", name, i, j, got[p], want[p], tol*mag[p], e)
				bad++
			}
			if bad > 5 {
				t.FailNow()
			}
		}
	}
}

var transposes = []gblas.Transpose{gblas.NoTrans, gblas.Trans}

func testGemm[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	f := apiOf[T]()
	for _, sz := range [][3]int{{1, 1, 1}, {1, 9, 5}, {9, 1, 5}, {5, 9, 1}, {17, 33, 65}, {70, 45, 130}, {130, 129, 67}, {200, 190, 600}} {
		m, n, k := sz[0], sz[1], sz[2]
		if testing.Short() && m*n*k > 1<<20 {
			continue
		}
		for _, tA := range transposes {
			for _, tB := range transposes {
				for _, ab := range [][2]T{{1, 0}, {-0.5, 1}, {0.75, -0.25}} {
					alpha, beta := ab[0], ab[1]
					ar, ac := m, k
					if tA == gblas.Trans {
						ar, ac = k, m
					}
					br, bc := k, n
					if tB == gblas.Trans {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+3, bc, n+2
					a, b := randMat[T](r, ar, ac, lda, false), randMat[T](r, br, bc, ldb, false)
					c := randMat[T](r, m, n, ldc, beta == 0) // NaN: must not be read
					// The slices end right after the last element, as BLAS allows.
					a, c = a[:(ar-1)*lda+ac], c[:(m-1)*ldc+n]
					orig := append([]T(nil), c...)
					want := to64(c)
					if beta == 0 {
						clear(want)
					}
					ref.Dgemm(tA, tB, m, n, k, float64(alpha), to64(a), lda, to64(b), ldb, float64(beta), want, ldc)
					mag := abs64(to64(c))
					if beta == 0 {
						clear(mag)
					}
					ref.Dgemm(tA, tB, m, n, k, math.Abs(float64(alpha)), abs64(to64(a)), lda, abs64(to64(b)), ldb, math.Abs(float64(beta)), mag, ldc)
					f.gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
					tol := gamma(blockedCount(k), f.u) + gammaRef(k+2)
					checkMat(t, "gemm", c, orig, want, mag, m, n, ldc, tol, nil)
				}
			}
		}
	}
}

func TestGemm32(t *testing.T) { testGemm[float32](t) }
func TestGemm64(t *testing.T) { testGemm[float64](t) }

var uplos = []gblas.Uplo{gblas.Upper, gblas.Lower}

func testSyrk[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	f := apiOf[T]()
	for _, sz := range [][2]int{{1, 1}, {7, 3}, {3, 40}, {65, 17}, {130, 70}, {300, 129}} {
		n, k := sz[0], sz[1]
		for _, ul := range uplos {
			for _, tA := range transposes {
				for _, ab := range [][2]T{{1, 0}, {-0.5, 1}, {0.75, -0.25}} {
					alpha, beta := ab[0], ab[1]
					ar, ac := n, k
					if tA == gblas.Trans {
						ar, ac = k, n
					}
					lda, ldc := ac+1, n+3
					a := randMat[T](r, ar, ac, lda, false)
					c := randMat[T](r, n, n, ldc, beta == 0)
					orig := append([]T(nil), c...)
					want := to64(c)
					if beta == 0 {
						// gonum's Dsyrk (Trans) reads C even for beta = 0.
						clear(want)
					}
					ref.Dsyrk(ul, tA, n, k, float64(alpha), to64(a), lda, float64(beta), want, ldc)
					mag := abs64(to64(c))
					if beta == 0 {
						clear(mag)
					}
					ref.Dsyrk(ul, tA, n, k, math.Abs(float64(alpha)), abs64(to64(a)), lda, math.Abs(float64(beta)), mag, ldc)
					f.syrk(ul, tA, n, k, alpha, a, lda, beta, c, ldc)
					tol := gamma(blockedCount(k), f.u) + gammaRef(k+2)
					other := func(i, j int) bool { return (ul == gblas.Upper && j < i) || (ul == gblas.Lower && j > i) }
					checkMat(t, "syrk", c, orig, want, mag, n, n, ldc, tol, other)
				}
			}
		}
	}
}

func TestSyrk32(t *testing.T) { testSyrk[float32](t) }
func TestSyrk64(t *testing.T) { testSyrk[float64](t) }

var (
	sides = []gblas.Side{gblas.Left, gblas.Right}
	diags = []gblas.Diag{gblas.NonUnit, gblas.Unit}
)

// triMat returns a k×k triangular matrix for trsm and trmm (leading
// dimension ld): off-diagonal elements in [-1, 1]/k, so that solutions do
// not grow, diagonal ±[1, 2]; the other triangle and the padding hold NaN
// (never read), and so does the diagonal if unit.
func triMat[T vec.Float](r *rand.Rand, ul gblas.Uplo, d gblas.Diag, k, ld int) []T {
	a := randMat[T](r, k, k, ld, true)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			switch {
			case i == j && d == gblas.NonUnit:
				v := 1 + r.Float64()
				if r.IntN(2) == 0 {
					v = -v
				}
				a[i*ld+j] = T(v)
			case (ul == gblas.Upper && j > i) || (ul == gblas.Lower && j < i):
				a[i*ld+j] = T((2*r.Float64() - 1) / float64(k))
			}
		}
	}
	return a
}

// full returns op(A) as a dense k×k float64 matrix (zeros outside the
// triangle, ones on a unit diagonal), of absolute values if abs.
func full[T vec.Float](a []T, ld, k int, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, abs bool) []float64 {
	f := make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			ii, jj := i, j
			if tA == gblas.Trans {
				ii, jj = j, i
			}
			var v float64
			switch {
			case ii == jj && d == gblas.Unit:
				v = 1
			case ii == jj || (ul == gblas.Upper && jj > ii) || (ul == gblas.Lower && jj < ii):
				v = float64(a[ii*ld+jj])
			}
			if abs {
				v = math.Abs(v)
			}
			f[i*k+j] = v
		}
	}
	return f
}

var triSizes = [][2]int{{1, 1}, {5, 40}, {40, 5}, {33, 70}, {70, 33}, {130, 67}, {67, 130}, {257, 20}, {20, 257}}

// testTrsm checks the residual: |op(A)·X̂ − alpha·B| ≤ γ·(|op(A)|·|X̂| +
// |alpha·B|), the componentwise backward error bound of substitution
// (Higham, Accuracy and Stability, Thm 8.5), with the roundings of the
// recursive blocking counted (blockedCount).
func testTrsm[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 3))
	f := apiOf[T]()
	for _, sz := range triSizes {
		m, n := sz[0], sz[1]
		for _, s := range sides {
			for _, ul := range uplos {
				for _, tA := range transposes {
					for _, d := range diags {
						for _, alpha := range []T{1, -0.75} {
							k := m
							if s == gblas.Right {
								k = n
							}
							lda, ldb := k+2, n+1
							a := triMat[T](r, ul, d, k, lda)
							b := randMat[T](r, m, n, ldb, false)
							orig := append([]T(nil), b...)
							f.tri(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
							// Residual and magnitude, in float64, dense ld = n.
							x := make([]float64, m*n)
							ab := make([]float64, m*n)
							for i := 0; i < m; i++ {
								for j := 0; j < n; j++ {
									x[i*n+j] = float64(b[i*ldb+j])
									ab[i*n+j] = float64(alpha) * float64(orig[i*ldb+j])
								}
							}
							op, opAbs := full(a, lda, k, ul, tA, d, false), full(a, lda, k, ul, tA, d, true)
							res, mag := append([]float64(nil), ab...), abs64(ab)
							if s == gblas.Left {
								ref.Dgemm(gblas.NoTrans, gblas.NoTrans, m, n, k, 1, op, k, x, n, -1, res, n)
								ref.Dgemm(gblas.NoTrans, gblas.NoTrans, m, n, k, 1, opAbs, k, abs64(x), n, 1, mag, n)
							} else {
								ref.Dgemm(gblas.NoTrans, gblas.NoTrans, m, n, k, 1, x, n, op, k, -1, res, n)
								ref.Dgemm(gblas.NoTrans, gblas.NoTrans, m, n, k, 1, abs64(x), n, opAbs, k, 1, mag, n)
							}
							tol := gamma(blockedCount(k), f.u) + gammaRef(k+2)
							for i := 0; i < m; i++ {
								for j := 0; j < ldb && i*ldb+j < len(b); j++ {
									if j >= n {
										if math.Float64bits(float64(b[i*ldb+j])) != math.Float64bits(float64(orig[i*ldb+j])) {
											t.Fatalf("trsm %c %c %c %c m=%d n=%d: padding changed", s, ul, tA, d, m, n)
										}
										continue
									}
									if e := math.Abs(res[i*n+j]); !(e <= tol*mag[i*n+j]) {
										t.Fatalf("trsm %c %c %c %c m=%d n=%d alpha=%v: residual (%d, %d) = %.3g > %.3g",
											s, ul, tA, d, m, n, alpha, i, j, e, tol*mag[i*n+j])
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestTrsm32(t *testing.T) { testTrsm[float32](t) }
func TestTrsm64(t *testing.T) { testTrsm[float64](t) }

func testTrmm[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 4))
	f := apiOf[T]()
	for _, sz := range triSizes {
		m, n := sz[0], sz[1]
		for _, s := range sides {
			for _, ul := range uplos {
				for _, tA := range transposes {
					for _, d := range diags {
						for _, alpha := range []T{1, -0.75} {
							k := m
							if s == gblas.Right {
								k = n
							}
							lda, ldb := k+2, n+1
							a := triMat[T](r, ul, d, k, lda)
							b := randMat[T](r, m, n, ldb, false)
							orig := append([]T(nil), b...)
							want, mag := to64(b), abs64(to64(b))
							// gonum's float64 Dtrmm reads only the triangle (NaN elsewhere is fine).
							ref.Dtrmm(s, ul, tA, d, m, n, float64(alpha), to64(a), lda, want, ldb)
							ref.Dtrmm(s, ul, tA, d, m, n, math.Abs(float64(alpha)), abs64(to64(a)), lda, mag, ldb)
							f.trmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
							tol := gamma(blockedCount(k), f.u) + gammaRef(k+2)
							checkMat(t, "trmm", b, orig, want, mag, m, n, ldb, tol, nil)
						}
					}
				}
			}
		}
	}
}

func TestTrmm32(t *testing.T) { testTrmm[float32](t) }
func TestTrmm64(t *testing.T) { testTrmm[float64](t) }

// vecOf returns a vector of n elements with increment inc in a slice with
// NaN between (and, for nan, in) its elements.
func vecOf[T vec.Float](r *rand.Rand, n, inc int, nan bool) []T {
	ai := max(inc, -inc)
	x := make([]T, (n-1)*ai+1)
	for i := range x {
		x[i] = T(math.NaN())
		if !nan && i%ai == 0 {
			x[i] = T(2*r.Float64() - 1)
		}
	}
	return x
}

var incs = []int{1, 2, -3}

func testGemv[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 5))
	f := apiOf[T]()
	for _, sz := range [][2]int{{1, 1}, {1, 17}, {17, 1}, {33, 70}, {130, 67}} {
		m, n := sz[0], sz[1]
		for _, tA := range transposes {
			for _, incX := range incs {
				for _, incY := range incs {
					for _, ab := range [][2]T{{1, 0}, {-0.5, 1}, {0.75, -0.25}} {
						alpha, beta := ab[0], ab[1]
						lenX, lenY := n, m
						if tA == gblas.Trans {
							lenX, lenY = m, n
						}
						lda := n + 2
						a := randMat[T](r, m, n, lda, false)
						x, y := vecOf[T](r, lenX, incX, false), vecOf[T](r, lenY, incY, beta == 0)
						ay := max(incY, -incY)
						orig := append([]T(nil), y...)
						want, mag := to64(y), abs64(to64(y))
						if beta == 0 {
							clear(mag)
						}
						ref.Dgemv(tA, m, n, float64(alpha), to64(a), lda, to64(x), incX, float64(beta), want, incY)
						ref.Dgemv(tA, m, n, math.Abs(float64(alpha)), abs64(to64(a)), lda, abs64(to64(x)), incX, math.Abs(float64(beta)), mag, incY)
						f.gemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
						tol := gamma(lenX+2, f.u) + gammaRef(lenX+2)
						// y as a lenY×1 matrix with leading dimension |incY|.
						checkMat(t, "gemv", y, orig, want, mag, lenY, 1, ay, tol, nil)
					}
				}
			}
		}
	}
}

func TestGemv32(t *testing.T) { testGemv[float32](t) }
func TestGemv64(t *testing.T) { testGemv[float64](t) }

func testGer[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 6))
	f := apiOf[T]()
	for _, sz := range [][2]int{{1, 1}, {1, 17}, {17, 1}, {33, 70}} {
		m, n := sz[0], sz[1]
		for _, incX := range incs {
			for _, incY := range incs {
				alpha := T(-0.75)
				lda := n + 1
				a := randMat[T](r, m, n, lda, false)
				x, y := vecOf[T](r, m, incX, false), vecOf[T](r, n, incY, false)
				orig := append([]T(nil), a...)
				want, mag := to64(a), abs64(to64(a))
				// gonum v0.17.0's amd64 Dger does nothing for a negative
				// increment: the reference is the plain BLAS loop.
				for i := 0; i < m; i++ {
					xi := float64(x[start(m, incX)+i*incX])
					for j := 0; j < n; j++ {
						yj := float64(y[start(n, incY)+j*incY])
						want[i*lda+j] += float64(alpha) * xi * yj
						mag[i*lda+j] += math.Abs(float64(alpha) * xi * yj)
					}
				}
				f.ger(m, n, alpha, x, incX, y, incY, a, lda)
				tol := gamma(3, f.u) + gammaRef(3)
				checkMat(t, "ger", a, orig, want, mag, m, n, lda, tol, nil)
			}
		}
	}
}

func TestGer32(t *testing.T) { testGer[float32](t) }
func TestGer64(t *testing.T) { testGer[float64](t) }

func testLevel1[T vec.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 7))
	f := apiOf[T]()
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1000, 4099} {
		for _, inc := range incs {
			x, y := vecOf[T](r, n, inc, false), vecOf[T](r, n, inc, false)
			x64, y64 := to64(x), to64(y)
			var dotMag, sumMag float64
			for i := 0; i < len(x); i += max(inc, -inc) {
				dotMag += math.Abs(x64[i] * y64[i])
				sumMag += math.Abs(x64[i])
			}
			if got, want := float64(f.dot(n, x, inc, y, inc)), ref.Ddot(n, x64, inc, y64, inc); !(math.Abs(got-want) <= (gamma(n, f.u)+gammaRef(n))*dotMag) {
				t.Errorf("dot n=%d inc=%d: %v, want %v", n, inc, got, want)
			}
			if got, want := float64(f.asum(n, x, inc)), ref.Dasum(n, x64, inc); !(math.Abs(got-want) <= (gamma(n, f.u)+gammaRef(n))*sumMag) {
				t.Errorf("asum n=%d inc=%d: %v, want %v", n, inc, got, want)
			}
			if got, want := float64(f.nrm2(n, x, inc)), ref.Dnrm2(n, x64, inc); !(math.Abs(got-want) <= (gamma(n, f.u)/2+f.u+gammaRef(n+2))*want) {
				t.Errorf("nrm2 n=%d inc=%d: %v, want %v", n, inc, got, want)
			}
			if got, want := f.iamax(n, x, inc), f.gIamax(n, x, inc); got != want {
				t.Errorf("iamax n=%d inc=%d: %d, want %d", n, inc, got, want)
			}
			// axpy: one rounding of the exact alpha·x + y (fused) for unit
			// increments (lanes), two for others (gonum).
			alpha := T(0.3)
			y1 := append([]T(nil), y...)
			f.axpy(n, alpha, x, inc, y1, inc)
			for i, v := range y1 {
				exact := math.FMA(float64(alpha), x64[i], y64[i])
				if i%max(inc, -inc) != 0 {
					if !math.IsNaN(float64(v)) {
						t.Fatalf("axpy n=%d inc=%d: padding %d changed", n, inc, i)
					}
				} else if tol := f.u * math.Abs(exact); inc != 1 && !(math.Abs(float64(v)-exact) <= gamma(2, f.u)*(math.Abs(float64(alpha)*x64[i])+math.Abs(y64[i]))) ||
					inc == 1 && !(math.Abs(float64(v)-exact) <= tol) {
					t.Fatalf("axpy n=%d inc=%d: y[%d] = %v, want %v", n, inc, i, v, exact)
				}
			}
			// scal: one rounding, the same bits as the plain product
			// (gonum: nothing for a negative increment).
			x1 := append([]T(nil), x...)
			f.scal(n, alpha, x1, inc)
			for i, v := range x1 {
				w := x[i]
				if inc > 0 && i%inc == 0 {
					w *= alpha
				}
				if math.Float64bits(float64(v)) != math.Float64bits(float64(w)) {
					t.Fatalf("scal n=%d inc=%d: x[%d] = %v, want %v", n, inc, i, v, w)
				}
			}
		}
	}
}

func TestLevel1_32(t *testing.T) { testLevel1[float32](t) }
func TestLevel1_64(t *testing.T) { testLevel1[float64](t) }

// iamax and asum follow gonum on NaN and Inf: NaN elements are skipped
// by iamax unless the first; asum is NaN.
func testSpecial[T vec.Float](t *testing.T) {
	f := apiOf[T]()
	nan, inf := T(math.NaN()), T(math.Inf(1))
	for _, x := range [][]T{
		{nan, 1, 2}, {1, nan, 2}, {1, 2, nan}, {3, nan, -inf, 2}, {-inf, inf}, {0, T(math.Copysign(0, -1))}, {nan, nan},
		{1, 2, 3, 4, -5, 5, 1, 2, nan, 9, -9, 3}, {-0.5, 0.5, 0.5, 0.25, -0.5, 0.5},
	} {
		if got, want := f.iamax(len(x), x, 1), f.gIamax(len(x), x, 1); got != want {
			t.Errorf("iamax(%v) = %d, gonum %d", x, got, want)
		}
		if got := f.asum(len(x), x, 1); len(x) > 1 && x[0] != x[0] && got == got {
			t.Errorf("asum(%v) = %v, want NaN", x, got)
		}
	}
	// scal by 0 sets NaN to zero (gonum: x is not read).
	x := []T{nan, inf, 1}
	f.scal(3, 0, x, 1)
	for _, v := range x {
		if v != 0 {
			t.Errorf("scal by 0: %v, want zeros", x)
		}
	}
}

func TestSpecial32(t *testing.T) { testSpecial[float32](t) }
func TestSpecial64(t *testing.T) { testSpecial[float64](t) }
