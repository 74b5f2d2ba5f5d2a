//go:build !purego

package isa

import "github.com/klauspost/cpuid/v2"

const best = "best ISA this CPU supports"

func detect() []ISA {
	var out []ISA
	c := &cpuid.CPU
	// Besides the vector extensions the kernels use BZHI, SHLX (BMI2), TZCNT,
	// BLSR (BMI1) and POPCNT on general registers; every CPU with AVX2 has
	// them, but a hypervisor may hide a flag, and then the ISA is not used.
	if c.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX2, cpuid.FMA3,
		cpuid.BMI1, cpuid.BMI2, cpuid.POPCNT) {
		out = append(out, AVX512)
	}
	if c.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.BMI2) {
		out = append(out, AVX2)
	}
	return out
}

func detectFeatures() map[ISA][]Feature {
	m := map[ISA][]Feature{}
	c := &cpuid.CPU
	for _, i := range available {
		switch i {
		case AVX512:
			if c.Supports(cpuid.AVX512BF16) {
				m[i] = append(m[i], BF16)
			}
			if c.Supports(cpuid.AVX512VNNI) {
				m[i] = append(m[i], Int8)
			}
		case AVX2:
			if c.Supports(cpuid.AVXVNNI) {
				m[i] = append(m[i], Int8)
			}
		}
	}
	return m
}
