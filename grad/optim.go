package grad

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/internal/cast"
	"github.com/lanes-go/lanes/internal/par"
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
// The gradients themselves are not changed, and nothing is copied: every
// update is a vec kernel (Axpy, Scale) in place on the velocity or the
// parameter, with the weight-decay term folded in (v gets g and
// WeightDecay·p added separately; where d involves g + WeightDecay·p
// directly, p is first scaled by 1 − LR·WeightDecay), so results agree
// with the formulas above to within a few roundings.
type SGD[T vec.Float] struct {
	LR, Momentum, WeightDecay T
	Nesterov                  bool

	params []*Param[T]
	vel    [][]T
	steps  int
	bands  bands
}

// NewSGD returns plain SGD (no momentum, no weight decay) with learning
// rate lr for params; set the other fields before the first Step. It
// panics if a parameter's value or gradient is not contiguous or their
// shapes differ.
func NewSGD[T vec.Float](params []*Param[T], lr T) *SGD[T] {
	o := &SGD[T]{LR: lr, params: params}
	for i, p := range params {
		k := len(paramData("NewSGD", i, p))
		o.vel = append(o.vel, make([]T, k))
	}
	return o
}

// Steps returns the number of Steps taken.
func (o *SGD[T]) Steps() int { return o.steps }

// Step updates every parameter once (no allocation, no copy). It panics
// if Nesterov is set with Momentum ≤ 0.
func (o *SGD[T]) Step() {
	if o.Nesterov && !(o.Momentum > 0) {
		panic("grad: SGD: Nesterov momentum needs Momentum > 0")
	}
	o.steps++
	o.bands.run((*sgdPart[T])(o), elems(o.vel))
}

// sgdPart is SGD as the job of Step's fan-out (see bands).
type sgdPart[T vec.Float] SGD[T]

func (o *sgdPart[T]) RunPart(i int) {
	lr, mu, wd := o.LR, o.Momentum, o.WeightDecay
	for k, p := range o.params {
		e0, e1 := o.bands.band(i, len(o.vel[k]))
		v := o.vel[k][e0:e1]
		w, g := p.Value.Data[e0:e1], p.Grad.Data[e0:e1]
		if mu == 0 {
			// p ← p − LR·(g + λp) = (1 − LR·λ)·p − LR·g.
			if wd != 0 {
				vec.Scale(1-lr*wd, w)
			}
			vec.Axpy(-lr, g, w)
			continue
		}
		// v ← μ·v + (g + λp), using p before its update.
		vec.Scale(mu, v)
		vec.Axpy(1, g, v)
		if wd != 0 {
			vec.Axpy(wd, w, v)
		}
		if !o.Nesterov {
			vec.Axpy(-lr, v, w) // p ← p − LR·v
			continue
		}
		// p ← p − LR·(g + λp + μ·v) = (1 − LR·λ)·p − LR·g − LR·μ·v.
		if wd != 0 {
			vec.Scale(1-lr*wd, w)
		}
		vec.Axpy(-lr, g, w)
		vec.Axpy(-lr*mu, v, w)
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
// The whole update is one pass over each parameter, a SIMD kernel on every
// ISA (the same bits on each): the multiply-adds are fused, each operation
// rounded once in T, m/(…) divided before the step size multiplies it (as
// PyTorch's addcdiv), and LR/(1−Beta1ᵗ) and 1/√(1−Beta2ᵗ) are computed in
// float64 and rounded to T once per Step. The gradients themselves are not
// changed.
type Adam[T vec.Float] struct {
	LR, Beta1, Beta2, Eps, WeightDecay T
	Decoupled                          bool

	t      int
	params []*Param[T]
	m, v   [][]T
	coef   [8]T
	bands  bands
}

// NewAdam returns Adam with learning rate lr and PyTorch's defaults
// Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8, no weight decay; change the
// fields before the first Step to use others. It panics if a parameter's
// value or gradient is not contiguous or their shapes differ.
func NewAdam[T vec.Float](params []*Param[T], lr T) *Adam[T] {
	o := &Adam[T]{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, params: params}
	for i, p := range params {
		k := len(paramData("NewAdam", i, p))
		o.m = append(o.m, make([]T, k))
		o.v = append(o.v, make([]T, k))
	}
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
	// The coefficients live in o: a pointer to a local array would escape
	// (the kernel is called through a function value) and allocate.
	o.coef = [8]T{o.Beta1, 1 - o.Beta1, o.Beta2, 1 - o.Beta2, -T(float64(o.LR) / bc1), T(1 / math.Sqrt(bc2)), o.Eps, o.WeightDecay}
	o.bands.run((*adamPart[T])(o), elems(o.m))
}

// adamPart is Adam as the job of Step's fan-out (see bands).
type adamPart[T vec.Float] Adam[T]

func (o *adamPart[T]) RunPart(j int) {
	k := asm.Current()
	for i, p := range o.params {
		e0, e1 := o.bands.band(j, len(o.m[i]))
		m, v := o.m[i][e0:e1], o.v[i][e0:e1]
		w, g := p.Value.Data[e0:e1], p.Grad.Data[e0:e1]
		switch {
		case o.WeightDecay == 0:
			adamStep(k, false, w, g, m, v, &o.coef)
		case o.Decoupled:
			vec.Scale(1-o.LR*o.WeightDecay, w)
			adamStep(k, false, w, g, m, v, &o.coef)
		default:
			adamStep(k, true, w, g, m, v, &o.coef)
		}
	}
}

// adamStep runs Adam's update kernel on one parameter (w, g, m, v of the
// same length): with coef = [b1, c1, b2, c2, −st, isb, eps, wd],
//
//	g ← fma(wd, w, g)                    if l2 (not stored)
//	m ← fma(b1, m, c1·g)
//	v ← fma(b2, v, (c2·g)·g)
//	w ← fma(−st, m/fma(√v, isb, eps), w)
//
// each operation rounded once in T, the same bits on every ISA.
func adamStep[T vec.Float](k *asm.Table, l2 bool, w, g, m, v []T, coef *[8]T) {
	if cast.Is32[T]() {
		f := k.AdamF32
		if l2 {
			f = k.AdamL2F32
		}
		f(cast.F32(w), cast.F32(g), cast.F32(m), cast.F32(v), (*[8]float32)(cast.F32(coef[:])))
		return
	}
	f := k.AdamF64
	if l2 {
		f = k.AdamL2F64
	}
	f(cast.F64(w), cast.F64(g), cast.F64(m), cast.F64(v), (*[8]float64)(cast.F64(coef[:])))
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

// bands splits an optimizer's update over mat's threads: part i of n
// updates elements [i·k/n, (i+1)·k/n) of every parameter of k elements
// (the update is element-wise, so the split does not change its bits),
// n = 1 below minSplit elements in all.
type bands struct {
	fan   par.Fan
	parts int
}

// run runs job's parts for parameters of elems elements in all.
func (b *bands) run(job par.Job, elems int) {
	b.parts = max(1, min(mat.Threads(), elems/minSplit))
	b.fan.Run(job, b.parts)
}

// band returns part i's range of the elements of a k-element parameter.
func (b *bands) band(i, k int) (int, int) {
	return par.Band(i, b.parts, k)
}

// elems returns the number of elements of s.
func elems[T vec.Float](s [][]T) int {
	n := 0
	for _, x := range s {
		n += len(x)
	}
	return n
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
