package main

import (
	"go/constant"
	"go/token"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/gen/spec"
)

// TestActConsts checks that every act constant of the generator has the
// value of the constant of the same name in asm/act_generic.go, which the
// generic kernels use: the bodies are bit-identical only if they are.
// actSign and actAbs are this generator's own bit masks.
func TestActConsts(t *testing.T) {
	g, err := spec.Consts("act.go")
	if err != nil {
		t.Fatal(err)
	}
	a, err := spec.Consts("../../asm/act_generic.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, v := range g {
		if !strings.HasPrefix(name, "act") || name == "actSign" || name == "actAbs" {
			continue
		}
		w, ok := a[name]
		if !ok {
			t.Errorf("%s: no constant of that name in asm/act_generic.go", name)
			continue
		}
		if !constant.Compare(v, token.EQL, w) {
			t.Errorf("%s = %v here, %v in asm/act_generic.go", name, v, w)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no act constants compared")
	}
	t.Logf("%d constants agree", n)
}
