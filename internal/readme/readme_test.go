// Package readme_test keeps the Go code of README.md honest: every ```go
// block there is a program made from an Example function of a package,
// and this test checks that it still is.
//
// A block is marked by the line before its fence,
//
//	<!-- example: vec Example -->
//
// naming the package's directory (relative to the repository root) and the
// Example function in its _test.go files. The block must be, after gofmt,
// the program
//
//	package main
//
//	import (... the packages the body uses ...)
//
//	func main() {
//		... the Example's body, its // Output: comment included ...
//	}
//
// followed by any top-level declarations of the package's tests that the
// body uses. The Example compiles and runs (go test checks its output), so
// the program compiles and prints that output. To rewrite the blocks after
// changing an Example:
//
//	go test ./internal/readme -update
package readme_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite README.md's example blocks from the Example functions")

const root = "../.."

var (
	marker  = regexp.MustCompile(`^<!-- example: (\S+) (Example\w*) -->$`)
	version = regexp.MustCompile(`^v[0-9]+$`)
)

// block is one ```go block of the README: lines[start:end] is its code.
type block struct {
	dir, name  string // empty for a block without a marker
	line       int    // 1-based line of the opening fence
	start, end int
}

func blocks(t *testing.T, lines []string) []block {
	t.Helper()
	var bs []block
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		b := block{line: i + 1, start: i + 1}
		if i > 0 {
			if m := marker.FindStringSubmatch(lines[i-1]); m != nil {
				b.dir, b.name = m[1], m[2]
			}
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		if j == len(lines) {
			t.Fatalf("README.md:%d: ```go block never closed", i+1)
		}
		b.end = j
		bs = append(bs, b)
		i = j
	}
	return bs
}

func TestREADMEExamples(t *testing.T) {
	path := filepath.Join(root, "README.md")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	bs := blocks(t, lines)
	if len(bs) == 0 {
		t.Fatal("README.md has no ```go block")
	}
	seen := map[string]bool{}
	// Replace from the last block back, so earlier line numbers stay valid.
	for k := len(bs) - 1; k >= 0; k-- {
		b := bs[k]
		if b.name == "" {
			t.Errorf("README.md:%d: ```go block without an <!-- example: DIR ExampleName --> line before it", b.line)
			continue
		}
		id := b.dir + " " + b.name
		if seen[id] {
			t.Errorf("README.md:%d: %s shown twice", b.line, id)
		}
		seen[id] = true
		want, err := program(b.dir, b.name)
		if err != nil {
			t.Errorf("README.md:%d: %v", b.line, err)
			continue
		}
		got := strings.Join(lines[b.start:b.end], "\n") + "\n"
		if *update {
			lines = slices.Replace(lines, b.start, b.end, strings.Split(strings.TrimSuffix(want, "\n"), "\n")...)
			continue
		}
		if fgot, err := format.Source([]byte(got)); err != nil || string(fgot) != want {
			t.Errorf("README.md:%d: the block is not the program of %s's %s (go test ./internal/readme -update rewrites it):\n%s",
				b.line, b.dir, b.name, diff(got, want))
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// program returns the gofmt'd main program made of the Example function name
// in the _test.go files of the package in dir.
func program(dir, name string) (string, error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(root, dir, "*_test.go"))
	if err != nil {
		return "", err
	}
	srcs := map[*ast.File][]byte{}
	decls := map[string]ast.Decl{} // top-level declarations of the test package
	declFile := map[ast.Decl]*ast.File{}
	top := map[any]bool{} // the FuncDecls and Specs of top-level declarations
	var fn *ast.FuncDecl
	var fnFile *ast.File
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		af, err := parser.ParseFile(fset, f, src, parser.ParseComments)
		if err != nil {
			return "", err
		}
		if !strings.HasSuffix(af.Name.Name, "_test") {
			continue // only the external test package: what a user could write
		}
		srcs[af] = src
		for _, d := range af.Decls {
			top[d] = true
			if g, ok := d.(*ast.GenDecl); ok {
				for _, s := range g.Specs {
					top[s] = true
				}
			}
			for _, n := range declNames(d) {
				decls[n] = d
				declFile[d] = af
			}
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
				fn, fnFile = fd, af
			}
		}
	}
	if fn == nil {
		return "", fmt.Errorf("no func %s in the external tests of %s", name, dir)
	}
	if fn.Type.Params.NumFields() != 0 || fn.Type.Results.NumFields() != 0 {
		return "", fmt.Errorf("%s in %s is not an Example function", name, dir)
	}

	text := func(f *ast.File, from, to token.Pos) string {
		src := srcs[f]
		return string(src[fset.Position(from).Offset:fset.Position(to).Offset])
	}
	body := text(fnFile, fn.Body.Lbrace+1, fn.Body.Rbrace)

	// The helpers the body uses, transitively, in the order of their files.
	var helpers []ast.Decl
	used := map[ast.Decl]bool{}
	imports := map[string]bool{} // import paths
	var visit func(n ast.Node, f *ast.File)
	visit = func(n ast.Node, f *ast.File) {
		ast.Inspect(n, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				visit(sel.X, f) // not sel.Sel: a field or method name
				return false
			}
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			// The parser resolves a name to its declaration in the same
			// file; one declared in another file, or imported, is nil.
			if id.Obj != nil && !top[id.Obj.Decl] {
				return true // a local name
			}
			if p := importPath(f, id.Name); p != "" && id.Obj == nil {
				imports[p] = true
			}
			if d, ok := decls[id.Name]; ok && d != ast.Decl(fn) && !used[d] {
				used[d] = true
				helpers = append(helpers, d)
				visit(d, declFile[d])
			}
			return true
		})
	}
	visit(fn.Body, fnFile)

	var buf bytes.Buffer
	buf.WriteString("package main\n\nimport (\n")
	var std, other []string
	for p := range imports {
		if strings.Contains(strings.Split(p, "/")[0], ".") {
			other = append(other, p)
		} else {
			std = append(std, p)
		}
	}
	slices.Sort(std)
	slices.Sort(other)
	for _, p := range std {
		fmt.Fprintf(&buf, "\t%q\n", p)
	}
	if len(std) > 0 && len(other) > 0 {
		buf.WriteString("\n")
	}
	for _, p := range other {
		fmt.Fprintf(&buf, "\t%q\n", p)
	}
	buf.WriteString(")\n\nfunc main() {" + body + "}\n")
	for _, d := range helpers {
		f := declFile[d]
		from := d.Pos()
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Doc != nil {
				from = d.Doc.Pos()
			}
		case *ast.GenDecl:
			if d.Doc != nil {
				from = d.Doc.Pos()
			}
		}
		buf.WriteString("\n" + text(f, from, d.End()) + "\n")
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return "", fmt.Errorf("the program of %s %s does not parse: %v", dir, name, err)
	}
	if err := resolved(string(out)); err != nil {
		return "", fmt.Errorf("the program of %s %s: %v", dir, name, err)
	}
	return string(out), nil
}

// declNames returns the names a top-level declaration declares.
func declNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			return []string{d.Name.Name}
		}
	case *ast.GenDecl:
		var ns []string
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				ns = append(ns, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					ns = append(ns, n.Name)
				}
			}
		}
		return ns
	}
	return nil
}

// importPath returns the path that name refers to in f's imports, or "".
func importPath(f *ast.File, name string) string {
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		n := p[strings.LastIndex(p, "/")+1:]
		if version.MatchString(n) && strings.Contains(p, "/") { // math/rand/v2 is package rand
			q := p[:strings.LastIndex(p, "/")]
			n = q[strings.LastIndex(q, "/")+1:]
		}
		if im.Name != nil {
			n = im.Name.Name
		}
		if n == name {
			return p
		}
	}
	return ""
}

// resolved checks that every identifier of the program that the parser
// cannot resolve in the file is a predeclared one or an imported package.
func resolved(src string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, 0)
	if err != nil {
		return err
	}
	for _, id := range f.Unresolved {
		if types.Universe.Lookup(id.Name) != nil || importPath(f, id.Name) != "" {
			continue
		}
		return fmt.Errorf("%v: %s is declared neither in the program nor by an import", fset.Position(id.Pos()), id.Name)
	}
	return nil
}

// diff shows the first line where got and want differ.
func diff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d of the block:\n\tREADME:  %q\n\tExample: %q", i+1, gl, wl)
		}
	}
	return "(they differ only in formatting)"
}

// TestProgram checks program itself on this package's own Example.
func TestProgram(t *testing.T) {
	got, err := program("internal/readme", "Example_program")
	if err != nil {
		t.Fatal(err)
	}
	const want = `package main

import (
	"fmt"
	"strings"
)

func main() {
	fmt.Println(strings.ToUpper(greeting))
	// Output: HELLO
}

// greeting is a helper of the Example.
const greeting = "hello"
`
	if got != want {
		t.Errorf("program:\n%s\nwant:\n%s", got, want)
	}
}
