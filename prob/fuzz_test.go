package prob

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// Fuzz targets: every ISA's kernels against the generic ones on fuzzed
// counters, keys, words and parameters (go test -fuzz FuzzPhilox ./prob).

func FuzzPhilox(f *testing.F) {
	f.Add(uint64(0), uint64(0), uint64(0), uint8(17))
	f.Add(uint64(1<<32-3), uint64(5), uint64(1<<63), uint8(40))
	f.Add(uint64(1<<64-2), uint64(1<<64-1), uint64(1<<64-1), uint8(9))
	gen := asm.Get(isa.Generic)
	f.Fuzz(func(t *testing.T, block, stream, key uint64, nb uint8) {
		want := make([]uint32, 4*int(nb))
		gen.Philox(want, block, stream, key)
		for _, isa := range isa.Available() {
			got := make([]uint32, len(want))
			asm.Get(isa).Philox(got, block, stream, key)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: block=%#x stream=%#x key=%#x nb=%d: word %d = %#x, want %#x", isa, block, stream, key, nb, i, got[i], want[i])
				}
			}
		}
	})
}

// words turns fuzz bytes into 32-bit words (a multiple of 4 of them).
func words(b []byte) []uint32 {
	w := make([]uint32, len(b)/16*4)
	for i := range w {
		w[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return w
}

func FuzzNormalKernel(f *testing.F) {
	f.Add(make([]byte, 48), 0.0, 1.0)
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\xe0 and some more bytes..."), -3.5, 1e-3)
	gen := asm.Get(isa.Generic)
	f.Fuzz(func(t *testing.T, b []byte, mu, sigma float64) {
		w := words(b)
		n := len(w) / 2
		w64 := make([]float64, n)
		gen.NormalF64(w64, w, mu, sigma)
		m32, s32 := float32(mu), float32(sigma)
		w32, r32 := make([]float32, len(w)), make([]uint16, (len(w)+15)/16)
		gen.NormalZigF32(w32, w, r32, zigTable[:], m32, s32)
		for _, isa := range isa.Available() {
			k := asm.Get(isa)
			g64 := make([]float64, n)
			k.NormalF64(g64, w, mu, sigma)
			for i := range w64 {
				if !tu.Same(g64[i], w64[i]) {
					t.Fatalf("%s: mu=%v sigma=%v [%d]: %v, generic %v", isa, mu, sigma, i, g64[i], w64[i])
				}
			}
			g32, q32 := make([]float32, len(w)), make([]uint16, len(r32))
			k.NormalZigF32(g32, w, q32, zigTable[:], m32, s32)
			for i := range w32 {
				if math.Float32bits(g32[i]) != math.Float32bits(w32[i]) || q32[i/16] != r32[i/16] {
					t.Fatalf("%s: zig mu=%v sigma=%v [%d]: %v, generic %v", isa, m32, s32, i, g32[i], w32[i])
				}
			}
		}
	})
}

func FuzzUniformKernel(f *testing.F) {
	f.Add(make([]byte, 64), 0.0, 1.0)
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\xff some words for the fuzzer to mutate"), -1e10, 3.0)
	gen := asm.Get(isa.Generic)
	f.Fuzz(func(t *testing.T, b []byte, lo, hi float64) {
		if !(lo < hi) || math.IsInf(hi-lo, 0) || float32(lo) >= float32(hi) || math.IsInf(float64(float32(hi)-float32(lo)), 0) {
			return // invalid ranges are rejected before the kernel
		}
		w := words(b)
		n := len(w) / 2
		l32, h32 := float32(lo), float32(hi)
		b32 := math.Nextafter32(h32, float32(math.Inf(-1)))
		b64 := math.Nextafter(hi, math.Inf(-1))
		want64, want32 := make([]float64, n), make([]float32, 2*n)
		gen.UniformF64(want64, w, lo, hi-lo, hi, b64)
		gen.UniformF32(want32, w, l32, h32-l32, h32, b32)
		for _, isa := range isa.Available() {
			k := asm.Get(isa)
			g64, g32 := make([]float64, n), make([]float32, 2*n)
			k.UniformF64(g64, w, lo, hi-lo, hi, b64)
			k.UniformF32(g32, w, l32, h32-l32, h32, b32)
			for i := range want64 {
				if !tu.Same(g64[i], want64[i]) || !(g64[i] >= lo && g64[i] < hi) {
					t.Fatalf("%s: [%v, %v) [%d] = %v, generic %v", isa, lo, hi, i, g64[i], want64[i])
				}
			}
			for i := range want32 {
				if !tu.Same(g32[i], want32[i]) || !(g32[i] >= l32 && g32[i] < h32) {
					t.Fatalf("%s: float32 [%v, %v) [%d] = %v, generic %v", isa, l32, h32, i, g32[i], want32[i])
				}
			}
		}
	})
}
