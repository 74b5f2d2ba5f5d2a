package asm

import (
	"math"
	"math/bits"
	"unsafe"

	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/internal/kconst"
)

// The kernels of the float32 normal sampler of package prob (the ziggurat
// of Marsaglia and Tsang; its tables, its slow path and their derivation
// are in package prob). One word w per value: layer i = w & 127, sign =
// bit 7, u = w >> 8. The tables are passed in:
//
//	tab  (NormalZigF32, ZigWedgeF32): tab[i] = float32 bits of W[i], tab[128+i] = K[i]
//	ftab (ZigWedgeF32): X[i]·2⁻²⁴, F[i], F[i−1]−F[i], 1/F[i], ln F[i], 128 each
//
// Fast path: u < K[i] gives z = ±float32(u)·W[i]. The wedge kernel runs
// the first attempt of the slow path, drawing its uniform and its second
// word from the private SplitMix64 stream of the value (Mix64 below).

const zigLayers = kconst.ZigLayers

// Mix64 is SplitMix64's finaliser (a bijection of the 64-bit words).
func Mix64(z uint64) uint64 {
	z = (z ^ z>>30) * kconst.SplitMixM1
	z = (z ^ z>>27) * kconst.SplitMixM2
	return z ^ z>>31
}

// ZigFast is the fast path of one word with the table tab (W then K): the
// signed standard normal and true, or false when the word needs the slow
// path. The generic kernel and package prob's single draws and slow path
// share it.
func ZigFast(w uint32, tab []uint32) (float32, bool) {
	i := w & (zigLayers - 1)
	u := w >> 8
	if u >= tab[zigLayers+i] {
		return 0, false
	}
	z := float32(u) * math.Float32frombits(tab[i])
	return math.Float32frombits(math.Float32bits(z) ^ (w&0x80)<<24), true
}

// normalZigGeneric writes dst[i] = mu + sigma·z for the words w[i] whose
// fast path accepts; for the others it writes the word's own bits and sets
// bit i%16 of rej[i/16]. rej gets ⌈len(dst)/16⌉ elements, with zero bits
// for lanes past the end. dst may share memory with w, starting at the
// same address.
func normalZigGeneric[T Float](dst []T, w []uint32, rej []uint16, tab []uint32, mu, sigma T) {
	d := cast.F32(dst)
	m, s := float32(mu), float32(sigma)
	out := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(d))), len(d))
	w = w[:len(d)]
	rej = rej[:(len(d)+15)/16]
	tab = tab[:2*zigLayers]
	for g := range rej {
		var bits uint16
		lo := 16 * g
		hi := min(lo+16, len(d))
		for i := lo; i < hi; i++ {
			v := w[i]
			z, ok := ZigFast(v, tab)
			if !ok {
				out[i] = v
				bits |= 1 << (i - lo)
				continue
			}
			out[i] = math.Float32bits(m + float32(s*z))
		}
		rej[g] = bits
	}
}

// zigWedgeGeneric is the ZigWedgeF32 kernel: the first attempt of the slow
// path for every rejected word, with its random outcomes selected rather
// than branched on, so the words' dependency chains overlap. Layer i ≥ 1:
// x = u·X[i]·2⁻²⁴, y = F[i] + U·(F[i−1]−F[i]) with U the first uniform of
// the private stream, ρ = y/F[i−1], d = −x²/2 − ln F[i−1]; ρ−1 < d accepts
// ±x, ρ−1 ≥ d·ρ rejects and then the second word's fast path decides;
// anything else (and the tail, layer 0) is left for the caller.
func zigWedgeGeneric[T Float](dst []T, rej []uint16, idx []uint32, tab []uint32, ftab []float64, key, p uint64, mu, sigma T) int {
	d := cast.F32(dst)
	m, sg := float32(mu), float32(sigma)
	out := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(d))), len(d))
	rej = rej[:(len(d)+15)/16]
	idx = idx[:16*len(rej)]
	tab = tab[:2*zigLayers]
	xs, f, df := ftab[:zigLayers], ftab[zigLayers:2*zigLayers], ftab[2*zigLayers:3*zigLayers]
	invF, lnF := ftab[3*zigLayers:4*zigLayers], ftab[4*zigLayers:5*zigLayers]
	// The positions of the set bits, in increasing order.
	cnt := 0
	for g, r := range rej {
		for b := uint32(r); b != 0; b &= b - 1 {
			if j := 16*g + bits.TrailingZeros32(b); j < len(d) {
				idx[cnt] = uint32(j)
				cnt++
			}
		}
	}
	n := 0
	for _, j := range idx[:cnt] {
		w := out[j]
		i := w & (zigLayers - 1)
		tail := b2u(i == 0)
		ii := i | tail // layer 1's tables for the tail (its result is not used)
		s := key + (p+uint64(j))*kconst.ZigPosMul + kconst.SplitMixGamma
		u := float64(Mix64(s)>>11+1) * 0x1p-53
		x := float64(w>>8) * xs[ii]
		t := -0.5 * float64(x*x)
		y := f[ii] + float64(u*df[ii])
		rho := float64(y * invF[ii-1])
		dd := t - lnF[ii-1]
		acc := b2u(rho-1 < dd)
		out1 := b2u(rho-1 >= float64(dd*rho))
		w2 := uint32(Mix64(s+kconst.SplitMixGamma) >> 32)
		l2 := w2 & (zigLayers - 1)
		ok2 := b2u(w2>>8 < tab[zigLayers+l2])
		zb := math.Float32bits(float32(w2>>8)*math.Float32frombits(tab[l2])) ^ (w2&0x80)<<24
		if acc != 0 {
			zb = math.Float32bits(float32(x)) ^ (w&0x80)<<24
		}
		done := (acc | out1&ok2) &^ tail
		res := math.Float32bits(m + float32(sg*math.Float32frombits(zb)))
		if done == 0 {
			res = w
		}
		out[j] = res
		idx[n] = j // kept if not done
		n += int(done ^ 1)
	}
	return n
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
