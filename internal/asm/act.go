package asm

// The act kernels (package act): exp, log, sigmoid, tanh, silu, gelu,
// geluTanh, relu, leakyRelu, the fused gradients sigmoidGrad, tanhGrad,
// siluGrad, geluGrad, geluTanhGrad, reluGrad, leakyReluGrad, and the pieces
// of softmax (expSub, expSum, subSub, mulSub), for float32 and float64.
// Their specs are in gen/spec/act.go. Exp, Sigmoid, Tanh, Log, SiLU, the
// GELUs and their gradients are written once, in gen/alg, and emitted by
// gen/amd64 (AVX-512, AVX2) and gen/arm64 (NEON); gen/alg's tests run the
// same descriptions on Go values and require the bits of the generic
// kernels here, which perform the same IEEE operations in the same
// order. So every ISA returns the same bits for the element-wise results
// (the sums of expSub and expSum are reductions whose order follows the
// vector width). Package act states the error bounds.

//go:generate go run -C ../../gen/amd64 . -feature act -out ../../internal/asm/act_amd64.s -stubs ../../internal/asm/act_amd64.go -pkg asm
//go:generate go run -C ../../gen/arm64 . -feature act -out ../../internal/asm/act_arm64.s -stubs ../../internal/asm/act_arm64.go -pkg asm
