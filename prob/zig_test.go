package prob

import (
	"math"
	"testing"
)

// TestZigTables checks the ziggurat tables (computed at init with BMLog and
// math.Sqrt) against package math and the ziggurat's defining equations:
// F[i] = exp(−X[i]²/2), every layer has area v, the base strip plus the
// tail has area v, X increases to r, and the float32 fast-path table is
// W[i] = float32(X[i]·2⁻²⁴), K[i] = ⌈2²⁴·X[i−1]/X[i]⌉.
func TestZigTables(t *testing.T) {
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }
	if zigX[zigLayers-1] != zigR || math.Abs(zigFR-math.Exp(-zigR*zigR/2)) > 1e-17 {
		t.Fatalf("X[127] = %v, f(r) = %v", zigX[zigLayers-1], zigFR)
	}
	for i := 1; i < zigLayers; i++ {
		if e := rel(zigF[i], math.Exp(-zigX[i]*zigX[i]/2)); e > 1e-13 {
			t.Errorf("F[%d] = %v, exp(−X²/2) = %v (rel %g)", i, zigF[i], math.Exp(-zigX[i]*zigX[i]/2), e)
		}
		if i >= 2 {
			if !(zigX[i-1] < zigX[i]) {
				t.Errorf("X[%d] = %v ≥ X[%d] = %v", i-1, zigX[i-1], i, zigX[i])
			}
			if e := rel(zigX[i]*(zigF[i-1]-zigF[i]), zigV); e > 1e-12 {
				t.Errorf("layer %d: area %v, want %v", i, zigX[i]*(zigF[i-1]-zigF[i]), zigV)
			}
		}
		if zigD[i] != zigF[i-1]-zigF[i] || zigXs[i] != zigX[i]*0x1p-24 {
			t.Errorf("layer %d: derived tables", i)
		}
	}
	// The top layer: Marsaglia and Tsang's r and v make it close to v.
	if e := rel(zigX[1]*(1-zigF[1]), zigV); e > 1e-6 {
		t.Errorf("top layer: area %v, want %v (rel %g)", zigX[1]*(1-zigF[1]), zigV, e)
	}
	tail := math.Sqrt(math.Pi/2) * math.Erfc(zigR/math.Sqrt2)
	if e := rel(zigR*zigFR+tail, zigV); e > 1e-9 {
		t.Errorf("base strip + tail: area %v, want %v (rel %g)", zigR*zigFR+tail, zigV, e)
	}
	if zigX[0] != zigV/zigFR {
		t.Errorf("pseudo-width %v", zigX[0])
	}
	for i := range zigLayers {
		if w := math.Float32frombits(zigTable[i]); w != float32(zigX[i]*0x1p-24) {
			t.Errorf("W[%d] = %v", i, w)
		}
		var want uint32
		switch i {
		case 0:
			want = uint32(math.Ceil(zigR / zigX[0] * 0x1p24))
		case 1:
			want = 0
		default:
			want = uint32(math.Ceil(zigX[i-1] / zigX[i] * 0x1p24))
		}
		if k := zigTable[zigLayers+i]; k != want || k > 1<<24 {
			t.Errorf("K[%d] = %d, want %d", i, k, want)
		}
	}
	// The fast path accepts about 97.2% of words.
	var acc float64
	for i := range zigLayers {
		acc += float64(zigTable[zigLayers+i]) * 0x1p-24 / zigLayers
	}
	t.Logf("fast path acceptance %.4f; X[1] = %.6f, top layer area/v − 1 = %.2e", acc, zigX[1], zigX[1]*(1-zigF[1])/zigV-1)
	if acc < 0.97 || acc > 0.975 {
		t.Errorf("fast path acceptance %v", acc)
	}
}

// TestZigSlow: the slow path terminates, returns finite values (tail values
// beyond r with the word's sign), is a function of its inputs, and its
// branch-free first attempt gives the plain loop's values.
func TestZigSlow(t *testing.T) {
	n := 0
	for w := uint32(0); n < 200000; w += 0x9E3779B1 {
		if _, ok := zigFast(w); ok {
			continue
		}
		n++
		z := zigSlow(w, zigKey(7, 8), uint64(n))
		if z != z || math.IsInf(float64(z), 0) || math.Abs(float64(z)) > 15 {
			t.Fatalf("zigSlow(%#x) = %v", w, z)
		}
		if z2 := zigSlow(w, zigKey(7, 8), uint64(n)); math.Float32bits(z2) != math.Float32bits(z) {
			t.Fatalf("zigSlow(%#x) not deterministic", w)
		}
		ref := zigSlowLoop(w, &zigStream{zigKey(7, 8) + uint64(n)*zigPosMul})
		if math.Float32bits(ref) != math.Float32bits(z) {
			t.Fatalf("zigSlow(%#x) = %v, the plain loop gives %v", w, z, ref)
		}
		if w&0x7f == 0 && (math.Abs(float64(z)) < zigR || (w&0x80 != 0) != (z < 0)) {
			t.Fatalf("tail word %#x gave %v", w, z)
		}
	}
}

// TestZigStreamsDisjoint: the states key + p·P + k·γ of the private
// streams of two values at different positions cannot coincide for output
// indices k, k' < 257 unless the positions are at least 2⁵² words apart:
// (p−p')·P = (k'−k)·γ (mod 2⁶⁴) needs |p−p'| ≥ min over d of |d·γ·P⁻¹|.
func TestZigStreamsDisjoint(t *testing.T) {
	inv := uint64(zigPosMul) // Newton's iteration for the inverse mod 2⁶⁴
	for range 6 {
		inv *= 2 - zigPosMul*inv
	}
	if inv*zigPosMul != 1 {
		t.Fatal("no inverse")
	}
	least := ^uint64(0)
	for d := uint64(1); d <= 256; d++ {
		v := d * zigGamma * inv
		least = min(least, v, -v)
	}
	t.Logf("closest colliding positions: %#x words apart", least)
	if least < 1<<52 {
		t.Errorf("positions %#x apart collide", least)
	}
}
