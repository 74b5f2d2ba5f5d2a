package main

import (
	bin "encoding/binary"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// regs is a spread of register numbers: the extremes and values that set
// each bit of the 5-bit fields.
var regs = []V{0, 1, 2, 4, 8, 16, 17, 30, 31}

// decode disassembles w with the x/arch decoder in GNU syntax.
func decode(t *testing.T, w uint32) string {
	t.Helper()
	var b [4]byte
	bin.LittleEndian.PutUint32(b[:], w)
	inst, err := arm64asm.Decode(b[:])
	if err != nil {
		t.Fatalf("%#08x: %v", w, err)
	}
	return arm64asm.GNUSyntax(inst)
}

func check(t *testing.T, w Word) {
	t.Helper()
	if isBFDOT(w) {
		checkBFDOT(t, w) // arm64asm does not know the BF16 instructions
		return
	}
	if got := decode(t, w.Bits); got != w.Text {
		t.Errorf("WORD $%#08x decodes as %q, the emitter writes %q", w.Bits, got, w.Text)
	}
}

// TestEncodeAll decodes every word the tables can produce: every op, every
// arrangement it takes, and a spread of register numbers in every field.
func TestEncodeAll(t *testing.T) {
	n := 0
	for _, o := range ops3 {
		for _, a := range floatArrs {
			for _, d := range regs {
				for _, r := range regs {
					check(t, o.Encode(a, d, r, 31-r))
					n++
				}
			}
		}
	}
	for _, o := range ops2 {
		for _, a := range floatArrs {
			for _, d := range regs {
				for _, r := range regs {
					check(t, o.Encode(a, d, r))
					n++
				}
			}
		}
	}
	for _, o := range opsPair {
		for _, a := range pairArrs {
			for _, d := range regs {
				for _, r := range regs {
					check(t, o.Encode(a, d, r))
					n++
				}
			}
		}
	}
	for _, o := range opsElem {
		for _, a := range floatArrs {
			for lane := range 4 {
				if a.Elem == "d" && lane >= 2 {
					continue
				}
				for _, d := range regs {
					for _, r := range regs {
						check(t, o.Encode(a, d, r, 31-r, lane))
						n++
					}
				}
			}
		}
	}
	t.Logf("%d words decoded", n)
}

// TestEncodeKnown pins a few words to the encodings assembled by GNU as
// (TOOLCHAIN.md section 2), independently of the decoder.
func TestEncodeKnown(t *testing.T) {
	for _, c := range []struct {
		w    Word
		bits uint32
	}{
		{fadd.Encode(S4, 16, 16, 17), 0x4e31d610},
		{fadd.Encode(S4, 18, 18, 19), 0x4e33d652},
		{faddp.Encode(S4, 16, 16, 16), 0x6e30d610},
		{faddps.Encode(S2, 0, 16), 0x7e30da00},
		{fsub.Encode(S4, 0, 0, 0), 0x4ea0d400},
		{fmul.Encode(S4, 0, 0, 0), 0x6e20dc00},
		{fdiv.Encode(S4, 0, 0, 0), 0x6e20fc00},
		{fmax.Encode(S4, 0, 0, 0), 0x4e20f400},
		{fmin.Encode(S4, 0, 0, 0), 0x4ea0f400},
		{fmaxnm.Encode(S4, 0, 0, 0), 0x4e20c400},
		{fcmgt.Encode(S4, 0, 0, 0), 0x6ea0e400},
		{fcmeq.Encode(S4, 0, 0, 0), 0x4e20e400},
		{fabs.Encode(S4, 2, 1), 0x4ea0f822},
		{fneg.Encode(S4, 2, 1), 0x6ea0f822},
		{fsqrt.Encode(S4, 2, 1), 0x6ea1f822},
		{fcvtzs.Encode(S4, 2, 1), 0x4ea1b822},
		{scvtf.Encode(S4, 2, 1), 0x4e21d822},
		{frintn.Encode(S4, 2, 1), 0x4e218822},
		{frecpe.Encode(S4, 2, 1), 0x4ea1d822},
		{fmlaElem.Encode(S4, 3, 2, 1, 0), 0x4f811043},
		{fmulElem.Encode(S4, 3, 2, 1, 0), 0x4f819043},
		// The 2D form sets sz (bit 22).
		{fadd.Encode(D2, 16, 16, 17), 0x4e31d610 | 1<<22},
	} {
		if c.w.Bits != c.bits {
			t.Errorf("%s: %#08x, want %#08x", c.w.Text, c.w.Bits, c.bits)
		}
	}
}

var wordLine = regexp.MustCompile(`^\tWORD \$0x([0-9a-f]{8}) // (.*)$`)

// TestGeneratedWords decodes every WORD in the output of every feature.
func TestGeneratedWords(t *testing.T) {
	for f := range features {
		if f == "int8" {
			continue // SDOT: arm64asm cannot decode it; int8_test.go checks it against GNU as
		}
		s, _, err := generate(f, "asm", "test")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, line := range strings.Split(string(s), "\n") {
			if !strings.Contains(line, "WORD") {
				continue
			}
			m := wordLine.FindStringSubmatch(line)
			if m == nil {
				t.Errorf("%s: malformed WORD line %q", f, line)
				continue
			}
			w, _ := strconv.ParseUint(m[1], 16, 32)
			check(t, Word{uint32(w), m[2]})
			n++
		}
		t.Logf("%s: %d WORD lines", f, n)
	}
}
