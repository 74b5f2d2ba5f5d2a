package asm

import (
	"runtime"

	"github.com/lanes-go/lanes/isa"
)

// The int8 kernels of mat.GemmInt8: the micro-kernel gemmI8 on
// quad-interleaved panels (u8 A, s8 B, int32 C) and its tile gemmTileI8.
// Their specification is gen/spec/int8.go; the assembly is generated.
//
// Micro-kernel tiles (MR×NR int32; each instruction adds four u8·s8
// products into each int32 lane):
//
//	ISA      tile   instruction                  registers
//	avx512   6×64   VPDPBUSD zmm (AVX512_VNNI)   24 ZMM accumulators + 4 B + 1 broadcast A
//	avx2     6×16   VPDPBUSD ymm (AVX-VNNI, VEX) 12 YMM accumulators + 2 B + 1 broadcast A
//	neon     12×8   SDOT by element (DotProd)    24 V accumulators + 2 column sums
//	                                             + 2 B + 3 A + 1 constant
//	generic  2×4    Go int32 arithmetic          8 accumulators
//
// Go's assembler encodes VPDPBUSD only in its EVEX forms (AVX512_VNNI),
// so the avx2 kernel emits the VEX form (AVX-VNNI) as BYTE sequences; Go's
// arm64 assembler has no SDOT, so the NEON kernel emits WORDs. Both
// encoders are tested against GNU as in gen/ (x/arch/arm64asm does not
// decode SDOT).
//
// NEON has no u8×s8 dot product without FEAT_I8MM (USDOT), so its kernel
// offsets A: it flips the top bit of each A byte (a−128 as s8) and runs
// SDOT, and adds back 128·Σ_p B(p, j), which it accumulates alongside (an
// SDOT of each B vector with the bytes −128). Every step is exact modulo
// 2³², so the result is the same as the other ISAs' bit for bit.
//
// A table has its own int8 kernel only where the CPU has the feature
// (isa.HasFeature(i, isa.Int8)); elsewhere it holds the generic kernel and
// tile (see init below): e.g. the avx2 table on a CPU with AVX2 but no
// AVX-VNNI, or the neon table on an ARMv8.0 core. Under emulation:
// qemu-x86_64 -cpu max (7.2) has no AVX-VNNI (nor AVX-512), so CI's avx2
// run there uses the generic int8 kernel, and the VEX kernel runs only
// natively (Zen 5, Alder Lake and later); qemu-aarch64's default cpu max
// has DotProd (the NEON kernel runs), QEMU_CPU=cortex-a53 has not.

//go:generate go run -C ../../gen/amd64 . -feature int8 -out ../../internal/asm/int8_amd64.s -stubs ../../internal/asm/int8_amd64.go -pkg asm
//go:generate go run -C ../../gen/arm64 . -feature int8 -out ../../internal/asm/int8_arm64.s -stubs ../../internal/asm/int8_arm64.go -pkg asm

func init() {
	for i, t := range tables {
		if i != isa.Generic && !isa.HasFeature(i, isa.Int8) {
			t.GemmI8, t.GemmTileI8, t.PeakI8 = gemmI8Generic, gemmTileI8Generic, peakI8Generic
		}
	}
}

// i8MR and i8NR are the tile of gemmI8Generic (2×4, as the float generic
// kernel: 8 accumulators and the values of one step fit Go's registers).
const i8MR, i8NR = 2, 4

func gemmTileI8Generic() (mr, nr int) { return i8MR, i8NR }

// gemmI8Generic is the 2×4 micro-kernel in Go. int32 arithmetic wraps
// modulo 2³² in Go, as VPDPBUSD and SDOT do.
func gemmI8Generic(k int, a []uint8, b []int8, c []int32, ldc int, add bool) {
	a = a[: k*4*i8MR : k*4*i8MR]
	b = b[: k*4*i8NR : k*4*i8NR]
	var c00, c01, c02, c03, c10, c11, c12, c13 int32
	for q := 0; q < k; q++ {
		ap := a[q*8 : q*8+8 : q*8+8]
		bp := b[q*16 : q*16+16 : q*16+16]
		a0, a1, a2, a3 := int32(ap[0]), int32(ap[1]), int32(ap[2]), int32(ap[3])
		a4, a5, a6, a7 := int32(ap[4]), int32(ap[5]), int32(ap[6]), int32(ap[7])
		b0, b1, b2, b3 := int32(bp[0]), int32(bp[1]), int32(bp[2]), int32(bp[3])
		c00 += a0*b0 + a1*b1 + a2*b2 + a3*b3
		c10 += a4*b0 + a5*b1 + a6*b2 + a7*b3
		b0, b1, b2, b3 = int32(bp[4]), int32(bp[5]), int32(bp[6]), int32(bp[7])
		c01 += a0*b0 + a1*b1 + a2*b2 + a3*b3
		c11 += a4*b0 + a5*b1 + a6*b2 + a7*b3
		b0, b1, b2, b3 = int32(bp[8]), int32(bp[9]), int32(bp[10]), int32(bp[11])
		c02 += a0*b0 + a1*b1 + a2*b2 + a3*b3
		c12 += a4*b0 + a5*b1 + a6*b2 + a7*b3
		b0, b1, b2, b3 = int32(bp[12]), int32(bp[13]), int32(bp[14]), int32(bp[15])
		c03 += a0*b0 + a1*b1 + a2*b2 + a3*b3
		c13 += a4*b0 + a5*b1 + a6*b2 + a7*b3
	}
	r0, r1 := c[0:4:4], c[ldc:ldc+4:ldc+4]
	if add {
		c00, c01, c02, c03 = c00+r0[0], c01+r0[1], c02+r0[2], c03+r0[3]
		c10, c11, c12, c13 = c10+r1[0], c11+r1[1], c12+r1[2], c13+r1[3]
	}
	r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
	r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
}

// gemmPackBI8Generic packs n columns of B, k whole quads; see
// gen/spec/int8.go. Eight columns at a time are read as one 64-bit word
// per row and interleaved into four 64-bit words of two dwords each.
func gemmPackBI8Generic(k int, b []int8, ldb int, dst []int8, n int) {
	dst = dst[:k*4*n]
	for q := 0; q < k; q++ {
		d := dst[q*4*n : (q+1)*4*n]
		r0 := b[4*q*ldb:]
		r0 = r0[:n]
		r1 := b[(4*q+1)*ldb:]
		r1 = r1[:n]
		r2 := b[(4*q+2)*ldb:]
		r2 = r2[:n]
		r3 := b[(4*q+3)*ldb:]
		r3 = r3[:n]
		j := 0
		for ; j+8 <= n; j += 8 {
			v0, v1, v2, v3 := load64(r0[j:j+8]), load64(r1[j:j+8]), load64(r2[j:j+8]), load64(r3[j:j+8])
			o := d[4*j : 4*j+32]
			for t := 0; t < 4; t++ {
				store64(o[8*t:8*t+8], spread(v0, t)|spread(v1, t)<<8|spread(v2, t)<<16|spread(v3, t)<<24)
			}
		}
		for ; j < n; j++ {
			d[4*j], d[4*j+1], d[4*j+2], d[4*j+3] = r0[j], r1[j], r2[j], r3[j]
		}
	}
}

// spread returns bytes 2t and 2t+1 of v at bytes 0 and 4.
func spread(v uint64, t int) uint64 {
	v >>= 16 * uint(t)
	return v&0xff | (v>>8&0xff)<<32
}

func load64(b []int8) uint64 {
	b = b[:8]
	return uint64(uint8(b[0])) | uint64(uint8(b[1]))<<8 | uint64(uint8(b[2]))<<16 | uint64(uint8(b[3]))<<24 |
		uint64(uint8(b[4]))<<32 | uint64(uint8(b[5]))<<40 | uint64(uint8(b[6]))<<48 | uint64(uint8(b[7]))<<56
}

func store64(b []int8, v uint64) {
	b = b[:8]
	b[0], b[1], b[2], b[3] = int8(v), int8(v>>8), int8(v>>16), int8(v>>24)
	b[4], b[5], b[6], b[7] = int8(v>>32), int8(v>>40), int8(v>>48), int8(v>>56)
}

// peakI8Generic runs n iterations of 8 independent int32 multiply-add
// chains and returns the operations done (2 per multiply-add).
func peakI8Generic(n int) int {
	x0, x1, x2, x3, x4, x5, x6, x7 := int32(1), int32(2), int32(3), int32(4), int32(5), int32(6), int32(7), int32(8)
	m, d := int32(n)|1, int32(3)
	for i := 0; i < n; i++ {
		x0 = x0*m + d
		x1 = x1*m + d
		x2 = x2*m + d
		x3 = x3*m + d
		x4 = x4*m + d
		x5 = x5*m + d
		x6 = x6*m + d
		x7 = x7*m + d
	}
	runtime.KeepAlive(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7) // the chains must be computed
	return 16 * n
}
