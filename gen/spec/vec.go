package spec

// Level-1 vector kernels. Every kernel takes its length from its first slice
// argument; the caller (package vec) has checked that the others are as long.
func init() {
	x, y, dst := Param{"x", "[]T"}, Param{"y", "[]T"}, Param{"dst", "[]T"}
	alpha := Param{"alpha", "T"}
	ret := []Param{{"", "T"}}
	adam := []Param{{"w", "[]T"}, {"g", "[]T"}, {"m", "[]T"}, {"v", "[]T"}, {"coef", "*[8]T"}}
	register(
		Kernel{Feature: "vec", Name: "dot", Params: []Param{x, y}, Results: ret, Doc: "Σ x[i]·y[i]"},
		Kernel{Feature: "vec", Name: "dot3", Params: []Param{x, y}, Results: []Param{{"xy", "T"}, {"xx", "T"}, {"yy", "T"}}, Doc: "Σ x[i]·y[i], Σ x[i]², Σ y[i]² in one pass"},
		Kernel{Feature: "vec", Name: "sumsq", Params: []Param{x}, Results: ret, Doc: "Σ x[i]² (one load per element, for Norm)"},
		Kernel{Feature: "vec", Name: "sum", Params: []Param{x}, Results: ret, Doc: "Σ x[i]"},
		Kernel{Feature: "vec", Name: "max", Params: []Param{x}, Results: ret, Doc: "max x[i], NaN if any x[i] is NaN; len(x) ≥ 1"},
		Kernel{Feature: "vec", Name: "axpy", Params: []Param{alpha, x, y}, Doc: "y[i] += alpha·x[i] (fused)"},
		Kernel{Feature: "vec", Name: "scale", Params: []Param{alpha, x}, Doc: "x[i] *= alpha"},
		Kernel{Feature: "vec", Name: "add", Params: []Param{dst, x, y}, Doc: "dst[i] = x[i] + y[i]"},
		Kernel{Feature: "vec", Name: "sub", Params: []Param{dst, x, y}, Doc: "dst[i] = x[i] − y[i]"},
		Kernel{Feature: "vec", Name: "mul", Params: []Param{dst, x, y}, Doc: "dst[i] = x[i] · y[i]"},
		Kernel{Feature: "vec", Name: "adam", Params: adam, Doc: "Adam's update of w, m, v from g (AdamCoef order in coef)"},
		Kernel{Feature: "vec", Name: "adamL2", Params: adam, Doc: "adam with the gradient g + wd·w (fused; wd = coef[7])"},
	)
}
