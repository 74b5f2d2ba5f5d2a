package spec

// Activation kernels (package act). Every kernel takes its length from its
// first slice argument, dst; the caller (package act) has checked that the
// other slices are as long. dst may be the same slice as an input. A
// scalar float32 parameter comes first, so that the argument frame has no
// padding after it (gen/arm64 sizes frames with spec.Frame, which pads the
// end to 8 bytes).
//
// The element-wise kernels give the same bits on every ISA: the generic Go
// kernels (asm/act_generic.go) perform the same IEEE operations in the same
// order as the generated bodies. float32 Exp, Sigmoid and Tanh compute in
// float32 lanes (with an exact float32 FMA in Go); float32 Log, SiLU,
// SiLUGrad, the GELUs and the pieces of Softmax compute in float64 lanes
// (SiLU, SiLUGrad and the GELUs with the float64 algorithm) and round once
// at the end.
func init() {
	dst, x := Param{"dst", "[]T"}, Param{"x", "[]T"}
	y, dy := Param{"y", "[]T"}, Param{"dy", "[]T"}
	alpha := Param{"alpha", "T"}
	// actISAs lists the ISAs whose generated bodies exist.
	isas := []ISA{AVX512, AVX2, NEON}
	register(
		Kernel{Feature: "act", Name: "exp", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = eˣ⁽ⁱ⁾ (≤ 1 ULP)"},
		Kernel{Feature: "act", Name: "log", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = ln x[i] (≤ 1 ULP)"},
		Kernel{Feature: "act", Name: "sigmoid", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = 1/(1+e^−x[i]) (≤ 2 ULP)"},
		Kernel{Feature: "act", Name: "tanh", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = tanh x[i] (≤ 2 ULP)"},
		Kernel{Feature: "act", Name: "silu", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = x[i]·σ(x[i]) (float32 ≤ 1 ULP, float64 ≤ 1.5 ULP)"},
		Kernel{Feature: "act", Name: "siluGrad", Params: []Param{dst, x, dy}, ISAs: isas, Doc: "dst[i] = dy[i]·σ(x[i])·(1 + x[i]·(1−σ(x[i])))"},
		Kernel{Feature: "act", Name: "gelu", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = x[i]·Φ(x[i]) (float32 ≤ 1 ULP, float64 ≤ 3 ULP)"},
		Kernel{Feature: "act", Name: "geluGrad", Params: []Param{dst, x, dy}, ISAs: isas, Doc: "dst[i] = dy[i]·(Φ(x[i]) + x[i]·φ(x[i]))"},
		Kernel{Feature: "act", Name: "geluTanh", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = x[i]·σ(2u), u = √(2/π)·(x[i] + 0.044715·x[i]³) (float32 ≤ 1 ULP, float64 ≤ 1.5 ULP)"},
		Kernel{Feature: "act", Name: "geluTanhGrad", Params: []Param{dst, x, dy}, ISAs: isas, Doc: "dst[i] = dy[i]·d/dx (x·σ(2u)) at x[i]"},
		Kernel{Feature: "act", Name: "relu", Params: []Param{dst, x}, ISAs: isas, Doc: "dst[i] = x[i] if x[i] > 0 or NaN, else +0"},
		Kernel{Feature: "act", Name: "leakyRelu", Params: []Param{alpha, dst, x}, ISAs: isas, Doc: "dst[i] = x[i] if x[i] > 0, else alpha·x[i]"},
		Kernel{Feature: "act", Name: "sigmoidGrad", Params: []Param{dst, y, dy}, ISAs: isas, Doc: "dst[i] = dy[i]·(y[i]·(1−y[i]))"},
		Kernel{Feature: "act", Name: "tanhGrad", Params: []Param{dst, y, dy}, ISAs: isas, Doc: "dst[i] = dy[i]·fma(−y[i], y[i], 1)"},
		Kernel{Feature: "act", Name: "reluGrad", Params: []Param{dst, x, dy}, ISAs: isas, Doc: "dst[i] = dy[i] if x[i] > 0, x[i] if NaN, else +0"},
		Kernel{Feature: "act", Name: "leakyReluGrad", Params: []Param{alpha, dst, x, dy}, ISAs: isas, Doc: "dst[i] = dy[i] if x[i] > 0, x[i] if NaN, else alpha·dy[i]"},
		// The pieces of Softmax, LogSoftmax and SoftmaxGrad (with vec's max,
		// scale and dot kernels).
		Kernel{Feature: "act", Name: "expSub", Params: []Param{dst, x, {"c", "T"}}, Results: []Param{{"", "T"}}, ISAs: isas,
			Doc: "dst[i] = e^(x[i]−c) (as exp; the difference in float64); returns Σ dst[i]"},
		Kernel{Feature: "act", Name: "expSum", Params: []Param{x, {"c", "T"}}, Results: []Param{{"", "T"}}, ISAs: isas,
			Doc: "Σ e^(x[i]−c), each term as expSub stores it"},
		Kernel{Feature: "act", Name: "subSub", Params: []Param{dst, x, {"a", "T"}, {"b", "T"}}, ISAs: isas, Doc: "dst[i] = (x[i] − a) − b"},
		Kernel{Feature: "act", Name: "mulSub", Params: []Param{{"d", "T"}, dst, y, dy}, ISAs: isas, Doc: "dst[i] = y[i]·(dy[i] − d)"},
	)
}
