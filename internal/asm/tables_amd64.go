//go:build !purego

package asm

import "github.com/lanes-go/lanes/isa"

func archTables(m map[isa.ISA]*Table) map[isa.ISA]*Table {
	m[isa.AVX512] = &avx512Table
	m[isa.AVX2] = &avx2Table
	return m
}
