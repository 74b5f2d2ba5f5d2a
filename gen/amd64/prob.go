package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
)

// The Philox4x32-10 bulk generator (see asm/prob_generic.go for the
// algorithm). The AVX-512 body is philoxAVX512Q (below, 64-bit lanes); the
// AVX2 body is philox, in the 32-bit-lane layout described here. A vector
// register holds one 32-bit counter word of L = 8 blocks: the state is four
// registers c0..c3, and each round is two 32×32→64 multiplications
// (VPMULUDQ on the even lanes and on the odd lanes shifted down, recombined
// with blends), three-way XORs and a key bump. At the end an in-lane 4×4
// transpose (VPUNPCK{L,H}{DQ,QDQ}) turns the four word vectors into blocks
// in memory order. The transpose leaves lane 4k+j of the state as 128-bit
// chunk k of output vector j, so the counters are assigned to lanes
// accordingly (philoxLanes): lane 4k+j runs block (L/4)·j + k, and output
// vector j holds blocks (L/4)·j .. +L/4−1 in order. Two vectors of blocks
// are in flight per iteration (philoxUnroll) because a round is a chain of
// dependent multiplications; AVX2 has 16 registers, so the multipliers and
// key increments are read from memory.

// philoxUnroll is the number of L-block vectors per main-loop iteration.
const philoxUnroll = 2

const (
	philoxM0 = 0xD2511F53
	philoxM1 = 0xCD9E8D57
	philoxW0 = 0x9E3779B9
	philoxW1 = 0xBB67AE85
)

// philoxLanes is the block offset of each lane (see the file comment).
func philoxLanes(lanes int) []uint32 {
	per := lanes / 4 // blocks per output vector = 128-bit chunks per register
	off := make([]uint32, lanes)
	for k := 0; k < per; k++ {
		for j := 0; j < 4; j++ {
			off[4*k+j] = uint32(per*j + k)
		}
	}
	return off
}

func init() {
	features["prob"] = func(in spec.Instance, isa spec.ISA) {
		switch in.Name {
		case "philox":
			if isa == spec.AVX512 {
				philoxAVX512Q()
			} else {
				philox(isa) // AVX2
			}
		case "uniform":
			uniformKernel(in, isa)
		case "moments":
			momentsKernel(in, isa)
		case "normalZig":
			if isa == spec.AVX512 {
				normalZigAVX512(in)
			} else {
				normalZigAVX2(in)
			}
		case "zigWedge":
			zigWedgeAVX512(in)
		case "normal":
			if isa == spec.AVX512 {
				normalAVX512(in)
			} else {
				normalAVX2(in)
			}
		default:
			panic("gen/amd64: no prob body for " + in.Name)
		}
	}
}

// u32Vector emits a read-only vector constant and returns its address.
func u32Vector(name string, vals []uint32) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i, v := range vals {
		DATA(4*i, U32(v))
	}
	return m
}

func philox(isa spec.ISA) {
	if isa == spec.AVX512 {
		panic("gen/amd64: the AVX-512 Philox body is philoxAVX512Q")
	}
	const lanes = 8
	vec := func() VecVirtual { return YMM() }
	const unroll = philoxUnroll
	sfx := isa.Suffix

	// Constants.
	offsets := u32Vector("philoxLanes"+sfx, philoxLanes(lanes))
	rep := func(v uint32) []uint32 {
		s := make([]uint32, lanes)
		for i := range s {
			s[i] = v
		}
		return s
	}
	memM0 := u32Vector("philoxM0"+sfx, rep(philoxM0))
	memM1 := u32Vector("philoxM1"+sfx, rep(philoxM1))
	memW0 := u32Vector("philoxW0"+sfx, rep(philoxW0))
	memW1 := u32Vector("philoxW1"+sfx, rep(philoxW1))
	io := make([]uint32, lanes)
	for i := range io {
		io[i] = uint32(i)
	}
	iota := u32Vector("philoxIota"+sfx, io)

	// broadcast puts the low 32 bits of a general register in every lane.
	broadcast := func(r GPVirtual) VecVirtual {
		v := vec()
		x := XMM()
		VMOVD(r.As32(), x)
		VPBROADCASTD(x, v)
		return v
	}

	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(2), n) // blocks
	block, stream, key := GP64(), GP64(), GP64()
	Load(Param("block"), block)
	Load(Param("stream"), stream)
	Load(Param("key"), key)

	// The stream and key words, broadcast again for every step (AVX2 is
	// short of vector registers).
	streamHi, keyHi := GP64(), GP64()
	MOVQ(stream, streamHi)
	SHRQ(U8(32), streamHi)
	MOVQ(key, keyHi)
	SHRQ(U8(32), keyHi)
	var m0, m1, w0, w1 Op = memM0, memM1, memW0, memW1
	var off Op = offsets

	// counters sets up the state of one vector of blocks starting at b
	// (a 64-bit block index): c0 = lo32(b) + offset, c1 = hi32(b) plus the
	// carry out of that addition.
	counters := func(b GPVirtual, c2, c3 VecVirtual) [4]VecVirtual {
		lo := broadcast(b)
		c0 := vec()
		VPADDD(off, lo, c0)
		hi := GP64()
		MOVQ(b, hi)
		SHRQ(U8(32), hi)
		INCL(hi.As32())
		c1 := broadcast(hi) // hi + 1
		mx := vec()
		VPMAXUD(lo, c0, mx)
		VPCMPEQD(c0, mx, mx) // −1 where c0 ≥ lo (no carry), else 0
		VPADDD(mx, c1, c1)
		return [4]VecVirtual{c0, c1, c2, c3}
	}

	// The rounds work in place on a fixed set of registers (avo's greedy
	// allocator fails on ten rounds of fresh temporaries): per vector of
	// blocks the four state registers, plus a pair of free registers that
	// rotates through the vectors, plus three scratch registers.
	pe, co, po := vec(), vec(), vec()

	// mulhilo sets hi to the high halves of m·c per lane and c to the low
	// halves.
	mulhilo := func(m Op, c, hi VecVirtual) {
		VPMULUDQ(m, c, pe) // even lanes: 64-bit products
		VPSRLQ(U8(32), c, co)
		VPMULUDQ(m, co, po) // odd lanes
		VPSRLQ(U8(32), pe, hi)
		VPSLLQ(U8(32), po, co)
		VPBLENDD(U8(0xAA), po, hi, hi)
		VPBLENDD(U8(0xAA), co, pe, c)
	}
	xor3 := func(a, b Op, c VecVirtual) { // c ^= a ^ b
		VPXOR(a, c, c)
		VPXOR(b, c, c)
	}
	// rounds runs the ten rounds on the states. One round of a state
	// (c0, c1, c2, c3) with the free pair (t0, t1):
	//
	//	t0 = hi(M0·c0), c0 = lo(M0·c0); t1 = hi(M1·c2), c2 = lo(M1·c2)
	//	t1 ^= c1 ^ k0; t0 ^= c3 ^ k1
	//	state = (t1, c2, t0, c0); the free pair becomes (c1, c3).
	rounds := func(st [][4]VecVirtual) {
		k0, k1 := broadcast(key), broadcast(keyHi)
		t0, t1 := vec(), vec()
		for r := 0; r < 10; r++ {
			for u := range st {
				c := st[u]
				mulhilo(m0, c[0], t0)
				mulhilo(m1, c[2], t1)
				xor3(c[1], k0, t1)
				xor3(c[3], k1, t0)
				st[u] = [4]VecVirtual{t1, c[2], t0, c[0]}
				t0, t1 = c[1], c[3]
			}
			if r < 9 {
				VPADDD(w0, k0, k0)
				VPADDD(w1, k1, k1)
			}
		}
	}

	// transpose turns the state into the four output vectors.
	transpose := func(c [4]VecVirtual) [4]VecVirtual {
		t0, t1, t2, t3 := vec(), vec(), vec(), vec()
		VPUNPCKLDQ(c[1], c[0], t0)
		VPUNPCKHDQ(c[1], c[0], t1)
		VPUNPCKLDQ(c[3], c[2], t2)
		VPUNPCKHDQ(c[3], c[2], t3)
		r0, r1, r2, r3 := vec(), vec(), vec(), vec()
		VPUNPCKLQDQ(t2, t0, r0)
		VPUNPCKHQDQ(t2, t0, r1)
		VPUNPCKLQDQ(t3, t1, r2)
		VPUNPCKHQDQ(t3, t1, r3)
		return [4]VecVirtual{r0, r1, r2, r3}
	}
	store := func(r VecVirtual, m Mem) { VMOVDQU(r, m) }
	vbytes := 4 * 4 * lanes // bytes of output per vector of blocks

	// step emits count vectors of blocks at dst, advancing dst and block.
	step := func(count int) {
		st := make([][4]VecVirtual, count)
		b := GP64()
		MOVQ(block, b)
		for u := range st {
			st[u] = counters(b, broadcast(stream), broadcast(streamHi))
			if u+1 < count {
				ADDQ(U32(lanes), b)
			}
		}
		rounds(st)
		for u := range st {
			out := transpose(st[u])
			for j := range out {
				store(out[j], Mem{Base: dst, Disp: u*vbytes + j*vbytes/4})
			}
		}
		ADDQ(U32(count*vbytes), dst)
		ADDQ(U32(count*lanes), block)
		SUBQ(U32(count*lanes), n)
	}

	Label("blocks")
	CMPQ(n, U32(unroll*lanes))
	JB(LabelRef("vectors"))
	step(unroll)
	JMP(LabelRef("blocks"))

	Label("vectors")
	CMPQ(n, U32(lanes))
	JB(LabelRef("tail"))
	step(1)
	JMP(LabelRef("vectors"))

	// Fewer than L blocks are left: compute a whole vector and store only
	// the words of the blocks that exist (masked stores never touch memory
	// in disabled lanes).
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	st := [][4]VecVirtual{counters(block, broadcast(stream), broadcast(streamHi))}
	rounds(st)
	out := transpose(st[0])
	words := GP64()
	MOVQ(n, words)
	SHLQ(U8(2), words) // words left, < 4·L
	// Lane i of output vector j is word 8j+i: enabled if 8j+i < words,
	// that is iota < words−8j (a signed compare; the bound may be < 0).
	cnt := GP64()
	MOVQ(words, cnt)
	for j := range out {
		cv := broadcast(cnt)
		mask := vec()
		VPCMPGTD(iota, cv, mask)
		VPMASKMOVD(out[j], mask, Mem{Base: dst, Disp: j * 32})
		if j < 3 {
			SUBQ(U8(8), cnt)
		}
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// u64Vector emits a read-only vector of eight quadwords.
func u64Vector(name string, vals ...uint64) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		DATA(8*i, U64(vals[i%len(vals)]))
	}
	return m
}

// normalAVX512 is the Box–Muller transform of asm/prob_generic.go
// (normalGeneric, boxMuller, bmLog, bmSinCos) on eight blocks at a time, one
// block per float64 lane. Every operation is the same IEEE operation in the
// same order as the Go code (no FMA; integer steps exact), so the results
// are bit-identical. Per group of eight blocks: two 64-byte loads hold the
// blocks' (u, t) quadword pairs; VPERMT2Q separates the u's and t's; the
// results z0, z1 are interleaved back into pairs for the stores. A last
// partial group uses masked loads and stores.
func normalAVX512(in spec.Instance) {
	f32 := in.T == spec.F32
	sfx := in.T.Suffix
	c := func(name string, v float64) Mem { return u64Vector("normal"+name+sfx, math.Float64bits(v)) }
	ci := func(name string, v uint64) Mem { return u64Vector("normal"+name+sfx, v) }
	var (
		idxU   = u64Vector("normalIdxU"+sfx, 0, 2, 4, 6, 8, 10, 12, 14)
		idxT   = u64Vector("normalIdxT"+sfx, 1, 3, 5, 7, 9, 11, 13, 15)
		idxLo  = u64Vector("normalIdxLo"+sfx, 0, 8, 1, 9, 2, 10, 3, 11)
		idxHi  = u64Vector("normalIdxHi"+sfx, 4, 12, 5, 13, 6, 14, 7, 15)
		qOne   = ci("QOne", 1)
		mant   = ci("Mant", 1<<52-1)
		half   = ci("Half", 1022<<52) // the exponent of [½, 1)
		q1022  = ci("Q1022", 1022)
		mask53 = ci("Mask53", 1<<53-1)
		q2p53  = ci("Q2p53", 1<<53)
		p2m53  = c("P2m53", 0x1p-53)
		sqrtH  = c("SqrtH", math.Sqrt2/2)
		one    = c("One", 1)
		two    = c("Two", 2)
		halfF  = c("HalfF", 0.5)
		minus2 = c("Minus2", -2)
		ln2Hi  = c("Ln2Hi", 6.93147180369123816490e-01)
		ln2Lo  = c("Ln2Lo", 1.90821492927058770002e-10)
		scale  = c("Scale", math.Pi/4*0x1p-53)
		sinC   []Mem
		cosC   []Mem
		logC   []Mem
	)
	for i, v := range []float64{6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
		2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01} {
		logC = append(logC, c(fmt.Sprintf("L%d", i+1), v))
	}
	for i, v := range []float64{1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6,
		-1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1} {
		sinC = append(sinC, c(fmt.Sprintf("S%d", i), v))
	}
	for i, v := range []float64{-1.13585365213876817300e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7,
		2.48015872888517045348e-5, -1.38888888888730564116e-3, 4.16666666666665929218e-2} {
		cosC = append(cosC, c(fmt.Sprintf("C%d", i), v))
	}

	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(1), n) // blocks
	w := Load(Param("w").Base(), GP64())
	mu, sigma := ZMM(), ZMM()
	VBROADCASTSD(Load(Param("mu"), XMM()), mu)
	VBROADCASTSD(Load(Param("sigma"), XMM()), sigma)

	z := func() VecVirtual { return ZMM() }
	// group computes the pairs of eight blocks loaded in a, b (u, t
	// quadwords) and returns the two output vectors (blocks 0-3, 4-7).
	group := func(a, b VecVirtual) (lo, hi VecVirtual) {
		u, t := z(), z()
		VMOVDQU64(idxU, u)
		VPERMI2Q(b, a, u) // u = the u quadwords of the eight blocks
		VMOVDQU64(idxT, t)
		VPERMI2Q(b, a, t)

		// x = (u>>11 + 1)·2⁻⁵³
		x := z()
		VPSRLQ(U8(11), u, x)
		VPADDQ(qOne, x, x)
		VCVTUQQ2PD(x, x)
		VMULPD(p2m53, x, x)

		// bmLog(x)
		e, f1, f := z(), z(), z()
		VPSRLQ(U8(52), x, e)
		VPSUBQ(q1022, e, e) // ki
		VPANDQ(mant, x, f1)
		VPORQ(half, f1, f1)
		VCMPPD(U8(1), sqrtH, f1, K1) // f1 < √2/2
		VADDPD(f1, f1, K1, f1)       // f1 *= 2
		VPSUBQ(qOne, e, K1, e)       // ki--
		k := z()
		VCVTQQ2PD(e, k)
		VSUBPD(one, f1, f) // f = f1 − 1
		s, t2 := z(), z()
		VADDPD(two, f, t2)
		VDIVPD(t2, f, s) // s = f/(2+f)
		s2, s4 := z(), z()
		VMULPD(s, s, s2)
		VMULPD(s2, s2, s4)
		// t1 = s2·(l1 + s4·(l3 + s4·(l5 + s4·l7)))
		t1 := z()
		VMULPD(logC[6], s4, t1)
		VADDPD(logC[4], t1, t1)
		VMULPD(t1, s4, t1)
		VADDPD(logC[2], t1, t1)
		VMULPD(t1, s4, t1)
		VADDPD(logC[0], t1, t1)
		VMULPD(t1, s2, t1)
		// t2 = s4·(l2 + s4·(l4 + s4·l6))
		VMULPD(logC[5], s4, t2)
		VADDPD(logC[3], t2, t2)
		VMULPD(t2, s4, t2)
		VADDPD(logC[1], t2, t2)
		VMULPD(t2, s4, t2)
		VADDPD(t2, t1, t1) // R
		hf := z()
		VMULPD(f, f, hf)
		VMULPD(halfF, hf, hf) // hfsq
		// k·ln2Hi − ((hfsq − (s·(hfsq+R) + k·ln2Lo)) − f)
		VADDPD(t1, hf, t1)
		VMULPD(t1, s, t1)
		VMULPD(ln2Lo, k, s2)
		VADDPD(s2, t1, t1)
		VSUBPD(t1, hf, t1)
		VSUBPD(f, t1, t1)
		VMULPD(ln2Hi, k, k)
		VSUBPD(t1, k, k) // ln x
		rho := k
		VMULPD(minus2, rho, rho)
		VSQRTPD(rho, rho)

		// bmSinCos(t)
		o, m := z(), z()
		VPSRLQ(U8(61), t, o)
		VPSRLQ(U8(8), t, m)
		VPANDQ(mask53, m, m)
		VPTESTMQ(qOne, o, K2) // odd octant
		r53 := z()
		VMOVDQU64(q2p53, r53)
		VPSUBQ(m, r53, K2, m) // m = 2⁵³ − m there (merge-masked)
		zz, zr := z(), z()
		VCVTUQQ2PD(m, zr)
		VMULPD(scale, zr, zr)
		VMULPD(zr, zr, zz)
		poly := func(cs []Mem) VecVirtual {
			p := z()
			VMULPD(cs[0], zz, p)
			for _, cc := range cs[1:] {
				VADDPD(cc, p, p)
				VMULPD(p, zz, p)
			}
			return p
		}
		ps := poly(sinC)
		pc := poly(cosC)
		sn, cs := ps, pc
		VMULPD(ps, zr, sn)
		VADDPD(sn, zr, sn) // z + z·ps
		hz := z()
		VMULPD(halfF, zz, hz)
		VMULPD(pc, zz, cs)
		oneR := z()
		VMOVUPD(one, oneR)
		VSUBPD(hz, oneR, hz) // 1 − 0.5·zz
		VADDPD(cs, hz, cs)   // + zz·pc
		// Octants: swap where ((o+1)>>1)&1, negate sin where o>>2, cos
		// where ((o+2)>>2)&1.
		q := z()
		VPADDQ(qOne, o, q)
		VPSRLQ(U8(1), q, q)
		VPTESTMQ(qOne, q, K3)
		sinV, cosV := z(), z()
		VBLENDMPD(cs, sn, K3, sinV)
		VBLENDMPD(sn, cs, K3, cosV)
		VPSRLQ(U8(2), o, q)
		VPSLLQ(U8(63), q, q)
		VPXORQ(q, sinV, sinV)
		VPADDQ(qOne, o, q)
		VPADDQ(qOne, q, q)
		VPSRLQ(U8(2), q, q)
		VPSLLQ(U8(63), q, q)
		VPXORQ(q, cosV, cosV)

		// z0 = ρ·cos, z1 = ρ·sin; mu + sigma·z
		VMULPD(cosV, rho, cosV)
		VMULPD(sinV, rho, sinV)
		VMULPD(sigma, cosV, cosV)
		VADDPD(mu, cosV, cosV)
		VMULPD(sigma, sinV, sinV)
		VADDPD(mu, sinV, sinV)
		lo, hi = z(), z()
		VMOVDQU64(idxLo, lo)
		VPERMI2Q(sinV, cosV, lo)
		VMOVDQU64(idxHi, hi)
		VPERMI2Q(sinV, cosV, hi)
		return lo, hi
	}
	outBytes := 128 // eight blocks of two values
	if f32 {
		outBytes = 64
	}
	store := func(r VecVirtual, disp int, k Op) {
		if f32 {
			y := YMM()
			VCVTPD2PS(r, y)
			if k != nil {
				VMOVUPS(y, k, Mem{Base: dst, Disp: disp})
			} else {
				VMOVUPS(y, Mem{Base: dst, Disp: disp})
			}
			return
		}
		if k != nil {
			VMOVUPD(r, k, Mem{Base: dst, Disp: disp})
		} else {
			VMOVUPD(r, Mem{Base: dst, Disp: disp})
		}
	}

	Label("groups")
	CMPQ(n, U32(8))
	JB(LabelRef("tail"))
	{
		a, b := z(), z()
		VMOVDQU64(Mem{Base: w}, a)
		VMOVDQU64(Mem{Base: w, Disp: 64}, b)
		lo, hi := group(a, b)
		store(lo, 0, nil)
		store(hi, outBytes/2, nil)
	}
	ADDQ(U32(128), w)
	ADDQ(U32(outBytes), dst)
	SUBQ(U32(8), n)
	JMP(LabelRef("groups"))

	// 1..7 blocks left: quadword j of the input (and of the output) belongs
	// to block j/2, so the masks are the low 2n bits, eight per vector.
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	mk := GP64()
	MOVQ(I32(-1), mk)
	SHLQ(U8(1), n)
	BZHIQ(n, mk, mk)
	KMOVB(mk.As32(), K4)
	SHRQ(U8(8), mk)
	KMOVB(mk.As32(), K5)
	{
		a, b := z(), z()
		VMOVDQU64_Z(Mem{Base: w}, K4, a)
		VMOVDQU64_Z(Mem{Base: w, Disp: 64}, K5, b)
		lo, hi := group(a, b)
		store(lo, 0, K4)
		store(hi, outBytes/2, K5)
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// normalAVX2 is normalAVX512 with AVX2 instructions: four blocks per group
// (two YMM loads; VPUNPCK{L,H}QDQ separate u and t, in the block order
// 0, 2, 1, 3, and the same unpacks restore pairs in memory order at the
// end), vector compare masks with VBLENDVPD instead of opmasks, and exact
// uint64 → float64 conversions built from two 26/27-bit halves (AVX2 has no
// VCVTUQQ2PD): for v ≤ 2⁵³, (hi | 2⁵²) − 2⁵² and (lo | 2⁵²) − 2⁵² are
// exact, hi·2²⁶ is exact, and their sum v is representable, so exact.
func normalAVX2(in spec.Instance) {
	f32 := in.T == spec.F32
	sfx := in.T.Suffix + "AVX2"
	c := func(name string, v float64) Mem { return u64Vector("normal"+name+sfx, math.Float64bits(v)) }
	ci := func(name string, v uint64) Mem { return u64Vector("normal"+name+sfx, v) }
	var (
		qOne   = ci("QOne", 1)
		mant   = ci("Mant", 1<<52-1)
		half   = ci("Half", 1022<<52)
		magic  = ci("Magic", 0x4330000000000000) // 2⁵² as a float64
		low26  = ci("Low26", 1<<26-1)
		mask53 = ci("Mask53", 1<<53-1)
		q2p53  = ci("Q2p53", 1<<53)
		iotaQ  = u64Vector("normalIotaQ"+sfx, 0, 1, 2, 3)
		iotaD  = u32Vector("normalIotaD"+sfx, []uint32{0, 1, 2, 3})
		p2p52  = c("P2p52", 0x1p52)
		p2p26  = c("P2p26", 0x1p26)
		p2m53  = c("P2m53", 0x1p-53)
		sqrtH  = c("SqrtH", math.Sqrt2/2)
		one    = c("One", 1)
		two    = c("Two", 2)
		halfF  = c("HalfF", 0.5)
		minus2 = c("Minus2", -2)
		c1022  = c("C1022", 1022)
		ln2Hi  = c("Ln2Hi", 6.93147180369123816490e-01)
		ln2Lo  = c("Ln2Lo", 1.90821492927058770002e-10)
		scale  = c("Scale", math.Pi/4*0x1p-53)
		sinC   []Mem
		cosC   []Mem
		logC   []Mem
	)
	for i, v := range []float64{6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
		2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01} {
		logC = append(logC, c(fmt.Sprintf("L%d", i+1), v))
	}
	for i, v := range []float64{1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6,
		-1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1} {
		sinC = append(sinC, c(fmt.Sprintf("S%d", i), v))
	}
	for i, v := range []float64{-1.13585365213876817300e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7,
		2.48015872888517045348e-5, -1.38888888888730564116e-3, 4.16666666666665929218e-2} {
		cosC = append(cosC, c(fmt.Sprintf("C%d", i), v))
	}

	dst := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(1), n) // blocks
	w := Load(Param("w").Base(), GP64())
	mu, sigma := YMM(), YMM()
	VBROADCASTSD(Load(Param("mu"), XMM()), mu)
	VBROADCASTSD(Load(Param("sigma"), XMM()), sigma)

	y := func() VecVirtual { return YMM() }
	// toF64 converts the integers v ≤ 2⁵³ of r to float64, exactly.
	toF64 := func(r VecVirtual) VecVirtual {
		hi, lo := y(), y()
		VPSRLQ(U8(26), r, hi)
		VPAND(low26, r, lo)
		VPOR(magic, hi, hi)
		VSUBPD(p2p52, hi, hi)
		VPOR(magic, lo, lo)
		VSUBPD(p2p52, lo, lo)
		VMULPD(p2p26, hi, hi)
		VADDPD(lo, hi, hi)
		return hi
	}
	// isOdd returns all-ones in the lanes where r is odd.
	isOdd := func(r VecVirtual) VecVirtual {
		m := y()
		VPAND(qOne, r, m)
		VPCMPEQQ(qOne, m, m)
		return m
	}
	group := func(a, b VecVirtual) (lo, hi VecVirtual) {
		u, t := y(), y()
		VPUNPCKLQDQ(b, a, u) // blocks 0, 2, 1, 3
		VPUNPCKHQDQ(b, a, t)

		x := y()
		VPSRLQ(U8(11), u, x)
		VPADDQ(qOne, x, x)
		x = toF64(x)
		VMULPD(p2m53, x, x)

		// bmLog(x)
		e, f1, f, k := y(), y(), y(), y()
		VPSRLQ(U8(52), x, e)
		VPOR(magic, e, e)
		VSUBPD(p2p52, e, e)
		VSUBPD(c1022, e, k) // ki as float64
		VPAND(mant, x, f1)
		VPOR(half, f1, f1)
		msk := y()
		VCMPPD(U8(1), sqrtH, f1, msk) // f1 < √2/2
		t2 := y()
		VADDPD(f1, f1, t2)
		VBLENDVPD(msk, t2, f1, f1) // f1 *= 2 there
		VANDPD(one, msk, msk)
		VSUBPD(msk, k, k) // ki-- there
		VSUBPD(one, f1, f)
		s := y()
		VADDPD(two, f, t2)
		VDIVPD(t2, f, s)
		s2, s4 := y(), y()
		VMULPD(s, s, s2)
		VMULPD(s2, s2, s4)
		t1 := y()
		VMULPD(logC[6], s4, t1)
		VADDPD(logC[4], t1, t1)
		VMULPD(t1, s4, t1)
		VADDPD(logC[2], t1, t1)
		VMULPD(t1, s4, t1)
		VADDPD(logC[0], t1, t1)
		VMULPD(t1, s2, t1)
		VMULPD(logC[5], s4, t2)
		VADDPD(logC[3], t2, t2)
		VMULPD(t2, s4, t2)
		VADDPD(logC[1], t2, t2)
		VMULPD(t2, s4, t2)
		VADDPD(t2, t1, t1) // R
		hf := y()
		VMULPD(f, f, hf)
		VMULPD(halfF, hf, hf)
		VADDPD(t1, hf, t1)
		VMULPD(t1, s, t1)
		VMULPD(ln2Lo, k, s2)
		VADDPD(s2, t1, t1)
		VSUBPD(t1, hf, t1)
		VSUBPD(f, t1, t1)
		VMULPD(ln2Hi, k, k)
		VSUBPD(t1, k, k)
		rho := k
		VMULPD(minus2, rho, rho)
		VSQRTPD(rho, rho)

		// bmSinCos(t)
		o, m := y(), y()
		VPSRLQ(U8(61), t, o)
		VPSRLQ(U8(8), t, m)
		VPAND(mask53, m, m)
		r53 := y()
		VMOVDQU(q2p53, r53)
		VPSUBQ(m, r53, r53)
		VBLENDVPD(isOdd(o), r53, m, m) // 2⁵³ − m in odd octants
		zr := toF64(m)
		VMULPD(scale, zr, zr)
		zz := y()
		VMULPD(zr, zr, zz)
		poly := func(cs []Mem) VecVirtual {
			p := y()
			VMULPD(cs[0], zz, p)
			for _, cc := range cs[1:] {
				VADDPD(cc, p, p)
				VMULPD(p, zz, p)
			}
			return p
		}
		sn := poly(sinC)
		cs := poly(cosC)
		VMULPD(sn, zr, sn)
		VADDPD(sn, zr, sn)
		hz := y()
		VMULPD(halfF, zz, hz)
		VMULPD(cs, zz, cs)
		oneR := y()
		VMOVUPD(one, oneR)
		VSUBPD(hz, oneR, hz)
		VADDPD(cs, hz, cs)
		q := y()
		VPADDQ(qOne, o, q)
		VPSRLQ(U8(1), q, q)
		swap := isOdd(q)
		sinV, cosV := y(), y()
		VBLENDVPD(swap, cs, sn, sinV)
		VBLENDVPD(swap, sn, cs, cosV)
		VPSRLQ(U8(2), o, q)
		VPSLLQ(U8(63), q, q)
		VPXOR(q, sinV, sinV)
		VPADDQ(qOne, o, q)
		VPADDQ(qOne, q, q)
		VPSRLQ(U8(2), q, q)
		VPSLLQ(U8(63), q, q)
		VPXOR(q, cosV, cosV)

		VMULPD(cosV, rho, cosV)
		VMULPD(sinV, rho, sinV)
		VMULPD(sigma, cosV, cosV)
		VADDPD(mu, cosV, cosV)
		VMULPD(sigma, sinV, sinV)
		VADDPD(mu, sinV, sinV)
		lo, hi = y(), y()
		VPUNPCKLQDQ(sinV, cosV, lo) // blocks 0, 1
		VPUNPCKHQDQ(sinV, cosV, hi) // blocks 2, 3
		return lo, hi
	}
	outBytes := 64 // four blocks of two values
	if f32 {
		outBytes = 32
	}
	store := func(r VecVirtual, disp int, mask Op) {
		m := Mem{Base: dst, Disp: disp}
		if f32 {
			x := XMM()
			VCVTPD2PSY(r, x)
			if mask != nil {
				VMASKMOVPS(x, mask, m)
			} else {
				VMOVUPS(x, m)
			}
			return
		}
		if mask != nil {
			VMASKMOVPD(r, mask, m)
		} else {
			VMOVUPD(r, m)
		}
	}

	Label("groups")
	CMPQ(n, U32(4))
	JB(LabelRef("tail"))
	{
		a, b := y(), y()
		VMOVDQU(Mem{Base: w}, a)
		VMOVDQU(Mem{Base: w, Disp: 32}, b)
		lo, hi := group(a, b)
		store(lo, 0, nil)
		store(hi, outBytes/2, nil)
	}
	ADDQ(U32(64), w)
	ADDQ(U32(outBytes), dst)
	SUBQ(U32(4), n)
	JMP(LabelRef("groups"))

	// 1..3 blocks left: quadword j of the input (and output) belongs to
	// block j/2; output lane j of the first vector is stored if j < 2n, of
	// the second if j+4 < 2n (signed compares against the iota vectors).
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	SHLQ(U8(1), n)
	cnt := XMM()
	MOVQ(n, cnt)
	cntQ := y()
	VPBROADCASTQ(cnt, cntQ)
	mA, mB := y(), y()
	VPCMPGTQ(iotaQ, cntQ, mA)
	SUBQ(U8(4), n)
	MOVQ(n, cnt)
	VPBROADCASTQ(cnt, cntQ)
	VPCMPGTQ(iotaQ, cntQ, mB)
	{
		// The input goes through a zeroed local buffer, copied a quadword
		// at a time: no load touches memory past the 2n quadwords.
		buf := AllocLocal(64)
		zero := y()
		VPXOR(zero, zero, zero)
		VMOVDQU(zero, buf)
		VMOVDQU(zero, buf.Offset(32))
		j, v := GP64(), GP64()
		XORQ(j, j)
		ADDQ(U8(4), n) // 2n again
		Label("copy")
		MOVQ(Mem{Base: w, Index: j, Scale: 8}, v)
		MOVQ(v, Mem{Base: buf.Base, Disp: buf.Disp, Index: j, Scale: 8})
		INCQ(j)
		CMPQ(j, n)
		JB(LabelRef("copy"))
		SUBQ(U8(4), n)
		a, b := y(), y()
		VMOVDQU(buf, a)
		VMOVDQU(buf.Offset(32), b)
		lo, hi := group(a, b)
		if f32 {
			// Dword masks: lane j < 2n, and j+4 < 2n.
			dA, dB := XMM(), XMM()
			ADDQ(U8(4), n)
			MOVQ(n, cnt)
			VPBROADCASTD(cnt, dA)
			VPCMPGTD(iotaD, dA, dA)
			SUBQ(U8(4), n)
			MOVQ(n, cnt)
			VPBROADCASTD(cnt, dB)
			VPCMPGTD(iotaD, dB, dB)
			store(lo, 0, dA)
			store(hi, outBytes/2, dB)
		} else {
			store(lo, 0, mA)
			store(hi, outBytes/2, mB)
		}
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// uniformKernel converts words to uniforms in place, element by element
// (asm/prob_generic.go: uniformGeneric): float32 lanes take (w>>8)·2⁻²⁴ of
// their own word, float64 lanes ((w0 | w1<<32)>>11)·2⁻⁵³ of their own
// quadword, then lo + span·u, and min(x, below) replaces a result ≥ hi by
// below (x < hi implies x ≤ below; with below as the first source, VMIN
// returns x when they compare equal, so −0 stays −0 as in Go).
func uniformKernel(in spec.Instance, isa spec.ISA) {
	v := newVK(isa, in.T)
	f32 := v.f32()
	sfx := in.T.Suffix + isa.Suffix
	lo, s, below := v.broadcast("lo"), v.broadcast("span"), v.broadcast("below")
	var scale Mem
	if f32 {
		scale = u32Vector("uniformScale"+sfx, []uint32{0x33800000}) // 2⁻²⁴
	} else {
		scale = u64Vector("uniformScale"+sfx, math.Float64bits(0x1p-53))
	}
	sc := v.vec()
	v.BCAST(scale, sc)
	var magic, p2p52, p2p26, low26 Mem
	if !f32 && isa == spec.AVX2 {
		magic = u64Vector("uniformMagic"+sfx, 0x4330000000000000)
		p2p52 = u64Vector("uniformP2p52"+sfx, math.Float64bits(0x1p52))
		p2p26 = u64Vector("uniformP2p26"+sfx, math.Float64bits(0x1p26))
		low26 = u64Vector("uniformLow26"+sfx, 1<<26-1)
	}
	bases, n := params("dst", "w")
	dst, w := bases[0], bases[1]
	i := GP64()
	XORQ(i, i)
	elementwise(v, i, n, func(i Register, off int, md mode) {
		x := v.load(v.at(w, i, off), md)
		op := func(r Register) Op { // the constant register in this mode's width
			if md.scalar {
				return r.(VecVirtual).AsX()
			}
			return r
		}
		if f32 {
			VPSRLD(U8(8), x, x)
			VCVTDQ2PS(x, x)
		} else {
			VPSRLQ(U8(11), x, x)
			if isa == spec.AVX512 {
				VCVTUQQ2PD(x, x)
			} else {
				// Exact: see normalAVX2.
				h := v.vec()
				if md.scalar {
					h = XMM()
				}
				VPSRLQ(U8(26), x, h)
				VPAND(low26, x, x)
				VPOR(magic, h, h)
				VSUBPD(p2p52, h, h)
				VPOR(magic, x, x)
				VSUBPD(p2p52, x, x)
				VMULPD(p2p26, h, h)
				VADDPD(x, h, x)
			}
		}
		if md.scalar {
			v.MULS(op(sc), x, x)
			v.MULS(op(s), x, x)
			v.ADDS(op(lo), x, x)
			v.pick(VMINSS, VMINSD)(x, op(below), x)
		} else {
			v.MUL(sc, x, x)
			v.MUL(s, x, x)
			v.ADD(lo, x, x)
			v.pick(VMINPS, VMINPD)(x, below, x)
		}
		v.store(x, v.at(dst, i, off), md)
	})
}

// momentsKernel is momentsGeneric with one compensated (s, c, q, e) set per
// float64 lane and momentsUnroll sets per iteration (a TwoSum is a chain of
// dependent additions). float32 data is widened exactly (VCVTPS2PD). The
// AVX-512 tail is a masked vector whose absent lanes get d = 0, which
// changes no sum. Then the sets are merged lane-wise and the lanes pairwise
// (upper half into lower half), all with TwoSum, so the error terms are kept
// throughout; the AVX2 tail is a scalar loop into the merged lane 0.
const momentsUnroll = 2

func momentsKernel(in spec.Instance, isa spec.ISA) {
	avx512 := isa == spec.AVX512
	f32 := in.T == spec.F32
	lanes := 4 // float64 lanes
	vec := func() VecVirtual { return YMM() }
	if avx512 {
		lanes = 8
		vec = func() VecVirtual { return ZMM() }
	}
	x := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	mu := vec()
	VBROADCASTSD(Load(Param("mu"), XMM()), mu)

	type set struct{ s, c, q, e VecVirtual }
	newSet := func(mk func() VecVirtual) set {
		st := set{mk(), mk(), mk(), mk()}
		for _, r := range []VecVirtual{st.s, st.c, st.q, st.e} {
			VXORPD(r, r, r)
		}
		return st
	}
	// twoSum adds b (and its error bErr) into (a, aErr), in place:
	// t = a+b, z = t−a, aErr += (a−(t−z)) + (b−z) + bErr, a = t.
	twoSum := func(a, aErr, b, bErr Op, mk func() VecVirtual) {
		t, z, u := mk(), mk(), mk()
		VADDPD(b, a, t)
		VSUBPD(a, t, z)
		VSUBPD(z, t, u)
		VSUBPD(u, a, u) // a − (t − z)
		VSUBPD(z, b, z) // b − z
		VADDPD(z, u, u)
		VADDPD(u, aErr, aErr)
		if bErr != nil {
			VADDPD(bErr, aErr, aErr)
		}
		VMOVAPD(t, a)
	}
	// add accumulates the deviations d into st.
	add := func(st set, d VecVirtual, mk func() VecVirtual) {
		twoSum(st.s, st.c, d, nil, mk)
		p, pe := mk(), mk()
		VMULPD(d, d, p)
		VMOVAPD(p, pe)
		VFMSUB231PD(d, d, pe) // d·d − p, exactly
		VADDPD(pe, st.e, st.e)
		twoSum(st.q, st.e, p, nil, mk)
	}
	i := GP64()
	XORQ(i, i)
	at := func(off int) Mem { return Mem{Base: x, Index: i, Scale: uint8(in.T.Size), Disp: off * in.T.Size} }
	dev := func(m Mem, k Op) VecVirtual {
		v := vec()
		switch {
		case f32 && k != nil:
			VCVTPS2PD_Z(m, k, v)
		case f32:
			VCVTPS2PD(m, v)
		case k != nil:
			VMOVUPD_Z(m, k, v)
		default:
			VMOVUPD(m, v)
		}
		VSUBPD(mu, v, v) // x − mu
		if k != nil {
			VMOVAPD_Z(v, k, v) // absent lanes: d = 0
		}
		return v
	}
	sets := make([]set, momentsUnroll)
	for j := range sets {
		sets[j] = newSet(vec)
	}
	loop("blocks", i, n, momentsUnroll*lanes, func() {
		for j := range sets {
			add(sets[j], dev(at(j*lanes), nil), vec)
		}
	})
	loop("vectors", i, n, lanes, func() { add(sets[0], dev(at(0), nil), vec) })
	if avx512 {
		r := GP64()
		MOVQ(n, r)
		SUBQ(i, r)
		JZ(LabelRef("merge"))
		m := GP32()
		MOVL(U32(0xff), m)
		BZHIL(r.As32(), m, m)
		KMOVB(m, K1)
		add(sets[0], dev(at(0), K1), vec)
		Label("merge")
	}
	// Merge the sets lane-wise, then the lanes, into lane 0.
	for _, st := range sets[1:] {
		twoSum(sets[0].s, sets[0].c, st.s, st.c, vec)
		twoSum(sets[0].q, sets[0].e, st.q, st.e, vec)
	}
	acc := sets[0]
	if avx512 {
		h := set{YMM(), YMM(), YMM(), YMM()}
		VEXTRACTF64X4(U8(1), acc.s, h.s)
		VEXTRACTF64X4(U8(1), acc.c, h.c)
		VEXTRACTF64X4(U8(1), acc.q, h.q)
		VEXTRACTF64X4(U8(1), acc.e, h.e)
		lo := set{acc.s.AsY().(VecVirtual), acc.c.AsY().(VecVirtual), acc.q.AsY().(VecVirtual), acc.e.AsY().(VecVirtual)}
		twoSum(lo.s, lo.c, h.s, h.c, YMM)
		twoSum(lo.q, lo.e, h.q, h.e, YMM)
		acc = lo
	}
	{
		h := set{XMM(), XMM(), XMM(), XMM()}
		VEXTRACTF128(U8(1), acc.s, h.s)
		VEXTRACTF128(U8(1), acc.c, h.c)
		VEXTRACTF128(U8(1), acc.q, h.q)
		VEXTRACTF128(U8(1), acc.e, h.e)
		lo := set{acc.s.AsX().(VecVirtual), acc.c.AsX().(VecVirtual), acc.q.AsX().(VecVirtual), acc.e.AsX().(VecVirtual)}
		twoSum(lo.s, lo.c, h.s, h.c, XMM)
		twoSum(lo.q, lo.e, h.q, h.e, XMM)
		acc = lo
	}
	{
		h := set{XMM(), XMM(), XMM(), XMM()}
		VPERMILPD(U8(1), acc.s, h.s)
		VPERMILPD(U8(1), acc.c, h.c)
		VPERMILPD(U8(1), acc.q, h.q)
		VPERMILPD(U8(1), acc.e, h.e)
		twoSum(acc.s, acc.c, h.s, h.c, XMM)
		twoSum(acc.q, acc.e, h.q, h.e, XMM)
	}
	if !avx512 {
		// The last elements, one at a time, into lane 0 (the packed ops
		// leave lane 1, which is not stored, to itself).
		muX := mu.AsX()
		scalarLoop("tail", i, n, func() {
			d := XMM()
			if f32 {
				VCVTSS2SD(at(0), d, d)
			} else {
				VMOVSD(at(0), d)
			}
			VSUBSD(muX, d, d)
			add(acc, d, XMM)
		})
	}
	VZEROUPPER()
	Store(acc.s, ReturnIndex(0))
	Store(acc.c, ReturnIndex(1))
	Store(acc.q, ReturnIndex(2))
	Store(acc.e, ReturnIndex(3))
	RET()
}

// philoxAVX512Q is the AVX-512 Philox kernel. It keeps each 32-bit counter
// word of a block in the low half of a 64-bit lane, eight blocks per ZMM
// register, so VPMULUDQ yields each 64-bit product hi:lo in place. With the
// state (c0, c1, c2, c3) in registers (A, B, C, D) a round is six
// instructions per eight blocks:
//
//	A = M0·A (64-bit: lo0 in the low half, hi0 in the high half); C = M1·C
//	B ^= (C >> 32) ^ k0; D ^= (A >> 32) ^ k1   (VPSRLQ, VPTERNLOGD)
//	state = (B, C, D, A)                        (renaming only)
//
// (the high halves hold garbage that VPMULUDQ ignores). The block counters
// are 64-bit lane additions, so the carry into the high word is free. The
// round keys are dword broadcasts from a table on the stack (loads, not
// vector additions). Round 1: c2 and c3 are the stream's words, the same in
// every lane, so M1·c2 is a constant computed once: c0' = c1 ^ C0 with
// C0 = hi(M1·c2) ^ k0, c1' = lo(M1·c2), c2' = hi(M0·c0) ^ c3 ^ k1, c3' =
// lo(M0·c0); round 2 folds c1' into its key. The last round writes each
// output pair straight into one 64-bit lane: VPRORQ by 32 of M1·C puts hi1
// in the low half and lo1 (= c1') in the high half, and a VPTERNLOGD masked
// to the low halves xors B and k0 into hi1, giving c0' | c1'<<32 (likewise
// c2' | c3'<<32 from M0·A). Lane j runs block j/2 for even j and 4 + j/2
// for odd j, so VPUNPCKLQDQ and VPUNPCKHQDQ of the two pair registers leave
// blocks 0..3 and 4..7 in memory order.
func philoxAVX512Q() {
	const sets = 4 // eight-block sets per main-loop iteration
	dst := Load(Param("dst").Base(), GP64())
	n := GP64()
	Load(Param("dst").Len(), n)
	SHRQ(U8(2), n) // blocks
	block, stream, key := GP64(), GP64(), GP64()
	Load(Param("block"), block)
	Load(Param("stream"), stream)
	Load(Param("key"), key)
	offs := GLOBL("philoxQLanes", RODATA|NOPTR)
	for j, o := range []uint64{0, 4, 1, 5, 2, 6, 3, 7} {
		DATA(8*j, U64(o))
	}
	bcast32 := func(r GPVirtual) VecVirtual {
		v := ZMM()
		VPBROADCASTD(r.As32(), v)
		return v
	}
	constant := func(c uint32) VecVirtual {
		r := GP32()
		MOVL(U32(c), r)
		return bcast32(r.As64().(GPVirtual))
	}
	m0, m1 := constant(philoxM0), constant(philoxM1)
	off := ZMM()
	VMOVDQU64(offs, off)

	// Round keys: keys[2r], keys[2r+1] = k0, k1 of round r+1.
	keys := AllocLocal(80)
	k0, k1 := GP32(), GP32()
	MOVL(key.As32(), k0)
	MOVQ(key, k1.As64())
	SHRQ(U8(32), k1.As64())
	for r := 0; r < 10; r++ {
		MOVL(k0, keys.Offset(8*r))
		MOVL(k1, keys.Offset(8*r+4))
		if r < 9 {
			ADDL(U32(philoxW0), k0)
			ADDL(U32(philoxW1), k1)
		}
	}
	key0 := func(r int) Mem { return keys.Offset(8 * r) }
	key1 := func(r int) Mem { return keys.Offset(8*r + 4) }
	// The round-1 constants: C0 = hi(M1·s0) ^ k0, C1 = lo(M1·s0) ^ k0 of
	// round 2 (c1' folded into that key), C2 = s1 ^ k1.
	var c0v, c1v, c2v VecVirtual
	{
		p, t := GP64(), GP64()
		MOVL(stream.As32(), p.As32()) // s0, zero-extended
		MOVL(U32(philoxM1), t.As32())
		IMULQ(t, p) // M1·s0 < 2⁶⁴
		MOVQ(p, t)
		SHRQ(U8(32), t)
		XORL(key0(0), t.As32())
		c0v = bcast32(t)
		XORL(key0(1), p.As32())
		c1v = bcast32(p)
		MOVQ(stream, t)
		SHRQ(U8(32), t)
		XORL(key1(0), t.As32())
		c2v = bcast32(t)
	}
	lowHalves := GP32()
	MOVL(U32(0x5555), lowHalves)
	KMOVW(lowHalves, K2)

	// counters returns A = the 64-bit block indices b+offset and B = A>>32.
	counters := func(b GPVirtual) (VecVirtual, VecVirtual) {
		a, bb := ZMM(), ZMM()
		VPBROADCASTQ(b, a)
		VPADDQ(off, a, a)
		VPSRLQ(U8(32), a, bb)
		return a, bb
	}
	// rounds runs the ten rounds on sets started by counters and returns,
	// per set, the registers of the output pairs (c0|c1, c2|c3).
	rounds := func(ab [][2]VecVirtual) [][2]VecVirtual {
		st := make([][4]VecVirtual, len(ab))
		for u, x := range ab { // round 1
			a, b := x[0], x[1]
			VPMULUDQ(m0, a, a)
			VPXORD(c0v, b, b)
			c := ZMM()
			VPSRLQ(U8(32), a, c)
			VPXORD(c2v, c, c)
			st[u] = [4]VecVirtual{b, nil, c, a} // c1' is in C1
		}
		for u := range st { // round 2: B is c1', folded into C1
			a, c, d := st[u][0], st[u][2], st[u][3]
			VPMULUDQ(m0, a, a)
			VPMULUDQ(m1, c, c)
			b := ZMM()
			VPSRLQ(U8(32), c, b)
			VPXORD(c1v, b, b)
			t := ZMM()
			VPSRLQ(U8(32), a, t)
			VPTERNLOGD_BCST(U8(0x96), key1(1), t, d)
			st[u] = [4]VecVirtual{b, c, d, a}
		}
		for r := 2; r < 9; r++ {
			for u := range st {
				a, b, c, d := st[u][0], st[u][1], st[u][2], st[u][3]
				VPMULUDQ(m0, a, a)
				VPMULUDQ(m1, c, c)
				t0, t1 := ZMM(), ZMM()
				VPSRLQ(U8(32), c, t0)
				VPTERNLOGD_BCST(U8(0x96), key0(r), t0, b)
				VPSRLQ(U8(32), a, t1)
				VPTERNLOGD_BCST(U8(0x96), key1(r), t1, d)
				st[u] = [4]VecVirtual{b, c, d, a}
			}
		}
		out := make([][2]VecVirtual, len(st))
		for u := range st { // round 10, into pairs
			a, b, c, d := st[u][0], st[u][1], st[u][2], st[u][3]
			VPMULUDQ(m0, a, a)
			VPMULUDQ(m1, c, c)
			VPRORQ(U8(32), c, c)
			VPTERNLOGD_BCST(U8(0x96), key0(9), b, K2, c)
			VPRORQ(U8(32), a, a)
			VPTERNLOGD_BCST(U8(0x96), key1(9), d, K2, a)
			out[u] = [2]VecVirtual{c, a}
		}
		return out
	}
	// output returns the registers of blocks 0..3 and 4..7.
	output := func(q [2]VecVirtual) (VecVirtual, VecVirtual) {
		lo, hi := ZMM(), ZMM()
		VPUNPCKLQDQ(q[1], q[0], lo)
		VPUNPCKHQDQ(q[1], q[0], hi)
		return lo, hi
	}
	step := func(count int) {
		ab := make([][2]VecVirtual, count)
		b := GP64()
		MOVQ(block, b)
		for u := range ab {
			a, bb := counters(b)
			ab[u] = [2]VecVirtual{a, bb}
			if u+1 < count {
				ADDQ(U8(8), b)
			}
		}
		q := rounds(ab)
		for u := range q {
			lo, hi := output(q[u])
			VMOVDQU32(lo, Mem{Base: dst, Disp: 128 * u})
			VMOVDQU32(hi, Mem{Base: dst, Disp: 128*u + 64})
		}
		ADDQ(U32(128*count), dst)
		ADDQ(U32(8*count), block)
		SUBQ(U32(8*count), n)
	}
	Label("blocks")
	CMPQ(n, U32(8*sets))
	JB(LabelRef("vectors"))
	step(sets)
	JMP(LabelRef("blocks"))

	Label("vectors")
	CMPQ(n, U8(8))
	JB(LabelRef("tail"))
	step(1)
	JMP(LabelRef("vectors"))

	// 1..7 blocks: one set, masked stores of the 4n words that exist.
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	{
		a, bb := counters(block)
		q := rounds([][2]VecVirtual{{a, bb}})
		lo, hi := output(q[0])
		words := GP64()
		MOVQ(n, words)
		SHLQ(U8(2), words)
		m := GP64()
		MOVQ(I32(-1), m)
		BZHIQ(words, m, m)
		KMOVW(m.As32(), K1)
		VMOVDQU32(lo, K1, Mem{Base: dst})
		SHRQ(U8(16), m)
		KMOVW(m.As32(), K1)
		VMOVDQU32(hi, K1, Mem{Base: dst, Disp: 64})
	}
	Label("done")
	VZEROUPPER()
	RET()
}
