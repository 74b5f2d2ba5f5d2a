package grad

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/vec"
)

// SGD is stochastic gradient descent with (heavy-ball) momentum, as in
// PyTorch's SGD with dampening 0: for each parameter p with gradient g,
//
//	v = Momentum·v + g
//	p = p − LR·v
//
// With Momentum = 0 the step is p −= LR·g. Step reads the gradients Backward
// left in the Params and does not reset them (call ZeroGrad).
type SGD[T vec.Float] struct {
	LR, Momentum T
	params       []*Node[T]
	vel          [][]T
}

// NewSGD returns an SGD optimizer for params with zero initial velocities.
// It panics if a node is not a Param.
func NewSGD[T vec.Float](params []*Node[T], lr, momentum T) *SGD[T] {
	checkParams("grad.NewSGD", params)
	o := &SGD[T]{LR: lr, Momentum: momentum, params: params}
	for _, p := range params {
		o.vel = append(o.vel, make([]T, len(p.grad.Data)))
	}
	return o
}

// Step updates every parameter once (vec.Scale, vec.Axpy; no allocation).
func (o *SGD[T]) Step() {
	for k, p := range o.params {
		g, v := p.grad.Data, o.vel[k]
		if o.Momentum != 0 {
			vec.Scale(o.Momentum, v)
			vec.Add(v, v, g)
		} else {
			copy(v, g)
		}
		cols := p.grad.Cols
		for i := 0; i < p.value.Rows; i++ {
			vec.Axpy(-o.LR, v[i*cols:(i+1)*cols], p.value.Row(i))
		}
	}
}

// ZeroGrad zeroes the gradients of the optimizer's parameters.
func (o *SGD[T]) ZeroGrad() { zeroGrads(o.params) }

// Adam is the optimizer of Kingma and Ba ("Adam: a method for stochastic
// optimization", ICLR 2015, Algorithm 1). At step t = 1, 2, … for each
// parameter p with gradient g:
//
//	m = Beta1·m + (1−Beta1)·g
//	v = Beta2·v + (1−Beta2)·g²
//	p = p − LR·m̂/(√v̂ + Eps),  m̂ = m/(1−Beta1ᵗ), v̂ = v/(1−Beta2ᵗ)
//
// The bias corrections are computed in float64. Step does not reset the
// gradients (call ZeroGrad).
type Adam[T vec.Float] struct {
	LR, Beta1, Beta2, Eps T
	t                     int
	params                []*Node[T]
	m, v                  [][]T
	g2                    []T // scratch for g², as long as the largest parameter
}

// NewAdam returns an Adam optimizer for params with learning rate lr and the
// paper's defaults Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8 (change the fields
// before the first Step to use others). It panics if a node is not a Param.
func NewAdam[T vec.Float](params []*Node[T], lr T) *Adam[T] {
	checkParams("grad.NewAdam", params)
	o := &Adam[T]{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, params: params}
	size := 0
	for _, p := range params {
		n := len(p.grad.Data)
		o.m = append(o.m, make([]T, n))
		o.v = append(o.v, make([]T, n))
		size = max(size, n)
	}
	o.g2 = make([]T, size)
	return o
}

// Step updates every parameter once (no allocation).
func (o *Adam[T]) Step() {
	o.t++
	bc1 := 1 - math.Pow(float64(o.Beta1), float64(o.t))
	bc2 := 1 - math.Pow(float64(o.Beta2), float64(o.t))
	for k, p := range o.params {
		g, m, v := p.grad.Data, o.m[k], o.v[k]
		g2 := o.g2[:len(g)]
		vec.Scale(o.Beta1, m)
		vec.Axpy(1-o.Beta1, g, m)
		vec.Mul(g2, g, g)
		vec.Scale(o.Beta2, v)
		vec.Axpy(1-o.Beta2, g2, v)
		cols := p.grad.Cols
		for i := 0; i < p.value.Rows; i++ {
			row := p.value.Row(i)
			for j := range row {
				mh := float64(m[i*cols+j]) / bc1
				vh := float64(v[i*cols+j]) / bc2
				row[j] -= T(float64(o.LR) * mh / (math.Sqrt(vh) + float64(o.Eps)))
			}
		}
	}
}

// ZeroGrad zeroes the gradients of the optimizer's parameters.
func (o *Adam[T]) ZeroGrad() { zeroGrads(o.params) }

func checkParams[T vec.Float](fn string, params []*Node[T]) {
	for i, p := range params {
		if !p.param {
			panic(fmt.Sprintf("%s: params[%d] is a %s node, not a Param", fn, i, p.op))
		}
	}
}

func zeroGrads[T vec.Float](params []*Node[T]) {
	for _, p := range params {
		clear(p.grad.Data)
	}
}
