package spec

// Kernels of package mat's int8 matrix product (mat.GemmInt8): the
// micro-kernel on quad-interleaved panels and its tile shape.
//
// gemmI8 multiplies one packed MR×4k panel of unsigned bytes (A) by one
// packed 4k×NR panel of signed bytes (B), k ≥ 1 quads of the inner
// dimension, into the full MR×NR tile of int32 C (element (i, j) at
// c[i·ldc+j]). The panels interleave the inner dimension in quads, the
// operand layout of VPDPBUSD and SDOT/UDOT:
//
//	A(i, 4q+r) = a[q·4·MR + 4·i + r]     (r = 0..3: one dword per row and quad)
//	B(4q+r, j) = b[q·4·NR + 4·j + r]     (one dword per column and quad)
//	c[i·ldc+j] = Σ_{q,r} A(i, 4q+r)·B(4q+r, j)            if !add
//	c[i·ldc+j] = c[i·ldc+j] + Σ_{q,r} A(i, 4q+r)·B(4q+r, j) if add
//
// in int32 arithmetic modulo 2³² (wrapping, never saturating): the result
// is the exact integer sum reduced to int32, the same on every ISA whatever
// the order of the additions. MR and NR are what gemmTileI8 of the same
// table returns. Callers pass whole tiles only.
//
// peakI8 measures the int8 peak for mat's benchmarks, as peakFMA does for
// the float kernels: independent chains of the micro-kernel's instruction.
//
// gemmPackBI8 packs a B panel in that layout from a row-major B (the
// interleave of four rows); package mat packs the other panels (A, Bᵀ,
// and the partial ones) in Go or with the float32 packing kernels, which
// move a quad as one 32-bit element.
func init() {
	I := func(n string) Param { return Param{n, "int"} }
	isas := []ISA{AVX512, AVX2, NEON}
	u := []Type{Untyped}
	register(
		Kernel{Feature: "int8", Name: "gemmI8", ISAs: isas, Types: u,
			Params: []Param{I("k"), {"a", "[]uint8"}, {"b", "[]int8"}, {"c", "[]int32"}, I("ldc"), {"add", "bool"}},
			Doc:    "the MR×NR int8 micro-kernel: c (+)= a·b on quad-interleaved u8 A and s8 B panels, k quads, int32 wrapping (see gen/spec/int8.go)"},
		Kernel{Feature: "int8", Name: "gemmPackBI8", ISAs: []ISA{AVX512, AVX2}, Types: u,
			Params: []Param{I("k"), {"b", "[]int8"}, I("ldb"), {"dst", "[]int8"}, I("n")},
			Doc:    "packs n columns (n ≥ 16, a multiple of 16) of a row-major s8 B, k ≥ 1 whole quads (4k rows), as dst[q·4·n+4j+r] = b[(4q+r)·ldb+j]"},
		Kernel{Feature: "int8", Name: "gemmTileI8", ISAs: isas, Types: u,
			Results: []Param{I("mr"), I("nr")},
			Doc:     "the MR×NR tile of the gemmI8 micro-kernel of the same table"},
		Kernel{Feature: "int8", Name: "peakI8", ISAs: isas, Types: u,
			Params: []Param{I("n")}, Results: []Param{{"", "int"}},
			Doc: "n iterations of independent int8 dot-product instructions (gemmI8's); returns the operations done (2 per u8·s8 multiply-add)"},
	)
}
