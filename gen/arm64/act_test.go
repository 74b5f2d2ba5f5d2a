package main

import "testing"

// TestActEncode decodes every act-specific WORD for a spread of registers.
func TestActEncode(t *testing.T) {
	for _, o := range actOps2 {
		for _, d := range regs {
			for _, n := range regs {
				check(t, o.Encode(d, n))
			}
		}
	}
}

// TestSshrEncode decodes SSHR (alg's SarI) for every shift and both
// arrangements.
func TestSshrEncode(t *testing.T) {
	for _, arr := range []Arr{D2, S4} {
		bits := 64
		if arr == S4 {
			bits = 32
		}
		for sh := 1; sh <= bits; sh++ {
			for _, d := range regs {
				check(t, sshr.Encode(arr, d, 31-d, sh))
			}
		}
	}
}
