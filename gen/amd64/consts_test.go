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
func TestActConsts(t *testing.T) {
	checkConsts(t, "act", []string{"act.go", "act32.go"}, []string{"../../asm/act_generic.go"})
}

func checkConsts(t *testing.T, prefix string, gen, generic []string) {
	t.Helper()
	g, err := spec.Consts(gen...)
	if err != nil {
		t.Fatal(err)
	}
	a, err := spec.Consts(generic...)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, v := range g {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		w, ok := a[name]
		if !ok {
			t.Errorf("%s: no constant of that name in %v", name, generic)
			continue
		}
		if !constant.Compare(v, token.EQL, w) {
			t.Errorf("%s = %v here, %v in %v", name, v, w, generic)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("no %s constants compared", prefix)
	}
	t.Logf("%d constants agree", n)
}
