package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/klauspost/cpuid/v2"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/mat"
)

func infoCommand(stdout, _ io.Writer) (*flag.FlagSet, func([]string) error) {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	return fs, func(args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		info(stdout)
		return nil
	}
}

// allISAs is every ISA lanes knows, in the order info lists them.
var allISAs = []isa.ISA{isa.AVX512, isa.AVX2, isa.NEON, isa.Generic}

// needs lists the cpuid features each amd64 ISA requires, as package isa
// documents them (TestWhy checks that the two agree on this CPU).
var needs = map[isa.ISA][]cpuid.FeatureID{
	isa.AVX512: {cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX2, cpuid.FMA3,
		cpuid.BMI1, cpuid.BMI2, cpuid.POPCNT},
	isa.AVX2: {cpuid.AVX2, cpuid.FMA3, cpuid.BMI2},
}

// status returns "active", "available" or "no" for ISA i, and why.
func status(i isa.ISA) (string, string) {
	switch {
	case i == isa.Active():
		return "active", isa.Reason()
	case isa.Supported(i):
		if i == isa.Generic {
			return "available", "pure Go, every platform"
		}
		return "available", "the CPU has every feature it needs"
	}
	arch := "amd64"
	if i == isa.NEON {
		arch = "arm64"
	}
	if runtime.GOARCH != arch {
		return "no", arch + " only"
	}
	var missing []string
	for _, f := range needs[i] {
		if !cpuid.CPU.Supports(f) {
			missing = append(missing, f.String())
		}
	}
	if len(missing) > 0 {
		return "no", "cpuid does not report " + strings.Join(missing, ", ")
	}
	return "no", "this build has no assembly (purego tag)"
}

func info(w io.Writer) {
	c := &cpuid.CPU
	fmt.Fprintf(w, "CPU          %s (vendor %s, family %d model %d)\n", orUnknown(c.BrandName), orUnknown(c.VendorString), c.Family, c.Model)
	fmt.Fprintf(w, "Logical CPUs %d, GOMAXPROCS %d, %s/%s, %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(w, "Caches       L1d %s, L1i %s, L2 %s, L3 %s, line %s (as cpuid reports them)\n",
		size(c.Cache.L1D), size(c.Cache.L1I), size(c.Cache.L2), size(c.Cache.L3), bytesOrUnknown(c.CacheLine))

	fmt.Fprintln(w)
	threads := []int{1}
	if p := runtime.GOMAXPROCS(0); p > 1 {
		threads = append(threads, p)
	}
	fmt.Fprintf(w, "ISAs, and the FMA peak measured now in GFLOPS (best of %d runs of the PeakFMA\n", peakRounds)
	fmt.Fprintf(w, "kernel, on 1 and on GOMAXPROCS threads):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "  ISA\tstatus\t")
	for _, t := range threads {
		fmt.Fprintf(tw, "f32 ×%d\tf64 ×%d\t", t, t)
	}
	fmt.Fprintln(tw, "features\twhy")
	for _, i := range allISAs {
		st, why := status(i)
		fmt.Fprintf(tw, "  %s\t%s\t", i, st)
		for _, t := range threads {
			if isa.Supported(i) {
				fmt.Fprintf(tw, "%.1f\t%.1f\t", fmaPeak(i, "f32", t), fmaPeak(i, "f64", t))
			} else {
				fmt.Fprint(tw, "-\t-\t")
			}
		}
		fmt.Fprintf(tw, "%s\t%s\n", features(i), why)
	}
	tw.Flush()
	fmt.Fprintln(w, "  (features: the extensions beyond the ISA's baseline that the CPU offers with it;")
	fmt.Fprintln(w, "  bf16 runs mat.GemmBF16 on VDPBF16PS or BFDOT, int8 the int8 product. Without one")
	fmt.Fprintln(w, "  those kernels run their pure-Go version.)")

	fmt.Fprintln(w)
	fmt.Fprintf(w, "Load bandwidth (%s float32 Sum over a buffer in cache, best of 7):\n ", bwISA())
	for _, b := range []int{16 << 10, 256 << 10, 4 << 20, 64 << 20} {
		fmt.Fprintf(w, " %s %.0f GB/s", size(b), loadBandwidth(b))
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w)
	t := asm.Current()
	mr32, nr32 := t.GemmTileF32()
	mr64, nr64 := t.GemmTileF64()
	mc32, kc32, nc32 := mat.Blocking[float32]()
	mc64, kc64, nc64 := mat.Blocking[float64]()
	fmt.Fprintf(w, "GEMM on %s: mat.Threads %d\n", isa.Active(), mat.Threads())
	fmt.Fprintf(w, "  f32  tile %d×%d  mc %d  kc %d  nc %d\n", mr32, nr32, mc32, kc32, nc32)
	fmt.Fprintf(w, "  f64  tile %d×%d  mc %d  kc %d  nc %d\n", mr64, nr64, mc64, kc64, nc64)
	mrb, nrb := t.GemmBF16Tile()
	fmt.Fprintf(w, "  bf16 tile %d×%d  (%s)\n", mrb, nrb, bf16Kernel())
}

// features lists isa.Features(i), or "-".
func features(i isa.ISA) string {
	fs := isa.Features(i)
	if len(fs) == 0 {
		return "-"
	}
	s := make([]string, len(fs))
	for j, f := range fs {
		s[j] = string(f)
	}
	return strings.Join(s, " ")
}

// bf16Kernel says which kernel mat.GemmBF16 runs on the active ISA.
func bf16Kernel() string {
	switch {
	case !isa.Has(isa.BF16):
		return "pure Go: no bf16 feature on " + string(isa.Active())
	case isa.Active() == isa.NEON:
		return "BFDOT"
	}
	return "VDPBF16PS"
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown"
	}
	return s
}

func bytesOrUnknown(b int) string {
	if b <= 0 {
		return "unknown"
	}
	return fmt.Sprintf("%d B", b)
}

// size formats a size in bytes; cpuid reports -1 or 0 for a cache level it
// does not know (a hypervisor may hide one).
func size(b int) string {
	switch {
	case b <= 0:
		return "unknown"
	case b >= 1<<20 && b%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", b>>20)
	case b >= 1<<10 && b%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", b>>10)
	}
	return fmt.Sprintf("%d B", b)
}
