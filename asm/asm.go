// Package asm holds the lanes kernels: generated assembly for each ISA
// (AVX-512, AVX2+FMA on amd64; NEON on arm64), the pure-Go generic kernels
// that every other platform (and the purego build tag) uses, and the choice
// of ISA at run time.
//
// Nothing in the *.s files or in the z*.go and *_amd64.go / *_arm64.go stub
// files is edited by hand: `go generate ./...` rewrites them from gen/.
//
// At init the package detects the CPU with github.com/klauspost/cpuid/v2 and
// picks the best ISA: avx512 (AVX-512 F+DQ+BW+VL, with BMI2) > avx2 (AVX2+FMA)
// > generic on amd64; neon > generic on arm64. The environment variable
// LANES_ISA=generic|avx2|avx512|neon forces one; an unknown or unsupported
// value falls back to the best ISA with one line on stderr.
//
// Kernel contract, every ISA: any length (the first slice's), no alignment
// requirement, no access outside the slices, IEEE NaN/Inf propagation as in
// the generic loop, no allocation, deterministic results.
package asm

//go:generate go run -C ../gen/table . -dir ../../asm
//go:generate go run -C ../gen/amd64 . -feature vec -out ../../asm/vec_amd64.s -stubs ../../asm/vec_amd64.go -pkg asm
//go:generate go run -C ../gen/arm64 . -feature vec -out ../../asm/vec_arm64.s -stubs ../../asm/vec_arm64.go -pkg asm

import (
	"fmt"
	"os"
	"strings"
)

// Float is the element type constraint: exactly float32 or float64.
type Float interface{ float32 | float64 }

// ISA names an instruction set with its own kernel table.
type ISA string

const (
	Generic ISA = "generic" // pure Go, every platform
	AVX2    ISA = "avx2"    // amd64: AVX2 + FMA
	AVX512  ISA = "avx512"  // amd64: AVX-512 F, DQ, BW, VL (+ BMI2)
	NEON    ISA = "neon"    // arm64: Advanced SIMD
)

var (
	// available is set by the architecture file's init (detect), best first.
	available []ISA
	tables    = map[ISA]*Table{Generic: &genericTable}
	active    ISA
	current   *Table
	reason    string
)

func init() {
	available = append(detect(), Generic)
	choose(os.Getenv("LANES_ISA"), os.Stderr)
}

// choose sets the active ISA from the value of LANES_ISA, writing one line
// to w when the value cannot be honoured.
func choose(env string, w interface{ Write([]byte) (int, error) }) {
	active, reason = available[0], "best ISA this CPU supports"
	if env != "" {
		want := ISA(strings.ToLower(strings.TrimSpace(env)))
		switch {
		case supported(want):
			active, reason = want, "forced by LANES_ISA="+env
		case !known(want):
			fmt.Fprintf(w, "lanes: LANES_ISA=%q is not an ISA (want generic, avx2, avx512 or neon); using %s\n", env, active)
			reason += " (LANES_ISA=" + env + " unknown)"
		default:
			fmt.Fprintf(w, "lanes: LANES_ISA=%s is not supported by this CPU or build; using %s\n", env, active)
			reason += " (LANES_ISA=" + env + " unsupported)"
		}
	}
	current = tables[active]
}

func known(isa ISA) bool {
	switch isa {
	case Generic, AVX2, AVX512, NEON:
		return true
	}
	return false
}

func supported(isa ISA) bool {
	for _, a := range available {
		if a == isa {
			return true
		}
	}
	return false
}

// Available lists the ISAs this CPU and build can run, best first; the last
// is always Generic. Tests and benchmarks iterate over it.
func Available() []ISA { return append([]ISA(nil), available...) }

// Active is the ISA the package-level functions of lanes use.
func Active() ISA { return active }

// Reason says why Active was chosen.
func Reason() string { return reason }

// Current returns the kernel table of the active ISA.
func Current() *Table { return current }

// Get returns the kernel table of isa. It panics if isa is not Available.
func Get(isa ISA) *Table {
	if !supported(isa) {
		panic(fmt.Sprintf("asm.Get: ISA %q is not available on this CPU/build (available: %v)", isa, available))
	}
	return tables[isa]
}
