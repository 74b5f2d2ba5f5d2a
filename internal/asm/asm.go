// Package asm holds the lanes kernels: generated assembly for each ISA
// (AVX-512, AVX2+FMA on amd64; NEON on arm64), the pure-Go generic kernels
// that every other platform (and the purego build tag) uses, and one table
// of function values per ISA. Package isa decides which ISA is active.
//
// The kernels are unchecked: they take their length from their first slice
// and trust the caller (vec, mat, act, prob) to have checked the others.
// That is why the package is internal.
//
// Nothing in the *.s files or in the z*.go and *_amd64.go / *_arm64.go stub
// files is edited by hand: `go generate ./...` rewrites them from gen/.
//
// Kernel contract, every ISA: any length (the first slice's), no alignment
// requirement, no access outside the slices, IEEE NaN/Inf propagation as in
// the generic loop, no allocation, deterministic results.
package asm

//go:generate go run -C ../../gen/table . -dir ../../internal/asm
//go:generate go run -C ../../gen/amd64 . -feature vec -out ../../internal/asm/vec_amd64.s -stubs ../../internal/asm/vec_amd64.go -pkg asm
//go:generate go run -C ../../gen/arm64 . -feature vec -out ../../internal/asm/vec_arm64.s -stubs ../../internal/asm/vec_arm64.go -pkg asm

import (
	"fmt"

	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/isa"
)

// Float is the element type constraint: exactly float32 or float64.
type Float = cast.Float

// tables holds the kernel table of every ISA this build has (archTables
// adds the architecture's own).
var tables = archTables(map[isa.ISA]*Table{isa.Generic: &genericTable})

// current is the table of isa.Active(), fixed at start-up as the active ISA is.
var current = Get(isa.Active())

// Current returns the kernel table of the active ISA.
func Current() *Table { return current }

// Get returns the kernel table of i. It panics if i is not available.
func Get(i isa.ISA) *Table {
	t := tables[i]
	if t == nil || !isa.Supported(i) {
		panic(fmt.Sprintf("asm.Get: ISA %q is not available on this CPU/build (available: %v)", i, isa.Available()))
	}
	return t
}
