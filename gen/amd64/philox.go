package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/gen/spec"
	"github.com/lanes-go/lanes/internal/kconst"
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
	philoxM0 = kconst.PhiloxM0
	philoxM1 = kconst.PhiloxM1
	philoxW0 = kconst.PhiloxW0
	philoxW1 = kconst.PhiloxW1
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
