package asm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/klauspost/cpuid/v2"

	"github.com/lanes-go/lanes/isa"
)

// bf16Corner is one lane of VDPBF16PS from acc = 0 on the words a, b (high
// halves first) whose result was read from the instruction (AVX512_BF16,
// AMD Zen 5) and from VFMADD231PS under MXCSR.DAZ|FTZ: the sums near the
// flush threshold 2⁻¹²⁶.
type bf16Corner struct {
	name  string
	a, b  uint32
	want  uint32 // float32 bits
	qemuW bool   // qemu 7.2 flushes before rounding: it gives +0 here
}

var bf16Corners = []bf16Corner{
	// 2⁻⁶³·2⁻⁶³ = 2⁻¹²⁶, then −2⁻⁷⁵·2⁻⁷⁵: 2⁻¹²⁶−2⁻¹⁵⁰ is tiny after
	// rounding to 24 bits (it has 24), though it rounds to 2⁻¹²⁶ with
	// subnormal precision: flushed.
	{"2^-126-2^-150", 0x2000<<16 | 0x9a00, 0x2000<<16 | 0x1a00, 0, false},
	{"2^-126-1.5·2^-151", 0x2000<<16 | 0x9a00, 0x2000<<16 | 0x19c0, 0, false},
	// 2⁻¹²⁶−2⁻¹⁵¹ rounds (ties to even) up to 2⁻¹²⁶ at 24 bits: not tiny.
	{"2^-126-2^-151", 0x2000<<16 | 0x9a00, 0x2000<<16 | 0x1980, 0x00800000, true},
	{"2^-126-2^-152", 0x2000<<16 | 0x9980, 0x2000<<16 | 0x1980, 0x00800000, true},
	// A product below 2⁻¹²⁶ is exact inside the FMA: 2⁻¹²⁶ + 2⁻¹²⁷.
	{"2^-126+2^-127", 0x2000<<16 | 0x1f80, 0x2000<<16 | 0x2000, 0x00c00000, false},
	{"0+2^-150", 0x1a00, 0x1a00, 0, false},
	{"+0+(-2^-150)", 0x9a00, 0x1a00, 0x80000000, false},
	// 1.5·2⁻¹²⁶ − 2⁻¹²⁶: an exact subnormal sum, flushed.
	{"exact subnormal", 0x2040<<16 | 0xa000, 0x2000<<16 | 0x2000, 0, false},
	// subnormal inputs read as zero: 0·x + 1·1
	{"subnormal input", 0x0040<<16 | 0x3f80, 0x3f80<<16 | 0x3f80, 0x3f800000, false},
	{"subnormal·Inf", 0x0001 << 16, 0x7f80 << 16, 0x7fc00000, false},
	// −1·2¹²⁷, then 2⁶⁴·2⁶⁴ = 2¹²⁸ (beyond float32) added inside the FMA: 2¹²⁷.
	{"overflow cancelled", 0xbf80<<16 | 0x5f80, 0x7f00<<16 | 0x5f80, 0x7f000000, false},
}

func TestDotBF16PairCorners(t *testing.T) {
	for _, c := range bf16Corners {
		got := math.Float32bits(DotBF16Pair(0, c.a, c.b))
		if got != c.want && !(c.want == 0x7fc00000 && got&0x7fffffff > 0x7f800000) {
			t.Errorf("%s: DotBF16Pair = %#08x, the instruction %#08x", c.name, got, c.want)
		}
	}
}

// bf16Tables is every table of this CPU whose gemmBF16 gives the bits of
// VDPBF16PS (not NEON's BFDOT), plus the avx512 table as on a CPU without
// AVX512_BF16.
func bf16Tables() map[string]*Table {
	m := map[string]*Table{}
	for _, i := range isa.Available() {
		if i == isa.NEON && isa.HasFeature(i, isa.BF16) {
			continue
		}
		m[string(i)] = Get(i)
		if i == isa.AVX512 {
			m["avx512-without-bf16"] = Without(i, isa.BF16)
		}
	}
	return m
}

func sameF32(x, y float32) bool {
	return math.Float32bits(x) == math.Float32bits(y) || (x != x && y != y)
}

// TestGemmBF16Corners runs the corner cases on every element of a tile.
func TestGemmBF16Corners(t *testing.T) {
	qemu := strings.HasPrefix(cpuid.CPU.BrandName, "QEMU")
	for name, k := range bf16Tables() {
		mr, nr := k.GemmBF16Tile()
		a, b, c := make([]uint32, mr), make([]uint32, nr), make([]float32, mr*nr)
		for _, x := range bf16Corners {
			if x.qemuW && qemu && name != "generic" {
				t.Logf("%s/%s: skipped: qemu (%s) flushes sums tiny before rounding, x86 after", name, x.name, cpuid.CPU.BrandName)
				continue
			}
			for i := range a {
				a[i] = x.a
			}
			for j := range b {
				b[j] = x.b
			}
			k.GemmBF16(1, a, b, c, nr, 1, 0)
			want := math.Float32frombits(x.want)
			for e, v := range c {
				if !sameF32(v, want) {
					t.Fatalf("%s/%s: c[%d] = %#08x, want %#08x", name, x.name, e, math.Float32bits(v), x.want)
				}
			}
		}
	}
}

// TestGemmBF16Emulation compares every kernel with DotBF16Pair and the
// epilogue (alpha·acc, then fma(beta, c, ·)) on random words of every
// exponent and on special values (±0, subnormals, ±Inf, NaN, extremes).
func TestGemmBF16Emulation(t *testing.T) {
	special := []uint32{0, 0x8000, 0x0001, 0x807f, 0x0040, 0x0080, 0x8080, 0x2000, 0xa000,
		0x1a00, 0x9980, 0x3f80, 0xbf80, 0x7f80, 0xff80, 0x7fc0, 0x7f7f, 0xff7f, 0x5f80, 0x1f80}
	r := rand.New(rand.NewPCG(15, 16))
	half := func() uint32 {
		switch r.IntN(4) {
		case 0:
			return special[r.IntN(len(special))]
		case 1:
			return uint32(r.IntN(1 << 16))
		}
		e := uint32(127 + r.IntN(140) - 70)
		return uint32(r.IntN(2))<<15 | e<<7 | uint32(r.IntN(128))
	}
	word := func() uint32 { return half()<<16 | half() }
	tries := 1000
	if testing.Short() {
		tries = 200
	}
	for name, k := range bf16Tables() {
		mr, nr := k.GemmBF16Tile()
		for try := 0; try < tries; try++ {
			kp := 1 + r.IntN(5)
			a, b := make([]uint32, kp*mr), make([]uint32, kp*nr)
			for x := range a {
				a[x] = word()
			}
			for x := range b {
				b[x] = word()
			}
			c0 := make([]float32, mr*nr)
			for x := range c0 {
				c0[x] = float32(r.NormFloat64())
			}
			alpha, beta := float32(1), float32(0)
			switch try % 3 {
			case 1:
				alpha, beta = 0.75, -1.5
			case 2:
				alpha, beta = 0x1p-100, 1
			}
			c := append([]float32(nil), c0...)
			k.GemmBF16(kp, a, b, c, nr, alpha, beta)
			for i := 0; i < mr; i++ {
				for j := 0; j < nr; j++ {
					var s float32
					for p := 0; p < kp; p++ {
						s = DotBF16Pair(s, a[p*mr+i], b[p*nr+j])
					}
					s = float32(alpha * s)
					if beta != 0 {
						s = FMA32(beta, c0[i*nr+j], s)
					}
					if got := c[i*nr+j]; !sameF32(got, s) {
						t.Fatalf("%s: kp=%d α=%g β=%g element (%d, %d): %g (%#08x), emulation %g (%#08x)",
							name, kp, alpha, beta, i, j, got, math.Float32bits(got), s, math.Float32bits(s))
					}
				}
			}
		}
	}
}

// Package variables: the compiler does not fold them.
var mxcsrX, mxcsrY, mxcsrSub = float32(0x1p-100), float32(0x1p-40), float32(0x1p-140)

// TestGemmBF16FMARestoresMXCSR: after the kernels that set MXCSR.DAZ|FTZ,
// Go's float32 arithmetic has subnormals again.
func TestGemmBF16FMARestoresMXCSR(t *testing.T) {
	for name, k := range bf16Tables() {
		mr, nr := k.GemmBF16Tile()
		a, b, c := make([]uint32, 2*mr), make([]uint32, 2*nr), make([]float32, mr*nr)
		for _, beta := range []float32{0, 1} {
			k.GemmBF16(2, a, b, c, nr, 1, beta)
			if v := mxcsrX * mxcsrY; v == 0 {
				t.Fatalf("%s (β=%g): 2⁻¹⁰⁰·2⁻⁴⁰ = 0 after the kernel: MXCSR.FTZ left set", name, beta)
			}
			if v := mxcsrSub * 0x1p20; v == 0 {
				t.Fatalf("%s (β=%g): a subnormal read as zero after the kernel: MXCSR.DAZ left set", name, beta)
			}
		}
	}
}

// TestGemmBF16PackB checks every table's B packing against packPairs.
func TestGemmBF16PackB(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for name, k := range bf16Tables() {
		_, nr := k.GemmBF16Tile()
		for _, kk := range []int{1, 2, 3, 8, 13} {
			ldb := nr + r.IntN(5)
			b := make([]uint16, (kk-1)*ldb+nr)
			for x := range b {
				b[x] = uint16(r.Uint32())
			}
			got, want := make([]uint32, (kk+1)/2*nr), make([]uint32, (kk+1)/2*nr)
			k.GemmBF16PackB(kk, b, ldb, got)
			packPairs(kk, b, ldb, want, nr)
			for x := range want {
				if got[x] != want[x] {
					t.Fatalf("%s: k=%d ldb=%d: dst[%d] = %#08x, want %#08x", name, kk, ldb, x, got[x], want[x])
				}
			}
		}
	}
}
