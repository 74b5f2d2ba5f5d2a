package isa

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestAvailable(t *testing.T) {
	av := Available()
	if len(av) == 0 || av[len(av)-1] != Generic {
		t.Fatalf("Available() = %v: must end with generic", av)
	}
	if !Supported(Active()) {
		t.Fatalf("Active() = %s is not in %v", Active(), av)
	}
	if runtime.GOARCH == "arm64" && len(av) == 1 && !strings.Contains(Reason(), "no assembly") {
		t.Fatalf("arm64 without NEON: %v (%s)", av, Reason())
	}
}

// TestChoose: LANES_ISA forces an available ISA; anything else falls back to
// the best one with exactly one line on stderr, and never panics.
func TestChoose(t *testing.T) {
	defer choose("", &bytes.Buffer{}) // restore the default
	pick := func(i ISA) (want, msg string) {
		if supported(i) {
			return string(i), ""
		}
		return string(available[0]), "not supported"
	}
	neon, neonMsg := pick(NEON)
	avx, avxMsg := pick(AVX512)
	for _, c := range []struct {
		env, want, msg string
	}{
		{"", string(available[0]), ""},
		{"generic", "generic", ""},
		{" GENERIC ", "generic", ""},
		{"sse9", string(available[0]), "is not an ISA"},
		{"neon", neon, neonMsg},
		{"avx512", avx, avxMsg},
	} {
		var w bytes.Buffer
		choose(c.env, &w)
		if string(Active()) != c.want {
			t.Errorf("LANES_ISA=%q: active %s, want %s", c.env, Active(), c.want)
		}
		if c.msg == "" && w.Len() != 0 || c.msg != "" && (!strings.Contains(w.String(), c.msg) || strings.Count(w.String(), "\n") != 1) {
			t.Errorf("LANES_ISA=%q: stderr %q, want one line containing %q", c.env, w.String(), c.msg)
		}
		if c.env != "" && c.msg == "" && !strings.Contains(Reason(), "LANES_ISA") {
			t.Errorf("LANES_ISA=%q: Reason() = %q does not name LANES_ISA", c.env, Reason())
		}
	}
}

// TestFeatures: features belong to available assembly ISAs only, and Has
// follows the active ISA.
func TestFeatures(t *testing.T) {
	if f := Features(Generic); len(f) != 0 {
		t.Fatalf("Features(generic) = %v, want none", f)
	}
	for _, i := range []ISA{AVX2, AVX512, NEON} {
		fs := Features(i)
		if len(fs) != 0 && !Supported(i) {
			t.Errorf("Features(%s) = %v for an ISA that is not available", i, fs)
		}
		for _, f := range fs {
			if f != BF16 && f != Int8 {
				t.Errorf("Features(%s) has unknown %q", i, f)
			}
			if !HasFeature(i, f) {
				t.Errorf("HasFeature(%s, %s) = false, but Features lists it", i, f)
			}
		}
		if i == AVX2 && HasFeature(i, BF16) {
			t.Errorf("avx2 has no bf16 dot product, Features(avx2) = %v", fs)
		}
	}
	for _, f := range []Feature{BF16, Int8} {
		if Has(f) != HasFeature(Active(), f) {
			t.Errorf("Has(%s) = %v disagrees with HasFeature(%s)", f, Has(f), Active())
		}
	}
	t.Logf("features: avx512 %v, avx2 %v, neon %v", Features(AVX512), Features(AVX2), Features(NEON))
}
