package mat

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/kconst"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/vec"
)

// TestDotTile checks the dotTile kernel of every table (the vector body and
// the generic loop) against float64 sums (and its row sums into db, given
// or not): n segments of k elements for k
// across the lane width and its tail, rows repeated and at any offset,
// NaN/±Inf classes as the loop's, the tile written and nothing else. The
// bound is that of a summation tree of height n·⌈k/L⌉ + log₂L + 1 (L the
// lanes; the loop's chain n·k + 1), plus the underflow term.
func TestDotTile(t *testing.T) {
	testDotTile[float32](t)
	testDotTile[float64](t)
}

func testDotTile[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		dot, lanes := dotOf[T](k)
		r := rand.New(rand.NewPCG(41, 42))
		for _, kind := range []tu.Kind{tu.Normal, tu.Special, tu.Tiny} {
			for _, kk := range []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100} {
				for _, n := range []int{1, 2, 5} {
					testDotTileCase(t, dot, lanes, r, n, kk, kind)
				}
			}
		}
	})
}

func testDotTileCase[T vec.Float](t *testing.T, dot dotFn[T], lanes int, r *rand.Rand, n, k int, kind tu.Kind) {
	t.Helper()
	rowsA, rowsB := 3+r.IntN(3), 4+r.IntN(4)
	sa, sb := rowsA*k+r.IntN(5), rowsB*k+r.IntN(5)
	a, b := tu.Guarded[T](t, n*sa, true), tu.Guarded[T](t, n*sb, false)
	tu.Fill(r, a, kind)
	tu.Fill(r, b, kind)
	aoff, boff := make([]int, dotMR), make([]int, dotNR)
	for i := range aoff {
		aoff[i] = r.IntN(rowsA) * k
	}
	for j := range boff {
		boff[j] = r.IntN(sb - k + 1) // any offset inside a segment
	}
	const ldc = dotNR + 3
	c := make([]T, dotMR*ldc)
	tu.Fill(r, c, tu.Normal)
	c0 := append([]T(nil), c...)
	db := make([]T, dotMR)
	if r.IntN(2) == 0 {
		db = nil
	}
	tu.Fill(r, db, tu.Normal)
	db0 := append([]T(nil), db...)
	dot(n, k, a, aoff, sa, b, boff, sb, c, ldc, db)
	h := n*k + 1
	if lanes > 0 {
		h = n*((k+lanes-1)/lanes) + int(math.Log2(float64(lanes))) + 1
	}
	name := fmt.Sprintf("n=%d k=%d kind=%d lanes=%d", n, k, kind, lanes)
	for i := range db {
		ref, abs := float64(db0[i]), math.Abs(float64(db0[i]))
		for s := 0; s < n; s++ {
			for p := 0; p < k; p++ {
				ref += float64(a[s*sa+aoff[i]+p])
				abs += math.Abs(float64(a[s*sa+aoff[i]+p]))
			}
		}
		checkConvClose(t, fmt.Sprintf("%s: db[%d]", name, i), float64(db[i]), ref, abs,
			tu.Gamma[T](h)+tu.Gamma[float64](n*k+1), float64(h+1)*tu.Eta[T]())
	}
	for i := 0; i < dotMR; i++ {
		for j := 0; j < ldc; j++ {
			got := c[i*ldc+j]
			if j >= dotNR {
				if !tu.Same(got, c0[i*ldc+j]) {
					t.Fatalf("%s: c[%d][%d] written outside the tile", name, i, j)
				}
				continue
			}
			ref, abs := float64(c0[i*ldc+j]), math.Abs(float64(c0[i*ldc+j]))
			for s := 0; s < n; s++ {
				for p := 0; p < k; p++ {
					x := float64(a[s*sa+aoff[i]+p]) * float64(b[s*sb+boff[j]+p])
					ref += x
					abs += math.Abs(x)
				}
			}
			checkConvClose(t, fmt.Sprintf("%s: c[%d][%d]", name, i, j), float64(got), ref, abs,
				tu.Gamma[T](h)+tu.Gamma[float64](n*k+1), float64(h+1)*tu.Eta[T]())
		}
	}
}

// TestRows checks copyRows and addRows of every table against the Go loop
// (bit for bit: one rounding per added element), for widths across the
// lane width and its tail, one to three blocks (sources overlapping or not), with guard pages after src and before dst and
// the elements between the rows untouched.
func TestRows(t *testing.T) {
	testRows[float32](t)
	testRows[float64](t)
}

func testRows[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		cp, add := rowsOf[T](k)
		r := rand.New(rand.NewPCG(43, 44))
		for _, w := range []int{1, 3, 7, 8, 9, 15, 16, 17, 24, 33, 64, 70} {
			for _, n := range []int{1, 2, 5} {
				m := 1 + r.IntN(3)
				lds, ldd := w+r.IntN(4), w+r.IntN(4)
				sm, dm := n*lds+r.IntN(3), n*ldd+r.IntN(3)
				if r.IntN(2) == 0 { // overlapping blocks, as the shifted images' sources
					sm = 1
				}
				src := tu.Guarded[T](t, (m-1)*sm+(n-1)*lds+w, true)
				dst := tu.Guarded[T](t, (m-1)*dm+(n-1)*ldd+w, false)
				tu.Fill(r, src, tu.Special)
				for _, f := range []struct {
					name string
					fn   rowsFn[T]
					add  bool
				}{{"copyRows", cp, false}, {"addRows", add, true}} {
					tu.Fill(r, dst, tu.Special)
					want := append([]T(nil), dst...)
					for q := 0; q < m; q++ {
						for i := 0; i < n; i++ {
							for e := 0; e < w; e++ {
								if f.add {
									want[q*dm+i*ldd+e] += src[q*sm+i*lds+e]
								} else {
									want[q*dm+i*ldd+e] = src[q*sm+i*lds+e]
								}
							}
						}
					}
					f.fn(m, sm, dm, n, w, src, lds, dst, ldd)
					for i := range dst {
						if !tu.Same(dst[i], want[i]) {
							t.Fatalf("%s m=%d n=%d w=%d lds=%d ldd=%d: dst[%d] = %v, want %v", f.name, m, n, w, lds, ldd, i, dst[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestGemmInd checks the gemmInd and gemmInd8 kernels of every table (the
// tile is the table's gemm tile, or 8 rows by 3 vectors, where
// dotTileLanes > 0, else the generic 2×4) against
// float64 sums: rows of B at arbitrary offsets, k from 1 to 40, beta 0 (C
// not read: NaN there must not leak) and beta ≠ 0, the NaN/±Inf classes of
// the loop, the bound γ_{k+1}.
func TestGemmInd(t *testing.T) {
	testGemmInd[float32](t)
	testGemmInd[float64](t)
}

func testGemmInd[T vec.Float](t *testing.T) {
	tu.ForISA(t, func(t *testing.T, tab *asm.Table) {
		testGemmIndKernel(t, tab, gemmIndOf[T](tab), false)
		testGemmIndKernel(t, tab, gemmInd8Of[T](tab), true)
	})
}

func testGemmIndKernel[T vec.Float](t *testing.T, tab *asm.Table, ind indFn[T], eight bool) {
	{
		mr, nr := kconst.GemmGenericMR, kconst.GemmGenericNR
		if _, lanes := dotOf[T](tab); lanes > 0 {
			ks := micro[T](tab)
			mr, nr = ks.mr, ks.nr
			if eight {
				mr, nr = kconst.GemmInd8MR, kconst.GemmInd8RowVecs*lanes
			}
		}
		r := rand.New(rand.NewPCG(45, 46))
		for _, kind := range []tu.Kind{tu.Normal, tu.Special} {
			for _, k := range []int{1, 2, 5, 17, 40} {
				for _, beta := range []T{0, 1, -0.5} {
					a := make([]T, k*mr)
					tu.Fill(r, a, kind)
					b := tu.Guarded[T](t, 3*nr+7, true)
					tu.Fill(r, b, kind)
					boff := make([]int, k)
					for p := range boff {
						boff[p] = r.IntN(len(b) - nr + 1)
					}
					ldc := nr + 2
					c := make([]T, mr*ldc)
					tu.Fill(r, c, tu.Normal)
					c0 := append([]T(nil), c...)
					if beta == 0 {
						for i := range c {
							c[i] = T(math.NaN())
						}
					}
					ind(k, a, b, boff, c, ldc, beta)
					for i := 0; i < mr; i++ {
						for j := 0; j < ldc; j++ {
							got := c[i*ldc+j]
							if j >= nr {
								if beta != 0 && !tu.Same(got, c0[i*ldc+j]) {
									t.Fatalf("k=%d: c[%d][%d] written outside the tile", k, i, j)
								}
								continue
							}
							ref, abs := 0.0, 0.0
							if beta != 0 {
								ref, abs = float64(beta)*float64(c0[i*ldc+j]), math.Abs(float64(beta)*float64(c0[i*ldc+j]))
							}
							for p := 0; p < k; p++ {
								x := float64(a[p*mr+i]) * float64(b[boff[p]+j])
								ref += x
								abs += math.Abs(x)
							}
							checkConvClose(t, fmt.Sprintf("%d×%d k=%d beta=%v kind=%d: c[%d][%d]", mr, nr, k, beta, kind, i, j), float64(got), ref, abs,
								tu.Gamma[T](k+1)+tu.Gamma[float64](k+1), float64(k+2)*tu.Eta[T]())
						}
					}
				}
			}
		}
	}
}
