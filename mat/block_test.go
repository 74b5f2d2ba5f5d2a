package mat

import (
	"testing"

	"github.com/lanes-go/lanes/internal/asm"
)

// TestBlocking: Blocking reports the blocks gemm uses (blocksFor of the
// active ISA's tile), within the bounds blocksFor documents.
func TestBlocking(t *testing.T) {
	mr, nr := asm.Current().GemmTileF32()
	mc, kc, nc := Blocking[float32]()
	if b := blocksFor(mr, nr, 4); b != (blocks{kc, mc, nc}) {
		t.Errorf("Blocking[float32]() = mc %d, kc %d, nc %d; gemm uses %+v", mc, kc, nc, b)
	}
	mr, nr = asm.Current().GemmTileF64()
	mc, kc, nc = Blocking[float64]()
	if b := blocksFor(mr, nr, 8); b != (blocks{kc, mc, nc}) {
		t.Errorf("Blocking[float64]() = mc %d, kc %d, nc %d; gemm uses %+v", mc, kc, nc, b)
	}
	if kc < 64 || kc > 384 || mc < mr || mc%mr != 0 || nc < nr || nc%nr != 0 {
		t.Errorf("Blocking[float64]() = mc %d, kc %d, nc %d: out of bounds for the %d×%d tile", mc, kc, nc, mr, nr)
	}
}
