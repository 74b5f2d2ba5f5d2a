package main

import "testing"

// TestEncodeUmull decodes every UMULL/UMULL2 form the philox kernel can
// emit, over a spread of registers, and pins one word of each to the
// encoding assembled by GNU as.
func TestEncodeUmull(t *testing.T) {
	n := 0
	for _, upper := range []bool{false, true} {
		for _, d := range regs {
			for _, r := range regs {
				check(t, umull.Encode(upper, d, r, 31-r))
				n++
			}
		}
	}
	t.Logf("%d words decoded", n)
	for _, c := range []struct {
		w    Word
		bits uint32
	}{
		{umull.Encode(false, 22, 4, 26), 0x2ebac096}, // umull v22.2d, v4.2s, v26.2s
		{umull.Encode(true, 23, 4, 26), 0x6ebac097},  // umull2 v23.2d, v4.4s, v26.4s
	} {
		if c.w.Bits != c.bits {
			t.Errorf("%s: %#08x, want %#08x", c.w.Text, c.w.Bits, c.bits)
		}
	}
}

// TestEncodeFcvtn pins one FCVTN word (TestActEncode decodes every form)
// to the encoding assembled by GNU as.
func TestEncodeFcvtn(t *testing.T) {
	if w := actFcvtn.Encode(11, 7); w.Bits != 0x0e6168eb {
		t.Errorf("%s: %#08x, want 0x0e6168eb", w.Text, w.Bits)
	}
}

// TestEncodeFcvtl decodes every FCVTL/FCVTL2 form the moments kernel can
// emit.
func TestEncodeFcvtl(t *testing.T) {
	for _, upper := range []bool{false, true} {
		for _, d := range regs {
			for _, r := range regs {
				check(t, fcvtl.Encode(upper, d, r))
			}
		}
	}
}
