//go:build !purego

package isa

const best = "best ISA this CPU supports"

// detect: Advanced SIMD is mandatory on arm64, so NEON is always there.
func detect() []ISA { return []ISA{NEON} }
