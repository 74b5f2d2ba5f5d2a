package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/gen/spec"
)

// The go:generate line in asm/asm.go runs in gen/arm64 with these flags.
func goGenerate(feature string) (cmd, out, stubs string) {
	out = "../../internal/asm/" + feature + "_arm64.s"
	stubs = "../../internal/asm/" + feature + "_arm64.go"
	cmd = fmt.Sprintf("go run -C ../../gen/arm64 . -feature %s -out %s -stubs %s -pkg asm", feature, out, stubs)
	return cmd, out, stubs
}

var generatedHeader = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

func TestHeaderAndDeterminism(t *testing.T) {
	for f := range features {
		cmd, _, _ := goGenerate(f)
		s1, g1, err := generate(f, "asm", cmd)
		if err != nil {
			t.Fatal(err)
		}
		s2, g2, _ := generate(f, "asm", cmd)
		if !bytes.Equal(s1, s2) || !bytes.Equal(g1, g2) {
			t.Errorf("%s: two runs differ", f)
		}
		for _, b := range [][]byte{s1, g1} {
			lines := strings.SplitN(string(b), "\n", 4)
			if !generatedHeader.MatchString(lines[0]) || lines[2] != "//go:build !purego" {
				t.Errorf("%s: header %q", f, lines[:3])
			}
		}
	}
}

var (
	textLine = regexp.MustCompile(`^TEXT ·(\w+)\(SB\), NOSPLIT, \$0-(\d+)$`)
	fpArg    = regexp.MustCompile(`(\w+)\+(\d+)\(FP\)`)
)

// TestFrames checks the assembly against gen/spec (one TEXT per instance,
// the frame size, every FP operand's name and offset) and the stubs against
// the signatures. go vet's asmdecl checks the same on the asm package; this
// catches it in the generator.
func TestFrames(t *testing.T) {
	for f := range features {
		s, g, err := generate(f, "asm", "test")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]spec.Instance{}
		for _, in := range spec.Feature(f) {
			if in.Has(spec.NEON) {
				want[in.Func(spec.NEON)] = in
			}
		}
		var cur *spec.Instance
		seen := map[string]bool{}
		for _, line := range strings.Split(string(s), "\n") {
			if m := textLine.FindStringSubmatch(line); m != nil {
				in, ok := want[m[1]]
				if !ok || seen[m[1]] {
					t.Fatalf("unexpected or repeated TEXT %s", m[1])
				}
				seen[m[1]] = true
				cur = &in
				if _, size := in.Frame(); strconv.Itoa(size) != m[2] {
					t.Errorf("%s: frame $0-%s, spec says %d", m[1], m[2], size)
				}
				continue
			}
			for _, m := range fpArg.FindAllStringSubmatch(line, -1) {
				off, _ := strconv.Atoi(m[2])
				if cur == nil || cur.Slot(m[1]).Offset != off {
					t.Errorf("bad FP operand %s in %q", m[0], line)
				}
			}
		}
		if len(seen) != len(want) {
			t.Errorf("%s: %d TEXT blocks, spec has %d kernels", f, len(seen), len(want))
		}

		file, err := parser.ParseFile(token.NewFileSet(), "stubs.go", g, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			n++
			in, ok := want[fd.Name.Name]
			if !ok || fd.Body != nil || fd.Doc == nil || !strings.HasPrefix(fd.Doc.Text(), fd.Name.Name+" computes ") {
				t.Errorf("unexpected stub %s", fd.Name.Name)
				continue
			}
			if !strings.Contains(string(g), "//go:noescape\nfunc "+fd.Name.Name+strings.TrimPrefix(in.Signature(), "func")+"\n") {
				t.Errorf("stub %s lacks //go:noescape or the signature %s", fd.Name.Name, in.Signature())
			}
		}
		if n != len(want) {
			t.Errorf("%s: %d stubs, spec has %d kernels", f, n, len(want))
		}
	}
}

// TestFresh compares the committed output in asm/ with what the generator
// writes now (CI also regenerates and diffs).
func TestFresh(t *testing.T) {
	for f := range features {
		cmd, out, stubs := goGenerate(f)
		s, g, err := generate(f, "asm", cmd)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			path string
			want []byte
		}{{out, s}, {stubs, g}} {
			got, err := os.ReadFile(c.path)
			if os.IsNotExist(err) {
				t.Logf("%s does not exist", c.path)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.want) {
				t.Errorf("%s is stale: run go generate ./asm", c.path)
			}
		}
	}
}
