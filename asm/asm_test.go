package asm

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
	for _, isa := range av {
		if Get(isa) == nil {
			t.Fatalf("Get(%s) = nil", isa)
		}
	}
	if !supported(Active()) || Current() != tables[Active()] {
		t.Fatalf("Active() = %s, not consistent with Current()", Active())
	}
	switch runtime.GOARCH {
	case "arm64":
		if !supported(NEON) && !purego {
			t.Fatalf("arm64 without NEON: %v", av)
		}
	}
}

// TestChoose: LANES_ISA forces an available ISA; anything else falls back to
// the best one with exactly one line on stderr, and never panics.
func TestChoose(t *testing.T) {
	defer choose("", &bytes.Buffer{}) // restore the default
	for _, c := range []struct {
		env, want, msg string
	}{
		{"", string(available[0]), ""},
		{"generic", "generic", ""},
		{" GENERIC ", "generic", ""},
		{"sse9", string(available[0]), "is not an ISA"},
		{"neon", map[bool]string{true: "neon", false: string(available[0])}[supported(NEON)], map[bool]string{true: "", false: "not supported"}[supported(NEON)]},
		{"avx512", map[bool]string{true: "avx512", false: string(available[0])}[supported(AVX512)], map[bool]string{true: "", false: "not supported"}[supported(AVX512)]},
	} {
		var w bytes.Buffer
		choose(c.env, &w)
		if string(Active()) != c.want {
			t.Errorf("LANES_ISA=%q: active %s, want %s", c.env, Active(), c.want)
		}
		if c.msg == "" && w.Len() != 0 || c.msg != "" && (!strings.Contains(w.String(), c.msg) || strings.Count(w.String(), "\n") != 1) {
			t.Errorf("LANES_ISA=%q: stderr %q, want one line containing %q", c.env, w.String(), c.msg)
		}
		if Current() != tables[Active()] {
			t.Errorf("LANES_ISA=%q: Current() does not match Active()", c.env)
		}
	}
}

func TestGetUnavailablePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "asm.Get") {
			t.Fatalf("recover() = %v", r)
		}
	}()
	Get("mmx")
}
