package spec

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// Consts evaluates the package-level constant declarations of Go source
// files, for tests that check that a generator uses the same constants as
// the generic Go kernels it mirrors (the two modules cannot share them).
// It understands literals, names declared earlier in the files, parentheses
// and the unary and binary arithmetic operators; a declaration using
// anything else (a conversion, iota, a call) is left out.
func Consts(files ...string) (map[string]constant.Value, error) {
	out := map[string]constant.Value{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if vs.Type != nil || len(vs.Values) != len(vs.Names) {
					continue
				}
				for i, n := range vs.Names {
					if v, err := evalConst(vs.Values[i], out); err == nil {
						out[n.Name] = v
					}
				}
			}
		}
	}
	return out, nil
}

// SameConsts compares the constants of the files gen whose names start
// with prefix (except skip) with the constants of the same names in the
// files generic: it returns how many agree and a line for each that is
// missing or different.
func SameConsts(prefix string, gen, generic []string, skip ...string) (int, []string, error) {
	g, err := Consts(gen...)
	if err != nil {
		return 0, nil, err
	}
	a, err := Consts(generic...)
	if err != nil {
		return 0, nil, err
	}
	n, bad := 0, []string(nil)
	for name, v := range g {
		if !strings.HasPrefix(name, prefix) || slices.Contains(skip, name) {
			continue
		}
		w, ok := a[name]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("%s: no constant of that name in %v", name, generic))
		case !constant.Compare(v, token.EQL, w):
			bad = append(bad, fmt.Sprintf("%s = %v in %v, %v in %v", name, v, gen, w, generic))
		default:
			n++
		}
	}
	return n, bad, nil
}

func evalConst(e ast.Expr, env map[string]constant.Value) (constant.Value, error) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return constant.MakeFromLiteral(e.Value, e.Kind, 0), nil
	case *ast.Ident:
		if v, ok := env[e.Name]; ok {
			return v, nil
		}
	case *ast.ParenExpr:
		return evalConst(e.X, env)
	case *ast.UnaryExpr:
		x, err := evalConst(e.X, env)
		if err != nil {
			return nil, err
		}
		return constant.UnaryOp(e.Op, x, 0), nil
	case *ast.BinaryExpr:
		x, err := evalConst(e.X, env)
		if err != nil {
			return nil, err
		}
		y, err := evalConst(e.Y, env)
		if err != nil {
			return nil, err
		}
		op := e.Op
		if op == token.QUO && x.Kind() == constant.Int && y.Kind() == constant.Int {
			op = token.QUO_ASSIGN // Go's integer division of untyped integers
		}
		if op == token.SHL || op == token.SHR {
			s, ok := constant.Uint64Val(y)
			if !ok {
				return nil, fmt.Errorf("shift %v", y)
			}
			return constant.Shift(x, op, uint(s)), nil
		}
		return constant.BinaryOp(x, op, y), nil
	}
	return nil, fmt.Errorf("unsupported constant expression %T", e)
}
