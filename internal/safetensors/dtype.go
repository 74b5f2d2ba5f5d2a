package safetensors

import "math/bits"

// dtypeInfo describes one element type of the format.
type dtypeInfo struct {
	name string
	bits uint64 // bits per element; F4 and F6_* are not whole bytes
	rank int    // position in the reference's Dtype enum; the writer sorts by it, descending
}

// dtypes lists every dtype of the reference implementation
// (huggingface/safetensors, safetensors/src/tensor.rs, enum Dtype), in the
// enum's declaration order. That order is part of the format as written:
// the reference writer lays tensors out by descending enum position (which
// is roughly descending alignment), so the order here must not change.
var dtypes = [...]dtypeInfo{
	{"BOOL", 8, 0},
	{"F4", 4, 1},
	{"F6_E2M3", 6, 2},
	{"F6_E3M2", 6, 3},
	{"U8", 8, 4},
	{"I8", 8, 5},
	{"F8_E5M2", 8, 6},
	{"F8_E4M3", 8, 7},
	{"F8_E8M0", 8, 8},
	{"F8_E4M3FNUZ", 8, 9},
	{"F8_E5M2FNUZ", 8, 10},
	{"I16", 16, 11},
	{"U16", 16, 12},
	{"F16", 16, 13},
	{"BF16", 16, 14},
	{"I32", 32, 15},
	{"U32", 32, 16},
	{"F32", 32, 17},
	{"C64", 64, 18},
	{"F64", 64, 19},
	{"I64", 64, 20},
	{"U64", 64, 21},
}

var dtypeByName = func() map[string]*dtypeInfo {
	m := make(map[string]*dtypeInfo, len(dtypes))
	for i := range dtypes {
		m[dtypes[i].name] = &dtypes[i]
	}
	return m
}()

// lookupDType returns the description of the dtype called name, or nil.
func lookupDType(name string) *dtypeInfo { return dtypeByName[name] }

// byteSize returns the number of bytes of a tensor of this dtype and shape
// (shape's entries must be ≥ 0). overflow reports that the number of bits
// does not fit in a uint64, partial that it is not a multiple of 8.
func (d *dtypeInfo) byteSize(shape []int) (size uint64, overflow, partial bool) {
	n := uint64(1)
	for _, s := range shape {
		hi, lo := bits.Mul64(n, uint64(s))
		if hi != 0 {
			return 0, true, false
		}
		n = lo
	}
	hi, nbits := bits.Mul64(n, d.bits)
	if hi != 0 {
		return 0, true, false
	}
	if nbits%8 != 0 {
		return 0, false, true
	}
	return nbits / 8, false, false
}
