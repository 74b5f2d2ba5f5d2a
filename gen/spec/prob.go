package spec

// Kernels of package prob. philox is the bulk generator of the counter-based
// RNG: it has no element type, so its names carry no F32/F64 part. normal is
// the Box–Muller transform of Philox blocks into float64 normals; normalZig
// is the fast path of the float32 ziggurat (asm/prob_zig.go) and zigWedge
// the branch-free first attempt of its slow path (AVX-512 only: it wants
// 64-bit multiplications, conversions and gathers; the other ISAs run the
// generic Go code).
func init() {
	register(
		Kernel{
			Feature: "prob", Name: "philox",
			Params: []Param{{"dst", "[]uint32"}, {"block", "uint64"}, {"stream", "uint64"}, {"key", "uint64"}},
			Types:  []Type{Untyped},
			ISAs:   []ISA{AVX2, AVX512, NEON},
			Doc: "Philox4x32-10 blocks block, block+1, ... into dst (len(dst)/4 blocks, 4 words each); " +
				"block i has counter (lo32(block+i), hi32(block+i), lo32(stream), hi32(stream)) and key (lo32(key), hi32(key))",
		},
		Kernel{
			Feature: "prob", Name: "normal",
			Params: []Param{{"dst", "[]T"}, {"w", "[]uint32"}, {"mu", "float64"}, {"sigma", "float64"}},
			Types:  []Type{F64},
			ISAs:   []ISA{AVX2, AVX512, NEON},
			Doc: "dst[2b], dst[2b+1] = mu + sigma·(ρ·cos θ, ρ·sin θ), the Box–Muller normals of Philox block w[4b:4b+4] " +
				"(len(dst) even, len(w) ≥ 2·len(dst); dst may start where w starts)",
		},
		Kernel{
			Feature: "prob", Name: "normalZig",
			Params: []Param{{"dst", "[]T"}, {"w", "[]uint32"}, {"rej", "[]uint16"}, {"tab", "[]uint32"}, {"mu", "T"}, {"sigma", "T"}},
			Types:  []Type{F32},
			ISAs:   []ISA{AVX2, AVX512, NEON},
			Doc: "dst[i] = mu + sigma·z, z = ±float32(w[i]>>8)·W[w[i]&127] when w[i]>>8 < K[w[i]&127] (the ziggurat's fast path; " +
				"tab = the ziggurat table of package prob, W then K), else dst[i] = the bits of w[i] and bit i%16 of rej[i/16] is set " +
				"(rej gets ⌈len(dst)/16⌉ elements; len(w) ≥ len(dst); dst may start where w starts)",
		},
		Kernel{
			Feature: "prob", Name: "zigWedge",
			Params: []Param{{"dst", "[]T"}, {"rej", "[]uint16"}, {"idx", "[]uint32"}, {"tab", "[]uint32"}, {"ftab", "[]float64"},
				{"key", "uint64"}, {"p", "uint64"}, {"mu", "T"}, {"sigma", "T"}},
			Results: []Param{{"n", "int"}},
			Types:   []Type{F32},
			ISAs:    []ISA{AVX512},
			Doc: "the first slow-path attempt of every word that normalZig rejected (bit j%16 of rej[j/16] set, j < len(dst): " +
				"dst[j] holds the word; tab and ftab the tables of package prob; key and p those of the private stream of the value at dst[0], p the position of dst[0]): " +
				"dst[j] = mu + sigma·z when that attempt decides, else dst[j] keeps the word and j goes to idx[0:n] in increasing order " +
				"(len(rej) = ⌈len(dst)/16⌉, len(idx) ≥ 16·len(rej))",
		},
		Kernel{
			Feature: "prob", Name: "uniform",
			Params: []Param{{"dst", "[]T"}, {"w", "[]uint32"}, {"lo", "T"}, {"span", "T"}, {"hi", "T"}, {"below", "T"}},
			ISAs:   []ISA{AVX2, AVX512, NEON},
			Doc: "dst[i] = lo + span·u (span = hi−lo from the caller), u = the top 24 bits of w[i]·2⁻²⁴ (float32) or of w[2i] | w[2i+1]<<32, 53 bits ·2⁻⁵³ (float64); " +
				"a result ≥ hi becomes below (len(w) ≥ len(dst)·size(T)/4; dst may start where w starts)",
		},
		Kernel{
			Feature: "prob", Name: "moments",
			Params:  []Param{{"x", "[]T"}, {"mu", "float64"}},
			Results: []Param{{"s", "float64"}, {"c", "float64"}, {"q", "float64"}, {"e", "float64"}},
			ISAs:    []ISA{AVX2, AVX512, NEON},
			Doc: "s+c = Σ(x[i]−mu) and q+e = Σ(x[i]−mu)², in float64 with compensated sums " +
				"(TwoSum, and the FMA error of each square)",
		},
	)
}
