package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// evexOnly matches operands that only EVEX (AVX-512) encodings can name:
// vector registers 16..31, ZMM registers and opmask registers. An AVX2
// body that uses one (avo allocates X16..X31 when it runs out of the first
// sixteen) would SIGILL on a CPU without AVX-512.
var evexOnly = regexp.MustCompile(`\b([XY](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7])\b`)

// TestAVX2BodiesAreVEX checks every AVX2 function of the generated prob
// assembly for EVEX-only operands.
func TestAVX2BodiesAreVEX(t *testing.T) {
	src, err := os.ReadFile("../../internal/asm/prob_amd64.s")
	if err != nil {
		t.Skip(err)
	}
	fn, n := "", 0
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			fn = line
			continue
		}
		if !strings.Contains(fn, "AVX2(SB)") || strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		n++
		if evexOnly.MatchString(line) {
			t.Errorf("line %d, %s: EVEX-only operand in an AVX2 body: %q", i+1, fn, line)
		}
	}
	if n == 0 {
		t.Fatal("no AVX2 bodies found")
	}
}
