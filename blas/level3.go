package blas

import (
	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// gemmOK reports whether a gemm call has valid arguments (gonum's checks,
// in gonum's order) and real work (m, n, k ≥ 1, alpha ≠ 0): otherwise
// gonum's routine handles it (panic, quick return, or C = beta·C without
// reading A and B).
func gemmOK(tA, tB gblas.Transpose, m, n, k, la, lda, lb, ldb, lc, ldc int, alpha float64) bool {
	if !validTrans(tA) || !validTrans(tB) || m <= 0 || n <= 0 || k <= 0 || ldc < n {
		return false
	}
	ar, ac := m, k
	if isTrans(tA) {
		ar, ac = k, m
	}
	br, bc := k, n
	if isTrans(tB) {
		br, bc = n, k
	}
	return lda >= ac && ldb >= bc && la >= (ar-1)*lda+ac && lb >= (br-1)*ldb+bc && lc >= (m-1)*ldc+n && alpha != 0
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C with mat.Gemm (see
// Dgemm).
func (impl Implementation) Sgemm(tA, tB gblas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !gemmOK(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc, float64(alpha)) {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm(isTrans(tA), isTrans(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n,
// with mat.Gemm (lanes' packed GEMM, parallel over mat.SetThreads
// workers). beta = 0: C is not read; alpha = 0 or k = 0: A and B are not
// read (gonum's routine scales C).
func (impl Implementation) Dgemm(tA, tB gblas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if !gemmOK(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc, alpha) {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm(isTrans(tA), isTrans(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func gemm[T vec.Float](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	s := getScratch[T]()
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	mat.Gemm(tA, tB, alpha, view(&s.a, ar, ac, a, lda), view(&s.b, br, bc, b, ldb), beta, view(&s.c, m, n, c, ldc))
	s.put()
}

// syrkBase is the largest diagonal block of syrk computed directly (a
// full block by GEMM into a buffer, of which one triangle is kept); larger
// triangles are halved recursively, the off-diagonal halves by GEMM.
const syrkBase = 64

// syrkOK reports whether a syrk call has valid arguments and real work.
func syrkOK(ul gblas.Uplo, tA gblas.Transpose, n, k, la, lda, lc, ldc int, alpha float64) bool {
	if !validUplo(ul) || !validTrans(tA) || n <= 0 || k <= 0 || ldc < n {
		return false
	}
	row, col := k, n
	if tA == gblas.NoTrans {
		row, col = n, k
	}
	return lda >= col && la >= lda*(row-1)+col && lc >= ldc*(n-1)+n && alpha != 0
}

// Ssyrk computes the ul triangle of C = alpha·op(A)·op(A)ᵀ + beta·C (see
// Dsyrk).
func (impl Implementation) Ssyrk(ul gblas.Uplo, tA gblas.Transpose, n, k int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int) {
	if !syrkOK(ul, tA, n, k, len(a), lda, len(c), ldc, float64(alpha)) {
		impl.Implementation.Ssyrk(ul, tA, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	s := getScratch[float32]()
	syrk(s, ul == gblas.Upper, isTrans(tA), 0, n, k, alpha, a, lda, beta, c, ldc)
	s.put()
}

// Dsyrk computes the ul triangle of C = alpha·op(A)·op(A)ᵀ + beta·C, op(A)
// n×k (op(A) = A for NoTrans, Aᵀ for Trans), leaving the other triangle
// alone: recursively halved, the off-diagonal blocks by mat.Gemm, diagonal
// blocks of at most 64 rows by mat.Gemm into a buffer. beta = 0: C is not
// read.
func (impl Implementation) Dsyrk(ul gblas.Uplo, tA gblas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if !syrkOK(ul, tA, n, k, len(a), lda, len(c), ldc, alpha) {
		impl.Implementation.Dsyrk(ul, tA, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	s := getScratch[float64]()
	syrk(s, ul == gblas.Upper, isTrans(tA), 0, n, k, alpha, a, lda, beta, c, ldc)
	s.put()
}

// opRows sets d to rows i0..i1−1 of op(A) (op(A) n×k, A itself n×k or
// k×n) and returns it with the transpose flag mat.Gemm needs for it.
func opRows[T vec.Float](d *mat.Dense[T], trans bool, i0, i1, k int, a []T, lda int) (*mat.Dense[T], bool) {
	if trans {
		return view(d, k, i1-i0, a[i0:], lda), true
	}
	return view(d, i1-i0, k, a[i0*lda:], lda), false
}

// syrk computes rows and columns i0..i1−1 of C's triangle (C's block on
// the diagonal).
func syrk[T vec.Float](s *scratch[T], upper, trans bool, i0, i1, k int, alpha T, a []T, lda int, beta T, c []T, ldc int) {
	nb := i1 - i0
	if nb <= syrkBase {
		// T = alpha·op(A)_I·op(A)_Iᵀ, full, then C's triangle from it.
		s.t = grow(s.t, nb*nb)
		t := s.t
		av, tr := opRows(&s.a, trans, i0, i1, k, a, lda)
		s.c = mat.Dense[T]{Rows: nb, Cols: nb, Stride: nb, Data: t}
		mat.Gemm(tr, !tr, alpha, av, av, 0, &s.c)
		for i := 0; i < nb; i++ {
			j0, j1 := 0, i+1
			if upper {
				j0, j1 = i, nb
			}
			cr := c[(i0+i)*ldc+i0+j0 : (i0+i)*ldc+i0+j1]
			tr := t[i*nb+j0 : i*nb+j1]
			if beta == 0 {
				copy(cr, tr)
				continue
			}
			for j, v := range tr {
				cr[j] = v + beta*cr[j]
			}
		}
		return
	}
	h := i0 + nb/2
	syrk(s, upper, trans, i0, h, k, alpha, a, lda, beta, c, ldc)
	syrk(s, upper, trans, h, i1, k, alpha, a, lda, beta, c, ldc)
	// The off-diagonal block: C[I0, I1] = alpha·op(A)_I0·op(A)_I1ᵀ + beta·C
	// (upper: I0 = i0..h−1, I1 = h..i1−1; lower: the other way round).
	r0, r1, q0, q1 := i0, h, h, i1
	if !upper {
		r0, r1, q0, q1 = h, i1, i0, h
	}
	av, ta := opRows(&s.a, trans, r0, r1, k, a, lda)
	bv, tb := opRows(&s.b, trans, q0, q1, k, a, lda)
	mat.Gemm(ta, !tb, alpha, av, bv, beta, view(&s.c, r1-r0, q1-q0, c[r0*ldc+q0:], ldc))
}

// triFn is the type of gonum's Strsm/Dtrsm and Strmm/Dtrmm, as method
// expressions.
type triFn[T vec.Float] func(gonum.Implementation, gblas.Side, gblas.Uplo, gblas.Transpose, gblas.Diag, int, int, T, []T, int, []T, int)

// triOK reports whether a trsm or trmm call has valid arguments and real
// work (m, n ≥ 1, alpha ≠ 0; gonum's routine sets B = 0 for alpha = 0).
func triOK(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n, la, lda, lb, ldb int, alpha float64) bool {
	if !validSide(s) || !validUplo(ul) || !validTrans(tA) || !validDiag(d) || m <= 0 || n <= 0 || ldb < n {
		return false
	}
	k := n
	if s == gblas.Left {
		k = m
	}
	return lda >= k && la >= lda*(k-1)+k && lb >= ldb*(m-1)+n && alpha != 0
}

// tri is one trsm or trmm call: B is m×n, op(A) is m×m (Left) or n×n
// (Right).
type tri[T vec.Float] struct {
	s      *scratch[T]
	side   gblas.Side
	ul     gblas.Uplo
	tA     gblas.Transpose
	d      gblas.Diag
	trans  bool
	lower  bool // op(A) is lower triangular
	m, n   int
	a      []T
	lda    int
	b      []T
	ldb    int
	gonum  triFn[T] // gonum's routine, for the diagonal blocks
	solves bool     // trsm (else trmm)
}

func newTri[T vec.Float](s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, a []T, lda int, b []T, ldb int, f triFn[T], solves bool) tri[T] {
	trans := isTrans(tA)
	return tri[T]{side: s, ul: ul, tA: tA, d: d, trans: trans, lower: (ul == gblas.Lower) != trans,
		m: m, n: n, a: a, lda: lda, b: b, ldb: ldb, gonum: f, solves: solves}
}

// opA sets d to op(A)[r0:r1, c0:c1] and returns it with its Gemm flag.
func (t *tri[T]) opA(d *mat.Dense[T], r0, r1, c0, c1 int) (*mat.Dense[T], bool) {
	if t.trans {
		return view(d, c1-c0, r1-r0, t.a[c0*t.lda+r0:], t.lda), true
	}
	return view(d, r1-r0, c1-c0, t.a[r0*t.lda+c0:], t.lda), false
}

// rowsB sets d to rows r0..r1−1 of B.
func (t *tri[T]) rowsB(d *mat.Dense[T], r0, r1 int) *mat.Dense[T] {
	return view(d, r1-r0, t.n, t.b[r0*t.ldb:], t.ldb)
}

// colsB sets d to columns c0..c1−1 of B.
func (t *tri[T]) colsB(d *mat.Dense[T], c0, c1 int) *mat.Dense[T] {
	return view(d, t.m, c1-c0, t.b[c0:], t.ldb)
}

// triBase is the largest triangle that trsm (Right) and trmm hand to
// gonum's routine; trsmLeftBase the largest that trsm (Left) solves with
// lanes' Axpy. Larger ones are halved recursively, the off-diagonal block
// going to mat.Gemm.
const (
	triBase      = 32
	trsmLeftBase = 32
)

// left computes rows r0..r1−1 of B for op(A) on the left.
func (t *tri[T]) left(r0, r1 int, alpha T) {
	s := t.s
	if nb := r1 - r0; t.solves && nb <= trsmLeftBase {
		t.solveLeft(r0, r1, alpha)
		return
	} else if !t.solves && nb <= triBase {
		t.gonum(gonum.Implementation{}, t.side, t.ul, t.tA, t.d, nb, t.n, alpha, t.a[r0*t.lda+r0:], t.lda, t.b[r0*t.ldb:], t.ldb)
		return
	}
	h := r0 + (r1-r0)/2
	if t.solves {
		// op(A) X = alpha·B. Lower: X0 first, then B1 = alpha·B1 − L10·X0,
		// then X1 from it; upper the other way round.
		if t.lower {
			t.left(r0, h, alpha)
			av, ta := t.opA(&s.a, h, r1, r0, h)
			mat.Gemm(ta, false, -1, av, t.rowsB(&s.b, r0, h), alpha, t.rowsB(&s.c, h, r1))
			t.left(h, r1, 1)
		} else {
			t.left(h, r1, alpha)
			av, ta := t.opA(&s.a, r0, h, h, r1)
			mat.Gemm(ta, false, -1, av, t.rowsB(&s.b, h, r1), alpha, t.rowsB(&s.c, r0, h))
			t.left(r0, h, 1)
		}
		return
	}
	// B = alpha·op(A)·B. Upper: B0 = alpha·(U00·B0 + U01·B1) before B1
	// changes; lower: B1 = alpha·(L10·B0 + L11·B1) before B0 changes.
	if t.lower {
		t.left(h, r1, alpha)
		av, ta := t.opA(&s.a, h, r1, r0, h)
		mat.Gemm(ta, false, alpha, av, t.rowsB(&s.b, r0, h), 1, t.rowsB(&s.c, h, r1))
		t.left(r0, h, alpha)
	} else {
		t.left(r0, h, alpha)
		av, ta := t.opA(&s.a, r0, h, h, r1)
		mat.Gemm(ta, false, alpha, av, t.rowsB(&s.b, h, r1), 1, t.rowsB(&s.c, r0, h))
		t.left(h, r1, alpha)
	}
}

// right computes columns c0..c1−1 of B for op(A) on the right.
func (t *tri[T]) right(c0, c1 int, alpha T) {
	s := t.s
	if nb := c1 - c0; nb <= triBase {
		t.gonum(gonum.Implementation{}, t.side, t.ul, t.tA, t.d, t.m, nb, alpha, t.a[c0*t.lda+c0:], t.lda, t.b[c0:], t.ldb)
		return
	}
	h := c0 + (c1-c0)/2
	if t.solves {
		// X·op(A) = alpha·B. Upper: X0 first, then B1 = alpha·B1 − X0·U01,
		// then X1; lower the other way round.
		if t.lower {
			t.right(h, c1, alpha)
			av, ta := t.opA(&s.a, h, c1, c0, h)
			mat.Gemm(false, ta, -1, t.colsB(&s.b, h, c1), av, alpha, t.colsB(&s.c, c0, h))
			t.right(c0, h, 1)
		} else {
			t.right(c0, h, alpha)
			av, ta := t.opA(&s.a, c0, h, h, c1)
			mat.Gemm(false, ta, -1, t.colsB(&s.b, c0, h), av, alpha, t.colsB(&s.c, h, c1))
			t.right(h, c1, 1)
		}
		return
	}
	// B = alpha·B·op(A). Upper: B1 = alpha·(B0·U01 + B1·U11) before B0
	// changes; lower: B0 = alpha·(B0·L00 + B1·L10) before B1 changes.
	if t.lower {
		t.right(c0, h, alpha)
		av, ta := t.opA(&s.a, h, c1, c0, h)
		mat.Gemm(false, ta, alpha, t.colsB(&s.b, h, c1), av, 1, t.colsB(&s.c, c0, h))
		t.right(h, c1, alpha)
	} else {
		t.right(h, c1, alpha)
		av, ta := t.opA(&s.a, c0, h, h, c1)
		mat.Gemm(false, ta, alpha, t.colsB(&s.b, c0, h), av, 1, t.colsB(&s.c, h, c1))
		t.right(c0, h, alpha)
	}
}

// at returns op(A)[i][j].
func (t *tri[T]) at(i, j int) T {
	if t.trans {
		return t.a[j*t.lda+i]
	}
	return t.a[i*t.lda+j]
}

// solveLeft solves op(A)[r0:r1, r0:r1]·X = alpha·B[r0:r1] in place, row by
// row as gonum's Dtrsm (NoTrans) does: row i of X is alpha·B[i] minus
// op(A)[i][j]·X[j] for the rows j already solved (vec.Axpy; zero
// coefficients skipped, as gonum), times 1/op(A)[i][i] (vec.Scale).
func (t *tri[T]) solveLeft(r0, r1 int, alpha T) {
	n, ldb := t.n, t.ldb
	row := func(i int) []T { return t.b[i*ldb : i*ldb+n] }
	for step := 0; step < r1-r0; step++ {
		i := r0 + step
		if !t.lower {
			i = r1 - 1 - step
		}
		bi := row(i)
		if alpha != 1 {
			vec.Scale(alpha, bi)
		}
		j0, j1 := r0, i
		if !t.lower {
			j0, j1 = i+1, r1
		}
		for j := j0; j < j1; j++ {
			if v := t.at(i, j); v != 0 {
				vec.Axpy(-v, row(j), bi)
			}
		}
		if t.d == gblas.NonUnit {
			vec.Scale(1/t.at(i, i), bi)
		}
	}
}

// Strsm solves op(A)·X = alpha·B or X·op(A) = alpha·B for X, in place of
// B (see Dtrsm).
func (impl Implementation) Strsm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float32, a []float32, lda int, b []float32, ldb int) {
	if !triOK(s, ul, tA, d, m, n, len(a), lda, len(b), ldb, float64(alpha)) {
		impl.Implementation.Strsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
		return
	}
	t := newTri(s, ul, tA, d, m, n, a, lda, b, ldb, gonum.Implementation.Strsm, true)
	t.run(alpha)
}

// Dtrsm solves op(A)·X = alpha·B (Left) or X·op(A) = alpha·B (Right) for
// X, in place of B (m×n), A triangular. The triangle is halved
// recursively: the off-diagonal blocks update B with mat.Gemm, diagonal
// blocks of at most 32 are solved with vec.Axpy and vec.Scale (Left) or
// by gonum's Dtrsm (Right). alpha = 0: B = 0 without reading A or B.
func (impl Implementation) Dtrsm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if !triOK(s, ul, tA, d, m, n, len(a), lda, len(b), ldb, alpha) {
		impl.Implementation.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
		return
	}
	t := newTri(s, ul, tA, d, m, n, a, lda, b, ldb, gonum.Implementation.Dtrsm, true)
	t.run(alpha)
}

// Strmm computes B = alpha·op(A)·B or B = alpha·B·op(A) (see Dtrmm).
func (impl Implementation) Strmm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float32, a []float32, lda int, b []float32, ldb int) {
	if !triOK(s, ul, tA, d, m, n, len(a), lda, len(b), ldb, float64(alpha)) {
		impl.Implementation.Strmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
		return
	}
	t := newTri(s, ul, tA, d, m, n, a, lda, b, ldb, gonum.Implementation.Strmm, false)
	t.run(alpha)
}

// Dtrmm computes B = alpha·op(A)·B (Left) or B = alpha·B·op(A) (Right), B
// m×n, A triangular. The triangle is halved recursively: the off-diagonal
// blocks with mat.Gemm, diagonal blocks of at most 32 by gonum's Dtrmm.
// alpha = 0: B = 0 without reading A or B.
func (impl Implementation) Dtrmm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if !triOK(s, ul, tA, d, m, n, len(a), lda, len(b), ldb, alpha) {
		impl.Implementation.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
		return
	}
	t := newTri(s, ul, tA, d, m, n, a, lda, b, ldb, gonum.Implementation.Dtrmm, false)
	t.run(alpha)
}

func (t *tri[T]) run(alpha T) {
	t.s = getScratch[T]()
	if t.side == gblas.Left {
		t.left(0, t.m, alpha)
	} else {
		t.right(0, t.n, alpha)
	}
	t.s.put()
}
