package prob

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/asm"
)

// Xavier fills w with Glorot/Xavier uniform initial weights for a layer with
// fanIn inputs and fanOut outputs: independent draws from Uniform{−a, a},
// a = √(6/(fanIn+fanOut)), so Var = 2/(fanIn+fanOut) (Glorot and Bengio,
// 2010; Keras' glorot_uniform). It panics if fanIn < 1 or fanOut < 1.
func Xavier[T Float](r *RNG, w []T, fanIn, fanOut int) {
	if fanIn < 1 || fanOut < 1 {
		panic(fmt.Sprintf("prob.Xavier: fanIn=%d, fanOut=%d: both must be ≥ 1", fanIn, fanOut))
	}
	a := T(math.Sqrt(6 / (float64(fanIn) + float64(fanOut))))
	uniformFill(asm.Current(), r, w, -a, a)
}

// He fills w with He/Kaiming normal initial weights for a ReLU layer with
// fanIn inputs: independent draws from Normal{0, √(2/fanIn)} (He et al.,
// 2015; PyTorch's kaiming_normal_). It panics if fanIn < 1.
func He[T Float](r *RNG, w []T, fanIn int) {
	if fanIn < 1 {
		panic(fmt.Sprintf("prob.He: fanIn=%d must be ≥ 1", fanIn))
	}
	normalFill(asm.Current(), r, w, 0, math.Sqrt(2/float64(fanIn)))
}
