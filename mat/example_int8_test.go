package mat_test

import (
	"fmt"

	"github.com/lanes-go/lanes/mat"
)

// GemmInt8 multiplies unsigned by signed bytes (the operands of x86's
// VPDPBUSD). Signed activations x are offset to x+128 (flip the top bit);
// the product then carries 128·Σ_p w[p][j] too, which is subtracted with
// the column sums of the weights, computed once per weight matrix.
func ExampleGemmInt8() {
	x := [][]int8{ // activations, 2×3
		{-128, 5, 127},
		{-1, 0, 1},
	}
	w := mat.NewRawFrom(3, 2, []int8{ // weights, 3×2
		1, -128,
		2, 127,
		-3, 64,
	})
	// Once per weight matrix: colSum[j] = Σ_p w[p][j].
	colSum := make([]int32, w.Cols)
	for p := 0; p < w.Rows; p++ {
		for j := range colSum {
			colSum[j] += int32(w.At(p, j))
		}
	}
	// Per batch: a = x+128 as uint8.
	a := mat.NewRaw[uint8](len(x), len(x[0]))
	for i, row := range x {
		for p, v := range row {
			a.Set(i, p, uint8(v)^0x80)
		}
	}
	c := mat.NewRaw[int32](a.Rows, w.Cols)
	mat.GemmInt8(false, false, a, w, c)
	for i := 0; i < c.Rows; i++ {
		for j := 0; j < c.Cols; j++ {
			c.Set(i, j, c.At(i, j)-128*colSum[j])
		}
		fmt.Println(c.Data[i*c.Stride : i*c.Stride+c.Cols])
	}
	// Output:
	// [-499 25147]
	// [-4 192]
}
