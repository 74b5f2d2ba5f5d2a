package grad

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/vec"
)

// Optimizer updates parameters from their gradients. Step reads the
// gradients Backward left in the Params and does not reset them; ZeroGrad
// does. A learning-rate schedule sets the optimizer's LR field before each
// Step (the field is read at every Step).
type Optimizer interface {
	Step()
	ZeroGrad()
}

// SGD is stochastic gradient descent as PyTorch's torch.optim.SGD with
// dampening 0: for each parameter p with gradient g, at every Step,
//
//	g ← g + WeightDecay·p                     (L2 penalty, if WeightDecay ≠ 0)
//	v ← Momentum·v + g                        (if Momentum ≠ 0; v starts at 0)
//	d = g + Momentum·v if Nesterov, else v    (d = g without momentum)
//	p ← p − LR·d
//
// The gradients themselves are not changed. Every update is a vec kernel
// (Axpy, Scale, Add) on the whole parameter.
type SGD[T vec.Float] struct {
	LR, Momentum, WeightDecay T
	Nesterov                  bool

	params []*Param[T]
	vel    [][]T
	tmp    []T
	steps  int
}

// NewSGD returns plain SGD (no momentum, no weight decay) with learning
// rate lr for params; set the other fields before the first Step. It
// panics if a parameter's value or gradient is not contiguous or their
// shapes differ.
func NewSGD[T vec.Float](params []*Param[T], lr T) *SGD[T] {
	o := &SGD[T]{LR: lr, params: params}
	size := 0
	for i, p := range params {
		k := len(paramData("NewSGD", i, p))
		o.vel = append(o.vel, make([]T, k))
		size = max(size, k)
	}
	o.tmp = make([]T, size)
	return o
}

// Steps returns the number of Steps taken.
func (o *SGD[T]) Steps() int { return o.steps }

// Step updates every parameter once (no allocation). It panics if
// Nesterov is set with Momentum ≤ 0.
func (o *SGD[T]) Step() {
	if o.Nesterov && !(o.Momentum > 0) {
		panic("grad: SGD: Nesterov momentum needs Momentum > 0")
	}
	o.steps++
	for k, p := range o.params {
		w, g := p.Value.Data[:len(o.vel[k])], p.Grad.Data[:len(o.vel[k])]
		d := o.tmp[:len(g)]
		copy(d, g)
		if o.WeightDecay != 0 {
			vec.Axpy(o.WeightDecay, w, d)
		}
		if o.Momentum != 0 {
			v := o.vel[k]
			vec.Scale(o.Momentum, v)
			vec.Add(v, v, d)
			if o.Nesterov {
				vec.Axpy(o.Momentum, v, d)
			} else {
				d = v
			}
		}
		vec.Axpy(-o.LR, d, w)
	}
}

// ZeroGrad zeroes the gradients of the optimizer's parameters.
func (o *SGD[T]) ZeroGrad() { ZeroGrad(o.params) }

// Adam is the optimizer of Kingma and Ba ("Adam: a method for stochastic
// optimization", ICLR 2015), as PyTorch's torch.optim.Adam (and AdamW with
// Decoupled): at step t = 1, 2, … for each parameter p with gradient g,
//
//	p ← p·(1 − LR·WeightDecay)           if Decoupled (AdamW)
//	g ← g + WeightDecay·p                if not Decoupled (L2 penalty, Adam)
//	m ← Beta1·m + (1−Beta1)·g
//	v ← Beta2·v + (1−Beta2)·g²
//	p ← p − (LR/(1−Beta1ᵗ))·m / (√v/√(1−Beta2ᵗ) + Eps)
//
// The moment updates are vec kernels (Scale, Axpy, Mul); the last line is
// a Go loop in T (there is no square-root kernel), with LR/(1−Beta1ᵗ) and
// 1/√(1−Beta2ᵗ) computed in float64 and rounded to T once per Step. The gradients themselves are not changed.
type Adam[T vec.Float] struct {
	LR, Beta1, Beta2, Eps, WeightDecay T
	Decoupled                          bool

	t      int
	params []*Param[T]
	m, v   [][]T
	g, g2  []T // scratch, as long as the largest parameter
}

// NewAdam returns Adam with learning rate lr and PyTorch's defaults
// Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8, no weight decay; change the
// fields before the first Step to use others. It panics if a parameter's
// value or gradient is not contiguous or their shapes differ.
func NewAdam[T vec.Float](params []*Param[T], lr T) *Adam[T] {
	o := &Adam[T]{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, params: params}
	size := 0
	for i, p := range params {
		k := len(paramData("NewAdam", i, p))
		o.m = append(o.m, make([]T, k))
		o.v = append(o.v, make([]T, k))
		size = max(size, k)
	}
	o.g, o.g2 = make([]T, size), make([]T, size)
	return o
}

// NewAdamW returns AdamW (Loshchilov and Hutter, decoupled weight decay):
// Adam with Decoupled set and WeightDecay = weightDecay (PyTorch's default
// is 0.01).
func NewAdamW[T vec.Float](params []*Param[T], lr, weightDecay T) *Adam[T] {
	o := NewAdam(params, lr)
	o.Decoupled, o.WeightDecay = true, weightDecay
	return o
}

// Steps returns the number of Steps taken (t).
func (o *Adam[T]) Steps() int { return o.t }

// Step updates every parameter once (no allocation).
func (o *Adam[T]) Step() {
	o.t++
	bc1 := 1 - math.Pow(float64(o.Beta1), float64(o.t))
	bc2 := 1 - math.Pow(float64(o.Beta2), float64(o.t))
	step, sbc2, eps := float64(o.LR)/bc1, math.Sqrt(bc2), float64(o.Eps)
	for k, p := range o.params {
		m, v := o.m[k], o.v[k]
		w, g0 := p.Value.Data[:len(m)], p.Grad.Data[:len(m)]
		g, g2 := o.g[:len(m)], o.g2[:len(m)]
		copy(g, g0)
		if o.WeightDecay != 0 {
			if o.Decoupled {
				vec.Scale(1-o.LR*o.WeightDecay, w)
			} else {
				vec.Axpy(o.WeightDecay, w, g)
			}
		}
		vec.Scale(o.Beta1, m)
		vec.Axpy(1-o.Beta1, g, m)
		vec.Mul(g2, g, g)
		vec.Scale(o.Beta2, v)
		vec.Axpy(1-o.Beta2, g2, v)
		st, isb, e := T(step), T(1/sbc2), T(eps)
		for j, mj := range m {
			w[j] -= st * mj / (T(math.Sqrt(float64(v[j])))*isb + e)
		}
	}
}

// ZeroGrad zeroes the gradients of the optimizer's parameters.
func (o *Adam[T]) ZeroGrad() { ZeroGrad(o.params) }

// ClipGradNorm scales the gradients of ps so that their global Euclidean
// norm (of all elements together) is at most maxNorm, as PyTorch's
// clip_grad_norm_: with n the norm, each gradient is multiplied by
// maxNorm/(n + 1e-6) when that is below 1 (vec.Scale). It returns n,
// computed in float64 from each gradient's vec.Norm.
func ClipGradNorm[T vec.Float](ps []*Param[T], maxNorm float64) float64 {
	var s float64
	for _, p := range ps {
		nrm := 0.0
		if f, ok := flat(p.Grad); ok {
			nrm = float64(vec.Norm(f))
		} else {
			for i := 0; i < p.Grad.Rows; i++ {
				r := float64(vec.Norm(p.Grad.Row(i)))
				nrm = math.Hypot(nrm, r)
			}
		}
		s += nrm * nrm
	}
	total := math.Sqrt(s)
	if c := maxNorm / (total + 1e-6); c < 1 {
		for _, p := range ps {
			nb := blocks(p.Grad)
			for i := 0; i < nb; i++ {
				vec.Scale(T(c), blk(p.Grad, i, nb))
			}
		}
	}
	return total
}

// paramData returns p's value as one slice, checking that the value and
// the gradient are contiguous and of the same shape.
func paramData[T vec.Float](fn string, i int, p *Param[T]) []T {
	if p == nil || p.Value == nil {
		panic(fmt.Sprintf("grad: %s: params[%d] is nil or has a nil Value", fn, i))
	}
	if p.Grad == nil {
		p.Grad = mat.New[T](p.Value.Rows, p.Value.Cols)
	}
	w, ok1 := flat(p.Value)
	_, ok2 := flat(p.Grad)
	if !ok1 || !ok2 || !sameShape(p.Value, p.Grad) {
		panic(fmt.Sprintf("grad: %s: params[%d] (%q): value %s and gradient %s must be contiguous and of the same shape",
			fn, i, p.Name, shape(p.Value), shape(p.Grad)))
	}
	return w
}
