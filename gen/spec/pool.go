package spec

// Kernels of mat's pooling.
//
// maxPool2x2 is 2×2 max pooling with stride 2 over one H×W plane x (row
// length w; OH = len(dst)/ow rows of ow outputs, 2·ow ≤ w, 2·OH ≤ H):
//
//	dst[i·ow+j] = the maximum of x[2i·w+2j], x[2i·w+2j+1], x[(2i+1)·w+2j], x[(2i+1)·w+2j+1]
//	idx[i·ow+j] = its index in x
//
// scanned in that order, a later element winning only if it is greater or
// NaN (PyTorch's rule: the first of equal maxima, the last NaN), the
// winner's bits copied. ow ≥ 1.
func init() {
	register(Kernel{Feature: "pool", Name: "maxPool2x2", Types: []Type{F32}, ISAs: []ISA{AVX512},
		Params: []Param{{"dst", "[]T"}, {"idx", "[]int32"}, {"x", "[]T"}, {"w", "int"}, {"ow", "int"}},
		Doc:    "2×2, stride 2 max pooling of one plane with the winners' indices (see gen/spec/pool.go)"})
}
