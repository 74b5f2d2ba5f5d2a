package vec

import (
	"math"
	"math/big"
)

// fma32Big is the correctly rounded float32 a·b+c, from an exact big.Float
// computation rounded once to float32 (big.Float.Float32 rounds to nearest
// even and handles float32 subnormals and overflow).
func fma32Big(a, b, c float32) float32 {
	fa, fb, fc := float64(a), float64(b), float64(c)
	if math.IsNaN(fa) || math.IsNaN(fb) || math.IsNaN(fc) || math.IsInf(fa, 0) || math.IsInf(fb, 0) || math.IsInf(fc, 0) {
		return float32(fa*fb + fc)
	}
	x := new(big.Float).SetPrec(400).SetFloat64(fa)
	x.Mul(x, new(big.Float).SetPrec(400).SetFloat64(fb))
	x.Add(x, new(big.Float).SetPrec(400).SetFloat64(fc))
	if x.Sign() == 0 {
		// Exact zero: the sign follows IEEE (−0 only if both are −0).
		return float32(fa*fb + fc)
	}
	f, _ := x.Float32()
	return f
}
