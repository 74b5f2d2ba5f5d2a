// Package prob holds lanes' probability kernels: a counter-based random
// number generator with SIMD bulk generation, batch samplers that fill
// slices, distribution types, moments, Bayes' rule and weight
// initialisers.
//
//	r := prob.New(42)                                   // seed 42: the same numbers everywhere
//	x := make([]float32, 1<<16)
//	prob.Normal[float32]{Mu: 0, Sigma: 1}.Sample(r, x)  // fill x, on the SIMD kernel
//	m, v := prob.Mean(x), prob.Variance(x)              // moments
//	u := prob.Uniform[float64]{Lo: -1, Hi: 1}.Rand(r)   // one value
//
//	c, err := prob.NewCategorical([]float64{0.5, 0.25, 0.25})
//	if err != nil { ... }                               // invalid weights
//	k := c.Rand(r)                                      // 0, 1 or 2
//
//	prob.He(r, w, fanIn)                                // initial weights of a ReLU layer
//	g := rand.New(r)                                    // *RNG is a math/rand/v2 Source
//
// # Distributions
//
// Uniform, Normal, Bernoulli and Categorical are plain values (fields are
// the parameters, as in gonum's distuv) with Sample (fill a slice), Rand
// (one value), PDF/PMF, LogPDF/LogPMF, CDF, Mean and Variance;
// Categorical.Multinomial counts draws. Xavier and He initialise weights.
// Posterior applies Bayes' rule over discrete hypotheses and reports zero
// evidence as an error.
//
// Invalid parameters (NaN, ±Inf, Sigma ≤ 0, Lo ≥ Hi, P outside [0, 1],
// negative or all-zero weights) are errors from the New* constructors and
// Validate, and panics (with the same message, before anything is written)
// in the methods. Length mismatches panic, naming the function and lengths.
//
// No function allocates in steady state (Categorical builds its alias
// table once).
//
// # The generator
//
// RNG is Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC'11), checked against the Random123
// known-answer vectors. Its stream is a sequence of 32-bit words: block b is
// Philox4x32 of the counter (lo32(b), hi32(b), lo32(stream), hi32(stream))
// under the key (lo32(seed), hi32(seed)), and words 4b..4b+3 are its four
// words. New(seed) is stream 0; NewStream(seed, s) gives independent
// parallel streams; Skip jumps in O(1); *RNG is a math/rand/v2 Source.
// Bulk generation runs a generated SIMD kernel (AVX-512, AVX2, NEON) or Go,
// whichever ISA is active (see package isa).
//
// # Reproducibility
//
// For a given seed and stream, every ISA (generic Go included, NEON
// included) produces bit-identical samples, and the result does not depend
// on how a slice is chunked: filling 1000 values then 24 gives the same
// 1024 values as filling 1024 at once, because every sampler draws a fixed
// number of words per value from the RNG's position (see RNG). The
// floating-point transforms (words to uniforms, Box–Muller, the ziggurat)
// use no fused multiply-add and lanes' own polynomials for ln, sin and cos,
// so the SIMD kernels and the Go code round identically. The
// tests pin the SHA-256 of the first 2²⁰ float32 normals of seed 42 on every
// ISA.
//
// # Moments
//
// Mean and Variance (population, E[(X−μ)²], corrected two-pass) use
// compensated float64 sums computed in the SIMD lanes of the active ISA
// (AVX-512, AVX2, NEON, or Go), so they stay accurate on badly
// conditioned data such as 1e8 plus small noise; their last bits may differ
// between ISAs.
//
// # How the samplers work
//
// float32 Normal sampling is the ziggurat of Marsaglia and Tsang (128
// layers, their r and v) on one word per value: 7 bits pick the layer, 1
// bit the sign and 24 bits the point u; when u is below the layer's
// threshold (97.2% of words) the value is ±u·W[layer] in float32, computed
// by a SIMD kernel with the tables in registers (AVX-512), gathered (AVX2)
// or loaded lane by lane (NEON). The other words take the slow path: wedge
// tests and Marsaglia's tail algorithm (full tails, never ln 0), with extra
// uniforms from a SplitMix64 stream private to the value, seeded from the
// seed, the stream and the value's word position, so a value depends only
// on (seed, stream, position) and the RNG advances exactly one word per
// value. The first wedge attempt, which decides about 95% of these words,
// runs in a SIMD kernel (AVX-512: SplitMix in 64-bit lanes, gathers of the
// tables; Go elsewhere); Go finishes the rest. The tables are computed at
// start-up with IEEE arithmetic, square roots and lanes' own logarithm
// only, so they have the same bits on every platform. float64 Normal
// sampling is Box–Muller on one Philox block per two values, with u ∈ (0, 1]
// (never log 0) of 53 bits, so |z| ≤ 8.57. Categorical draws use a
// Walker/Vose alias table.
package prob
