package asm

// The prob kernels: Philox4x32-10 bulk generation for package prob, the
// Box–Muller transform (float64 normals; written once in gen/alg), the
// ziggurat's fast path and the first attempt of its slow path (float32
// normals; package prob holds the tables and the rest of the algorithm),
// uniforms and moments. The generic kernels are in prob_generic.go and
// prob_zig.go; gen/amd64 and gen/arm64 emit the SIMD bodies. All are
// bit-identical to the generic kernels (integer arithmetic, and the same
// IEEE operations in the same order with no FMA).

//go:generate go run -C ../../gen/amd64 . -feature prob -out ../../internal/asm/prob_amd64.s -stubs ../../internal/asm/prob_amd64.go -pkg asm
//go:generate go run -C ../../gen/arm64 . -feature prob -out ../../internal/asm/prob_arm64.s -stubs ../../internal/asm/prob_arm64.go -pkg asm
