package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/vec"
)

func TestDense(t *testing.T) {
	m := NewFrom(2, 3, []float64{1, 2, 3, 4, 5, 6})
	if m.At(1, 2) != 6 || m.Stride != 3 {
		t.Fatalf("At(1,2) = %v", m.At(1, 2))
	}
	m.Set(0, 1, -2)
	if m.Data[1] != -2 || fmt.Sprint(m.Row(1)) != "[4 5 6]" || cap(m.Row(0)) != 3 {
		t.Fatalf("Set/Row: %v", m.Data)
	}
	v := m.Slice(0, 2, 1, 3)
	if v.Rows != 2 || v.Cols != 2 || v.Stride != 3 || v.At(1, 0) != 5 {
		t.Fatalf("Slice: %+v", v)
	}
	v.Set(1, 1, 60) // shares storage
	if m.At(1, 2) != 60 {
		t.Fatalf("Slice does not share storage")
	}
	tr := m.Transpose()
	if tr.Rows != 3 || tr.Cols != 2 || tr.At(2, 1) != 60 || tr.At(1, 0) != -2 {
		t.Fatalf("Transpose: %v", tr)
	}
	if got, want := m.String(), "⎡1 -2  3⎤\n⎣4  5 60⎦"; got != want {
		t.Fatalf("String:\n%s\nwant\n%s", got, want)
	}
	if got := NewFrom(1, 2, []float32{1.5, 2}).String(); got != "[1.5 2]" {
		t.Fatalf("String = %q", got)
	}
	if got := New[float32](0, 3).String(); got != "[](0×3)" {
		t.Fatalf("String = %q", got)
	}
	if e := m.Slice(1, 1, 0, 3); e.Rows != 0 || len(e.Data) != 0 {
		t.Fatalf("empty Slice: %+v", e)
	}
}

// refDot64 is Σ a·b in float64 with Σ|a·b|.
func refDot64[T vec.Float](a, b []T) (s, abs float64) {
	for i := range a {
		p := float64(a[i]) * float64(b[i])
		s += p
		abs += math.Abs(p)
	}
	return s, abs
}

func checkClose(t *testing.T, what string, got, ref, abs, g, eta float64) {
	t.Helper()
	if math.IsNaN(abs) || math.IsInf(abs, 0) {
		if class(got) != class(ref) {
			t.Fatalf("%s: got %v, the float64 loop gives %v", what, got, ref)
		}
		return
	}
	if err := math.Abs(got - ref); !(err <= g*abs+eta) {
		t.Fatalf("%s: got %v, reference %v: |err| %g > %g", what, got, ref, err, g*abs+eta)
	}
}

func testGemv[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(21, 22))
		sizes := []int{0, 1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100}
		for _, m := range sizes {
			for _, n := range sizes {
				kind := tu.Normal
				if (m+n)%5 == 0 {
					kind = tu.Special
				}
				a := newPadded[T](r, m, n, r.IntN(3), kind)
				x, xt, y := tu.NewPadded[T](n, 4), tu.NewPadded[T](m, 4), tu.NewPadded[T](n, 4)
				tu.Fill(r, x.S(), kind)
				tu.Fill(r, xt.S(), kind)
				tu.Fill(r, y.S(), kind)
				name := fmt.Sprintf("%d×%d", m, n)

				dst := tu.NewPadded[T](m, 4)
				for i := range dst.S() {
					dst.S()[i] = T(math.NaN()) // not read
				}
				mulVec(k, dst.S(), a.m, x.S())
				for i := 0; i < m; i++ {
					s, abs := refDot64(a.m.Row(i), x.S())
					checkClose(t, "MulVec "+name, float64(dst.S()[i]), s, abs, tu.Gamma[T](n)+tu.Gamma[float64](n), float64(n)*tu.Eta[T]())
				}
				if !dst.Intact() {
					t.Fatalf("MulVec %s wrote outside dst", name)
				}

				dt := tu.NewPadded[T](n, 4)
				for i := range dt.S() {
					dt.S()[i] = T(math.NaN())
				}
				mulVecTrans(k, dt.S(), a.m, xt.S())
				col := make([]T, m)
				for j := 0; j < n; j++ {
					for i := range col {
						col[i] = a.m.At(i, j)
					}
					s, abs := refDot64(col, xt.S())
					checkClose(t, "MulVecTrans "+name, float64(dt.S()[j]), s, abs, tu.Gamma[T](m)+tu.Gamma[float64](m), float64(m)*tu.Eta[T]())
				}
				if !dt.Intact() {
					t.Fatalf("MulVecTrans %s wrote outside dst", name)
				}

				alpha := T(-1.5)
				a0 := clone(a.m)
				addOuter(k, a.m, alpha, xt.S(), y.S())
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						p := float64(alpha) * float64(xt.S()[i]) * float64(y.S()[j])
						ref := p + float64(a0.At(i, j))
						abs := math.Abs(p) + math.Abs(float64(a0.At(i, j)))
						checkClose(t, fmt.Sprintf("AddOuter %s (%d,%d)", name, i, j), float64(a.m.At(i, j)), ref, abs, tu.Gamma[T](2)+tu.Gamma[float64](2), (1+math.Abs(float64(y.S()[j])))*tu.Eta[T]())
					}
				}
				if !a.intact() {
					t.Fatalf("AddOuter %s wrote outside a", name)
				}
			}
		}
	})
}

func TestGemvF32(t *testing.T) { testGemv[float32](t) }
func TestGemvF64(t *testing.T) { testGemv[float64](t) }

func TestGemvGuardPages(t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(23, 24))
		for _, s := range [][2]int{{1, 1}, {7, 13}, {16, 32}, {33, 17}} {
			for _, atEnd := range []bool{true, false} {
				m, n := s[0], s[1]
				a := NewFrom(m, n, tu.Guarded[float32](t, m*n, atEnd))
				x, xt := tu.Guarded[float32](t, n, atEnd), tu.Guarded[float32](t, m, atEnd)
				dst, dt := tu.Guarded[float32](t, m, atEnd), tu.Guarded[float32](t, n, atEnd)
				tu.Fill(r, a.Data, tu.Normal)
				tu.Fill(r, x, tu.Normal)
				tu.Fill(r, xt, tu.Normal)
				mulVec(k, dst, a, x)
				mulVecTrans(k, dt, a, xt)
				addOuter(k, a, 2, xt, x)
			}
		}
	})
}

func TestGemvAllocs(t *testing.T) {
	a, x, y := New[float32](30, 40), make([]float32, 40), make([]float32, 30)
	for name, f := range map[string]func(){
		"MulVec":      func() { MulVec(y, a, x) },
		"MulVecTrans": func() { MulVecTrans(x, a, y) },
		"AddOuter":    func() { AddOuter(a, 0.5, y, x) },
	} {
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}
