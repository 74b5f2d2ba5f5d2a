package mat

import (
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
	tu "github.com/lanes-go/lanes/internal/testutil"
	"github.com/lanes-go/lanes/isa"
)

// FuzzGemm checks random shapes, transposes, alpha/beta and input kinds on
// every ISA against the float64 reference and its error bound:
//
//	go test -run '^$' -fuzz FuzzGemm -fuzztime 30s ./mat/
func FuzzGemm(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(0), uint64(1))
	f.Add(uint8(14), uint8(32), uint8(1), uint8(3), uint64(2))
	f.Add(uint8(29), uint8(1), uint8(40), uint8(6), uint64(3))
	f.Add(uint8(1), uint8(47), uint8(13), uint8(13), uint64(4))
	f.Fuzz(func(t *testing.T, m, n, k, flags uint8, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 5))
		tA, tB := flags&1 != 0, flags&2 != 0
		alpha := []float64{1, -0.5, 0, 3}[flags>>2&3]
		beta := []float64{0, 1, -2, 0.5}[flags>>4&3]
		kind := []tu.Kind{tu.Normal, tu.Special, tu.Tiny, tu.Normal}[flags>>6]
		for _, isa := range isa.Available() {
			tab := asm.Get(isa)
			gemmCase[float32](t, tab, r, 1+int(seed%3), tA, tB, int(m%70), int(n%70), int(k%70), float32(alpha), float32(beta), kind)
			gemmCase[float64](t, tab, r, 1+int(seed%3), tA, tB, int(m%70), int(n%70), int(k%70), alpha, beta, kind)
		}
	})
}
