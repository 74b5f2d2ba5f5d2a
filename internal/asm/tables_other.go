//go:build purego || !(amd64 || arm64)

package asm

import "github.com/lanes-go/lanes/isa"

func archTables(m map[isa.ISA]*Table) map[isa.ISA]*Table { return m }
