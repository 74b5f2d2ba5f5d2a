// Command lanes reports what lanes does on this machine.
//
//	go run ./cmd/lanes            # info + a quick throughput table
//	go run ./cmd/lanes info       # CPU, features, caches, chosen ISA and why
//	go run ./cmd/lanes bench      # throughput of the vec kernels per ISA
//	go run ./cmd/lanes bench -n 65536 -t 100ms
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klauspost/cpuid/v2"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
)

func main() {
	args := os.Args[1:]
	cmd := "all"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("lanes "+cmd, flag.ExitOnError)
	n := fs.Int("n", 4096, "vector length for the throughput table")
	per := fs.Duration("t", 30*time.Millisecond, "time spent measuring each cell")
	_ = fs.Parse(args)
	switch cmd {
	case "all":
		info(os.Stdout)
		fmt.Println()
		bench(os.Stdout, *n, *per)
	case "info":
		info(os.Stdout)
	case "bench":
		bench(os.Stdout, *n, *per)
	default:
		fmt.Fprintf(os.Stderr, "lanes: unknown command %q (want info or bench)\n", cmd)
		os.Exit(2)
	}
}

func info(w *os.File) {
	c := &cpuid.CPU
	fmt.Fprintf(w, "CPU        %s (%s), %d cores / %d threads, GOARCH=%s, GOMAXPROCS=%d\n",
		orUnknown(c.BrandName), c.VendorString, c.PhysicalCores, c.LogicalCores, runtime.GOARCH, runtime.GOMAXPROCS(0))
	if c.Hz > 0 {
		fmt.Fprintf(w, "Clock      %.2f GHz (base)\n", float64(c.Hz)/1e9)
	}
	fmt.Fprintf(w, "Caches     L1d %s, L2 %s, L3 %s, line %d B\n",
		size(c.Cache.L1D), size(c.Cache.L2), size(c.Cache.L3), c.CacheLine)
	var feats []string
	for _, f := range []cpuid.FeatureID{cpuid.AVX, cpuid.AVX2, cpuid.FMA3, cpuid.BMI2,
		cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512FP16,
		cpuid.ASIMD, cpuid.ASIMDHP, cpuid.ASIMDDP, cpuid.SVE} {
		if c.Supports(f) {
			feats = append(feats, f.String())
		}
	}
	fmt.Fprintf(w, "Features   %s\n", strings.Join(feats, " "))
	fmt.Fprintf(w, "ISAs       %v (best first)\n", isa.Available())
	fmt.Fprintf(w, "Active     %s: %s\n", isa.Active(), isa.Reason())
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func size(b int) string {
	switch {
	case b <= 0:
		return "?"
	case b >= 1<<20:
		return fmt.Sprintf("%d MiB", b>>20)
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

// kernel is one row of the table: flops counts floating-point operations per
// element (a multiply-add is two), so the figure is GFLOP/s where that means
// something, or billions of elements per second for flops == 1.
type kernel struct {
	name  string
	flops float64
	run   func(t *asm.Table, x, y, d []float32)
}

var kernels = []kernel{
	{"dot f32", 2, func(t *asm.Table, x, y, _ []float32) { sink += t.DotF32(x, y) }},
	{"sum f32", 1, func(t *asm.Table, x, _, _ []float32) { sink += t.SumF32(x) }},
	{"max f32", 1, func(t *asm.Table, x, _, _ []float32) { sink += t.MaxF32(x) }},
	{"axpy f32", 2, func(t *asm.Table, x, y, _ []float32) { t.AxpyF32(1e-9, x, y) }},
	{"add f32", 1, func(t *asm.Table, x, y, d []float32) { t.AddF32(d, x, y) }},
	{"mul f32", 1, func(t *asm.Table, x, y, d []float32) { t.MulF32(d, x, y) }},
}

// sink keeps the reductions' results alive.
var sink float32

func bench(w *os.File, n int, per time.Duration) {
	x, y, d := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], y[i] = float32(i%17)/17, float32(i%13)/13
	}
	isas := isa.Available()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "n=%d\t", n)
	for _, a := range isas {
		fmt.Fprintf(tw, "%s\t", a)
	}
	fmt.Fprintf(tw, "speed-up\t\n")
	for _, k := range kernels {
		fmt.Fprintf(tw, "%s\t", k.name)
		var first, last float64
		for i, a := range isas {
			t := asm.Get(a)
			g := throughput(func() { k.run(t, x, y, d) }, per) * float64(n) * k.flops / 1e9
			if i == 0 {
				first = g
			}
			last = g
			fmt.Fprintf(tw, "%.1f\t", g)
		}
		fmt.Fprintf(tw, "%.1f×\t\n", first/last)
	}
	tw.Flush()
	runtime.KeepAlive(sink)
	fmt.Fprintln(w, "GFLOP/s (dot, axpy: 2 per element) or Gelem/s; speed-up = best ISA / generic.")
	fmt.Fprintln(w, "For statistics use the benchmarks: cd bench && go test -bench . -count 10 | benchstat -col /impl -")
}

// throughput returns calls per second of f, measured over about per.
func throughput(f func(), per time.Duration) float64 {
	f() // warm up caches
	iters := 1
	for {
		start := time.Now()
		for range iters {
			f()
		}
		el := time.Since(start)
		if el >= per {
			return float64(iters) / el.Seconds()
		}
		if el < per/100 {
			iters *= 10
		} else {
			iters = int(float64(iters)*float64(per)/float64(el)) + 1
		}
	}
}
