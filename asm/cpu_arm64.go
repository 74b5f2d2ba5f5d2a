//go:build !purego

package asm

// detect: Advanced SIMD is mandatory on arm64, so NEON is always there.
func detect() []ISA {
	tables[NEON] = &neonTable
	return []ISA{NEON}
}
