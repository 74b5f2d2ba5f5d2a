//go:build !purego

package asm

import "github.com/klauspost/cpuid/v2"

func detect() []ISA {
	tables[AVX512] = &avx512Table
	tables[AVX2] = &avx2Table
	var out []ISA
	c := &cpuid.CPU
	// Besides the vector extensions the bodies use BZHI, SHLX (BMI2), TZCNT,
	// BLSR (BMI1) and POPCNT on general registers; every CPU with AVX2 has
	// them, but a hypervisor may hide a flag, and then the table is not used.
	if c.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX2, cpuid.FMA3,
		cpuid.BMI1, cpuid.BMI2, cpuid.POPCNT) {
		out = append(out, AVX512)
	}
	if c.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.BMI2) {
		out = append(out, AVX2)
	}
	return out
}
