package main

import "testing"

// TestEVEXDPBF16PS checks evexDPBF16PS against GNU as (binutils 2.40):
// `as` of "vdpbf16ps %zmm<src2>, %zmm<src1>, %zmm<dst>" and objdump -d, for
// registers that exercise every extension bit (R, R', X, B, V').
func TestEVEXDPBF16PS(t *testing.T) {
	for _, c := range []struct {
		dst, src1, src2 int
		want            [6]byte
	}{
		{0, 1, 2, [6]byte{0x62, 0xf2, 0x76, 0x48, 0x52, 0xc2}},
		{9, 17, 31, [6]byte{0x62, 0x12, 0x76, 0x40, 0x52, 0xcf}},
		{23, 28, 12, [6]byte{0x62, 0xc2, 0x1e, 0x40, 0x52, 0xfc}},
		{23, 27, 29, [6]byte{0x62, 0x82, 0x26, 0x40, 0x52, 0xfd}},
		{8, 25, 28, [6]byte{0x62, 0x12, 0x36, 0x40, 0x52, 0xc4}},
		{15, 14, 7, [6]byte{0x62, 0x72, 0x0e, 0x48, 0x52, 0xff}},
	} {
		if got := evexDPBF16PS(c.dst, c.src1, c.src2); got != c.want {
			t.Errorf("vdpbf16ps zmm%d, zmm%d, zmm%d: got % x, want % x", c.dst, c.src1, c.src2, got, c.want)
		}
	}
}
