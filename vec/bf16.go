package vec

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
)

// BF16 is a bfloat16 number held as its bits: the upper half of a float32
// (1 sign bit, 8 exponent bits, 7 fraction bits). It has float32's range
// and about 3 significant decimal digits (unit roundoff 2⁻⁸); matrix
// products take it as an operand and accumulate in float32 (mat.GemmBF16).
type BF16 uint16

// BF16Of returns x rounded to bfloat16 as ToBF16 does.
func BF16Of(x float32) BF16 { return BF16(asm.ToBF16Bits(x)) }

// Float32 returns h as a float32 (exact).
func (h BF16) Float32() float32 { return math.Float32frombits(uint32(h) << 16) }

// ToBF16 sets dst[i] to src[i] rounded to bfloat16, to nearest with ties to
// even, on every ISA with the same bits as this loop on the float32 bits b:
//
//	dst[i] = (b + 0x7fff + (b>>16)&1) >> 16   // b not NaN
//	dst[i] = b>>16 | 0x0040                   // NaN: stays a NaN, made quiet
//
// So ±0 and ±Inf are kept, finite values beyond the largest bfloat16
// (0x1.fep127 plus half an ulp) round to ±Inf, and subnormals are rounded
// like any other value (no flush to zero). The relative error is at most
// 2⁻⁹ for results in the normal range. It panics if the lengths differ.
func ToBF16(dst []BF16, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("vec.ToBF16: len(dst)=%d != len(src)=%d", len(dst), len(src)))
	}
	asm.Current().ToBF16(bf16Bits(dst), src)
}

// FromBF16 sets dst[i] to the float32 value of src[i] (exact: the bits
// shifted into the upper half). It panics if the lengths differ.
func FromBF16(dst []float32, src []BF16) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("vec.FromBF16: len(dst)=%d != len(src)=%d", len(dst), len(src)))
	}
	asm.Current().FromBF16(dst, bf16Bits(src))
}

// bf16Bits is x as its uint16 bits (the same memory).
func bf16Bits(x []BF16) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.SliceData(x)), len(x))
}
