//go:build !purego

package isa

import "github.com/klauspost/cpuid/v2"

const best = "best ISA this CPU supports"

// detect: Advanced SIMD is mandatory on arm64, so NEON is always there.
func detect() []ISA { return []ISA{NEON} }

func detectFeatures() map[ISA][]Feature {
	m := map[ISA][]Feature{}
	c := &cpuid.CPU
	if c.Supports(cpuid.BF16) {
		m[NEON] = append(m[NEON], BF16)
	}
	if c.Supports(cpuid.ASIMDDP) {
		m[NEON] = append(m[NEON], Int8)
	}
	return m
}
