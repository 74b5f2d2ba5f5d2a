package asm

import (
	"math"
	"runtime"
)

// The bfloat16 kernels: the conversions (toBF16, fromBF16) and the
// micro-kernel of mat.GemmBF16 (gemmBF16, gemmBF16Tile). Their
// specification, with the exact arithmetic, is gen/spec/bf16.go.
//
// The conversions use integer operations on the bits (AVX-512, NEON), not
// VCVTNEPS2BF16 or BFCVTN: those flush subnormal inputs to zero, and the
// conversion here must give the same bits on every ISA.
//
// The AVX-512 micro-kernel (AVX512_BF16) is a 6×64 tile: 24 ZMM
// accumulators, per k pair 4 loads of B, 6 dword broadcasts of A and 24
// VDPBF16PS, emitted as BYTE sequences (Go's assembler and avo do not know
// the instruction; gen/amd64 checks the encoding). gemmBF16Generic
// emulates VDPBF16PS exactly (the order of its two products, one rounding
// each, subnormal inputs as zero, results tiny after rounding flushed), so the
// generic and AVX-512 kernels give the same bits. Without AVX512_BF16 the
// gemmBF16FMA kernels (AVX2 6×16; AVX-512F 6×64, the avx512 table's
// fallback) give them too: the halves widened to float32 (exact), one
// VFMADD231PS per product in VDPBF16PS's order, MXCSR.DAZ|FTZ set for the
// loop and restored (Go's code expects the default MXCSR; a signal handler
// gets the default state from the kernel and the interrupted one back on
// return; asm is never preempted). The NEON kernel (BFDOT,
// FEAT_BF16) is a 6×16 tile; BFDOT adds the two products of a pair first
// and rounds to odd (Arm ARM, BFDotAdd without FEAT_EBF16), so its results
// differ from the others in the last bits, within mat.GemmBF16's bound.

//go:generate go run -C ../../gen/amd64 . -feature bf16 -out ../../internal/asm/bf16_amd64.s -stubs ../../internal/asm/bf16_amd64.go -pkg asm
//go:generate go run -C ../../gen/arm64 . -feature bf16 -out ../../internal/asm/bf16_arm64.s -stubs ../../internal/asm/bf16_arm64.go -pkg asm

// ToBF16Bits is the bfloat16 bits of x, rounded to nearest even (NaN: the
// top half, made quiet): the scalar reference of the toBF16 kernels.
func ToBF16Bits(x float32) uint16 {
	b := math.Float32bits(x)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

func toBF16Generic(dst []uint16, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = ToBF16Bits(x)
	}
}

func fromBF16Generic(dst []float32, src []uint16) {
	src = src[:len(dst)]
	for i, h := range src {
		dst[i] = math.Float32frombits(uint32(h) << 16)
	}
}

// The generic tile: the arithmetic of an element does not depend on the
// tile, only the packing does.
const genericBF16MR, genericBF16NR = 2, 4

func gemmBF16TileGeneric() (mr, nr int) { return genericBF16MR, genericBF16NR }

// peakBF16Generic runs n iterations of 8 independent float32 chains of two
// multiply-adds (a pair of products, as the generic kernel adds them) and
// returns the flops done, 4 per chain step.
func peakBF16Generic(n int) int {
	x0, x1, x2, x3, x4, x5, x6, x7 := float32(1), float32(2), float32(3), float32(4), float32(5), float32(6), float32(7), float32(8)
	m, d := float32(n%3)*0.25+0.5, float32(0.125)
	for i := 0; i < n; i++ {
		x0 = (x0*m+d)*m + d
		x1 = (x1*m+d)*m + d
		x2 = (x2*m+d)*m + d
		x3 = (x3*m+d)*m + d
		x4 = (x4*m+d)*m + d
		x5 = (x5*m+d)*m + d
		x6 = (x6*m+d)*m + d
		x7 = (x7*m+d)*m + d
	}
	runtime.KeepAlive(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7) // the chains must be computed
	return 32 * n
}

// gemmBF16PackBGeneric packs genericBF16NR columns in pairs of rows.
func gemmBF16PackBGeneric(k int, b []uint16, ldb int, dst []uint32) {
	packPairs(k, b, ldb, dst, genericBF16NR)
}

// packPairs packs nr columns of k rows of b in pairs of rows (the spec of
// gemmBF16PackB).
func packPairs(k int, b []uint16, ldb int, dst []uint32, nr int) {
	kp := (k + 1) / 2
	dst = dst[:kp*nr]
	for p := 0; p < k/2; p++ {
		r0 := b[2*p*ldb : 2*p*ldb+nr]
		r1 := b[(2*p+1)*ldb : (2*p+1)*ldb+nr]
		d := dst[p*nr : p*nr+nr]
		for j := range d {
			d[j] = uint32(r0[j]) | uint32(r1[j])<<16
		}
	}
	if k%2 == 1 {
		r0 := b[(k-1)*ldb : (k-1)*ldb+nr]
		d := dst[(kp-1)*nr : kp*nr]
		for j := range d {
			d[j] = uint32(r0[j])
		}
	}
}

// gemmBF16Generic is the 2×4 micro-kernel, VDPBF16PS emulated element by
// element (DotBF16Pair, with its common case inline: see addProduct).
func gemmBF16Generic(k int, a []uint32, b []uint32, c []float32, ldc int, alpha, beta float32) {
	const mr, nr = genericBF16MR, genericBF16NR
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	a, b = a[:k*mr], b[:k*nr]
	for p := 0; p < k; p++ {
		ap := a[p*mr : p*mr+mr : p*mr+mr]
		bp := b[p*nr : p*nr+nr : p*nr+nr]
		for h := 16; h >= 0; h -= 16 { // the high halves first
			a0, a1 := daz(ap[0]>>h&0xffff), daz(ap[1]>>h&0xffff)
			b0, b1, b2, b3 := daz(bp[0]>>h&0xffff), daz(bp[1]>>h&0xffff), daz(bp[2]>>h&0xffff), daz(bp[3]>>h&0xffff)
			c00 = addProduct(c00, a0, b0)
			c01 = addProduct(c01, a0, b1)
			c02 = addProduct(c02, a0, b2)
			c03 = addProduct(c03, a0, b3)
			c10 = addProduct(c10, a1, b0)
			c11 = addProduct(c11, a1, b1)
			c12 = addProduct(c12, a1, b2)
			c13 = addProduct(c13, a1, b3)
		}
	}
	for i, row := range [mr][nr]float32{{c00, c01, c02, c03}, {c10, c11, c12, c13}} {
		r := c[i*ldc : i*ldc+nr : i*ldc+nr]
		for j, x := range row {
			x = float32(alpha * x)
			if beta != 0 {
				x = FMA32(beta, r[j], x)
			}
			r[j] = x
		}
	}
}

// addProduct is one step of VDPBF16PS: ftz(acc + x·y) with one rounding,
// for x and y bfloat16 values (subnormals already zero) and acc not
// subnormal. The product of two bfloat16 numbers has at most 16
// significant bits, so when it is a normal float32 (or x or y is zero) the
// float32 product is exact and acc+p rounds once, as the fused operation
// does; otherwise (underflow, overflow, Inf, NaN) FMA32 computes it.
func addProduct(acc, x, y float32) float32 {
	p := float32(x * y) // the conversion forbids fusing
	if e := math.Float32bits(p) & 0x7f800000; (e != 0 && e != 0x7f800000) || x == 0 || y == 0 {
		// acc+p is a multiple of 2⁻¹⁴⁹: a sum below 2⁻¹²⁶ is exact, and
		// tiny either way.
		acc = acc + p
		if b := math.Float32bits(acc); b&0x7f800000 == 0 {
			return math.Float32frombits(b & 0x80000000)
		}
		return acc
	}
	return ftzFMA(x, y, acc)
}

// ftzFMA is fma(x, y, acc) rounded to nearest even and flushed to zero as
// x86 does with MXCSR.FTZ (and as VDPBF16PS does, checked on the
// instruction): a result is flushed (to a zero of its sign) when it is
// tiny after rounding, that is when the exact sum rounded to 24 bits with an
// unbounded exponent is below 2⁻¹²⁶. That differs from flushing the
// float32 result (rounded with subnormal precision) only where the latter
// is ±2⁻¹²⁶ and the exact sum lies in [2⁻¹²⁶−2⁻¹⁵⁰, 2⁻¹²⁶−2⁻¹⁵¹) (or its
// negative): those are flushed. x and y are bfloat16 values (products exact
// in float64) and acc a float32.
func ftzFMA(x, y, acc float32) float32 {
	r := FMA32(x, y, acc)
	b := math.Float32bits(r)
	switch {
	case b&0x7f800000 == 0:
		return math.Float32frombits(b & 0x80000000)
	case b&0x7fffffff != 0x00800000:
		return r
	}
	// |r| = 2⁻¹²⁶: is |x·y + acc| < 2⁻¹²⁶ − 2⁻¹⁵¹? s + e is the exact sum
	// (TwoSum; the product is exact in float64).
	p, c := float64(x)*float64(y), float64(acc)
	s := p + c
	bb := s - p
	e := (p - (s - bb)) + (c - bb)
	const t = 0x1p-126 - 0x1p-151
	if r < 0 {
		s, e = -s, -e
	}
	if s < t || (s == t && e < 0) {
		return math.Float32frombits(b & 0x80000000)
	}
	return r
}

// DotBF16Pair is one lane of VDPBF16PS: acc plus the products of the
// bfloat16 pairs in the words a and b (high halves first), each added with
// one rounding to nearest even, subnormal inputs read as zero and
// subnormal results flushed to zero. (Checked bit for bit against the
// instruction on random inputs of every exponent.)
func DotBF16Pair(acc float32, a, b uint32) float32 {
	acc = ftzFMA(daz(a>>16), daz(b>>16), ftz(acc))
	return ftzFMA(daz(a&0xffff), daz(b&0xffff), acc)
}

// daz is the float32 of bfloat16 bits h, zero (of h's sign) if h is subnormal.
func daz(h uint32) float32 {
	if h&0x7f80 == 0 {
		h &= 0x8000
	}
	return math.Float32frombits(h << 16)
}

// ftz is x, or a zero of x's sign if x is subnormal.
func ftz(x float32) float32 {
	if b := math.Float32bits(x); b&0x7f800000 == 0 {
		return math.Float32frombits(b & 0x80000000)
	}
	return x
}
