package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/vec"
)

// convCase is a shape and a batch size.
type convCase struct {
	s ConvShape
	n int
}

// convCases are the shapes of the reference tests: stride 1 and 2 (and 3),
// padding 0, 1 and 2, odd sizes, KH ≠ KW, C = 1 and C > 1, N = 1 and N > 1,
// windows larger than the stride and smaller (input never reached), and
// the two convolutions of an MNIST CNN at batch 64 (8 with -short).
func convCases() []convCase {
	mnist := 64
	if testing.Short() || raceEnabled {
		mnist = 4
	}
	return []convCase{
		{ConvShape{C: 1, H: 1, W: 1, K: 1, KH: 1, KW: 1}, 1},
		{ConvShape{C: 1, H: 5, W: 5, K: 1, KH: 3, KW: 3}, 1},
		{ConvShape{C: 1, H: 7, W: 9, K: 3, KH: 3, KW: 2, Stride: 1, Pad: 2}, 3},
		{ConvShape{C: 3, H: 9, W: 7, K: 5, KH: 2, KW: 3, Stride: 2}, 2},
		{ConvShape{C: 2, H: 11, W: 13, K: 7, KH: 5, KW: 3, Stride: 2, Pad: 2}, 3},
		{ConvShape{C: 4, H: 6, W: 6, K: 13, KH: 1, KW: 1, Stride: 2}, 2},         // input rows/cols never reached
		{ConvShape{C: 3, H: 10, W: 8, K: 9, KH: 2, KW: 2, Stride: 3, Pad: 1}, 2}, // stride > window
		{ConvShape{C: 5, H: 4, W: 3, K: 2, KH: 4, KW: 3, Pad: 1}, 5},
		{ConvShape{C: 2, H: 3, W: 3, K: 3, KH: 5, KW: 5, Pad: 2}, 1}, // window = padded image
		{ConvShape{C: 7, H: 15, W: 17, K: 70, KH: 3, KW: 3, Pad: 1}, 2},
		{ConvShape{C: 20, H: 9, W: 9, K: 8, KH: 5, KW: 4, Stride: 1, Pad: 2}, 1}, // C·KH·KW = 400: two k blocks on small caches
		{ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5}, mnist},
		{ConvShape{C: 16, H: 12, W: 12, K: 32, KH: 5, KW: 5}, mnist},
	}
}

// refConv returns the forward convolution in float64 (y, without bias) and
// Σ|w·x| per output. Padding takes part as zeros: 0·w is a term (so an
// infinite weight on a padded tap gives NaN, as the packed zeros do).
func refConv[T vec.Float](x, w *Dense[T], d convDims) (y, abs []float64) {
	y, abs = make([]float64, x.Rows*d.kow), make([]float64, x.Rows*d.kow)
	for n := 0; n < x.Rows; n++ {
		for k := 0; k < d.K; k++ {
			for i := 0; i < d.oh; i++ {
				for j := 0; j < d.ow; j++ {
					var s, a float64
					for c := 0; c < d.C; c++ {
						for p := 0; p < d.KH; p++ {
							for q := 0; q < d.KW; q++ {
								h, v := i*d.Stride-d.Pad+p, j*d.Stride-d.Pad+q
								xv := 0.0
								if h >= 0 && h < d.H && v >= 0 && v < d.W {
									xv = float64(x.At(n, (c*d.H+h)*d.W+v))
								}
								t := float64(w.At(k, (c*d.KH+p)*d.KW+q)) * xv
								s += t
								a += math.Abs(t)
							}
						}
					}
					o := n*d.kow + (k*d.oh+i)*d.ow + j
					y[o], abs[o] = s, a
				}
			}
		}
	}
	return y, abs
}

// refGradInput returns dx in float64 and Σ|w·dy| per element (only the
// products that land inside the image).
func refGradInput[T vec.Float](dy, w *Dense[T], d convDims) (dx, abs []float64) {
	dx, abs = make([]float64, dy.Rows*d.chw), make([]float64, dy.Rows*d.chw)
	for n := 0; n < dy.Rows; n++ {
		for k := 0; k < d.K; k++ {
			for i := 0; i < d.oh; i++ {
				for j := 0; j < d.ow; j++ {
					g := float64(dy.At(n, (k*d.oh+i)*d.ow+j))
					for c := 0; c < d.C; c++ {
						for p := 0; p < d.KH; p++ {
							for q := 0; q < d.KW; q++ {
								h, v := i*d.Stride-d.Pad+p, j*d.Stride-d.Pad+q
								if h < 0 || h >= d.H || v < 0 || v >= d.W {
									continue
								}
								t := float64(w.At(k, (c*d.KH+p)*d.KW+q)) * g
								o := n*d.chw + (c*d.H+h)*d.W + v
								dx[o] += t
								abs[o] += math.Abs(t)
							}
						}
					}
				}
			}
		}
	}
	return dx, abs
}

// refGradWeight returns Σ_n dy·P (without dw₀) and Σ|dy·P| per element of
// dw (padding as zeros, as in refConv), and db's sums and Σ|dy|.
func refGradWeight[T vec.Float](x, dy *Dense[T], d convDims) (dw, abs, db, dbAbs []float64) {
	dw, abs = make([]float64, d.K*d.ckk), make([]float64, d.K*d.ckk)
	db, dbAbs = make([]float64, d.K), make([]float64, d.K)
	for n := 0; n < x.Rows; n++ {
		for k := 0; k < d.K; k++ {
			for i := 0; i < d.oh; i++ {
				for j := 0; j < d.ow; j++ {
					g := float64(dy.At(n, (k*d.oh+i)*d.ow+j))
					db[k] += g
					dbAbs[k] += math.Abs(g)
					for c := 0; c < d.C; c++ {
						for p := 0; p < d.KH; p++ {
							for q := 0; q < d.KW; q++ {
								h, v := i*d.Stride-d.Pad+p, j*d.Stride-d.Pad+q
								xv := 0.0
								if h >= 0 && h < d.H && v >= 0 && v < d.W {
									xv = float64(x.At(n, (c*d.H+h)*d.W+v))
								}
								t := g * xv
								o := k*d.ckk + (c*d.KH+p)*d.KW + q
								dw[o] += t
								abs[o] += math.Abs(t)
							}
						}
					}
				}
			}
		}
	}
	return dw, abs, db, dbAbs
}

// checkConvClose compares got with ref: with no NaN/Inf anywhere in the
// reference or its absolute sum, |got−ref| ≤ g·abs + eta; otherwise the
// class (NaN, ±Inf, finite) must agree.
func checkConvClose(t *testing.T, name string, got, ref, abs float64, g, eta float64) {
	t.Helper()
	if math.IsNaN(abs) || math.IsInf(abs, 0) || math.IsNaN(ref) || math.IsInf(ref, 0) {
		if class(got) != class(ref) {
			t.Fatalf("%s = %v, the float64 loop gives %v", name, got, ref)
		}
		return
	}
	if err := math.Abs(got - ref); !(err <= g*abs+eta) {
		t.Fatalf("%s = %v, reference %v: |err| = %g > bound %g", name, got, ref, err, g*abs+eta)
	}
}

// convBlocks returns the KC of the table's GEMM for T.
func convKC[T vec.Float](k *asm.Table) int { return kcOf[T](k) }

// nblocks is the number of k blocks conv splits k into.
func nblocks(k, kc int) int {
	if k == 0 {
		return 0
	}
	kcs := balancedKC(k, kc)
	return (k + kcs - 1) / kcs
}

// convCheckAll runs the three products on padded operands with table k and
// threads workers, and checks them against the reference loops, the
// adjoint identities and the guard elements.
func convCheckAll[T vec.Float](t *testing.T, k *asm.Table, r *rand.Rand, cc convCase, threads int, kind tu.Kind) {
	t.Helper()
	d := dimsOf("test", cc.s)
	n := cc.n
	name := fmt.Sprintf("%+v N=%d threads=%d kind=%d", cc.s, n, threads, kind)
	x := newPadded[T](r, n, d.chw, r.IntN(3), kind)
	w := newPadded[T](r, d.K, d.ckk, r.IntN(3), kind)
	dy := newPadded[T](r, n, d.kow, r.IntN(3), kind)
	bp := tu.NewPadded[T](d.K, 3)
	tu.Fill(r, bp.S(), kind)
	b := bp.S()
	u, u64 := tu.Unit[T](), tu.Unit[float64]()
	_ = u
	kc := convKC[T](k)

	// forward
	y := newPadded[T](r, n, d.kow, r.IntN(3), tu.Normal)
	for i := 0; i < n; i++ {
		for j := range y.m.Row(i) {
			y.m.Row(i)[j] = T(math.NaN()) // not read
		}
	}
	conv(k, threads, convFwd, d, x.m, w.m, y.m, nil, b)
	if !y.intact() || !bp.Intact() {
		t.Fatalf("%s: Conv2D wrote outside dst", name)
	}
	yr, ya := refConv(x.m, w.m, d)
	nb := nblocks(d.ckk+1, kc) // the bias is one more term
	gf := tu.Gamma[T](d.ckk+nb+1) + tu.Gamma[float64](d.ckk+2)
	eta := float64(d.ckk+nb+2) * tu.Eta[T]() * 2
	for i := 0; i < n; i++ {
		for o := 0; o < d.kow; o++ {
			bk := float64(b[o/d.ohw])
			checkConvClose(t, fmt.Sprintf("%s: Conv2D y[%d][%d]", name, i, o), float64(y.m.At(i, o)), yr[i*d.kow+o]+bk, ya[i*d.kow+o]+math.Abs(bk), gf, eta)
		}
	}

	// input gradient
	dx := newPadded[T](r, n, d.chw, r.IntN(3), tu.Normal)
	for i := 0; i < n; i++ {
		for j := range dx.m.Row(i) {
			dx.m.Row(i)[j] = T(math.NaN()) // not read
		}
	}
	conv(k, threads, convGradIn, d, dy.m, w.m, dx.m, nil, nil)
	if !dx.intact() {
		t.Fatalf("%s: Conv2DGradInput wrote outside dx", name)
	}
	xr, xa := refGradInput(dy.m, w.m, d)
	nbi := nblocks(d.K, kc)
	gi := tu.Gamma[T](d.K+nbi+d.khw) + tu.Gamma[float64](d.K*d.khw+1)
	etai := float64(d.K+nbi+d.khw+1) * tu.Eta[T]()
	for i := 0; i < n; i++ {
		for o := 0; o < d.chw; o++ {
			checkConvClose(t, fmt.Sprintf("%s: Conv2DGradInput dx[%d][%d]", name, i, o), float64(dx.m.At(i, o)), xr[i*d.chw+o], xa[i*d.chw+o], gi, etai)
		}
	}

	// weight and bias gradients, accumulated onto dw₀ and db₀
	dw := newPadded[T](r, d.K, d.ckk, r.IntN(3), tu.Normal)
	dw0 := clone(dw.m)
	dbp := tu.NewPadded[T](d.K, 2)
	tu.Fill(r, dbp.S(), tu.Normal)
	db0 := append([]T(nil), dbp.S()...)
	conv(k, threads, convGradW, d, x.m, dy.m, dw.m, dbp.S(), nil)
	if !dw.intact() || !dbp.Intact() {
		t.Fatalf("%s: Conv2DGradWeight wrote outside dw or db", name)
	}
	wr, wa, br, ba := refGradWeight(x.m, dy.m, d)
	nbw := nblocks(d.ohw, kc)
	m := n * (d.ohw + nbw)
	gw := tu.Gamma[T](m+1) + tu.Gamma[float64](n*d.ohw+1)
	etaw := float64(m+2) * tu.Eta[T]()
	for kk := 0; kk < d.K; kk++ {
		for q := 0; q < d.ckk; q++ {
			w0 := float64(dw0.At(kk, q))
			checkConvClose(t, fmt.Sprintf("%s: Conv2DGradWeight dw[%d][%d]", name, kk, q), float64(dw.m.At(kk, q)), w0+wr[kk*d.ckk+q], math.Abs(w0)+wa[kk*d.ckk+q], gw, etaw)
		}
		b0 := float64(db0[kk])
		gb := tu.Gamma[T](n*(d.ohw+1)) + tu.Gamma[float64](n*d.ohw+1)
		checkConvClose(t, fmt.Sprintf("%s: Conv2DGradWeight db[%d]", name, kk), float64(dbp.S()[kk]), b0+br[kk], math.Abs(b0)+ba[kk], gb, float64(n*d.ohw)*tu.Eta[T]())
	}

	if kind != tu.Normal {
		return
	}
	// Adjoint identities: ⟨conv(x; w), dy⟩ = ⟨x, dx⟩ = ⟨w, dW⟩ where dx and
	// dW are the gradients of dy (bias and dw₀ removed in float64). All
	// three are the same sum of products A = Σ|dy·w·x|; each computed
	// value is within (γ of its own kernel)·A, plus the float64 sums.
	var yd, xd, wd, A float64
	for i := 0; i < n; i++ {
		for o := 0; o < d.kow; o++ {
			g := float64(dy.m.At(i, o))
			yd += (float64(y.m.At(i, o)) - float64(b[o/d.ohw])) * g
			A += math.Abs(g) * ya[i*d.kow+o]
		}
		for o := 0; o < d.chw; o++ {
			xd += float64(x.m.At(i, o)) * float64(dx.m.At(i, o))
		}
	}
	for kk := 0; kk < d.K; kk++ {
		for q := 0; q < d.ckk; q++ {
			wd += float64(w.m.At(kk, q)) * (float64(dw.m.At(kk, q)) - float64(dw0.At(kk, q)))
		}
	}
	// the bias removed from y and dw₀ removed from dW are exact in float64
	// but their rounding inside T is part of the error: bound it with the
	// magnitudes involved
	var bAbs, dwAbs float64
	for i := 0; i < n; i++ {
		for o := 0; o < d.kow; o++ {
			bAbs += math.Abs(float64(b[o/d.ohw]) * float64(dy.m.At(i, o)))
		}
	}
	for kk := 0; kk < d.K; kk++ {
		for q := 0; q < d.ckk; q++ {
			dwAbs += math.Abs(float64(dw0.At(kk, q)) * float64(w.m.At(kk, q)))
		}
	}
	tot := n*d.kow*d.ckk + 3
	g64 := tu.Gamma[float64](tot) * (A + bAbs + dwAbs) * 3
	if e, bnd := math.Abs(yd-xd), (tu.Gamma[T](d.ckk+nb+1)+gi)*A+tu.Gamma[T](d.ckk+nb+1)*bAbs+g64; !(e <= bnd) {
		t.Fatalf("%s: ⟨conv(x), dy⟩ = %v, ⟨x, GradInput(dy)⟩ = %v: |diff| %g > bound %g", name, yd, xd, e, bnd)
	}
	if e, bnd := math.Abs(yd-wd), (tu.Gamma[T](d.ckk+nb+1)+tu.Gamma[T](m+1))*A+tu.Gamma[T](d.ckk+nb+1)*bAbs+tu.Gamma[T](m+1)*dwAbs+g64; !(e <= bnd) {
		t.Fatalf("%s: ⟨conv(x), dy⟩ = %v, ⟨w, GradWeight(x, dy)⟩ = %v: |diff| %g > bound %g", name, yd, wd, e, bnd)
	}
	_ = u64
}

func testConv[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(21, 22))
		for _, cc := range convCases() {
			convCheckAll[T](t, k, r, cc, 1, tu.Normal)
		}
	})
}

func TestConvF32(t *testing.T) { testConv[float32](t) }
func TestConvF64(t *testing.T) { testConv[float64](t) }

// TestConvSpecial mixes NaN, ±Inf, ±0 and subnormals into the inputs
// (the class of each result must be that of the float64 loop) and uses
// mostly subnormal inputs (the underflow terms of the bounds).
func TestConvSpecial(t *testing.T) {
	run := func(t *testing.T, f func(*testing.T, *asm.Table, *rand.Rand, convCase, int, tu.Kind)) {
		tu.ForISA(t, func(t *testing.T, k *asm.Table) {
			r := rand.New(rand.NewPCG(23, 24))
			for _, cc := range convCases()[:11] {
				f(t, k, r, cc, 2, tu.Special)
				f(t, k, r, cc, 1, tu.Tiny)
			}
		})
	}
	t.Run("f32", func(t *testing.T) { run(t, convCheckAll[float32]) })
	t.Run("f64", func(t *testing.T) { run(t, convCheckAll[float64]) })
}

// TestConvBlocks crosses every cache block boundary (KC, NC, the channel
// groups of the input gradient) with the tiny test blocks.
func TestConvBlocks(t *testing.T) {
	tinyBlocks = true
	defer func() { tinyBlocks = false }()
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(25, 26))
		for i, cc := range convCases()[:11] {
			convCheckAll[float32](t, k, r, cc, 1+i%3, tu.Normal)
			convCheckAll[float64](t, k, r, cc, 1+i%2, tu.Normal)
		}
	})
}

// TestConvThreads checks that 1, 2, 3 and 7 threads give the same bits in
// all three products (and, under -race, that the tasks do not race).
func TestConvThreads(t *testing.T) {
	testConvThreads[float32](t)
	testConvThreads[float64](t)
}

func testConvThreads[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(27, 28))
		for _, cc := range []convCase{
			{ConvShape{C: 16, H: 12, W: 12, K: 32, KH: 5, KW: 5}, 5},
			{ConvShape{C: 16, H: 12, W: 12, K: 30, KH: 5, KW: 5}, 37}, // weight gradient: groups of images split, partial tiles
			{ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5}, 9},
			{ConvShape{C: 3, H: 40, W: 37, K: 20, KH: 3, KW: 3, Pad: 1}, 1}, // one image: column blocks
			{ConvShape{C: 64, H: 14, W: 14, K: 33, KH: 3, KW: 3, Stride: 2, Pad: 1}, 1},
		} {
			if raceEnabled && cc.s.C == 64 {
				continue
			}
			d := dimsOf("test", cc.s)
			n := cc.n
			x, w, dy := New[T](n, d.chw), New[T](d.K, d.ckk), New[T](n, d.kow)
			b := make([]T, d.K)
			for _, m := range []*Dense[T]{x, w, dy} {
				tu.Fill(r, m.Data, tu.Normal)
			}
			tu.Fill(r, b, tu.Normal)
			// dw and db are added to: start them at values (−0s too)
			dw0, db0 := New[T](d.K, d.ckk), make([]T, d.K)
			tu.Fill(r, dw0.Data, tu.Normal)
			tu.Fill(r, db0, tu.Normal)
			var negZero T
			negZero = -negZero
			dw0.Data[0], dw0.Data[len(dw0.Data)-1], db0[0] = negZero, negZero, negZero
			var want [3][]T
			for _, th := range []int{1, 2, 3, 7} {
				y, dx, dw, db := New[T](n, d.kow), New[T](n, d.chw), New[T](d.K, d.ckk), append([]T(nil), db0...)
				copy(dw.Data, dw0.Data)
				conv(k, th, convFwd, d, x, w, y, nil, b)
				conv(k, th, convGradIn, d, dy, w, dx, nil, nil)
				conv(k, th, convGradW, d, x, dy, dw, db, nil)
				got := [3][]T{y.Data, dx.Data, append(dw.Data, db...)}
				if want[0] == nil {
					want = got
					continue
				}
				for o := range got {
					for i := range got[o] {
						if !tu.Same(got[o][i], want[o][i]) {
							t.Fatalf("%+v: product %d: %d threads differ from 1 at %d: %v vs %v", cc.s, o, th, i, got[o][i], want[o][i])
						}
					}
				}
			}
		}
	})
}

// TestConvGuardPages places every operand against unreadable pages on
// either side: an access one element outside any of them faults.
func TestConvGuardPages(t *testing.T) {
	if !tu.GuardPages {
		t.Skip("no guard pages on this platform")
	}
	testConvGuard[float32](t)
	testConvGuard[float64](t)
}

func testConvGuard[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		r := rand.New(rand.NewPCG(29, 30))
		for _, cc := range []convCase{
			{ConvShape{C: 2, H: 7, W: 9, K: 5, KH: 3, KW: 2, Pad: 2}, 2},
			{ConvShape{C: 3, H: 9, W: 7, K: 13, KH: 2, KW: 3, Stride: 2}, 1},
			{ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5}, 2},
			{ConvShape{C: 16, H: 12, W: 12, K: 32, KH: 5, KW: 5}, 1},
		} {
			d := dimsOf("test", cc.s)
			n := cc.n
			for _, atEnd := range []bool{true, false} {
				mk := func(rows, cols int) *Dense[T] {
					g := tu.Guarded[T](t, rows*cols, atEnd)
					tu.Fill(r, g, tu.Normal)
					return NewFrom(rows, cols, g)
				}
				x, w, dy, y, dx, dw := mk(n, d.chw), mk(d.K, d.ckk), mk(n, d.kow), mk(n, d.kow), mk(n, d.chw), mk(d.K, d.ckk)
				b, db := tu.Guarded[T](t, d.K, atEnd), tu.Guarded[T](t, d.K, !atEnd)
				conv(k, 2, convFwd, d, x, w, y, nil, b)
				conv(k, 2, convGradIn, d, dy, w, dx, nil, nil)
				conv(k, 2, convGradW, d, x, dy, dw, db, nil)
				yr, ya := refConv(x, w, d)
				for i := range yr {
					bk := float64(b[i%d.kow/d.ohw])
					checkConvClose(t, fmt.Sprintf("guard %+v y[%d]", cc.s, i), float64(y.Data[i]), yr[i]+bk, ya[i]+math.Abs(bk), tu.Gamma[T](d.ckk+4)+1e-15, 1e-300)
				}
				s := PoolShape{C: d.C, H: d.H, W: d.W, KH: 2, KW: 3, Stride: 1}
				oh, ow := s.Out()
				py, pdx := mk(n, d.C*oh*ow), mk(n, d.chw)
				idx := tu.Guarded[int32](t, n*d.C*oh*ow, atEnd)
				MaxPool2D(py, idx, x, s)
				MaxPool2DGrad(pdx, py, idx, s)
			}
		}
	})
}

func TestConvAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(31, 32))
	for _, th := range []int{1, 2} {
		SetThreads(th)
		for _, s := range []ConvShape{{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5}, {C: 16, H: 12, W: 12, K: 32, KH: 5, KW: 5, Stride: 2, Pad: 2}} {
			d := dimsOf("test", s)
			n := 8
			x, w, y, dx, dw := New[float32](n, d.chw), New[float32](d.K, d.ckk), New[float32](n, d.kow), New[float32](n, d.chw), New[float32](d.K, d.ckk)
			b, db := make([]float32, d.K), make([]float32, d.K)
			tu.Fill(r, x.Data, tu.Normal)
			tu.Fill(r, w.Data, tu.Normal)
			ps := PoolShape{C: d.K, H: d.oh, W: d.ow, KH: 2, KW: 2}
			poh, pow := ps.Out()
			py, pdx := New[float32](n, d.K*poh*pow), New[float32](n, d.kow)
			idx := make([]int32, n*d.K*poh*pow)
			x64, w64, y64 := New[float64](n, d.chw), New[float64](d.K, d.ckk), New[float64](n, d.kow)
			for name, f := range map[string]func(){
				"Conv2D":           func() { Conv2D(y, x, w, b, s) },
				"Conv2DGradInput":  func() { Conv2DGradInput(dx, y, w, s) },
				"Conv2DGradWeight": func() { Conv2DGradWeight(dw, db, x, y, s) },
				"Conv2D f64":       func() { Conv2D(y64, x64, w64, nil, s) },
				"MaxPool2D":        func() { MaxPool2D(py, idx, y, ps) },
				"MaxPool2DGrad":    func() { MaxPool2DGrad(pdx, py, idx, ps) },
			} {
				f()
				if a := testing.AllocsPerRun(10, f); a != 0 {
					t.Errorf("%s %+v, %d threads: %v allocations per call", name, s, th, a)
				}
			}
		}
	}
}

func TestConvPanics(t *testing.T) {
	s := ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5}
	x, w, y := New[float32](3, 784), New[float32](16, 25), New[float32](3, 16*24*24)
	dx, dw, db := New[float32](3, 784), New[float32](16, 25), make([]float32, 16)
	big := New[float32](3, 20000)
	outs := []*Dense[float32]{y, dx, dw, big}
	for _, o := range outs {
		for i := range o.Data {
			o.Data[i] = 7
		}
	}
	for i := range db {
		db[i] = 7
	}
	ps := PoolShape{C: 2, H: 4, W: 4, KH: 2, KW: 2}
	px, py, pdx := New[float32](2, 32), New[float32](2, 8), New[float32](2, 32)
	idx := make([]int32, 16)
	for i := range py.Data {
		py.Data[i] = 7
	}
	for i := range pdx.Data {
		pdx.Data[i] = 7
	}
	bad := append([]int32(nil), idx...)
	bad[5] = 16
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() { Conv2D(y, New[float32](3, 785), w, nil, s) }, "mat.Conv2D: x is 3×785, want N×(C·H·W) = N×784"},
		{func() { Conv2D(y, x, New[float32](16, 24), nil, s) }, "mat.Conv2D: w is 16×24, want K×(C·KH·KW) = 16×25"},
		{func() { Conv2D(y, x, w, make([]float32, 15), s) }, "mat.Conv2D: len(b)=15, want K = 16"},
		{func() { Conv2D(New[float32](2, 9216), x, w, nil, s) }, "mat.Conv2D: dst is 2×9216, want N×(K·OH·OW) = 3×9216"},
		{func() { Conv2D(y, x, w, nil, ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 29, KW: 5}) }, "mat.Conv2D: invalid"},
		{func() { Conv2D(y, x, w, nil, ConvShape{C: 1, H: 28, W: 28, K: 16, KH: 5, KW: 5, Stride: -1}) }, "Stride ≥ 0"},
		{func() { Conv2D(y, x, w, nil, ConvShape{C: 0, H: 28, W: 28, K: 16, KH: 5, KW: 5}) }, "mat.Conv2D: invalid"},
		{func() { Conv2D(y, nil, w, nil, s) }, "mat.Conv2D: x is nil"},
		{func() {
			Conv2D(big.Slice(0, 3, 0, 9216), big.Slice(0, 3, 9000, 9784), w, nil, s)
		}, "mat.Conv2D: dst (3×9216) shares memory with x"},
		{func() { Conv2D(y, x, w, y.Data[:16], s) }, "mat.Conv2D: dst (3×9216) shares memory with b"},
		{func() { Conv2DGradInput(dx, New[float32](3, 9215), w, s) }, "mat.Conv2DGradInput: dy is 3×9215, want N×(K·OH·OW) = N×9216"},
		{func() { Conv2DGradInput(New[float32](3, 783), y, w, s) }, "mat.Conv2DGradInput: dx is 3×783, want N×(C·H·W) = 3×784"},
		{func() { Conv2DGradInput(dx, y, New[float32](15, 25), s) }, "mat.Conv2DGradInput: w is 15×25"},
		{func() { Conv2DGradInput(big.Slice(0, 3, 9000, 9784), big.Slice(0, 3, 0, 9216), w, s) }, "mat.Conv2DGradInput: dx (3×784) shares memory with dy"},
		{func() { Conv2DGradWeight(dw, db, x, New[float32](2, 9216), s) }, "mat.Conv2DGradWeight: dy is 2×9216, want N×(K·OH·OW) = 3×9216"},
		{func() { Conv2DGradWeight(New[float32](16, 26), db, x, y, s) }, "mat.Conv2DGradWeight: dw is 16×26, want K×(C·KH·KW) = 16×25"},
		{func() { Conv2DGradWeight(dw, db[:3], x, y, s) }, "mat.Conv2DGradWeight: len(db)=3, want K = 16"},
		{func() { Conv2DGradWeight(dw, dw.Data[:16], x, y, s) }, "mat.Conv2DGradWeight: db (1×16) shares memory with dw"},
		{func() { Conv2DGradWeight(dw, db, New[float32](3, 700), y, s) }, "mat.Conv2DGradWeight: x is 3×700"},
		{func() { MaxPool2D(py, idx, New[float32](2, 31), ps) }, "mat.MaxPool2D: x is 2×31, want N×(C·H·W) = N×32"},
		{func() { MaxPool2D(New[float32](2, 9), idx, px, ps) }, "mat.MaxPool2D: dst is 2×9, want N×(C·OH·OW) = 2×8"},
		{func() { MaxPool2D(py, idx[:15], px, ps) }, "mat.MaxPool2D: len(idx)=15, want N·C·OH·OW = 16"},
		{func() { MaxPool2D(py, idx, px, PoolShape{C: 2, H: 4, W: 4, KH: 5, KW: 2}) }, "mat.MaxPool2D: invalid"},
		{func() { MaxPool2DGrad(pdx, py, bad, ps) }, "mat.MaxPool2DGrad: idx[5]=16 outside [0, H·W) = [0, 16)"},
		{func() { MaxPool2DGrad(New[float32](2, 31), py, idx, ps) }, "mat.MaxPool2DGrad: dx is 2×31, want N×(C·H·W) = 2×32"},
		{func() { MaxPool2DGrad(pdx, New[float32](2, 7), idx, ps) }, "mat.MaxPool2DGrad: dy is 2×7"},
	} {
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			tc.f()
			return "no panic"
		}()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("panic %q, want it to contain %q", msg, tc.want)
		}
	}
	for _, o := range append(outs, py, pdx) {
		for _, v := range o.Data {
			if v != 7 {
				t.Fatalf("written before the panic")
			}
		}
	}
	for _, v := range db {
		if v != 7 {
			t.Fatalf("db written before the panic")
		}
	}
}

// TestConvPublic checks the public functions on a hand-computed example,
// including the bias, accumulation of the weight gradients and N = 0.
func TestConvPublic(t *testing.T) {
	// one 1×3×3 image, one 2×2 filter, stride 1, no padding
	x := NewFrom(1, 9, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9})
	w := NewFrom(1, 4, []float64{1, 0, 0, -1})
	s := ConvShape{C: 1, H: 3, W: 3, K: 1, KH: 2, KW: 2}
	y := New[float64](1, 4)
	Conv2D(y, x, w, []float64{10}, s)
	if want := "[6 6 6 6]"; fmt.Sprint(y.Data) != want {
		t.Fatalf("Conv2D = %v, want %v", y.Data, want)
	}
	dy := NewFrom(1, 4, []float64{1, 2, 3, 4})
	dx := New[float64](1, 9)
	Conv2DGradInput(dx, dy, w, s)
	if want := "[1 2 0 3 3 -2 0 -3 -4]"; fmt.Sprint(dx.Data) != want {
		t.Fatalf("Conv2DGradInput = %v, want %v", dx.Data, want)
	}
	dw, db := New[float64](1, 4), []float64{0}
	Conv2DGradWeight(dw, db, x, dy, s)
	Conv2DGradWeight(dw, db, x, dy, s) // accumulates
	if want := "[74 94 134 154] [20]"; fmt.Sprint(dw.Data, db) != want {
		t.Fatalf("Conv2DGradWeight twice = %v %v, want %v", dw.Data, db, want)
	}
	if oh, ow := (ConvShape{C: 1, H: 28, W: 28, K: 1, KH: 5, KW: 5, Stride: 2, Pad: 2}).Out(); oh != 14 || ow != 14 {
		t.Fatalf("Out = %d×%d, want 14×14", oh, ow)
	}
	// N = 0: nothing to do, no panic
	Conv2D(New[float64](0, 4), New[float64](0, 9), w, nil, s)
	Conv2DGradInput(New[float64](0, 9), New[float64](0, 4), w, s)
	Conv2DGradWeight(dw, db, New[float64](0, 9), New[float64](0, 4), s)
	if fmt.Sprint(dw.Data, db) != "[74 94 134 154] [20]" {
		t.Fatalf("N = 0 changed dw, db")
	}
}
