package main

import (
	"fmt"
	"strings"

	"github.com/lanes-go/lanes/gen/spec"
)

// Asm accumulates the body of one TEXT block for one kernel instance.
//
// Operand order: a method named after a Go assembler mnemonic takes its
// operands in Go's (Plan 9) order, source first, exactly as it prints them
// (VFMLA(a, m, n, d) writes "VFMLA Vm, Vn, Vd", which is d += n·m). Methods
// that write a WORD (V3, V2, Pair, Elem) take the GNU order, destination
// first, as their comment prints it.
type Asm struct {
	in     spec.Instance
	T      Float // the element type of the instance
	b      strings.Builder
	labels map[string]bool // defined
	refs   map[string]bool // branched to
}

func newAsm(in spec.Instance) *Asm {
	a := &Asm{in: in, labels: map[string]bool{}, refs: map[string]bool{}}
	if in.T != spec.Untyped {
		a.T = floatOf(in.T)
	}
	return a
}

// text returns the body, checking that every branch target is defined.
func (a *Asm) text() (string, error) {
	for l := range a.refs {
		if !a.labels[l] {
			return "", fmt.Errorf("branch to undefined label %s", l)
		}
	}
	s := a.b.String()
	if !strings.HasSuffix(s, "\tRET\n") {
		return "", fmt.Errorf("body does not end with RET")
	}
	return s, nil
}

// Float describes a floating-point element type for the emitter.
type Float struct {
	spec.Type
	Arr   Arr    // full 128-bit vector: S4 or D2
	Lanes int    // elements per vector
	Sfx   string // scalar instruction suffix: "S" or "D"
	Shift int    // log2(Size)
}

func floatOf(t spec.Type) Float {
	switch t {
	case spec.F32:
		return Float{t, S4, 4, "S", 2}
	case spec.F64:
		return Float{t, D2, 2, "D", 3}
	}
	panic("gen/arm64: no float type " + t.Go)
}

// R is a general-purpose register. Kernels use R0..R17: R18 is the platform
// register, R26..R30 are Go's (closure context, REGTMP, g, FP, LR).
type R uint8

func (r R) String() string {
	if r > 17 {
		panic(fmt.Sprintf("gen/arm64: kernels may not use R%d", r))
	}
	return fmt.Sprintf("R%d", r)
}

// String is the whole register in Go syntax: "V3".
func (v V) String() string { v.check(); return fmt.Sprintf("V%d", v) }

// F is the scalar view of the register (its low lane): "F3".
func (v V) F() string { v.check(); return fmt.Sprintf("F%d", v) }

// A is the register with an arrangement: "V3.S4".
func (v V) A(a Arr) string { v.check(); return fmt.Sprintf("V%d.%s", v, a.Go) }

// B16 is the register as 16 bytes, the arrangement of the bitwise ops.
func (v V) B16() string { v.check(); return fmt.Sprintf("V%d.B16", v) }

// Lane is one lane: "V3.S[1]".
func (v V) Lane(a Arr, i int) string {
	v.check()
	return fmt.Sprintf("V%d.%s[%d]", v, strings.ToUpper(a.Elem), i)
}

// Arg is the FP-relative operand of an argument slot: "x_base+0(FP)".
func (a *Asm) Arg(slot string) string {
	s := a.in.Slot(slot)
	return fmt.Sprintf("%s+%d(FP)", s.Name, s.Offset)
}

// Ins writes one instruction with its operands in Go order.
func (a *Asm) Ins(op string, args ...string) {
	a.b.WriteString("\t" + op)
	if len(args) > 0 {
		a.b.WriteString(" " + strings.Join(args, ", "))
	}
	a.b.WriteString("\n")
}

// Comment writes a comment line.
func (a *Asm) Comment(format string, args ...any) {
	fmt.Fprintf(&a.b, "\n\t// %s\n", fmt.Sprintf(format, args...))
}

// Label defines a branch target.
func (a *Asm) Label(name string) {
	if a.labels[name] {
		panic("gen/arm64: label " + name + " defined twice")
	}
	a.labels[name] = true
	a.b.WriteString(name + ":\n")
}

func (a *Asm) branch(op string, args ...string) {
	a.refs[args[len(args)-1]] = true
	a.Ins(op, args...)
}

// Branches and control.
func (a *Asm) B(label string)             { a.branch("B", label) }
func (a *Asm) BNE(label string)           { a.branch("BNE", label) }
func (a *Asm) CBZ(r R, label string)      { a.branch("CBZ", r.String(), label) }
func (a *Asm) CBNZ(r R, label string)     { a.branch("CBNZ", r.String(), label) }
func (a *Asm) TBZ(bit int, r R, l string) { a.branch("TBZ", fmt.Sprintf("$%d", bit), r.String(), l) }
func (a *Asm) RET()                       { a.Ins("RET") }

// Integer ops.
func (a *Asm) MOVD(src string, dst R) { a.Ins("MOVD", src, dst.String()) }
func (a *Asm) LSR(shift int, src, dst R) {
	a.Ins("LSR", fmt.Sprintf("$%d", shift), src.String(), dst.String())
}
func (a *Asm) SUBS(imm int, src, dst R) {
	a.Ins("SUBS", fmt.Sprintf("$%d", imm), src.String(), dst.String())
}
func (a *Asm) MOVDConst(c uint64, dst R)    { a.Ins("MOVD", fmt.Sprintf("$0x%x", c), dst.String()) }
func (a *Asm) Load(slot string, dst R)      { a.MOVD(a.Arg(slot), dst) }
func (a *Asm) LoadF(slot string, dst V)     { a.Ins("FMOV"+a.T.Sfx, a.Arg(slot), dst.F()) }
func (a *Asm) StoreF(src V, slot string)    { a.Ins("FMOV"+a.T.Sfx, src.F(), a.Arg(slot)) }
func (a *Asm) VZero(v V)                    { a.Ins("VEOR", v.B16(), v.B16(), v.B16()) }
func (a *Asm) VMOV(src, dst V)              { a.Ins("VMOV", src.B16(), dst.B16()) }
func (a *Asm) VDUPLane(src V, i int, dst V) { a.Ins("VDUP", src.Lane(a.T.Arr, i), dst.A(a.T.Arr)) }
func (a *Asm) VDUPR(src R, dst V)           { a.Ins("VDUP", src.String(), dst.A(a.T.Arr)) }

// regList is "[V0.S4, V1.S4]": count consecutive registers from first.
func regList(arr Arr, first V, count int) string {
	if count < 1 || count > 4 {
		panic(fmt.Sprintf("gen/arm64: a register list holds 1..4 registers, not %d", count))
	}
	s := make([]string, count)
	for i := range s {
		s[i] = (first + V(i)).A(arr)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// VLD1P loads count vectors from base into first, first+1, ..., and advances
// base past them. It splits the list into VLD1s of at most four registers.
func (a *Asm) VLD1P(base R, first V, count int) {
	for count > 0 {
		k := min(count, 4)
		a.Ins("VLD1.P", fmt.Sprintf("%d(%s)", 16*k, base), regList(a.T.Arr, first, k))
		first, count = first+V(k), count-k
	}
}

// VST1P stores count vectors from first, first+1, ... at base and advances
// base past them.
func (a *Asm) VST1P(first V, count int, base R) {
	for count > 0 {
		k := min(count, 4)
		a.Ins("VST1.P", regList(a.T.Arr, first, k), fmt.Sprintf("%d(%s)", 16*k, base))
		first, count = first+V(k), count-k
	}
}

// VFMLA is d += n·m lane-wise, fused (one rounding).
func (a *Asm) VFMLA(arr Arr, m, n, d V) { a.Ins("VFMLA", m.A(arr), n.A(arr), d.A(arr)) }

// Scalar floating point, in the width of the instance's type.

// FLoadP loads bytes (4 or 8) from base into the low lanes of d (zeroing the
// rest of the register) and advances base.
func (a *Asm) FLoadP(base R, bytes int, d V) {
	a.Ins(fmovOf(bytes)+".P", fmt.Sprintf("%d(%s)", bytes, base), d.F())
}

// FStoreP stores the low bytes (4 or 8) of s at base and advances base.
func (a *Asm) FStoreP(s V, bytes int, base R) {
	a.Ins(fmovOf(bytes)+".P", s.F(), fmt.Sprintf("%d(%s)", bytes, base))
}

// FLoad loads bytes (4 or 8) from base into the low lanes of d.
func (a *Asm) FLoad(base R, bytes int, d V) {
	a.Ins(fmovOf(bytes), fmt.Sprintf("(%s)", base), d.F())
}

func fmovOf(bytes int) string {
	switch bytes {
	case 4:
		return "FMOVS"
	case 8:
		return "FMOVD"
	}
	panic(fmt.Sprintf("gen/arm64: no scalar FP move of %d bytes", bytes))
}

// FOP is a scalar op "OP Fm, Fn, Fd" (d = n op m) with the type's suffix:
// op is "FADD", "FSUB", "FMUL", "FMAX", ...
func (a *Asm) FOP(op string, m, n, d V) { a.Ins(op+a.T.Sfx, m.F(), n.F(), d.F()) }

// FMADD is d = acc + n·m, fused.
func (a *Asm) FMADD(m, acc, n, d V) { a.Ins("FMADD"+a.T.Sfx, m.F(), acc.F(), n.F(), d.F()) }

// WORD-encoded ops (GNU operand order: destination first).

// W writes an encoded instruction with its disassembly as a comment.
func (a *Asm) W(w Word) { fmt.Fprintf(&a.b, "\tWORD $0x%08x // %s\n", w.Bits, w.Text) }

func (a *Asm) V3(o Op3, arr Arr, d, n, m V)                { a.W(o.Encode(arr, d, n, m)) }
func (a *Asm) V2(o Op2, arr Arr, d, n V)                   { a.W(o.Encode(arr, d, n)) }
func (a *Asm) Pair(o OpPair, arr Arr, d, n V)              { a.W(o.Encode(arr, d, n)) }
func (a *Asm) Elem(o OpElem, arr Arr, d, n, m V, lane int) { a.W(o.Encode(arr, d, n, m, lane)) }
