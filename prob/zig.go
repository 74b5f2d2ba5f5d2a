package prob

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/kconst"
)

// The float32 normal sampler: the ziggurat of Marsaglia and Tsang ("The
// ziggurat method for generating random variables", J. Stat. Softw. 5(8),
// 2000) with 128 layers of area v under f(x) = exp(−x²/2), r = 3.442619855899
// and v = 9.91256303526217e-3 (their constants, also those of Go's
// math/rand), one 32-bit word per normal.
//
// Layers. Layer i ≥ 1 is the rectangle [0, X[i]) × [F[i], F[i−1]) with
// F[i] = f(X[i]), X[127] = r, F[0] = 1, and the recurrence
// F[i−1] = F[i] + v/X[i], X[i−1] = √(−2·ln F[i−1]) (so every layer has area
// v); layer 0 is the base strip [0, r) × [0, f(r)) together with the tail
// x ≥ r, of total area v, drawn as a rectangle of pseudo-width v/f(r).
//
// One word w: layer i = w & 127, sign = bit 7, u = w >> 8 (24 bits).
//
// Fast path (every ISA, in SIMD): if u < K[i] the normal is
//
//	z = ±float32(u)·W[i]    (one float32 multiplication; the sign is bit 7)
//
// with W[i] = float32(X[i]·2⁻²⁴) (W[0] = float32(v/f(r)·2⁻²⁴)) and
// K[i] = ⌈2²⁴·X[i−1]/X[i]⌉ (K[0] = ⌈2²⁴·r·f(r)/v⌉, K[1] = 0): the point lies
// inside the curve for sure. This accepts 97.2% of words (all of layer 1,
// the top cap, goes to the slow path).
//
// Slow path (zigSlow; zigFinish runs the first attempt of all the rejected
// words of a call through the kernel ZigWedgeF32 and zigSlow on the rest): u ≥ K[i]. In layer i ≥ 1 the point
// x = u·X[i]·2⁻²⁴ (float64) is in the wedge; it is accepted if
// ln(F[i] + U·(F[i−1]−F[i])) < −x²/2 for a uniform U ∈ (0, 1], else the
// whole draw is repeated with a fresh word. In layer 0 it is the tail:
// Marsaglia's algorithm, x = −ln(U₁)/r, y = −ln(U₂) until 2y ≥ x², and
// z = ±(r + x). The extra words do not come from the RNG's stream (which
// therefore gives exactly one word per normal, whatever the path); they come
// from a private stream of the sample: SplitMix64 (Steele, Lea and Flood,
// OOPSLA 2014), output k = mix(key + p·P + k·γ), where p is the sample's
// word position in the RNG's stream, key = zigKey(seed, stream), mix is
// SplitMix64's finaliser, γ = 0x9E3779B97F4A7C15 and P = 0xF1357AEA2E62A9C5. (A scalar Philox block
// per rejected word would cost about as much as the SIMD fast path of all
// the others; the private stream only supplies the wedge and tail
// uniforms, independent of the Philox word.) ln is asm.BMLog (explicitly
// rounded, the same bits on every platform), the wedge test is decided by
// the bounds (ρ−1)/ρ ≤ ln ρ ≤ ρ−1 when they suffice, uniforms are
// (⌊v/2¹¹⌋ + 1)·2⁻⁵³ of a 64-bit output v, so the slow path never takes
// ln 0 and its
// results are the same on every ISA. The tail reaches about |z| ≤ 14.1.
//
// A sample is mu + float32(sigma·z) in float32 (two roundings, no FMA).

const (
	zigR  = 3.442619855899
	zigV  = 9.91256303526217e-3
	zigFR = 0.002669629083880923 // exp(−r²/2)
	// zigLayers is the number of layers.
	zigLayers = kconst.ZigLayers
)

// The ziggurat tables. zigX[i] and zigF[i] are X[i] and F[i] (zigX[0] is the
// base strip's pseudo-width v/f(r), zigF[0] = 1); zigD[i] = F[i−1] − F[i];
// zigXs[i] = zigX[i]·2⁻²⁴; zigL[i] = asm.BMLog(F[i]); zigInvF[i] = 1/F[i].
var (
	zigX, zigF, zigD, zigXs, zigL, zigInvF [zigLayers]float64
	// zigTable is the table of the fast path that the NormalZigF32 kernels
	// read: zigTable[i] is the float32 bits of W[i], zigTable[128+i] is
	// K[i]. It is computed at init with IEEE arithmetic, math.Sqrt and
	// asm.BMLog only, so it has the same bits on every platform. Read-only.
	zigTable [2 * zigLayers]uint32
)

func init() {
	zigX[zigLayers-1] = zigR
	zigF[zigLayers-1] = zigFR
	for i := zigLayers - 1; i >= 2; i-- {
		zigF[i-1] = zigF[i] + zigV/zigX[i]
		zigX[i-1] = math.Sqrt(-2 * asm.BMLog(zigF[i-1]))
	}
	zigF[0] = 1
	zigX[0] = zigV / zigFR
	for i := range zigLayers {
		zigXs[i] = zigX[i] * 0x1p-24
		zigL[i] = asm.BMLog(zigF[i])
		zigInvF[i] = 1 / zigF[i]
		zigTable[i] = math.Float32bits(float32(zigXs[i]))
		if i >= 1 {
			zigD[i] = zigF[i-1] - zigF[i]
		}
	}
	zigTable[zigLayers] = uint32(math.Ceil(zigR / zigX[0] * 0x1p24))
	zigTable[zigLayers+1] = 0
	for i := 2; i < zigLayers; i++ {
		zigTable[zigLayers+i] = uint32(math.Ceil(zigX[i-1] / zigX[i] * 0x1p24))
	}
}

// zigFast is the fast path of one word: the signed standard normal and
// true, or false when the word needs the slow path (zigSlow).
func zigFast(w uint32) (float32, bool) { return asm.ZigFast(w, zigTable[:]) }

// zigMix is SplitMix64's finaliser, the same function as the kernels'.
func zigMix(z uint64) uint64 { return asm.Mix64(z) }

const (
	zigGamma = kconst.SplitMixGamma // SplitMix64's increment
	// zigPosMul spreads the word positions of the private streams: the
	// state of output k of the value at position p is key + p·zigPosMul +
	// k·zigGamma, and for 0 < |k−k'| ≤ 256 the positions of two values whose
	// states coincide would have to differ by at least 2⁵² words
	// (TestZigStreamsDisjoint).
	zigPosMul = kconst.ZigPosMul
)

// zigKey is the key of the private streams of the slow path for a seed and
// stream: mix(mix(seed + γ) ^ stream), mix SplitMix64's finaliser and γ its
// increment.
func zigKey(seed, stream uint64) uint64 { return zigMix(zigMix(seed+zigGamma) ^ stream) }

// zigStream is the private stream of one sample: SplitMix64 started at
// key + p·zigPosMul, p the sample's word position.
type zigStream struct{ s uint64 }

// unit is the next uniform in (0, 1] (53 bits, never 0).
func (z *zigStream) unit() float64 {
	z.s += zigGamma
	return float64(zigMix(z.s)>>11+1) * 0x1p-53
}

// word is the next 32-bit word.
func (z *zigStream) word() uint32 {
	z.s += zigGamma
	return uint32(zigMix(z.s) >> 32)
}

// zigSlow returns the signed standard normal z of the word w that the fast
// path rejected (bit i%16 of rej[i/16] of the NormalZigF32 kernel), the word
// at position p (counted in words, modulo 2⁶⁴) of the stream whose zigKey is
// key: the slow path of the file comment. The caller forms
// mu + float32(sigma·z).
func zigSlow(w uint32, key, p uint64) float32 {
	s := zigStream{key + p*zigPosMul}
	// The common case, the first wedge test of a word decided by the
	// bounds, is written so that its random outcome is a select rather
	// than a branch: the word a rejection would draw next is drawn either
	// way (the private stream is discarded afterwards). The result is that
	// of zigSlowLoop.
	if i := w & (zigLayers - 1); i != 0 {
		x := float64(w>>8) * zigXs[i]
		t := -0.5 * float64(x*x)
		y := zigF[i] + float64(s.unit()*zigD[i])
		rho := float64(y * zigInvF[i-1])
		d := t - zigL[i-1]
		acc := rho-1 < d                    // ln ρ ≤ ρ−1 < −x²/2 − L: inside
		if acc || rho-1 >= float64(d*rho) { // ln ρ ≥ (ρ−1)/ρ ≥ −x²/2 − L: outside
			zb := math.Float32bits(float32(x)) ^ (w&0x80)<<24
			w2 := s.word()
			z2, ok2 := zigFast(w2)
			if !acc {
				zb = math.Float32bits(z2)
			}
			if acc || ok2 {
				return math.Float32frombits(zb)
			}
			return zigSlowLoop(w2, &s)
		}
		if asm.BMLog(y) < t {
			return math.Float32frombits(math.Float32bits(float32(x)) ^ (w&0x80)<<24)
		}
		return zigSlowLoop(s.word(), &s)
	}
	return zigSlowLoop(w, &s)
}

// zigSlowLoop is the slow path of the word w with the private stream s:
// the fast test, then the tail or the wedge test, repeated with the next
// word of s until a value is accepted.
func zigSlowLoop(w uint32, s *zigStream) float32 {
	for {
		i := w & (zigLayers - 1)
		u := w >> 8
		if u < zigTable[zigLayers+i] {
			z, _ := zigFast(w)
			return z
		}
		neg := w&0x80 != 0
		if i == 0 {
			var x float64
			for {
				x = -asm.BMLog(s.unit()) / zigR
				y := -asm.BMLog(s.unit())
				if y+y >= float64(x*x) {
					break
				}
			}
			z := float32(zigR + x)
			if neg {
				z = -z
			}
			return z
		}
		x := float64(u) * zigXs[i]
		t := -0.5 * float64(x*x)
		// Accept if y < f(x), y uniform on [F[i], F[i−1]): ln y < −x²/2.
		// With ρ = y·(1/F[i−1]) ∈ (0, 1], ln y = L[i−1] + ln ρ and
		// (ρ−1)/ρ ≤ ln ρ ≤ ρ−1 decide most points without a logarithm.
		y := zigF[i] + float64(s.unit()*zigD[i])
		rho := float64(y * zigInvF[i-1])
		d := t - zigL[i-1]
		var accept bool
		switch {
		case rho-1 < d: // ln ρ ≤ ρ−1 < −x²/2 − L
			accept = true
		case rho-1 >= float64(d*rho): // ln ρ ≥ (ρ−1)/ρ ≥ −x²/2 − L
			accept = false
		default:
			accept = asm.BMLog(y) < t
		}
		if accept {
			z := float32(x)
			if neg {
				z = -z
			}
			return z
		}
		w = s.word()
	}
}

// zigWedgeTable holds the float64 tables of the slow path's first attempt
// for the ZigWedgeF32 kernels: X[i]·2⁻²⁴, F[i], F[i−1]−F[i], 1/F[i] and
// ln F[i], 128 entries each, in that order. Read-only.
var zigWedgeTable [5 * zigLayers]float64

func init() {
	for i, t := range [][zigLayers]float64{zigXs, zigF, zigD, zigInvF, zigL} {
		copy(zigWedgeTable[i*zigLayers:], t[:])
	}
}

// zigFinish completes a NormalZigF32 call of k: for every set bit j (bit
// j%16 of rej[j/16]), dst[j] holds the rejected word and becomes
// mu + float32(sigma·zigSlow(word, key, p+j)). The kernel ZigWedgeF32 does
// the common case, the first wedge test decided by its bounds and then a
// fast-path word or the acceptance (about 95% of the rejected words), with
// no data-dependent branches; zigSlow does the rest. idx is scratch of at
// least 16·len(rej) elements; it panics if rej or idx is too short for
// dst, before anything is written.
func zigFinish(k *asm.Table, dst []float32, rej []uint16, idx []uint32, key, p uint64, mu, sigma float32) {
	if g := (len(dst) + 15) / 16; len(rej) < g || len(idx) < 16*g {
		panic(fmt.Sprintf("prob: zigFinish: len(dst) = %d needs len(rej) ≥ %d and len(idx) ≥ %d, have %d and %d",
			len(dst), g, 16*g, len(rej), len(idx)))
	}
	rej = rej[:(len(dst)+15)/16]
	n := k.ZigWedgeF32(dst, rej, idx, zigTable[:], zigWedgeTable[:], key, p, mu, sigma)
	for _, j := range idx[:n] {
		z := zigSlow(math.Float32bits(dst[j]), key, p+uint64(j))
		dst[j] = mu + float32(sigma*z)
	}
}
