package main

import (
	"github.com/lanes-go/lanes/act"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// kernel is one benchmarked function of the public API for one element
// type.
type kernel struct {
	name    string // package/function, e.g. vec/dot
	typ     string // f32 or f64
	streams int    // slices of n elements read or written per call (bytes = streams·n·size)
	gemm    bool   // mat/gemm: n is the matrix size, the unit is GFLOPS
	// setup allocates the operands for size n and returns one call.
	setup func(n int) func()
}

func (k kernel) id() string { return k.name + "/" + k.typ }

// kernels is every kernel bench knows, in table order.
var kernels = append(family[float32]("f32"), family[float64]("f64")...)

func family[T vec.Float](typ string) []kernel {
	l1 := func(name string, streams int, f func(x, y, d []T)) kernel {
		return kernel{name: name, typ: typ, streams: streams, setup: func(n int) func() {
			x, y, d := make([]T, n), make([]T, n), make([]T, n)
			for i := range x {
				x[i], y[i] = T(i%17)/17-0.4, T(i%13)/13+0.5
			}
			return func() { f(x, y, d) }
		}}
	}
	sampler := func(name string, sample func(r *prob.RNG, d []T)) kernel {
		return kernel{name: name, typ: typ, streams: 1, setup: func(n int) func() {
			r, d := prob.New(1), make([]T, n)
			return func() { sample(r, d) }
		}}
	}
	uni, _ := prob.NewUniform[T](0, 1)
	nrm, _ := prob.NewNormal[T](0, 1)
	ber, _ := prob.NewBernoulli[T](0.3)
	return []kernel{
		l1("vec/dot", 2, func(x, y, _ []T) { sink(vec.Dot(x, y)) }),
		l1("vec/sum", 1, func(x, _, _ []T) { sink(vec.Sum(x)) }),
		l1("vec/max", 1, func(x, _, _ []T) { sink(vec.Max(x)) }),
		l1("vec/norm", 1, func(x, _, _ []T) { sink(vec.Norm(x)) }),
		l1("vec/axpy", 3, func(x, y, _ []T) { vec.Axpy(1e-9, x, y) }),
		l1("vec/scale", 2, func(_, y, _ []T) { vec.Scale(1, y) }),
		l1("vec/add", 3, func(x, y, d []T) { vec.Add(d, x, y) }),
		l1("vec/mul", 3, func(x, y, d []T) { vec.Mul(d, x, y) }),
		{name: "mat/gemm", typ: typ, gemm: true, setup: func(n int) func() {
			a, b, c := mat.New[T](n, n), mat.New[T](n, n), mat.New[T](n, n)
			for i := range a.Data {
				a.Data[i], b.Data[i] = T(i%17)/17-0.4, T(i%13)/13-0.5
			}
			return func() { mat.Mul(c, a, b) }
		}},
		l1("act/exp", 2, func(x, _, d []T) { act.Exp(d, x) }),
		l1("act/log", 2, func(_, y, d []T) { act.Log(d, y) }),
		l1("act/sigmoid", 2, func(x, _, d []T) { act.Sigmoid(d, x) }),
		l1("act/tanh", 2, func(x, _, d []T) { act.Tanh(d, x) }),
		l1("act/relu", 2, func(x, _, d []T) { act.ReLU(d, x) }),
		l1("act/softmax", 2, func(x, _, d []T) { act.Softmax(d, x) }),
		sampler("prob/uniform", uni.Sample),
		sampler("prob/normal", nrm.Sample),
		sampler("prob/bernoulli", ber.Sample),
	}
}

// sinkVal keeps the results of reductions alive.
var sinkVal float64

func sink[T vec.Float](v T) { sinkVal += float64(v) }

func sinkF32(v float32) { sinkVal += float64(v) }
