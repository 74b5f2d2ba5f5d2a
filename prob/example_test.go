package prob_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/lanes-go/lanes/prob"
)

// An RNG is a math/rand/v2 Source: the same seed gives the same numbers on
// every machine and ISA.
func ExampleNew() {
	a, b := rand.New(prob.New(42)), rand.New(prob.New(42))
	same := true
	for range 1000 {
		same = same && a.NormFloat64() == b.NormFloat64()
	}
	fmt.Println(same)
	// Output: true
}

// Normal.Sample fills a slice with SIMD; the sample moments approach the
// distribution's.
func ExampleNormal_Sample() {
	r := prob.New(1)
	n := prob.Normal[float64]{Mu: 3, Sigma: 2}
	x := make([]float64, 1<<20)
	n.Sample(r, x)
	fmt.Printf("mean %.2f (%.0f), variance %.2f (%.0f)\n", prob.Mean(x), n.Mean(), prob.Variance(x), n.Variance())
	// Output: mean 3.00 (3), variance 4.00 (4)
}

// Categorical draws indices with the given probabilities (an alias table,
// one draw per two words of the stream).
func ExampleCategorical_Sample() {
	c, err := prob.NewCategorical([]float64{0.5, 0.25, 0.25})
	if err != nil {
		panic(err)
	}
	draws := make([]int, 100000)
	c.Sample(prob.New(7), draws)
	counts := make([]int, 3)
	for _, i := range draws {
		counts[i]++
	}
	fmt.Printf("%.2f %.2f %.2f\n", float64(counts[0])/1e5, float64(counts[1])/1e5, float64(counts[2])/1e5)
	// Output: 0.50 0.25 0.25
}

// Example is the README's quick start for prob: a seeded counter-based
// generator, batch samplers that fill slices, and the moments.
func Example() {
	r := prob.New(42) // the same numbers on every machine and ISA

	x := make([]float32, 1<<20)
	prob.Normal[float32]{Mu: 10, Sigma: 1}.Sample(r, x)
	fmt.Printf("normal:  mean %.2f, variance %.2f\n", prob.Mean(x), prob.Variance(x))

	prob.Uniform[float32]{Lo: 0, Hi: 1}.Sample(r, x)
	fmt.Printf("uniform: mean %.2f, variance %.2f\n", prob.Mean(x), prob.Variance(x))

	w := make([]float32, 1024*256)
	prob.He(r, w, 256) // the weights of a 256→1024 ReLU layer
	fmt.Printf("He:      variance %.4f (2/256 = %.4f)\n", prob.Variance(w), 2.0/256)

	g := rand.New(r) // also a math/rand/v2 Source
	fmt.Println(g.IntN(6) < 6)
	// Output:
	// normal:  mean 10.00, variance 1.00
	// uniform: mean 0.50, variance 0.08
	// He:      variance 0.0078 (2/256 = 0.0078)
	// true
}
