package prob

import (
	"math"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/vec"
)

// Float is the element type of lanes: exactly float32 or float64 (vec.Float).
type Float = vec.Float

// The samplers turn stream words into values. Each draws a fixed number of
// words per value from the RNG's position, so the values depend on the
// position only: chunking cannot change them, and the bits are the same on
// every ISA (the words are integer arithmetic; the bulk conversions are
// kernels of package asm whose SIMD bodies perform the generic Go code's
// IEEE operations in the same order, with no FMA; the one-value paths here
// are Go code with every product rounded explicitly, so no platform may
// fuse them).

// unitF32 is the float32 in [0, 1) of one word: its top 24 bits times 2⁻²⁴.
func unitF32(w uint32) float32 { return float32(w>>8) * 0x1p-24 }

// unitF64 is the float64 in [0, 1) of two words: the top 53 of the 64 bits
// w0 | w1<<32, times 2⁻⁵³.
func unitF64(w0, w1 uint32) float64 {
	return float64((uint64(w0)|uint64(w1)<<32)>>11) * 0x1p-53
}

// uniformFill fills dst with lo + (hi−lo)·u, u uniform on [0, 1) with 24
// (float32) or 53 (float64) random bits, each operation rounded to nearest;
// a value that rounds up to hi is replaced by the largest T below hi. The
// words are generated into dst's own memory and converted in place by the
// kernel Uniform of package asm.
func uniformFill[T Float](k *asm.Table, r *RNG, dst []T, lo, hi T) {
	if len(dst) == 0 {
		return
	}
	w := wordsOf(dst)
	r.fill(k, w)
	if cast.Is32[T]() {
		h := float32(hi)
		l := float32(lo)
		k.UniformF32(cast.F32(dst), w, l, h-l, h, math.Nextafter32(h, float32(math.Inf(-1))))
		return
	}
	h := float64(hi)
	l := float64(lo)
	k.UniformF64(cast.F64(dst), w, l, h-l, h, math.Nextafter(h, math.Inf(-1)))
}

// uniform1 is one value of uniformFill.
func uniform1[T Float](r *RNG, lo, hi T) T {
	if cast.Is32[T]() {
		l, h := float32(lo), float32(hi)
		x := l + float32((h-l)*unitF32(r.Uint32()))
		if x >= h {
			x = math.Nextafter32(h, float32(math.Inf(-1)))
		}
		return T(x)
	}
	l, h := float64(lo), float64(hi)
	w0 := r.Uint32()
	x := l + float64((h-l)*unitF64(w0, r.Uint32()))
	if x >= h {
		x = math.Nextafter(h, math.Inf(-1))
	}
	return T(x)
}

// bernoulliThreshold is round(p·2³²): a word w gives 1 when w < threshold.
func bernoulliThreshold(p float64) uint64 { return uint64(math.Round(p * 0x1p32)) }

// bernoulliFill sets dst[i] to 1 with probability t/2³², else 0, one word
// each.
func bernoulliFill[T Float](k *asm.Table, r *RNG, dst []T, t uint64) {
	if len(dst) == 0 {
		return
	}
	w := wordsOf(dst)[:len(dst)]
	r.fill(k, w)
	if cast.Is32[T]() {
		d := cast.F32(dst)
		for i, v := range w {
			d[i] = float32(b2u(uint64(v) < t))
		}
		return
	}
	// The words are in the first half of dst's memory; going backwards,
	// dst[i] (words 2i and 2i+1) overwrites only words already read.
	d := cast.F64(dst)
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = float64(b2u(uint64(w[i]) < t))
	}
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// Normal samples.
//
// float32: the ziggurat of zig.go (its kernels are in internal/asm), one
// word per value: value j of a call is the normal of the word at position
// p+j. The
// fast path (97.2% of words) is the kernel NormalZigF32; the words it
// rejects are finished by zigFinish (kernel ZigWedgeF32, then
// zigSlow for the few it leaves; zigSlow alone for a single value),
// whose extra randomness comes from a SplitMix64 stream private to the
// value, started from the seed, the stream and the word's position, so the
// value depends only on (seed, stream, position) and the RNG's stream
// advances by exactly one word per value. A sample is mu + float32(sigma·z)
// computed in float32 (sigma and mu rounded to float32 first).
//
// float64: the Box–Muller transform of one Philox block (x0..x3) gives two
// values,
//
//	u = (⌊(x0 | x1<<32) / 2¹¹⌋ + 1)·2⁻⁵³ ∈ (0, 1]      (never 0, so log is finite)
//	θ = 2π·(x2 | x3<<32)/2⁶⁴
//	ρ = √(−2·ln u)
//	z₀ = ρ·cos θ (words 4b, 4b+1)   z₁ = ρ·sin θ (words 4b+2, 4b+3)
//
// so a normal draws two words, and value j of a call sits at position p+2j
// (after rounding p up to even): the cosine of its block if that is ≡ 0
// (mod 4), the sine if ≡ 2. |z| ≤ √(106·ln 2) ≈ 8.57. A sample is
// mu + sigma·z in float64. The transform is the kernel NormalF64 of package
// asm (its own ln, sin and cos polynomials, evaluated with every product
// rounded, so every ISA gives the same bits).

// wordPos is the position of the RNG's next word, in words modulo 2⁶⁴.
func (r *RNG) wordPos() uint64 { return 4*r.next - uint64(r.n) }

// normal1 draws one normal from the RNG's position.
func normal1[T Float](k *asm.Table, r *RNG, mu, sigma float64) T {
	if cast.Is32[T]() {
		p := r.wordPos()
		w := r.Uint32()
		z, ok := zigFast(w)
		if !ok {
			z = zigSlow(w, zigKey(r.key, r.stream), p)
		}
		m, s := float32(mu), float32(sigma)
		return T(m + float32(s*z))
	}
	r.align2()
	if r.n == 0 {
		r.refill()
	}
	i := 0
	if r.n == 2 {
		i = 1
	}
	r.n -= 2
	k.NormalF64(r.z64[:], r.buf[:], mu, sigma)
	return T(r.z64[i])
}

// normalFill fills dst with normals. float32: the words are generated into
// dst's own memory and converted in place, in chunks of zigChunk values
// (r.scratch holds the kernel's reject bits and the slow path's list of
// positions). float64: whole blocks in place (a block is two values, 16
// bytes).
func normalFill[T Float](k *asm.Table, r *RNG, dst []T, mu, sigma float64) {
	if len(dst) == 0 {
		return
	}
	if cast.Is32[T]() {
		d := cast.F32(dst)
		m, s := float32(mu), float32(sigma)
		p := r.wordPos()
		w := wordsOf(d)
		r.fill(k, w)
		rej := unsafe.Slice((*uint16)(unsafe.Pointer(&r.scratch[0])), zigChunk/16)
		idx := r.scratch[zigChunk/32:]
		key := zigKey(r.key, r.stream)
		for c := 0; c < len(d); c += zigChunk {
			dc := d[c:min(c+zigChunk, len(d))]
			wc := w[c : c+len(dc)]
			rc := rej[:(len(dc)+15)/16]
			k.NormalZigF32(dc, wc, rc, zigTable[:], m, s)
			zigFinish(k, dc, rc, idx, key, p+uint64(c), m, s)
		}
		return
	}
	r.align2()
	if r.n == 2 { // the sine half of the current block is next
		dst[0] = normal1[T](k, r, mu, sigma)
		dst = dst[1:]
	}
	// r.n is 0: the position is at a block boundary.
	pairs := len(dst) / 2
	d := cast.F64(dst)
	w := wordsOf(d[:2*pairs])
	r.fill(k, w)
	k.NormalF64(d[:2*pairs], w, mu, sigma)
	if len(d) > 2*pairs {
		d[2*pairs] = normal1[float64](k, r, mu, sigma)
	}
}
