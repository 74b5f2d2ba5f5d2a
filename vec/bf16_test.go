package vec

import (
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// refBF16 rounds x to bfloat16 through float64 arithmetic, independently of
// the bit trick: the nearest of the two bfloat16 neighbours, ties to the one
// with an even last bit. NaN: the quiet top half.
func refBF16(x float32) uint16 {
	b := math.Float32bits(x)
	if x != x {
		return uint16(b>>16) | 0x40
	}
	lo := b &^ 0xffff // truncation: towards zero
	hi := lo + 0x10000
	d := math.Abs(float64(x)) - math.Abs(float64(math.Float32frombits(lo)))
	var ulp float64
	if lo&0x7f800000 == 0x7f000000 && lo&0x7f0000 == 0x7f0000 {
		ulp = math.Ldexp(1, 127-7) // next is Inf: its "value" is 2^128
	} else {
		ulp = math.Abs(float64(math.Float32frombits(hi))) - math.Abs(float64(math.Float32frombits(lo)))
	}
	if b&0x7fffffff >= 0x7f800000 { // ±Inf
		return uint16(b >> 16)
	}
	switch {
	case 2*d > ulp, 2*d == ulp && (lo>>16)&1 == 1:
		return uint16(hi >> 16)
	}
	return uint16(lo >> 16)
}

// TestToBF16Reference checks the scalar reference (the bit trick) against
// refBF16 on random bits and on every boundary pattern of the low half.
func TestToBF16Reference(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	lows := []uint32{0, 1, 0x7fff, 0x8000, 0x8001, 0xffff}
	for n := 0; n < 1<<16; n++ {
		hi := r.Uint32() &^ 0xffff
		if n < 1<<12 { // the extreme exponents, including subnormals and Inf/NaN
			hi = uint32(n&1)<<31 | uint32(n>>1&0x7ff)<<16 | uint32([]uint32{0, 0x7f00, 0x7f80}[n%3])<<16&0x7f800000
		}
		for _, lo := range append(lows, r.Uint32()&0xffff) {
			x := math.Float32frombits(hi | lo)
			if got, want := asm.ToBF16Bits(x), refBF16(x); got != want {
				t.Fatalf("ToBF16Bits(%#08x) = %#04x, want %#04x", hi|lo, got, want)
			}
		}
	}
}

// TestToBF16All compares every ISA's kernel with the scalar reference over
// all 2³² float32 bit patterns (skipped with -short and on arm64, whose CI
// run is emulated: a stride through them then), in chunks at varying
// alignments.
func TestToBF16All(t *testing.T) {
	stride := uint64(1)
	if testing.Short() || runtime.GOARCH != "amd64" {
		stride = 4099
	}
	const chunk = 1<<20 + 5
	src := make([]float32, chunk)
	ref := make([]uint16, chunk)
	dst := make([]uint16, chunk)
	// One run per distinct kernel (the avx2 and generic tables share one).
	var isas []isa.ISA
	seen := map[uintptr]bool{}
	for _, i := range isa.Available() {
		if p := reflect.ValueOf(asm.Get(i).ToBF16).Pointer(); !seen[p] {
			seen[p] = true
			isas = append(isas, i)
		}
	}
	for base := uint64(0); base < 1<<32; base += chunk * stride {
		n := 0
		for ; n < chunk && base+uint64(n)*stride < 1<<32; n++ {
			src[n] = math.Float32frombits(uint32(base + uint64(n)*stride))
		}
		for i, x := range src[:n] {
			ref[i] = asm.ToBF16Bits(x)
		}
		off := int(base/chunk) % 16
		if off > n {
			off = 0
		}
		for _, i := range isas {
			asm.Get(i).ToBF16(dst[off:n], src[off:n])
			if !slices.Equal(dst[off:n], ref[off:n]) {
				for j := off; j < n; j++ {
					if dst[j] != ref[j] {
						t.Fatalf("%s: bits %#08x: got %#04x, want %#04x", i, math.Float32bits(src[j]), dst[j], ref[j])
					}
				}
			}
		}
	}
}

// TestFromBF16All: every one of the 65536 bfloat16 values, exact.
func TestFromBF16All(t *testing.T) {
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		src := make([]uint16, 1<<16)
		for i := range src {
			src[i] = uint16(i)
		}
		for _, off := range []int{0, 1, 7, 15} {
			dst := make([]float32, len(src)-off)
			k.FromBF16(dst, src[off:])
			for i, x := range dst {
				if got, want := math.Float32bits(x), uint32(src[off+i])<<16; got != want {
					t.Fatalf("off %d: %#04x → %#08x, want %#08x", off, src[off+i], got, want)
				}
			}
		}
	})
}

// TestBF16Lengths: every length and offset, against guard pages on both
// sides and sentinels around dst, with special values.
func TestBF16Lengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tu.ForISA(t, func(t *testing.T, k *asm.Table) {
		for _, n := range tu.Lengths() {
			for _, atEnd := range []bool{false, true} {
				src := tu.Guarded[float32](t, n, atEnd)
				tu.Fill(r, src, tu.Special)
				dst := tu.Guarded[uint16](t, n, !atEnd)
				k.ToBF16(dst, src)
				for i := range src {
					if want := asm.ToBF16Bits(src[i]); dst[i] != want {
						t.Fatalf("n=%d: ToBF16(%g)[%d] = %#04x, want %#04x", n, src[i], i, dst[i], want)
					}
				}
				back := tu.Guarded[float32](t, n, atEnd)
				k.FromBF16(back, dst)
				for i := range back {
					if math.Float32bits(back[i]) != uint32(dst[i])<<16 {
						t.Fatalf("n=%d: FromBF16[%d] = %g from %#04x", n, i, back[i], dst[i])
					}
				}
			}
			// Sentinels: nothing written past dst.
			for off := 0; off < 16 && n <= 300; off += 5 {
				buf := make([]uint16, n+off+8)
				for i := range buf {
					buf[i] = 0xdead
				}
				src := make([]float32, n)
				tu.Fill(r, src, tu.Normal)
				k.ToBF16(buf[off:off+n], src)
				for i, v := range buf {
					if (i < off || i >= off+n) && v != 0xdead {
						t.Fatalf("n=%d off=%d: element %d outside dst written", n, off, i)
					}
				}
			}
		}
	})
}

func TestBF16Public(t *testing.T) {
	src := []float32{1, -2.5, float32(math.Inf(1)), float32(math.NaN()), 1.00390625, 1.01171875, 3.1415927}
	want := []BF16{0x3f80, 0xc020, 0x7f80, 0x7fc0, 0x3f80, 0x3f82, 0x4049}
	dst := make([]BF16, len(src))
	ToBF16(dst, src)
	for i := range dst {
		if dst[i] != want[i] || BF16Of(src[i]) != want[i] {
			t.Errorf("ToBF16(%g) = %#04x (BF16Of %#04x), want %#04x", src[i], dst[i], BF16Of(src[i]), want[i])
		}
	}
	back := make([]float32, len(dst))
	FromBF16(back, dst)
	for i := range back {
		if back[i] != dst[i].Float32() && back[i] == back[i] {
			t.Errorf("FromBF16(%#04x) = %g, Float32 %g", dst[i], back[i], dst[i].Float32())
		}
	}
	for _, f := range []func(){
		func() { ToBF16(make([]BF16, 2), make([]float32, 3)) },
		func() { FromBF16(make([]float32, 3), make([]BF16, 2)) },
	} {
		func() {
			defer func() {
				r, _ := recover().(string)
				if !strings.Contains(r, "len(dst)") || !strings.Contains(r, "BF16") {
					t.Errorf("panic %q", r)
				}
			}()
			f()
		}()
	}
}
