package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/lanes-go/lanes/gen/alg"
)

// neonOps is the NEON backend of alg.Ops: each operation records one or
// two instructions in an actProg (virtual registers, allocated when the
// program is flushed), in the program's arrangement (D2: float64 lanes,
// S4: float32 lanes). A lane predicate is an all-ones/all-zeros lane mask,
// except that Unord is kept as its complement (FCMEQ x, x) and Sel swaps
// its operands for it.
type neonOps struct {
	p *actProg
	// inv holds the predicates kept as their complement (Unord).
	inv map[nv]bool
	// consts maps a lane pattern to the register outside the pool that
	// holds it across the program (see hoistConsts); others are
	// materialized where used.
	consts map[uint64]V
	// uses counts the uses of each lane pattern (a dry run for hoistConsts).
	uses map[uint64]int
	// order lists the patterns by first use.
	order []uint64
}

func newOps(p *actProg) *neonOps { return &neonOps{p: p, inv: map[nv]bool{}} }

var _ alg.Ops[nv] = (*neonOps)(nil)

func (o *neonOps) Size() int {
	if o.p.arr == S4 {
		return 4
	}
	return 8
}

func (o *neonOps) F(c float64) nv {
	if o.Size() == 4 {
		return o.Bits(uint64(math.Float32bits(float32(c))))
	}
	return o.Bits(math.Float64bits(c))
}

func (o *neonOps) Bits(b uint64) nv {
	if o.uses != nil {
		if o.uses[b] == 0 {
			o.order = append(o.order, b)
		}
		o.uses[b]++
	}
	if r, ok := o.consts[b]; ok {
		return o.p.pinned(r)
	}
	return o.p.bits(b)
}

func (o *neonOps) Add(x, y nv) nv         { return o.p.add(x, y) }
func (o *neonOps) Sub(x, y nv) nv         { return o.p.sub(x, y) }
func (o *neonOps) Mul(x, y nv) nv         { return o.p.mul(x, y) }
func (o *neonOps) Div(x, y nv) nv         { return o.p.div(x, y) }
func (o *neonOps) Sqrt(x nv) nv           { return o.p.v2(fsqrt, x) }
func (o *neonOps) FMA(x, y, z nv) nv      { return o.p.fma(x, y, z) }
func (o *neonOps) FNMA(x, y, z nv) nv     { return o.p.fnma(x, y, z) }
func (o *neonOps) MulAddTo(d, y, z nv) nv { return o.p.fma(d, y, z) }
func (o *neonOps) SubMulTo(d, x, y nv) nv { return o.p.fnma(x, y, d) }

// ClampLo and ClampHi are FMAX and FMIN, which return NaN for a NaN operand.
func (o *neonOps) ClampLo(x, lo nv) nv { return o.p.v3(fmax, x, lo) }
func (o *neonOps) ClampHi(x, hi nv) nv { return o.p.v3(fmin, x, hi) }

func (o *neonOps) bitwise(op string, x, y nv) nv {
	if o.inv[x] || o.inv[y] {
		panic("gen/arm64: a complemented predicate (Unord) is only for Sel")
	}
	return o.p.op(func(a *Asm, d V, u []V) { a.Ins(op, u[1].B16(), u[0].B16(), d.B16()) }, x, y)
}

func (o *neonOps) And(x, y nv) nv { return o.bitwise("VAND", x, y) }
func (o *neonOps) Or(x, y nv) nv  { return o.bitwise("VORR", x, y) }
func (o *neonOps) Xor(x, y nv) nv { return o.bitwise("VEOR", x, y) }

func (o *neonOps) intOp(op string, x, y nv) nv {
	arr := o.p.arr
	return o.p.op(func(a *Asm, d V, u []V) { a.Ins(op, u[1].A(arr), u[0].A(arr), d.A(arr)) }, x, y)
}

func (o *neonOps) AddI(x, y nv) nv { return o.intOp("VADD", x, y) }
func (o *neonOps) SubI(x, y nv) nv { return o.intOp("VSUB", x, y) }

func (o *neonOps) shift(op string, n int, x nv) nv {
	arr := o.p.arr
	return o.p.op(func(a *Asm, d V, u []V) { a.Ins(op, fmt.Sprintf("$%d", n), u[0].A(arr), d.A(arr)) }, x)
}

func (o *neonOps) ShlI(n int, x nv) nv { return o.shift("VSHL", n, x) }
func (o *neonOps) ShrI(n int, x nv) nv { return o.shift("VUSHR", n, x) }

// SarI is SSHR (WORD-encoded), on the whole lane.
func (o *neonOps) SarI(n int, x nv) nv {
	arr := o.p.arr
	return o.p.op(func(a *Asm, d V, u []V) { a.W(sshr.Encode(arr, d, u[0], n)) }, x)
}

// CvtU2F and CvtI2F are UCVTF and SCVTF (exact below 2⁵³).
func (o *neonOps) CvtU2F(x nv) nv { return o.p.v2(ucvtf, x) }
func (o *neonOps) CvtI2F(x nv) nv { return o.p.v2(scvtf, x) }

func (o *neonOps) Lt(x, y nv) nv { return o.p.v3(fcmgt, y, x) }
func (o *neonOps) Ge(x, y nv) nv { return o.p.v3(fcmge, x, y) }
func (o *neonOps) Eq(x, y nv) nv { return o.p.v3(fcmeq, x, y) }

// Unord is x = x, kept as the complement of the predicate.
func (o *neonOps) Unord(x nv) nv {
	m := o.p.v3(fcmeq, x, x)
	o.inv[m] = true
	return m
}

// Odd is CMTST with the integer 1.
func (o *neonOps) Odd(x nv) nv { return o.intOp("VCMTST", o.Bits(1), x) }

func (o *neonOps) Sel(m, t, f nv) nv {
	if o.inv[m] {
		t, f = f, t
	}
	return o.p.sel(m, t, f)
}

// Scalef is false: NEON has no FSCALE (that is SVE).
func (o *neonOps) Scalef() bool       { return false }
func (o *neonOps) ScaleF(v, kf nv) nv { panic("gen/arm64: NEON has no ScaleF") }

// hoistConsts runs body once on a throwaway program (nothing is emitted) to
// count the uses of each constant, loads the most used ones into regs
// (outside the pool) and returns them, for the programs of a loop body to
// share: consts of a neonOps.
func hoistConsts(a *Asm, arr Arr, regs []V, body func(o *neonOps)) map[uint64]V {
	dry := newOps(newProg(a, arr))
	dry.uses = map[uint64]int{}
	body(dry)
	order := dry.order
	sort.SliceStable(order, func(i, j int) bool { return dry.uses[order[i]] > dry.uses[order[j]] })
	consts := map[uint64]V{}
	for i, b := range order {
		if i == len(regs) {
			break
		}
		consts[b] = regs[i]
		a.MOVDConst(b, actRC)
		a.Ins("VDUP", actRC.String(), regs[i].A(arr))
	}
	return consts
}

// sshr is the signed shift right by an immediate n (1..64 on 2D, 1..32 on
// 4S): "sshr Vd.T, Vn.T, #n".
var sshr = opShiftImm{"sshr", 0x0f000400}

// opShiftImm is a vector shift by an immediate (AdvSIMD shift by
// immediate, right shifts): immh:immb is 2·esize − n.
type opShiftImm struct {
	Name string
	Base uint32 // Q = 0, immh:immb = 0, registers zero
}

// Encode returns "Name Vd.T, Vn.T, #n" for T = 2D or 4S.
func (o opShiftImm) Encode(arr Arr, d, n V, sh int) Word {
	esize := 32
	if arr == D2 {
		esize = 64
	} else if arr != S4 {
		panic("gen/arm64: " + o.Name + " takes 2D or 4S, not " + arr.Go)
	}
	if sh < 1 || sh > esize {
		panic(fmt.Sprintf("gen/arm64: %s by %d on %s", o.Name, sh, arr.Go))
	}
	return Word{
		o.Base | 1<<30 | uint32(2*esize-sh)<<16 | n.check()<<5 | d.check(),
		fmt.Sprintf("%s %s, %s, #%d", o.Name, d.gnu(arr), n.gnu(arr), sh),
	}
}
