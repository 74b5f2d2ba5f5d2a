// Package spec is the single list of lanes kernels. Every generator (gen/amd64,
// gen/arm64, gen/table) reads it, so the assembly, its Go declarations and the
// dispatch tables cannot drift apart.
//
// A kernel is written once with the element type T; it is instantiated for each
// of its Types (float32, float64). Its Go name is name+type suffix+ISA suffix,
// e.g. dot → dotF32AVX512; the pure-Go reference is name+"Generic"[T]
// (e.g. dotGeneric[float32]) and lives, hand-written, in package asm.
package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// Type is an element type a kernel is instantiated for.
type Type struct {
	Go     string // Go type name: "float32"
	Suffix string // name suffix: "F32"
	Size   int    // bytes
}

var (
	F32 = Type{"float32", "F32", 4}
	F64 = Type{"float64", "F64", 8}
	// Untyped is for kernels that do not depend on T (T must not occur).
	Untyped = Type{"", "", 0}
)

// Floats is the default list of element types.
var Floats = []Type{F32, F64}

// ISA names an instruction set a kernel has an assembly body for.
type ISA struct {
	Name   string // asm.ISA value: "avx2"
	Suffix string // Go name suffix: "AVX2"
	Arch   string // GOARCH: "amd64"
}

var (
	AVX2   = ISA{"avx2", "AVX2", "amd64"}
	AVX512 = ISA{"avx512", "AVX512", "amd64"}
	NEON   = ISA{"neon", "NEON", "arm64"}
)

// ISAs lists every assembly ISA, best first per architecture.
var ISAs = []ISA{AVX512, AVX2, NEON}

// Param is one parameter or result: a name and a Go type written with T.
type Param struct {
	Name string
	Type string // "[]T", "T", "int", "uint64", "[]uint32", ...
}

// Kernel is one kernel specification.
type Kernel struct {
	Feature string  // the file family it belongs to: "vec", "act", ...
	Name    string  // lower camel case: "dot"
	Params  []Param // in order
	Results []Param
	Types   []Type // element types; Floats if nil
	// ISAs with an assembly body; all of ISAs if nil. ISAs without one
	// dispatch to the generic kernel.
	ISAs []ISA
	// Requires names an isa.Feature the assembly bodies need beyond their
	// ISA ("bf16"); a table whose ISA lacks it on this CPU gets the generic
	// kernel at start-up. Empty: none.
	Requires string
	// Fallback names the functions (Fallback+ISA suffix, same signature)
	// that a table of one of FallbackISAs gets where the kernel has no body
	// for that ISA or the CPU lacks Requires; other ISAs get the generic
	// kernel there. Empty: none.
	Fallback     string
	FallbackISAs []ISA
	Doc          string // one line for the Table field
}

// Instance is a kernel instantiated for one element type.
type Instance struct {
	Kernel
	T Type
}

// All is every kernel, in the order they appear in the tables.
var All []Kernel

// register adds kernels to All; each feature file calls it from init.
func register(ks ...Kernel) { All = append(All, ks...) }

// Feature returns the kernels of one feature, instantiated for every type.
func Feature(f string) []Instance {
	var out []Instance
	for _, k := range All {
		if k.Feature == f {
			out = append(out, k.Instances()...)
		}
	}
	return out
}

// Features lists the feature names in order of first appearance.
func Features() []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range All {
		if !seen[k.Feature] {
			seen[k.Feature] = true
			out = append(out, k.Feature)
		}
	}
	return out
}

// Instances returns one Instance per element type.
func (k Kernel) Instances() []Instance {
	ts := k.Types
	if ts == nil {
		ts = Floats
	}
	out := make([]Instance, len(ts))
	for i, t := range ts {
		out[i] = Instance{k, t}
	}
	return out
}

// Has reports whether the kernel has an assembly body for isa.
func (k Kernel) Has(isa ISA) bool {
	if k.ISAs == nil {
		return true
	}
	for _, i := range k.ISAs {
		if i == isa {
			return true
		}
	}
	return false
}

// HasFallback reports whether the kernel has a fallback body for isa.
func (k Kernel) HasFallback(isa ISA) bool {
	for _, i := range k.FallbackISAs {
		if i == isa {
			return true
		}
	}
	return false
}

// FallbackInstance is the instance of the fallback functions: the kernel
// renamed to Fallback, with a body for each of FallbackISAs.
func (in Instance) FallbackInstance() Instance {
	f := in
	f.Name, f.ISAs = in.Fallback, in.FallbackISAs
	f.Requires, f.Fallback, f.FallbackISAs = "", "", nil
	f.Doc = in.Doc + ", without " + in.Requires
	return f
}

// Without is the Go expression a table of isa holds for the kernel where
// it has no body or the CPU lacks Requires: the fallback body or the
// generic kernel.
func (in Instance) Without(isa ISA) string {
	if in.HasFallback(isa) {
		return in.FallbackInstance().Func(isa)
	}
	return in.Generic()
}

// Field is the exported Table field name: "DotF32".
func (in Instance) Field() string {
	return strings.ToUpper(in.Name[:1]) + in.Name[1:] + in.T.Suffix
}

// Func is the assembly function name for isa: "dotF32AVX2".
func (in Instance) Func(isa ISA) string { return in.Name + in.T.Suffix + isa.Suffix }

// Generic is the Go expression of the pure-Go kernel: "dotGeneric[float32]".
func (in Instance) Generic() string {
	if in.T == Untyped {
		return in.Name + "Generic"
	}
	return in.Name + "Generic[" + in.T.Go + "]"
}

var tParam = regexp.MustCompile(`\bT\b`)

// goType replaces the type parameter T in t ("T", "[]T", "*T", ...) with the
// instance's element type.
func (in Instance) goType(t string) string {
	if in.T == Untyped {
		if tParam.MatchString(t) {
			panic("spec: untyped kernel " + in.Name + " uses T")
		}
		return t
	}
	return tParam.ReplaceAllString(t, in.T.Go)
}

// Signature is the Go function type: "func(x []float32, y []float32) float32".
func (in Instance) Signature() string {
	var b strings.Builder
	b.WriteString("func(")
	for i, p := range in.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", p.Name, in.goType(p.Type))
	}
	b.WriteString(")")
	switch len(in.Results) {
	case 0:
	case 1:
		if r := in.Results[0]; r.Name != "" {
			fmt.Fprintf(&b, " (%s %s)", r.Name, in.goType(r.Type))
		} else {
			b.WriteString(" " + in.goType(r.Type))
		}
	default:
		b.WriteString(" (")
		for i, r := range in.Results {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s", r.Name, in.goType(r.Type))
		}
		b.WriteString(")")
	}
	return b.String()
}

// Slot is one machine word of the ABI0 argument frame.
type Slot struct {
	Name   string // as the assembler wants it: "x_base", "x_len", "alpha", "ret"
	Offset int
	Size   int
}

// Frame lays out the ABI0 argument frame (Go's assembly calling convention):
// parameters in order at their natural alignment, results after them starting
// at a pointer-aligned offset. It returns the slots and the total size, which
// is not rounded up (asmdecl wants $0-60 for three float32s after six words).
func (in Instance) Frame() (slots []Slot, size int) {
	off := 0
	add := func(name, typ string) {
		t := in.goType(typ)
		if strings.HasPrefix(t, "[]") {
			off = align(off, 8)
			slots = append(slots, Slot{name + "_base", off, 8}, Slot{name + "_len", off + 8, 8}, Slot{name + "_cap", off + 16, 8})
			off += 24
			return
		}
		n := scalarSize(t)
		off = align(off, n)
		slots = append(slots, Slot{name, off, n})
		off += n
	}
	for _, p := range in.Params {
		add(p.Name, p.Type)
	}
	if len(in.Results) > 0 {
		off = align(off, 8) // results start pointer-aligned; the frame is not padded otherwise
	}
	for i, r := range in.Results {
		name := r.Name
		if len(in.Results) == 1 && name == "" {
			name = "ret"
		} else if name == "" {
			name = fmt.Sprintf("ret%d", i)
		}
		add(name, r.Type)
	}
	return slots, off
}

// Slot returns the named slot, panicking if there is none.
func (in Instance) Slot(name string) Slot {
	slots, _ := in.Frame()
	for _, s := range slots {
		if s.Name == name {
			return s
		}
	}
	panic("spec: " + in.Name + " has no argument slot " + name)
}

func scalarSize(t string) int {
	switch t {
	case "float32", "int32", "uint32":
		return 4
	case "float64", "int", "int64", "uint64", "uint", "uintptr":
		return 8
	case "uint8", "int8", "bool":
		return 1
	case "uint16", "int16":
		return 2
	}
	if strings.HasPrefix(t, "*") {
		return 8
	}
	panic("spec: unknown type " + t)
}

func align(n, a int) int { return (n + a - 1) / a * a }
