package spec

// Kernels of package mat: the GEMM micro-kernel, the kernels that pack its
// panels, its tile shape, and the peak-FMA probe its benchmarks divide by.
//
// gemm is the register-blocked micro-kernel of a BLIS-style GEMM. It
// multiplies one MR×k panel of A by one k×NR panel of B (element (p, j) at
// b[p·ldb+j]; ldb = NR when B is packed, the row stride of B when a
// row-major B is read in place) and writes the full MR×NR tile of C
// (element (i, j) at c[i·ldc+j]). A is a packed panel when lda = 0
// (element (i, p) at a[p·MR+i]) or MR rows of a row-major A read in place
// when lda > 0 (element (i, p) at a[i·lda+p]):
//
//	acc[i][j] = Σ_p A(i, p)·b[p·ldb+j]     (fused multiply-adds, p ascending)
//	c[i·ldc+j] = alpha·acc[i][j]                        if beta == 0 (C is not read)
//	c[i·ldc+j] = fma(beta, c[i·ldc+j], alpha·acc[i][j]) otherwise
//
// MR and NR are what gemmTile returns for the same ISA and type. Callers
// pass whole tiles only (edges go through a temporary tile), k ≥ 1.
//
// dotTile is a tile of dot products whose common dimension is contiguous
// in both operands (C += A·Bᵀ with row-major A and B), over n segments:
// for i < DotMR, j < DotNR (kconst),
//
//	c[i·ldc+j] += Σ_{s<n} Σ_{p<k} a[s·sa + aoff[i] + p]·b[s·sb + boff[j] + p]
//
// and, if len(db) > 0 (then ≥ DotMR), the sums of A's rows (a bias
// gradient) too: db[i] += Σ_{s<n} Σ_{p<k} a[s·sa + aoff[i] + p], in lanes
// and a tree as c's.
//
// The rows are given by offsets (aoff has ≥ DotMR, boff ≥ DotNR elements;
// a tile with fewer rows repeats one and discards its sums). The vector
// body keeps one accumulator of L lanes per element: lane l sums the terms
// p ≡ l (mod L) in fused multiply-adds, s then p ascending (masked lanes
// of the last k mod L are left unchanged); the lanes are then added as a
// balanced tree (l and l+L/2, then l+L/4, ..., l+1), and the sum is added
// into c once. n ≥ 1, k ≥ 1. dotTileLanes reports L (0 for the generic
// loop, which sums p then s in order).
//
// gemmInd is gemm with a packed A (lda = 0), alpha = 1 and indirect rows
// of B (an indirect convolution's B panel, Dukhan 2019): row p of the k×NR
// panel is b[boff[p] : boff[p]+NR], so a convolution reads its patch rows
// where they lie instead of packing them. Where it has a vector body (the
// tables whose dotTileLanes is not 0) its tile is gemmTile's; the generic
// loop computes the generic 2×4 tile, and package mat calls it only where
// dotTileLanes is not 0. gemmInd8 is gemmInd on a tile of GemmInd8MR rows
// by GemmInd8RowVecs vectors (kconst; AVX-512 float32 8×48, float64 8×24),
// for the products whose rows fill it better.
func init() {
	T, I := func(n string) Param { return Param{n, "T"} }, func(n string) Param { return Param{n, "int"} }
	S := func(n string) Param { return Param{n, "[]T"} }
	isas := []ISA{AVX512, AVX2, NEON}
	register(
		Kernel{Feature: "mat", Name: "gemm", ISAs: isas,
			Params: []Param{I("k"), S("a"), I("lda"), S("b"), I("ldb"), S("c"), I("ldc"), T("alpha"), T("beta")},
			Doc:    "the MR×NR GEMM micro-kernel: c = alpha·(a·b) + beta·c, A packed (lda = 0) or read in place (see gen/spec/mat.go)"},
		Kernel{Feature: "mat", Name: "gemmPackA", ISAs: isas,
			Params: []Param{I("k"), S("a"), I("lda"), S("dst")},
			Doc:    "packs MR whole rows of a row-major A (row i at a[i·lda:], k ≥ 1 columns) as dst[p·MR+i] = a[i·lda+p]"},
		Kernel{Feature: "mat", Name: "gemmPackB", ISAs: isas,
			Params: []Param{I("k"), S("b"), I("ldb"), S("dst")},
			Doc:    "packs NR whole columns of a row-major B (k ≥ 1 rows) as dst[p·NR+j] = b[p·ldb+j]"},
		Kernel{Feature: "mat", Name: "gemmPackBT", ISAs: isas,
			Params: []Param{I("k"), S("b"), I("ldb"), S("dst")},
			Doc:    "packs NR whole rows of a row-major B (op(B) = Bᵀ; k ≥ 1 columns) as dst[p·NR+j] = b[j·ldb+p]"},
		Kernel{Feature: "mat", Name: "gemmTile", ISAs: isas,
			Results: []Param{I("mr"), I("nr")},
			Doc:     "the MR×NR tile of the gemm micro-kernel of the same table"},
		Kernel{Feature: "mat", Name: "dotTile", ISAs: []ISA{AVX512},
			Params: []Param{I("n"), I("k"), S("a"), {"aoff", "[]int"}, I("sa"), S("b"), {"boff", "[]int"}, I("sb"), S("c"), I("ldc"), S("db")},
			Doc:    "a DotMR×DotNR tile of dot products along rows of a and b (see gen/spec/mat.go)"},
		Kernel{Feature: "mat", Name: "gemmInd", ISAs: []ISA{AVX512},
			Params: []Param{I("k"), S("a"), S("b"), {"boff", "[]int"}, S("c"), I("ldc"), T("beta")},
			Doc:    "gemm with a packed A, alpha = 1, B row p at b[boff[p]:] (see gen/spec/mat.go)"},
		Kernel{Feature: "mat", Name: "gemmInd8", ISAs: []ISA{AVX512},
			Params: []Param{I("k"), S("a"), S("b"), {"boff", "[]int"}, S("c"), I("ldc"), T("beta")},
			Doc:    "gemmInd on a GemmInd8MR×GemmInd8RowVecs-vector tile (see gen/spec/mat.go)"},
		Kernel{Feature: "mat", Name: "dotTileLanes", ISAs: []ISA{AVX512},
			Results: []Param{{"", "int"}},
			Doc:     "the lanes of dotTile; 0 where dotTile and gemmInd are the generic loops"},
		Kernel{Feature: "mat", Name: "copyRows", ISAs: []ISA{AVX512},
			Params: []Param{I("m"), I("sm"), I("dm"), I("n"), I("w"), S("src"), I("lds"), S("dst"), I("ldd")},
			Doc:    "dst[q·dm+r·ldd+e] = src[q·sm+r·lds+e], q < m, r < n, e < w (all ≥ 1)"},
		Kernel{Feature: "mat", Name: "addRows", ISAs: []ISA{AVX512},
			Params: []Param{I("m"), I("sm"), I("dm"), I("n"), I("w"), S("src"), I("lds"), S("dst"), I("ldd")},
			Doc:    "dst[q·dm+r·ldd+e] += src[q·sm+r·lds+e], q < m ascending, r < n, e < w"},
		Kernel{Feature: "mat", Name: "peakFMA", ISAs: isas,
			Params: []Param{I("n")}, Results: []Param{{"", "int"}},
			Doc: "n iterations of independent fused multiply-adds; returns the floating-point operations done"},
	)
}
