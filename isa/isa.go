// Package isa reports which instruction sets lanes can use on this machine
// and which one it uses.
//
//	fmt.Println(isa.Active(), isa.Available(), isa.Reason())
//	// avx512 [avx512 avx2 generic] best ISA this CPU supports
//
// Every kernel of lanes (vec, mat, act, prob) exists once per ISA: generated
// assembly for AVX-512 and AVX2+FMA on amd64 and for NEON on arm64, and a
// pure-Go generic version everywhere. At start-up the best ISA the CPU
// supports becomes active; all package-level functions of lanes use it.
//
// # Choosing an ISA
//
// The environment variable LANES_ISA=generic|avx2|avx512|neon, read once at
// start-up, forces one ISA. An unknown or unsupported value falls back to
// the best one, with one line on standard error, and never crashes.
//
// # What each ISA requires
//
// An ISA is available only when cpuid (github.com/klauspost/cpuid/v2)
// reports every feature its kernels use; a hypervisor that hides one flag
// hides the ISA:
//
//	avx512   AVX-512 F, DQ, BW, VL; AVX2, FMA3; BMI1, BMI2, POPCNT
//	avx2     AVX2, FMA3, BMI2
//	neon     arm64 Advanced SIMD (mandatory on arm64)
//	generic  always
//
// A build with the tag purego has no assembly: Available is [generic], and
// Reason says so.
//
// # Features
//
// Some kernels need an extension beyond their ISA's baseline: the bfloat16
// and int8 matrix products. Features(i) lists what the CPU offers with ISA
// i, and Has(f) asks it of the active ISA. Without a feature those kernels
// run a fallback: for bf16 on amd64, FMA kernels that emulate VDPBF16PS bit
// for bit (at about the float32 GEMM rate); elsewhere pure Go (the int8
// product is exact everywhere; mat.GemmBF16 says which ISAs agree bit for
// bit).
//
//	bf16  avx512: AVX512_BF16 (VDPBF16PS)   neon: FEAT_BF16 (BFDOT, BFMMLA)
//	int8  avx512: AVX512_VNNI (VPDPBUSD)    avx2: AVX-VNNI (VPDPBUSD, VEX)
//	      neon: FEAT_DotProd (SDOT, UDOT)
//
// # Results on different ISAs
//
// The element-wise kernels (activations, samplers, vector
// arithmetic) return the same bits on every ISA; reductions (Dot, Sum, the
// matrix product) may differ in the last bits between ISAs, within the
// error bounds the packages document. The same ISA and thread count always
// give the same bits.
package isa

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// ISA names an instruction set with its own kernels.
type ISA string

const (
	Generic ISA = "generic" // pure Go, every platform and the purego build
	AVX2    ISA = "avx2"    // amd64: AVX2, FMA3, BMI2
	AVX512  ISA = "avx512"  // amd64: AVX-512 F, DQ, BW, VL; AVX2, FMA3, BMI1, BMI2, POPCNT
	NEON    ISA = "neon"    // arm64: Advanced SIMD
)

// Feature names an instruction-set extension that some kernels use on top
// of an ISA's baseline.
type Feature string

const (
	BF16 Feature = "bf16" // bfloat16 pair dot products into float32
	Int8 Feature = "int8" // 8-bit integer quad dot products into int32
)

var (
	available []ISA // best first; the last is Generic
	features  map[ISA][]Feature
	active    ISA
	reason    string
)

func init() {
	available = append(detect(), Generic)
	features = detectFeatures()
	choose(os.Getenv("LANES_ISA"), os.Stderr)
}

// choose sets the active ISA from the value of LANES_ISA, writing one line
// to w when the value cannot be honoured.
func choose(env string, w io.Writer) {
	active, reason = available[0], best
	if env == "" {
		return
	}
	want := ISA(strings.ToLower(strings.TrimSpace(env)))
	switch {
	case supported(want):
		active, reason = want, "forced by LANES_ISA="+env
	case !known(want):
		fmt.Fprintf(w, "lanes: LANES_ISA=%q is not an ISA (want generic, avx2, avx512 or neon); using %s\n", env, active)
		reason += " (LANES_ISA=" + env + " unknown)"
	default:
		fmt.Fprintf(w, "lanes: LANES_ISA=%s is not supported by this CPU or build; using %s\n", env, active)
		reason += " (LANES_ISA=" + env + " unsupported)"
	}
}

func known(i ISA) bool {
	switch i {
	case Generic, AVX2, AVX512, NEON:
		return true
	}
	return false
}

func supported(i ISA) bool {
	for _, a := range available {
		if a == i {
			return true
		}
	}
	return false
}

// Available lists the ISAs this CPU and build can run, best first; the last
// is always Generic.
func Available() []ISA { return append([]ISA(nil), available...) }

// Active is the ISA the package-level functions of lanes use.
func Active() ISA { return active }

// Reason says why Active was chosen: the best ISA of this CPU, forced by
// LANES_ISA, or a purego build.
func Reason() string { return reason }

// Supported reports whether i is Available.
func Supported(i ISA) bool { return supported(i) }

// Features lists the extensions this CPU offers together with ISA i, in the
// order of the constants (none for Generic, or for an ISA not Available).
func Features(i ISA) []Feature { return append([]Feature(nil), features[i]...) }

// Has reports whether the active ISA has feature f: whether the kernels
// that need f run their assembly.
func Has(f Feature) bool { return HasFeature(active, f) }

// HasFeature reports whether f is among Features(i).
func HasFeature(i ISA, f Feature) bool {
	for _, g := range features[i] {
		if g == f {
			return true
		}
	}
	return false
}
