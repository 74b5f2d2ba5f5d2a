package main

import (
	"fmt"
	"testing"
)

// TestBFDOT checks the BFDOT (by element) encoding against GNU as
// (binutils 2.40, aarch64-linux-gnu-as -march=armv8.6-a+bf16, then
// objdump): x/arch's arm64asm does not decode the BF16 instructions.
func TestBFDOT(t *testing.T) {
	for _, c := range []struct {
		d, n, m V
		i       int
		want    uint32
		text    string
	}{
		{1, 2, 19, 3, 0x4f73f841, "bfdot v1.4s, v2.8h, v19.2h[3]"},
		{31, 30, 29, 0, 0x4f5df3df, "bfdot v31.4s, v30.8h, v29.2h[0]"},
		{0, 24, 28, 1, 0x4f7cf300, "bfdot v0.4s, v24.8h, v28.2h[1]"},
		{23, 27, 29, 2, 0x4f5dfb77, "bfdot v23.4s, v27.8h, v29.2h[2]"},
	} {
		w := bfdot(c.d, c.n, c.m, c.i)
		if w.Bits != c.want || w.Text != c.text {
			t.Errorf("bfdot(%d, %d, %d, %d) = %#08x %q, want %#08x %q", c.d, c.n, c.m, c.i, w.Bits, w.Text, c.want, c.text)
		}
	}
}

// isBFDOT reports whether w is in the encoding class of BFDOT (by element).
func isBFDOT(w Word) bool { return w.Bits&0xbfc0f400 == 0x0f40f000 }

// checkBFDOT checks a generated BFDOT word: its text parses back to the
// operands that bfdot (whose bits TestBFDOT checks against GNU as) encodes
// to the same word.
func checkBFDOT(t *testing.T, w Word) {
	t.Helper()
	var d, n, m V
	var i int
	if _, err := fmt.Sscanf(w.Text, "bfdot v%d.4s, v%d.8h, v%d.2h[%d]", &d, &n, &m, &i); err != nil {
		t.Errorf("WORD $%#08x: comment %q is not a bfdot: %v", w.Bits, w.Text, err)
		return
	}
	if e := bfdot(d, n, m, i); e != w {
		t.Errorf("WORD $%#08x // %s: bfdot encodes it as %#08x", w.Bits, w.Text, e.Bits)
	}
}
