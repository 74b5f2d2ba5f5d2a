package main

import (
	"testing"

	"github.com/lanes-go/lanes/gen/spec"
)

// TestActConsts checks that every act constant of the generator has the
// value of the constant of the same name in asm/act_generic.go, which the
// generic kernels use: the bodies are bit-identical only if they are.
func TestActConsts(t *testing.T) {
	n, bad, err := spec.SameConsts("act", []string{"act.go", "act32.go"}, []string{"../../internal/asm/act_generic.go"})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
	if n == 0 {
		t.Fatal("no act constants compared")
	}
	t.Logf("%d constants agree", n)
}
