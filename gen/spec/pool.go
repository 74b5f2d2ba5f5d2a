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
//
// maxPool2x2Grad is its gradient for one plane dx (row length w; OH =
// len(dy)/ow rows of ow outputs): the four elements of every window are
// written once,
//
//	dx[idx[o]] = +0 + dy[o]     (o = i·ow+j: a −0 becomes +0, a NaN stays a NaN)
//	dx[q]      = +0             the window's three other elements q
//
// which is what clearing the plane and adding dy at idx gives, and the
// elements outside the windows (a last odd row or column) are not touched.
// It returns false, dx partly written, if some idx[o] is not one of the
// four elements of window o. ow ≥ 1.
//
// indexOutside returns the position of the first idx[i] outside [0, n)
// (as an unsigned compare: a negative one is outside), or −1; 0 ≤ n < 2³¹.
func init() {
	register(Kernel{Feature: "pool", Name: "maxPool2x2", Types: []Type{F32}, ISAs: []ISA{AVX512},
		Params: []Param{{"dst", "[]T"}, {"idx", "[]int32"}, {"x", "[]T"}, {"w", "int"}, {"ow", "int"}},
		Doc:    "2×2, stride 2 max pooling of one plane with the winners' indices (see gen/spec/pool.go)"},
		Kernel{Feature: "pool", Name: "maxPool2x2Grad", Types: []Type{F32}, ISAs: []ISA{AVX512},
			Params:  []Param{{"dx", "[]T"}, {"dy", "[]T"}, {"idx", "[]int32"}, {"w", "int"}, {"ow", "int"}},
			Results: []Param{{"", "bool"}},
			Doc:     "the gradient of maxPool2x2 for one plane, each window's elements written once; false if an index is outside its window (see gen/spec/pool.go)"},
		Kernel{Feature: "pool", Name: "indexOutside", Types: []Type{Untyped}, ISAs: []ISA{AVX512},
			Params:  []Param{{"idx", "[]int32"}, {"n", "int"}},
			Results: []Param{{"", "int"}},
			Doc:     "the position of the first idx[i] outside [0, n) (unsigned compare), or −1"})
}
