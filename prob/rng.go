package prob

import (
	"math/rand/v2"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/kconst"
)

// Philox4x32-10 constants (Salmon et al., SC'11; Random123), those of the
// bulk kernels.
const (
	philoxM0 = kconst.PhiloxM0 // multiplier of counter word 0
	philoxM1 = kconst.PhiloxM1 // multiplier of counter word 2
	philoxW0 = kconst.PhiloxW0 // key bump of key word 0 (golden ratio)
	philoxW1 = kconst.PhiloxW1 // key bump of key word 1 (√3 − 1)
)

// Philox4x32 is the Philox4x32-10 block function: it maps the 128-bit counter
// ctr and the 64-bit key to 128 random bits in ten rounds of
//
//	hi0:lo0 = 0xD2511F53·ctr[0]; hi1:lo1 = 0xCD9E8D57·ctr[2]   (32×32→64 bits)
//	ctr = (hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0)
//	key += (0x9E3779B9, 0xBB67AE85)
//
// exactly as Random123's philox4x32 (its known-answer vectors are tests).
func Philox4x32(ctr [4]uint32, key [2]uint32) [4]uint32 {
	c0, c1, c2, c3 := philox(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1])
	return [4]uint32{c0, c1, c2, c3}
}

func philox(c0, c1, c2, c3, k0, k1 uint32) (uint32, uint32, uint32, uint32) {
	for range 10 {
		p0 := uint64(philoxM0) * uint64(c0)
		p1 := uint64(philoxM1) * uint64(c2)
		c0, c1, c2, c3 = uint32(p1>>32)^c1^k0, uint32(p1), uint32(p0>>32)^c3^k1, uint32(p0)
		k0 += philoxW0
		k1 += philoxW1
	}
	return c0, c1, c2, c3
}

// RNG is a Philox4x32-10 counter-based random number generator.
//
// The stream of an RNG is a sequence of 32-bit words. Block b (b = 0, 1, 2,
// ...) of the stream is
//
//	Philox4x32([lo32(b), hi32(b), lo32(stream), hi32(stream)], [lo32(seed), hi32(seed)])
//
// and words 4b .. 4b+3 are its four words in order. The RNG is a position in
// that sequence; every draw takes the next words and advances the position,
// so a draw depends only on (seed, stream, position). Bulk draws compute many
// blocks at once with the SIMD kernel of the active ISA (AVX-512, AVX2,
// NEON) or in Go; all give the same bits. Since the position is all the
// state, filling a slice in pieces gives the same values as filling it at
// once.
//
// Words per draw: Uint32 1, Uint64 2 (low word first), float32 Uniform 1,
// float64 Uniform 2, Bernoulli 1, float32 Normal 1, float64 Normal 2 (see
// Normal), Categorical 2.
//
// Different streams of the same seed are independent (they are disjoint
// counter ranges of one keyed bijection); use NewStream to give each worker
// its own. An RNG is not safe for concurrent use. Copying an RNG value
// forks it: both copies continue with the same sequence.
type RNG struct {
	key, stream uint64
	next        uint64    // index of the next block to compute
	buf         [4]uint32 // block next−1
	n           int       // words of buf not yet drawn: buf[4−n:]
	// scratch holds words for samplers whose output is narrower than their
	// input; it lives here so that passing it to a kernel allocates nothing.
	scratch [scratchWords]uint32
	z64     [2]float64 // the two float64 normals of buf (normal1)
}

const (
	// zigChunk is the number of values per kernel call of the float32
	// normal sampler, which keeps zigChunk/16 uint16 of reject bits and
	// zigChunk positions in scratch.
	zigChunk     = 1024
	scratchWords = zigChunk/32 + zigChunk
)

// New returns the RNG of stream 0 of seed, at position 0.
func New(seed uint64) *RNG { return NewStream(seed, 0) }

// NewStream returns the RNG of the given stream of seed, at position 0.
func NewStream(seed, stream uint64) *RNG { return &RNG{key: seed, stream: stream} }

var _ rand.Source = (*RNG)(nil)

// refill computes block next into buf.
func (r *RNG) refill() {
	r.buf[0], r.buf[1], r.buf[2], r.buf[3] = philox(uint32(r.next), uint32(r.next>>32),
		uint32(r.stream), uint32(r.stream>>32), uint32(r.key), uint32(r.key>>32))
	r.next++
	r.n = 4
}

// Uint32 returns the next word of the stream.
func (r *RNG) Uint32() uint32 {
	if r.n == 0 {
		r.refill()
	}
	w := r.buf[4-r.n]
	r.n--
	return w
}

// Uint64 returns the next two words of the stream, w0 | w1<<32. It makes
// *RNG a math/rand/v2 Source: rand.New(prob.New(seed)) works.
func (r *RNG) Uint64() uint64 {
	if r.n >= 2 {
		i := 4 - r.n
		r.n -= 2
		return uint64(r.buf[i]) | uint64(r.buf[i+1])<<32
	}
	lo := r.Uint32()
	return uint64(lo) | uint64(r.Uint32())<<32
}

// Skip advances the position by n words, as n calls of Uint32 would, in
// constant time.
func (r *RNG) Skip(n uint64) {
	if n <= uint64(r.n) {
		r.n -= int(n)
		return
	}
	n -= uint64(r.n)
	r.n = 0
	r.next += n / 4
	if rem := n % 4; rem != 0 {
		r.refill()
		r.n = 4 - int(rem)
	}
}

// Fill fills dst with the next len(dst) words of the stream.
func (r *RNG) Fill(dst []uint32) { r.fill(asm.Current(), dst) }

// fill is Fill with the kernels of k: whole blocks go straight into dst.
func (r *RNG) fill(k *asm.Table, dst []uint32) {
	if r.n > 0 {
		c := copy(dst, r.buf[4-r.n:])
		r.n -= c
		dst = dst[c:]
	}
	if len(dst) == 0 {
		return
	}
	if full := len(dst) &^ 3; full > 0 {
		k.Philox(dst[:full], r.next, r.stream, r.key)
		r.next += uint64(full / 4)
		dst = dst[full:]
	}
	if len(dst) > 0 {
		r.refill()
		r.n -= copy(dst, r.buf[:])
	}
}

// align2 moves the position to the next even word (skipping one word if it
// is odd), for the samplers that draw word pairs.
func (r *RNG) align2() {
	if r.n&1 != 0 {
		r.n--
	}
}

// wordsOf views the memory of s as 32-bit words.
func wordsOf[E any](s []E) []uint32 {
	var z E
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z))/4)
}

func uintptrOf[E any](s []E) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }
