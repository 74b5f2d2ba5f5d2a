package asm

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAVX2UsesNoAVX512 reads every generated amd64 file: a function for the
// avx2 table must not touch X16–X31, Y16–Y31, ZMM or opmask registers (their
// EVEX encodings fault on a CPU without AVX-512). avo's register allocator
// hands them out when more than 16 vectors are live, so this can happen
// silently in any generator.
func TestAVX2UsesNoAVX512(t *testing.T) {
	files, err := filepath.Glob("*_amd64.s")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated amd64 files: %v", err)
	}
	evex := regexp.MustCompile(`\b([XY](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7])\b`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fn := ""
		for i, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(line, "TEXT ") {
				fn = line
				continue
			}
			code, _, _ := strings.Cut(line, "//")
			if strings.Contains(fn, "AVX2(SB)") && evex.MatchString(code) {
				t.Errorf("%s:%d: AVX2 function uses an AVX-512 register: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
