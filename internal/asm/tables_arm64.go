//go:build !purego

package asm

import "github.com/lanes-go/lanes/isa"

func archTables(m map[isa.ISA]*Table) map[isa.ISA]*Table {
	m[isa.NEON] = &neonTable
	return m
}
