package asm

// The mat kernels: the GEMM micro-kernel (gemm), its packing kernels
// (gemmPackA, gemmPackB, gemmPackBT), its tile shape (gemmTile) and the
// peak-FMA probe (peakFMA). Their specification is gen/spec/mat.go;
// the generic bodies are in mat_generic.go, the assembly is generated.
//
// Micro-kernel tiles (MR×NR, chosen so that the accumulators, the B vectors
// of one k step and one broadcast A element fill the register file):
//
//	ISA      float32  float64  accumulators + B loads + broadcast
//	avx512    6×64     6×32    24 ZMM + 4 + 1 = 29 of 32
//	avx2      6×16     6×8     12 YMM + 2 + 1 = 15 of 16
//	neon      6×16     6×8     24 V + 4 + 2 (+ alpha, beta) = 32 of 32
//	generic   2×4      2×4     8 scalars + 6 operands (15 usable X registers)
//
// With two FMA pipes of latency 4, at least 8 independent accumulators keep
// the pipes full; 24 (AVX-512), 12 (AVX2) and 24 (NEON) leave room. Each k
// step loads NR/lanes vectors of B and MR broadcasts of A for MR·NR/lanes
// FMAs: 10 loads per 24 FMAs (AVX-512), 8 per 12 (AVX2), 7 per 24 (NEON,
// one 4-register VLD1 and six VLD1R), well within the load ports. The
// amd64 kernels prefetch the C tile, and B eight k steps ahead.
//
// gemmPackA, gemmPackB and gemmPackBT copy whole panels (MR rows of A, NR
// columns of B, NR rows of a transposed B) into the layout the micro-kernel
// reads (package mat packs partial edge panels, zero-padded, in Go);
// gemmTile reports MR and NR, so package mat always packs for the kernel of
// the same table. peakFMA runs independent FMA
// chains (12 vectors) to measure the machine's FMA peak for benchmarks.

//go:generate go run -C ../../gen/amd64 . -feature mat -out ../../internal/asm/mat_amd64.s -stubs ../../internal/asm/mat_amd64.go -pkg asm
//go:generate go run -C ../../gen/arm64 . -feature mat -out ../../internal/asm/mat_arm64.s -stubs ../../internal/asm/mat_arm64.go -pkg asm
