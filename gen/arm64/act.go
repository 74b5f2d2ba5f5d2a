package main

import (
	"fmt"
	"math"
	"slices"

	"github.com/lanes-go/lanes/gen/alg"
	"github.com/lanes-go/lanes/gen/spec"
)

// The act kernels on NEON. The algorithms (exp, sigmoid, tanh, log) are
// gen/alg's, run on neonOps: lane by lane the IEEE operations of the
// generic kernels of internal/asm in the same order, so NEON returns the
// same bits as every other ISA. float32 Exp, Sigmoid and Tanh compute in
// float32 lanes (alg.Exp32, Sigmoid32, Tanh32); the other float32 kernels
// in float64 lanes (FCVTL/FCVTL2 in, FCVTN/FCVTN2 out, WORD-encoded below).
//
// The bodies are long straight-line programs, so they are written against
// virtual registers (actProg, which prob's normal kernel uses too) and
// allocated to V0..V31 afterwards by last use; constants are materialized
// where used (MOVD + VDUP).

// actOp2 is a two-register op whose GNU text needs its own arrangements:
// the float conversions between 2S/4S and 2D.
type actOp2 struct {
	Name       string
	Base       uint32
	dArr, nArr string
}

func (o actOp2) Encode(d, n V) Word {
	return Word{o.Base | n.check()<<5 | d.check(), fmt.Sprintf("%s v%d.%s, v%d.%s", o.Name, d, o.dArr, n, o.nArr)}
}

var (
	actFcvtl  = actOp2{"fcvtl", 0x0e617800, "2d", "2s"}
	actFcvtl2 = actOp2{"fcvtl2", 0x4e617800, "2d", "4s"}
	actFcvtn  = actOp2{"fcvtn", 0x0e616800, "2s", "2d"}
	actFcvtn2 = actOp2{"fcvtn2", 0x4e616800, "4s", "2d"}
	actOps2   = []actOp2{actFcvtl, actFcvtl2, actFcvtn, actFcvtn2}
)

// ---- virtual registers ------------------------------------------------------

type nv int

type actIns struct {
	def  nv // −1: none
	uses []nv
	emit func(a *Asm, d V, u []V)
	pin  bool // def lives in register at, outside the pool
	at   V
	set  bool // pin, and the instruction writes at (opAt)
}

// actProg is a straight-line program on virtual vector registers.
type actProg struct {
	a    *Asm
	arr  Arr // the float arrangement of the ops (D2, or S4 for native float32)
	ins  []actIns
	n    nv
	pool V // registers V0..pool−1 are allocated; the rest are pinned ones
}

func newProg(a *Asm, arr Arr) *actProg { return &actProg{a: a, arr: arr, pool: 32} }

// pinned is the value held in register r (outside the pool) across steps.
func (p *actProg) pinned(r V) nv {
	d := p.n
	p.n++
	p.ins = append(p.ins, actIns{def: d, emit: func(*Asm, V, []V) {}, pin: true, at: r})
	return d
}

// opAt records an instruction defining a new value in register r (outside
// the pool), for a store that needs consecutive registers. No value live
// after it may be in r.
func (p *actProg) opAt(r V, emit func(a *Asm, d V, u []V), uses ...nv) nv {
	d := p.n
	p.n++
	p.ins = append(p.ins, actIns{def: d, uses: uses, emit: emit, pin: true, at: r, set: true})
	return d
}

// op records an instruction defining a new value from uses.
func (p *actProg) op(emit func(a *Asm, d V, u []V), uses ...nv) nv {
	d := p.n
	p.n++
	p.ins = append(p.ins, actIns{def: d, uses: uses, emit: emit})
	return d
}

// eff records an instruction with no result (a store).
func (p *actProg) eff(emit func(a *Asm, u []V), uses ...nv) {
	p.ins = append(p.ins, actIns{def: -1, uses: uses, emit: func(a *Asm, _ V, u []V) { emit(a, u) }})
}

// flush allocates registers (a value's register is free after its last
// use; a result never shares a register with its operands) and emits.
func (p *actProg) flush() {
	last := make([]int, p.n)
	for i := range last {
		last[i] = -1
	}
	for i, in := range p.ins {
		for _, u := range in.uses {
			last[u] = i
		}
	}
	var free []V
	for r := p.pool - 1; ; r-- {
		free = append(free, r)
		if r == 0 {
			break
		}
	}
	reg := make([]V, p.n)
	have := make([]bool, p.n)
	for i, in := range p.ins {
		u := make([]V, len(in.uses))
		for j, v := range in.uses {
			if !have[v] {
				panic(fmt.Sprintf("gen/arm64: act value %d used before definition", v))
			}
			u[j] = reg[v]
		}
		var d V
		if in.pin {
			for v := range reg {
				if in.set && have[v] && reg[v] == in.at && (last[v] > i || slices.Contains(in.uses, nv(v))) {
					panic(fmt.Sprintf("gen/arm64: act value %d is still in V%d", v, in.at))
				}
			}
			d = in.at
			reg[in.def], have[in.def] = d, true
		} else if in.def >= 0 {
			if len(free) == 0 {
				panic(fmt.Sprintf("gen/arm64: act program needs more than %d vector registers", p.pool))
			}
			d = free[len(free)-1]
			free = free[:len(free)-1]
			reg[in.def], have[in.def] = d, true
		}
		in.emit(p.a, d, u)
		for _, v := range in.uses {
			if last[v] == i && have[v] {
				have[v] = false
				if reg[v] < p.pool {
					free = append(free, reg[v])
				}
			}
		}
		if in.def >= 0 && last[in.def] < i && !in.pin {
			have[in.def] = false
			free = append(free, d)
		}
	}
}

// ---- operations (float64 lanes unless p.arr is S4) ---------------------------

const actRC R = 9 // scratch for constants

// bits is a vector with the 64-bit (D2) or 32-bit (S4) pattern b in every lane.
func (p *actProg) bits(b uint64) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, _ []V) {
		a.MOVDConst(b, actRC)
		a.Ins("VDUP", actRC.String(), d.A(arr))
	})
}

// c is the constant v in the lanes' float type.
func (p *actProg) c(v float64) nv {
	if p.arr == S4 {
		return p.bits(uint64(math.Float32bits(float32(v))))
	}
	return p.bits(math.Float64bits(v))
}

func (p *actProg) v3(o Op3, x, y nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) { a.V3(o, arr, d, u[0], u[1]) }, x, y)
}

func (p *actProg) v2(o Op2, x nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) { a.V2(o, arr, d, u[0]) }, x)
}

func (p *actProg) add(x, y nv) nv { return p.v3(fadd, x, y) }
func (p *actProg) sub(x, y nv) nv { return p.v3(fsub, x, y) }
func (p *actProg) mul(x, y nv) nv { return p.v3(fmul, x, y) }
func (p *actProg) div(x, y nv) nv { return p.v3(fdiv, x, y) }

// fma is x·y + z in one rounding.
func (p *actProg) fma(x, y, z nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) {
		a.VMOV(u[2], d)
		a.VFMLA(arr, u[1], u[0], d)
	}, x, y, z)
}

// fnma is z − x·y in one rounding.
func (p *actProg) fnma(x, y, z nv) nv {
	arr := p.arr
	return p.op(func(a *Asm, d V, u []V) {
		a.VMOV(u[2], d)
		a.Ins("VFMLS", u[1].A(arr), u[0].A(arr), d.A(arr))
	}, x, y, z)
}

func (p *actProg) w2(o actOp2, x nv) nv {
	return p.op(func(a *Asm, d V, u []V) { a.W(o.Encode(d, u[0])) }, x)
}

// Comparisons give all-ones lanes where true.
func (p *actProg) ge(x, y nv) nv { return p.v3(fcmge, x, y) } // x ≥ y, ordered
func (p *actProg) gt(x, y nv) nv { return p.v3(fcmgt, x, y) } // x > y, ordered
func (p *actProg) eq(x, y nv) nv { return p.v3(fcmeq, x, y) } // x = y, ordered

// sel is m ? t : f.
func (p *actProg) sel(m, t, f nv) nv {
	return p.op(func(a *Asm, d V, u []V) {
		a.VMOV(u[0], d)
		a.Ins("VBSL", u[2].B16(), u[1].B16(), d.B16())
	}, m, t, f)
}

// ---- loops ----------------------------------------------------------------------

// Register plan: input pointers R0, R1, dst R2, count R3, constants R9.
var actIn = []R{0, 1}

const (
	actDst R = 2
	actN   R = 3
)

// actKernel emits an element-wise kernel: steps of unit elements while at
// least unit remain, then single elements. body computes one vector from
// the loaded inputs (float64 lanes when wide).
func actKernel(a *Asm, inputs []string, wide bool, body func(p *actProg, ins []nv) nv) {
	actLoop(a, true, inputs, wide, false, body)
}

// Registers reserved by the summing kernels.
const (
	actAcc V = 31 // the float64 partial sums
	actArg V = 30 // the scalar parameter c in both float64 lanes
)

// actLoop emits the loop; with store, results go to dst (whose length is
// the count, else the first input's); with sum, the stored values (float32:
// rounded, then widened again) are added into actAcc and the result is the
// sum of its lanes (the ret slot).
func actLoop(a *Asm, store bool, inputs []string, wide, sum bool, body func(p *actProg, ins []nv) nv) {
	if store {
		a.Load("dst_base", actDst)
		a.Load("dst_len", actN)
	} else {
		a.Load(inputs[0]+"_len", actN)
	}
	for i, name := range inputs {
		a.Load(name+"_base", actIn[i])
	}
	f32 := a.T.Size == 4
	arr := a.T.Arr
	if wide {
		arr = D2
	}
	if sum {
		a.VZero(actAcc)
		a.LoadF("c", actArg)
		if f32 {
			a.Ins("FCVTSD", actArg.F(), actArg.F())
		}
		a.Ins("VDUP", actArg.Lane(D2, 0), actArg.A(D2))
	}
	unit := a.T.Lanes // 4 float32 or 2 float64 per 128-bit load
	step := func(elems int) {
		p := newProg(a, arr)
		if sum {
			p.pool = 30
		}
		ins := make([]nv, len(inputs))
		for i := range inputs {
			base := actIn[i]
			if elems == 1 {
				ins[i] = p.op(func(a *Asm, d V, _ []V) { a.FLoadP(base, a.T.Size, d) })
			} else {
				ins[i] = p.op(func(a *Asm, d V, _ []V) { a.VLD1P(base, d, 1) })
			}
		}
		var out nv
		var sums []nv // float64 vectors to add into the accumulator
		switch {
		case !wide || !f32:
			out = body(p, ins)
			sums = []nv{out}
		case elems == 1:
			lo := make([]nv, len(ins))
			for i, v := range ins {
				lo[i] = p.w2(actFcvtl, v)
			}
			out = p.w2(actFcvtn, body(p, lo))
			if sum {
				sums = []nv{p.w2(actFcvtl, out)}
			}
		default:
			lo, hi := make([]nv, len(ins)), make([]nv, len(ins))
			for i, v := range ins {
				lo[i] = p.w2(actFcvtl, v)
				hi[i] = p.w2(actFcvtl2, v)
			}
			ol, oh := body(p, lo), body(p, hi)
			out = p.op(func(a *Asm, d V, u []V) {
				a.W(actFcvtn.Encode(d, u[0]))
				a.W(actFcvtn2.Encode(d, u[1]))
			}, ol, oh)
			if sum {
				sums = []nv{p.w2(actFcvtl, out), p.w2(actFcvtl2, out)}
			}
		}
		if store {
			if elems == 1 {
				p.eff(func(a *Asm, u []V) { a.FStoreP(u[0], a.T.Size, actDst) }, out)
			} else {
				p.eff(func(a *Asm, u []V) { a.VST1P(u[0], 1, actDst) }, out)
			}
		}
		if sum {
			for _, v := range sums {
				if elems == 1 {
					// Only lane 0 is an element: FMOVD clears the other.
					v = p.op(func(a *Asm, d V, u []V) { a.Ins("FMOVD", u[0].F(), d.F()) }, v)
				}
				p.eff(func(a *Asm, u []V) { a.V3(fadd, D2, actAcc, actAcc, u[0]) }, v)
			}
		}
		p.flush()
	}
	a.Label("loop")
	a.Ins("CMP", fmt.Sprintf("$%d", unit), actN.String())
	a.branch("BLT", "tail")
	step(unit)
	a.Ins("SUB", fmt.Sprintf("$%d", unit), actN.String(), actN.String())
	a.B("loop")
	a.Label("tail")
	a.CBZ(actN, "done")
	step(1)
	a.Ins("SUB", "$1", actN.String(), actN.String())
	a.B("tail")
	a.Label("done")
	if sum {
		a.Pair(faddps, D2, actArg, actAcc)
		if f32 {
			a.Ins("FCVTDS", actArg.F(), actArg.F())
		}
		a.StoreF(actArg, "ret")
	}
	a.RET()
}

// arg is the scalar parameter c (pinned in actArg).
func (p *actProg) arg() nv { return p.pinned(actArg) }

// scalarParam loads the float parameter name into every lane (native).
func scalarParam(a *Asm, p *actProg, name string) nv {
	return p.op(func(a *Asm, d V, _ []V) {
		a.LoadF(name, d)
		a.VDUPLane(d, 0, d)
	})
}

func init() {
	features["act"] = func(a *Asm, in spec.Instance) {
		f64 := in.T.Size == 8
		// run applies an alg function to the first input, in float64 lanes
		// (wide) or in the lanes of the type.
		run := func(wide bool, f func(o alg.Ops[nv], x nv) nv) {
			actKernel(a, []string{"x"}, wide, func(p *actProg, ins []nv) nv { return f(newOps(p), ins[0]) })
		}
		x := []string{"x"}
		switch in.Name {
		case "exp":
			if f64 {
				run(true, alg.Exp64[nv])
			} else {
				run(false, alg.Exp32[nv])
			}
		case "log":
			if f64 {
				run(true, alg.Log64[nv])
			} else {
				run(true, alg.LogW32[nv])
			}
		case "sigmoid":
			if f64 {
				run(true, alg.Sigmoid64[nv])
			} else {
				run(false, alg.Sigmoid32[nv])
			}
		case "tanh":
			if f64 {
				run(true, alg.Tanh64[nv])
			} else {
				run(false, alg.Tanh32[nv])
			}
		case "silu":
			run(true, alg.SiLU64[nv]) // float32 data in float64 lanes
		case "siluGrad":
			actKernel(a, []string{"x", "dy"}, true, func(p *actProg, ins []nv) nv {
				return alg.SiLUGrad64(newOps(p), ins[0], ins[1])
			})
		case "gelu":
			run(true, alg.GELU64[nv]) // float32 data in float64 lanes
		case "geluGrad":
			actKernel(a, []string{"x", "dy"}, true, func(p *actProg, ins []nv) nv {
				return alg.GELUGrad64(newOps(p), ins[0], ins[1])
			})
		case "geluTanh":
			run(true, alg.GELUTanh64[nv])
		case "geluTanhGrad":
			actKernel(a, []string{"x", "dy"}, true, func(p *actProg, ins []nv) nv {
				return alg.GELUTanhGrad64(newOps(p), ins[0], ins[1])
			})
		case "sigmoidGrad":
			actKernel(a, []string{"y", "dy"}, true, func(p *actProg, ins []nv) nv {
				y := ins[0]
				return p.mul(ins[1], p.mul(y, p.sub(p.c(1), y)))
			})
		case "tanhGrad":
			actKernel(a, []string{"y", "dy"}, true, func(p *actProg, ins []nv) nv {
				y := ins[0]
				return p.mul(ins[1], p.fnma(y, y, p.c(1)))
			})
		case "relu":
			actKernel(a, x, false, func(p *actProg, ins []nv) nv {
				zero := p.c(0)
				return p.sel(p.ge(zero, ins[0]), zero, ins[0]) // x ≤ 0 ? +0 : x (NaN: x)
			})
		case "leakyRelu":
			actKernel(a, x, false, func(p *actProg, ins []nv) nv {
				v := ins[0]
				return p.sel(p.gt(v, p.c(0)), v, p.mul(scalarParam(a, p, "alpha"), v))
			})
		case "reluGrad", "leakyReluGrad":
			actKernel(a, []string{"x", "dy"}, false, func(p *actProg, ins []nv) nv {
				v, dy := ins[0], ins[1]
				other := p.c(0)
				if in.Name == "leakyReluGrad" {
					other = p.mul(scalarParam(a, p, "alpha"), dy)
				}
				y := p.sel(p.gt(v, p.c(0)), dy, other)
				return p.sel(p.eq(v, v), y, v)
			})
		case "expSub", "expSum":
			actLoop(a, in.Name == "expSub", x, true, true, func(p *actProg, ins []nv) nv {
				d := p.sub(ins[0], p.arg())
				if f64 {
					return alg.Exp64(newOps(p), d)
				}
				return alg.ExpW32(newOps(p), d)
			})
		case "subSub":
			actKernel(a, x, false, func(p *actProg, ins []nv) nv {
				return p.sub(p.sub(ins[0], scalarParam(a, p, "a")), scalarParam(a, p, "b"))
			})
		case "mulSub":
			actKernel(a, []string{"y", "dy"}, false, func(p *actProg, ins []nv) nv {
				return p.mul(p.sub(ins[1], scalarParam(a, p, "d")), ins[0])
			})
		default:
			panic("gen/arm64: no act body for " + in.Name)
		}
	}
}
