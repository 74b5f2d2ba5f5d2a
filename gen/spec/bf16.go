package spec

// Kernels of the bfloat16 products (vec.ToBF16, vec.FromBF16, mat.GemmBF16).
// A bfloat16 is held as its bits (uint16: the upper half of a float32).
//
// toBF16 rounds each float32 to nearest, ties to even, on the bits:
//
//	dst[i] = (b + 0x7fff + (b>>16)&1) >> 16                 b = bits(src[i]) not NaN
//	dst[i] = (b >> 16) | 0x0040                             NaN (kept, made quiet)
//
// (±Inf, ±0 and subnormals follow the first line: no flush to zero).
// fromBF16 is exact: dst[i] = float32frombits(uint32(src[i]) << 16).
//
// gemmBF16 is the micro-kernel of mat.GemmBF16: k pairs of bfloat16 along
// the product's k dimension, A packed as MR words per pair (word p·MR+i holds
// A(i, 2p) in its low half and A(i, 2p+1) in its high half), B packed as NR
// words per pair (word p·NR+j holds B(2p, j) low and B(2p+1, j) high), c the
// full MR×NR float32 tile (element (i, j) at c[i·ldc+j]). Per element, as
// VDPBF16PS computes it (Intel SDM), for p = 0, 1, ..., k−1:
//
//	acc = ftz(acc + daz(A(i, 2p+1))·daz(B(2p+1, j)))    product exact, one rounding
//	acc = ftz(acc + daz(A(i, 2p))·daz(B(2p, j)))
//
// from acc = 0 (daz: a subnormal input counts as zero; ftz: a subnormal
// result becomes a zero of its sign; rounding to nearest even), then
//
//	c[i·ldc+j] = alpha·acc                        if beta == 0 (C is not read)
//	c[i·ldc+j] = fma(beta, c[i·ldc+j], alpha·acc) otherwise
//
// The NEON kernel uses BFDOT, which rounds differently (see mat.GemmBF16).
// MR and NR are what gemmBF16Tile returns for the same table; k ≥ 1.
//
// ftz flushes a sum that is tiny after rounding (the exact sum rounded to 24
// bits with an unbounded exponent is below 2⁻¹²⁶), as x86 does with
// MXCSR.FTZ and VDPBF16PS does (checked on the instruction). Without
// AVX512_BF16 (the avx2 table, and the avx512 table on a CPU without it)
// the gemmBF16FMA functions compute the same with VFMADD231PS on the
// widened halves, under MXCSR.DAZ|FTZ for the loop (restored before alpha
// and beta are applied), with gemmBF16FMAPackB and gemmBF16FMATile.
//
// peakBF16 measures the bfloat16 peak for mat's benchmarks, as peakFMA does
// for the float kernels: independent chains of VDPBF16PS (the generic
// kernel, on the other tables, chains of float32 multiply-adds).
func init() {
	u16, u32, f32 := func(n string) Param { return Param{n, "[]uint16"} },
		func(n string) Param { return Param{n, "[]uint32"} },
		func(n string) Param { return Param{n, "[]float32"} }
	I, F := func(n string) Param { return Param{n, "int"} }, func(n string) Param { return Param{n, "float32"} }
	untyped := []Type{Untyped}
	conv, fma := []ISA{AVX512, NEON}, []ISA{AVX2, AVX512}
	register(
		Kernel{Feature: "bf16", Name: "toBF16", Types: untyped, ISAs: conv,
			Params: []Param{u16("dst"), f32("src")},
			Doc:    "dst[i] = src[i] rounded to bfloat16 bits (nearest even; NaN stays NaN, quiet)"},
		Kernel{Feature: "bf16", Name: "fromBF16", Types: untyped, ISAs: conv,
			Params: []Param{f32("dst"), u16("src")},
			Doc:    "dst[i] = the float32 of the bfloat16 bits src[i] (exact)"},
		Kernel{Feature: "bf16", Name: "gemmBF16", Types: untyped, ISAs: conv, Requires: "bf16", Fallback: "gemmBF16FMA", FallbackISAs: fma,
			Params: []Param{I("k"), u32("a"), u32("b"), f32("c"), I("ldc"), F("alpha"), F("beta")},
			Doc:    "the MR×NR bfloat16 micro-kernel over k packed pairs: c = alpha·(a·b) + beta·c (see gen/spec/bf16.go)"},
		Kernel{Feature: "bf16", Name: "gemmBF16PackB", Types: untyped, ISAs: conv, Requires: "bf16", Fallback: "gemmBF16FMAPackB", FallbackISAs: fma,
			Params: []Param{I("k"), u16("b"), I("ldb"), u32("dst")},
			Doc:    "packs NR whole columns of k ≥ 1 rows of a row-major bfloat16 B in pairs of rows: dst[p·NR+j] = b[2p·ldb+j] | b[(2p+1)·ldb+j]<<16 (the high half 0 past row k−1)"},
		Kernel{Feature: "bf16", Name: "gemmBF16Tile", Types: untyped, ISAs: conv, Requires: "bf16", Fallback: "gemmBF16FMATile", FallbackISAs: fma,
			Results: []Param{I("mr"), I("nr")},
			Doc:     "the MR×NR tile of the gemmBF16 micro-kernel of the same table"},
		Kernel{Feature: "bf16", Name: "peakBF16", Types: untyped, ISAs: []ISA{AVX512}, Requires: "bf16",
			Params: []Param{I("n")}, Results: []Param{{"", "int"}},
			Doc: "n iterations of independent bfloat16 dot-product instructions (gemmBF16's); returns the flops done (4 per pair of products: two multiplies, two adds)"},
	)
}
