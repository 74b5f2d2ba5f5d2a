package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"

	"github.com/lanes-go/lanes/gen/spec"
)

func init() {
	features["prob"] = func(in spec.Instance, isa spec.ISA) {
		switch in.Name {
		case "philox":
			if isa == spec.AVX512 {
				philoxAVX512Q()
			} else {
				philox(isa) // AVX2
			}
		case "uniform":
			uniformKernel(in, isa)
		case "moments":
			momentsKernel(in, isa)
		case "normalZig":
			if isa == spec.AVX512 {
				normalZigAVX512(in)
			} else {
				normalZigAVX2(in)
			}
		case "zigWedge":
			zigWedgeAVX512(in)
		case "normal":
			if isa == spec.AVX512 {
				normalAVX512(in)
			} else {
				normalAVX2(in)
			}
		default:
			panic("gen/amd64: no prob body for " + in.Name)
		}
	}
}

// u32Vector emits a read-only vector constant and returns its address.
func u32Vector(name string, vals []uint32) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i, v := range vals {
		DATA(4*i, U32(v))
	}
	return m
}

// u64Vector emits a read-only vector of eight quadwords.
func u64Vector(name string, vals ...uint64) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		DATA(8*i, U64(vals[i%len(vals)]))
	}
	return m
}
