//go:build !purego

package asm

import "github.com/klauspost/cpuid/v2"

func detect() []ISA {
	tables[AVX512] = &avx512Table
	tables[AVX2] = &avx2Table
	var out []ISA
	c := &cpuid.CPU
	if c.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX2, cpuid.FMA3, cpuid.BMI2) {
		out = append(out, AVX512)
	}
	if c.Supports(cpuid.AVX2, cpuid.FMA3) {
		out = append(out, AVX2)
	}
	return out
}
