package mat

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/vec"
)

// Cache sizes in bytes (per core for L1D and L2; the L3 size as reported),
// from cpuid, with defaults where it reports none (e.g. under emulation).
var cacheL1, cacheL2, cacheL3 = cacheSize(cpuid.CPU.Cache.L1D, 32<<10), cacheSize(cpuid.CPU.Cache.L2, 256<<10), cacheSize(cpuid.CPU.Cache.L3, 4<<20)

func cacheSize(reported, def int) int {
	if reported <= 0 {
		return def
	}
	return reported
}

// blocks are the cache blocks of one GEMM: kc (the k extent of a panel), mc
// (rows of A packed at once) and nc (columns of B packed at once).
//
// The loops (the five BLIS loops applied to the row-major product, so the
// roles of the caches are those of BLIS for Cᵀ = Bᵀ·Aᵀ):
//
//	for ic (mc rows):  for pc (kc):  pack A[ic:ic+mc, pc:pc+kc] into MR-tall panels
//	  for jc (nc cols): pack B[pc:pc+kc, jc:jc+nc] into NR-wide panels
//	    for ir (MR): for jr (NR): micro-kernel
//
// An MR×kc micro-panel of A is reused by the whole jr loop, so it should
// stay in L1 while the kc×NR micro-panels of B stream past it: kc·MR·size ≤
// L1/2. The packed B block (kc×nc) is reused by the whole ir loop from L2:
// kc·nc·size ≤ L2/2. The packed A block (mc×kc) is reused by the jc loop
// from L3: mc·kc·size ≤ L3/4 (the L3 is shared with other cores). kc is
// kept within [64, 384]: the C tile is loaded and stored once per kc steps
// (the kernel alone runs at 96% of the FMA peak at kc = 128, 98% at 256 on
// the development machine), and a larger kc only grows the panels.
//
// On the development machine (L1D 32 KiB, L2 1 MiB, L3 32 MiB) this gives
// kc/mc/nc = 384/2046/320 for AVX-512 float32 (6×64), 336/2046/192 for
// float64 (6×32), 384/2046/336 for AVX2 float32 (6×16) and 336/2046/192
// for float64 (6×8). (Measured on a Zen 4 core, n=1024: kc from 256 to
// 512 and nc from 192 to 1024 change the AVX-512 GEMM by less than the
// run-to-run noise, ±1%.) Without cpuid cache data (e.g. under qemu) the
// defaults are 32 KiB, 256 KiB and 4 MiB.
type blocks struct{ kc, mc, nc int }

// Blocking returns the cache blocks that Gemm and Mul use for T on the
// active ISA: mc rows of op(a) and nc columns of op(b) are packed at a
// time, kc is the k extent of a packed panel. They follow from the cache
// sizes cpuid reports (32 KiB L1D, 256 KiB L2 and 4 MiB L3 where it
// reports none) and from the ISA's micro-kernel tile; they are fixed at
// start-up and do not depend on the operands or the number of threads.
func Blocking[T vec.Float]() (mc, kc, nc int) {
	ks := micro[T](asm.Current())
	var zero T
	b := blocksFor(ks.mr, ks.nr, int(unsafe.Sizeof(zero)))
	return b.mc, b.kc, b.nc
}

// tinyBlocks makes blocksFor return the smallest blocks (tests only), so
// that small products cross every block boundary.
var tinyBlocks bool

func blocksFor(mr, nr, size int) blocks {
	if tinyBlocks {
		return blocks{kc: 7, mc: 2 * mr, nc: 2 * nr}
	}
	kc := clamp(cacheL1/2/(mr*size)/8*8, 64, 384)
	nc := clamp(cacheL2/2/(kc*size)/nr*nr, nr, 4096/nr*nr)
	mc := clamp(cacheL3/4/(kc*size)/mr*mr, mr, 2048/mr*mr)
	return blocks{kc, mc, nc}
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
