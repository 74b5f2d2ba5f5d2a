package bench

import (
	"math"
	"testing"

	"github.com/viterin/vek/vek32"

	"github.com/lanes-go/lanes/act"
)

// Activations on n = 4096 float32 inputs in [-8, 8]. impl=vek is vek32.Exp,
// and for Sigmoid the composition a vek user writes (vek has no sigmoid):
// 1/(1+exp(−x)) as Neg, Exp, AddNumber, Inv. impl=math is the plain loop over
// the math package.
func BenchmarkAct(b *testing.B) {
	const n = 4096
	x, d := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(i%1601)/100 - 8
	}
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"Exp/impl=lanes", func() { act.Exp(d, x) }},
		{"Exp/impl=vek", func() { vek32.Exp_Into(d, x) }},
		{"Exp/impl=math", func() {
			for i, v := range x {
				d[i] = float32(math.Exp(float64(v)))
			}
		}},
		{"Sigmoid/impl=lanes", func() { act.Sigmoid(d, x) }},
		{"Sigmoid/impl=vek", func() {
			vek32.Neg_Into(d, x)
			vek32.Exp_Inplace(d)
			vek32.AddNumber_Inplace(d, 1)
			vek32.Inv_Inplace(d)
		}},
		{"Sigmoid/impl=math", func() {
			for i, v := range x {
				d[i] = float32(1 / (1 + math.Exp(-float64(v))))
			}
		}},
		{"Tanh/impl=lanes", func() { act.Tanh(d, x) }},
		{"Tanh/impl=math", func() {
			for i, v := range x {
				d[i] = float32(math.Tanh(float64(v)))
			}
		}},
	} {
		b.Run("type=f32/n=4096/"+c.name, func(b *testing.B) {
			for b.Loop() {
				c.run()
			}
		})
	}
}
