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
func init() {
	I := func(n string) Param { return Param{n, "int"} }
	isas := []ISA{AVX512, AVX2, NEON}
	u := []Type{Untyped}
	register(
		Kernel{Feature: "int8", Name: "gemmI8", ISAs: isas, Types: u,
			Params: []Param{I("k"), {"a", "[]uint8"}, {"b", "[]int8"}, {"c", "[]int32"}, I("ldc"), {"add", "bool"}},
			Doc:    "the MR×NR int8 micro-kernel: c (+)= a·b on quad-interleaved u8 A and s8 B panels, k quads, int32 wrapping (see gen/spec/int8.go)"},
		Kernel{Feature: "int8", Name: "gemmTileI8", ISAs: isas, Types: u,
			Results: []Param{I("mr"), I("nr")},
			Doc:     "the MR×NR tile of the gemmI8 micro-kernel of the same table"},
	)
}
