package grad_test

import (
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
)

// TestBF16MatMul: with SetBF16 a MatMulT records mat.GemmBF16F32 products,
// forward and backward (the same bits as calling it), and stays within the
// bfloat16 rounding of the float32 tape's products.
func TestBF16MatMul(t *testing.T) {
	r := prob.New(15)
	for _, tr := range [][2]bool{{false, true}, {false, false}, {true, false}, {true, true}} {
		tA, tB := tr[0], tr[1]
		m, k, n := 13, 37, 29
		xv, wv := randMat[float32](r, m, k), randMat[float32](r, k, n)
		if tA {
			xv = randMat[float32](r, k, m)
		}
		if tB {
			wv = randMat[float32](r, n, k)
		}
		target := randMat[float32](r, m, n)
		run := func(bf16 bool) (y, dy, dx, dw *mat.Dense[float32]) {
			px, pw := grad.NewParam("x", clone(xv)), grad.NewParam("w", clone(wv))
			tape := grad.NewTape[float32]()
			tape.SetBF16(bf16)
			yn := tape.MatMulT(tape.Use(px), tape.Use(pw), tA, tB)
			tape.Backward(tape.MSE(yn, tape.Const(target)))
			return clone(yn.Value()), clone(yn.Grad()), px.Grad, pw.Grad
		}
		y, dy, dx, dw := run(true)
		if !tapeBF16(t) {
			return
		}
		// The same products, called directly.
		want := mat.New[float32](m, n)
		mat.GemmBF16F32(tA, tB, 1, xv, wv, 0, want)
		wdx, wdw := mat.New[float32](xv.Rows, xv.Cols), mat.New[float32](wv.Rows, wv.Cols)
		if !tA {
			mat.GemmBF16F32(false, !tB, 1, dy, wv, 0, wdx)
		} else {
			mat.GemmBF16F32(tB, true, 1, wv, dy, 0, wdx)
		}
		if !tB {
			mat.GemmBF16F32(!tA, false, 1, xv, dy, 0, wdw)
		} else {
			mat.GemmBF16F32(true, tA, 1, dy, xv, 0, wdw)
		}
		for _, c := range []struct {
			name      string
			got, want *mat.Dense[float32]
		}{{"y", y, want}, {"dx", dx, wdx}, {"dw", dw, wdw}} {
			for i := range c.want.Data {
				if c.got.Data[i] != c.want.Data[i] {
					t.Fatalf("trans %v: %s[%d] = %g, GemmBF16F32 gives %g", tr, c.name, i, c.got.Data[i], c.want.Data[i])
				}
			}
		}
		// Against the float32 products: each operand rounded to bfloat16
		// (relative error ≤ 2⁻⁹) moves a product by ≤ (2⁻⁸+2⁻¹⁸)·|x·w|, and
		// both sums err by ≤ γ_{k+2}·Σ|x·w|.
		y32, _, _, _ := run(false)
		g := float64(k+2) * 0x1p-24 / (1 - float64(k+2)*0x1p-24)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var abs float64
				for p := 0; p < k; p++ {
					var xa, wb float32
					if tA {
						xa = xv.At(p, i)
					} else {
						xa = xv.At(i, p)
					}
					if tB {
						wb = wv.At(j, p)
					} else {
						wb = wv.At(p, j)
					}
					abs += math.Abs(float64(xa) * float64(wb))
				}
				d := math.Abs(float64(y.At(i, j)) - float64(y32.At(i, j)))
				if bound := (0x1p-8 + 0x1p-18 + 2*g) * abs; d > bound {
					t.Fatalf("trans %v: y[%d][%d] = %g, float32 tape %g: differ by %g > %g", tr, i, j, y.At(i, j), y32.At(i, j), d, bound)
				}
			}
		}
	}
}

// tapeBF16 reports whether the tape took the setting (always, for float32).
func tapeBF16(t *testing.T) bool {
	tape := grad.NewTape[float32]()
	tape.SetBF16(true)
	if !tape.BF16() {
		t.Fatal("SetBF16(true) did not stick")
	}
	tape.Reset()
	if !tape.BF16() {
		t.Fatal("Reset cleared SetBF16")
	}
	return true
}

func TestBF16Float64Panics(t *testing.T) {
	defer func() {
		r, _ := recover().(string)
		if !strings.Contains(r, "grad: SetBF16") {
			t.Errorf("panic %q", r)
		}
	}()
	grad.NewTape[float64]().SetBF16(true)
}

// TestBF16SpiralsLearn: the spirals MLP trained with bfloat16 products
// (float32 master weights) reaches the accuracy of TestSpiralsLearn, and
// a steady-state step allocates nothing.
func TestBF16SpiralsLearn(t *testing.T) {
	const perClass, batch = 100, 32
	x, labels := spirals[float32](1, perClass, 3)
	xt, lt := spirals[float32](2, perClass, 3)
	net := newMLP[float32](prob.New(3), 2, 64, 64, 3)
	opt := grad.NewAdam(net.params(), 0.01)
	tape := grad.NewTape[float32]()
	tape.SetBF16(true)
	epochs := 150
	if testing.Short() {
		epochs = 60
	}
	bx := mat.New[float32](batch, 2)
	for range epochs {
		for i := 0; i+batch <= len(labels); i += batch {
			copy(bx.Data, x.Data[2*i:2*(i+batch)])
			trainStep(tape, net, opt, bx, labels[i:i+batch])
		}
	}
	acc := net.accuracy(tape, xt, lt)
	t.Logf("test accuracy %.3f (bfloat16 products)", acc)
	if acc < 0.85 {
		t.Fatalf("test accuracy %.3f after %d epochs with bfloat16 products, want ≥ 0.85", acc, epochs)
	}
	if n := testing.AllocsPerRun(10, func() { trainStep(tape, net, opt, bx, labels[:batch]) }); n != 0 {
		t.Errorf("a bfloat16 training step allocates %v times", n)
	}
}

func clone(m *mat.Dense[float32]) *mat.Dense[float32] {
	c := mat.New[float32](m.Rows, m.Cols)
	for i := 0; i < m.Rows; i++ {
		copy(c.Data[i*c.Cols:(i+1)*c.Cols], m.Data[i*m.Stride:i*m.Stride+m.Cols])
	}
	return c
}
