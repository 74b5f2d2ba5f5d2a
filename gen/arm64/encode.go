package main

import "fmt"

// This file encodes the A64 Advanced SIMD floating-point instructions that
// Go's assembler does not accept (it knows VFMLA and VFMLS and no other vector
// floating-point op). Each is emitted as
//
//	WORD $0x4e31d610 // fadd v16.4s, v16.4s, v17.4s
//
// The encodings are table-driven: a form (the bit layout of one instruction
// class) plus a base word per op, or-ed with the arrangement bits (Q, bit 30;
// sz, bit 22) and the register fields (m<<16 | n<<5 | d). The comment is the
// GNU syntax; encode_test.go decodes every word the tables can produce with
// golang.org/x/arch/arm64/arm64asm and checks it against that comment.

// Word is one encoded instruction and its GNU-syntax disassembly.
type Word struct {
	Bits uint32
	Text string
}

// Arr is a vector arrangement of floating-point lanes.
type Arr struct {
	Go    string // Go assembler suffix: "S4"
	GNU   string // GNU suffix: "4s"
	Elem  string // element letter: "s" (float32) or "d" (float64)
	Lanes int
	q, sz uint32 // bit 30 (128-bit vector), bit 22 (64-bit elements)
}

// The floating-point arrangements. There is no vector 1D form of the
// floating-point ops; use the scalar instructions for a single float64.
var (
	S2 = Arr{"S2", "2s", "s", 2, 0, 0}
	S4 = Arr{"S4", "4s", "s", 4, 1, 0}
	D2 = Arr{"D2", "2d", "d", 2, 1, 1}
)

// floatArrs is every arrangement the vector forms accept.
var floatArrs = []Arr{S2, S4, D2}

func (a Arr) bits() uint32 { return a.q<<30 | a.sz<<22 }

// V is a SIMD&FP register number, V0..V31.
type V uint8

func (v V) check() uint32 {
	if v > 31 {
		panic(fmt.Sprintf("gen/arm64: no register V%d", v))
	}
	return uint32(v)
}

// gnu is the register with an arrangement in GNU syntax: "v3.4s".
func (v V) gnu(a Arr) string { return fmt.Sprintf("v%d.%s", v, a.GNU) }

// Op3 is a three-register vector op, "op Vd.T, Vn.T, Vm.T" (AdvSIMD three
// same, floating point).
type Op3 struct {
	Name string
	Base uint32 // 64-bit (2S) form, no registers
}

// Encode returns "Name Vd.a, Vn.a, Vm.a".
func (o Op3) Encode(a Arr, d, n, m V) Word {
	return Word{
		o.Base | a.bits() | m.check()<<16 | n.check()<<5 | d.check(),
		fmt.Sprintf("%s %s, %s, %s", o.Name, d.gnu(a), n.gnu(a), m.gnu(a)),
	}
}

// Op2 is a two-register vector op, "op Vd.T, Vn.T" (AdvSIMD two-register
// miscellaneous, floating point).
type Op2 struct {
	Name string
	Base uint32
}

// Encode returns "Name Vd.a, Vn.a".
func (o Op2) Encode(a Arr, d, n V) Word {
	return Word{
		o.Base | a.bits() | n.check()<<5 | d.check(),
		fmt.Sprintf("%s %s, %s", o.Name, d.gnu(a), n.gnu(a)),
	}
}

// OpPair is a scalar pairwise op, "op Sd, Vn.2S" or "op Dd, Vn.2D": it
// combines the two low lanes of Vn into a scalar (AdvSIMD scalar pairwise).
type OpPair struct {
	Name string
	Base uint32
}

// Encode returns "Name sd, vn.2s" (a = S2) or "Name dd, vn.2d" (a = D2).
func (o OpPair) Encode(a Arr, d, n V) Word {
	if a != S2 && a != D2 {
		panic("gen/arm64: " + o.Name + " (scalar pairwise) takes 2S or 2D, not " + a.Go)
	}
	return Word{
		o.Base | a.sz<<22 | n.check()<<5 | d.check(),
		fmt.Sprintf("%s %s%d, %s", o.Name, a.Elem, d, n.gnu(a)),
	}
}

// OpElem is a vector-by-element op, "op Vd.T, Vn.T, Vm.Ts[i]" (AdvSIMD vector
// x indexed element, floating point): lane i of Vm times every lane of Vn.
type OpElem struct {
	Name string
	Base uint32
}

// Encode returns "Name Vd.a, Vn.a, Vm.e[i]".
func (o OpElem) Encode(a Arr, d, n, m V, i int) Word {
	var hl uint32 // H is bit 11, L bit 21
	switch {
	case a.sz == 0 && i >= 0 && i < 4:
		hl = uint32(i>>1)<<11 | uint32(i&1)<<21
	case a.sz == 1 && i >= 0 && i < 2:
		hl = uint32(i) << 11
	default:
		panic(fmt.Sprintf("gen/arm64: %s: no lane %d in %s", o.Name, i, a.Go))
	}
	return Word{
		o.Base | a.bits() | hl | m.check()<<16 | n.check()<<5 | d.check(),
		fmt.Sprintf("%s %s, %s, v%d.%s[%d]", o.Name, d.gnu(a), n.gnu(a), m, a.Elem, i),
	}
}

// The tables. Base words are the 2S form with all register fields zero; the
// test checks each against the decoder for every arrangement.
var (
	fadd   = Op3{"fadd", 0x0e20d400}
	fsub   = Op3{"fsub", 0x0ea0d400}
	fmul   = Op3{"fmul", 0x2e20dc00}
	fdiv   = Op3{"fdiv", 0x2e20fc00}
	fmax   = Op3{"fmax", 0x0e20f400}
	fmin   = Op3{"fmin", 0x0ea0f400}
	fmaxnm = Op3{"fmaxnm", 0x0e20c400}
	fminnm = Op3{"fminnm", 0x0ea0c400}
	fabd   = Op3{"fabd", 0x2ea0d400}
	faddp  = Op3{"faddp", 0x2e20d400}
	fmaxp  = Op3{"fmaxp", 0x2e20f400}
	fminp  = Op3{"fminp", 0x2ea0f400}
	fcmeq  = Op3{"fcmeq", 0x0e20e400}
	fcmge  = Op3{"fcmge", 0x2e20e400}
	fcmgt  = Op3{"fcmgt", 0x2ea0e400}
	frecps = Op3{"frecps", 0x0e20fc00}
	frsqrt = Op3{"frsqrts", 0x0ea0fc00}

	fabs    = Op2{"fabs", 0x0ea0f800}
	fneg    = Op2{"fneg", 0x2ea0f800}
	fsqrt   = Op2{"fsqrt", 0x2ea1f800}
	frintn  = Op2{"frintn", 0x0e218800}
	frintm  = Op2{"frintm", 0x0e219800}
	frintp  = Op2{"frintp", 0x0ea18800}
	frintz  = Op2{"frintz", 0x0ea19800}
	frinta  = Op2{"frinta", 0x2e218800}
	fcvtzs  = Op2{"fcvtzs", 0x0ea1b800}
	fcvtzu  = Op2{"fcvtzu", 0x2ea1b800}
	scvtf   = Op2{"scvtf", 0x0e21d800}
	ucvtf   = Op2{"ucvtf", 0x2e21d800}
	frecpe  = Op2{"frecpe", 0x0ea1d800}
	frsqrte = Op2{"frsqrte", 0x2ea1d800}

	faddps   = OpPair{"faddp", 0x7e30d800}
	fmaxps   = OpPair{"fmaxp", 0x7e30f800}
	fminps   = OpPair{"fminp", 0x7eb0f800}
	fmaxnmps = OpPair{"fmaxnmp", 0x7e30c800}
	fminnmps = OpPair{"fminnmp", 0x7eb0c800}

	fmlaElem = OpElem{"fmla", 0x0f801000}
	fmlsElem = OpElem{"fmls", 0x0f805000}
	fmulElem = OpElem{"fmul", 0x0f809000}
)

// Every op, for the decoder test.
var (
	ops3     = []Op3{fadd, fsub, fmul, fdiv, fmax, fmin, fmaxnm, fminnm, fabd, faddp, fmaxp, fminp, fcmeq, fcmge, fcmgt, frecps, frsqrt}
	ops2     = []Op2{fabs, fneg, fsqrt, frintn, frintm, frintp, frintz, frinta, fcvtzs, fcvtzu, scvtf, ucvtf, frecpe, frsqrte}
	opsPair  = []OpPair{faddps, fmaxps, fminps, fmaxnmps, fminnmps}
	opsElem  = []OpElem{fmlaElem, fmlsElem, fmulElem}
	pairArrs = []Arr{S2, D2}
)
