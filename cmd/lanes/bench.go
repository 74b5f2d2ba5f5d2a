package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/mat"
)

// Cell is one measurement: one kernel, element type, size, thread count and
// ISA. Its JSON form is the schema documented in the package comment.
type Cell struct {
	Name         string  `json:"name"`
	ISA          string  `json:"isa"`
	Type         string  `json:"type"`
	N            int     `json:"n"`
	Threads      int     `json:"threads"`
	Runs         int     `json:"runs"`
	Iters        int     `json:"iters"`
	MedianNs     float64 `json:"median_ns"`
	MinNs        float64 `json:"min_ns"`
	MaxNs        float64 `json:"max_ns"`
	LoNs         float64 `json:"lo_ns"`
	HiNs         float64 `json:"hi_ns"`
	PerCall      float64 `json:"per_call"`
	Unit         string  `json:"unit"`
	Value        float64 `json:"value"`
	Peak         float64 `json:"peak"`
	PeakKind     string  `json:"peak_kind"`
	PeakFraction float64 `json:"peak_fraction"`
}

// workerEnv, set to 1 in a child's environment, makes bench measure the
// active ISA only and write raw cells (without peaks) as JSON lines: that is
// how the parent measures every ISA other than its own.
const workerEnv = "LANES_BENCH_WORKER"

type benchOpts struct {
	isas                []isa.ISA
	ns, sizes, threads  []int
	kernels             *regexp.Regexp
	runs                int
	per                 time.Duration
	json                bool
	plot                string
	flagN, flagS, flagT string // the list flags as given, for a child
}

func defaultThreads() string {
	p := runtime.GOMAXPROCS(0)
	var ts []string
	for t := 1; t < p; t *= 2 {
		ts = append(ts, strconv.Itoa(t))
	}
	return strings.Join(append(ts, strconv.Itoa(p)), ",")
}

func benchHelp() string {
	var b strings.Builder
	b.WriteString("\nKernels (-kernels matches package/kernel/type, e.g. vec/dot/f32):\n ")
	seen := map[string]bool{}
	for _, k := range kernels {
		if !seen[k.name] {
			seen[k.name] = true
			b.WriteString(" " + k.name)
		}
	}
	b.WriteString("\n\nEach ISA other than the active one is measured in a child process run\n" +
		"with LANES_ISA set to it. -json writes one object per cell; its schema is\n" +
		"in the package documentation (go doc github.com/lanes-go/lanes/cmd/lanes).\n")
	return b.String()
}

func benchCommand(stdout, stderr io.Writer) (*flag.FlagSet, func([]string) error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	isaList := fs.String("isa", "", "comma-separated ISAs to measure (default: every available one)")
	ns := fs.String("n", "256,4096,65536,1048576", "comma-separated vector lengths for vec, act and prob")
	sizes := fs.String("size", "64,128,256,512", "comma-separated matrix sizes n of mat/gemm (n×n times n×n)")
	threads := fs.String("threads", defaultThreads(), "comma-separated thread counts of mat/gemm")
	kern := fs.String("kernels", "", "regexp selecting kernels by package/kernel/type (default: all)")
	runs := fs.Int("runs", 7, "timed runs per cell")
	per := fs.Duration("time", 2*time.Millisecond, "length of one timed run")
	js := fs.Bool("json", false, "write one JSON object per cell instead of the table")
	plot := fs.String("plot", "", "write a chart of the results to `FILE` (.svg or .png)")
	return fs, func(args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		o := benchOpts{runs: *runs, per: *per, json: *js, plot: *plot, flagN: *ns, flagS: *sizes, flagT: *threads}
		var err error
		if o.isas, err = parseISAs(*isaList); err != nil {
			return err
		}
		if o.ns, err = parseInts("-n", *ns, 1<<26); err != nil {
			return err
		}
		if o.sizes, err = parseInts("-size", *sizes, 4096); err != nil {
			return err
		}
		if o.threads, err = parseInts("-threads", *threads, 1024); err != nil {
			return err
		}
		if o.kernels, err = regexp.Compile(*kern); err != nil {
			return usagef("-kernels: %v", err)
		}
		if !slices.ContainsFunc(kernels, func(k kernel) bool { return o.kernels.MatchString(k.id()) }) {
			return usagef("-kernels %q matches no kernel (package/kernel/type, e.g. vec/dot/f32)", *kern)
		}
		if o.runs < 1 || o.runs > 1000 {
			return usagef("-runs %d: want 1 to 1000", o.runs)
		}
		if o.per <= 0 || o.per > 10*time.Second {
			return usagef("-time %v: want more than 0 and at most 10s", o.per)
		}
		if ext := strings.ToLower(filepath.Ext(o.plot)); o.plot != "" && ext != ".svg" && ext != ".png" {
			return usagef("-plot %q: want a file name ending in .svg or .png", o.plot)
		}
		if os.Getenv(workerEnv) == "1" {
			return worker(stdout, o)
		}
		return bench(stdout, stderr, o)
	}
}

func parseISAs(s string) ([]isa.ISA, error) {
	if s == "" {
		return isa.Available(), nil
	}
	var out []isa.ISA
	for f := range strings.SplitSeq(s, ",") {
		i := isa.ISA(strings.ToLower(strings.TrimSpace(f)))
		switch {
		case !slices.Contains(allISAs, i):
			return nil, usagef("-isa: %q is not an ISA (want generic, avx2, avx512 or neon)", f)
		case !isa.Supported(i):
			return nil, usagef("-isa: %s is not available here (available: %v)", i, isa.Available())
		case !slices.Contains(out, i):
			out = append(out, i)
		}
	}
	return out, nil
}

// parseInts parses a comma-separated list of integers in 1..hi.
func parseInts(name, s string, hi int) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, usagef("%s: %q is not an integer", name, f)
		}
		if v < 1 || v > hi {
			return nil, usagef("%s: %d out of range (want 1 to %d)", name, v, hi)
		}
		out = append(out, v)
	}
	return out, nil
}

// worker measures the active ISA for a parent bench and writes raw cells.
func worker(w io.Writer, o benchOpts) error {
	if len(o.isas) != 1 || o.isas[0] != isa.Active() {
		return fmt.Errorf("worker: asked for %v, active ISA is %s", o.isas, isa.Active())
	}
	enc := json.NewEncoder(w)
	for _, c := range measureActive(o) {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	return nil
}

func bench(stdout, stderr io.Writer, o benchOpts) error {
	var cells []Cell
	start := time.Now()
	for _, i := range o.isas {
		t0 := time.Now()
		var cs []Cell
		if i == isa.Active() {
			cs = measureActive(o)
		} else {
			var err error
			if cs, err = measureChild(o, i); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, "lanes bench: %s: %d cells in %.1fs\n", i, len(cs), time.Since(t0).Seconds())
		cells = append(cells, cs...)
	}
	for k := range cells {
		addPeak(&cells[k])
	}
	fmt.Fprintf(stderr, "lanes bench: done in %.1fs\n", time.Since(start).Seconds())
	if o.json {
		enc := json.NewEncoder(stdout)
		for _, c := range cells {
			if err := enc.Encode(c); err != nil {
				return err
			}
		}
	} else {
		table(stdout, o, cells)
	}
	if o.plot != "" {
		if err := writePlot(o.plot, o.isas, cells); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "lanes bench: wrote %s\n", o.plot)
	}
	return nil
}

// measureChild runs this executable as a worker with LANES_ISA=i.
func measureChild(o benchOpts, i isa.ISA) ([]Cell, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot find this executable to measure it: %v", i, err)
	}
	args := []string{"bench", "-isa", string(i), "-n", o.flagN, "-size", o.flagS, "-threads", o.flagT,
		"-kernels", o.kernels.String(), "-runs", strconv.Itoa(o.runs), "-time", o.per.String()}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "LANES_ISA="+string(i), workerEnv+"=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: child process with LANES_ISA=%s: %v: %s", i, i, err, strings.TrimSpace(errb.String()))
	}
	var cells []Cell
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var c Cell
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s: child process output: %v", i, err)
		}
		if c.ISA != string(i) {
			return nil, fmt.Errorf("%s: child process measured %s", i, c.ISA)
		}
		cells = append(cells, c)
	}
	return cells, sc.Err()
}

// measureActive measures every selected kernel on the active ISA.
func measureActive(o benchOpts) []Cell {
	defer mat.SetThreads(0)
	var cells []Cell
	for _, k := range kernels {
		if !o.kernels.MatchString(k.id()) {
			continue
		}
		size := 4
		if k.typ == "f64" {
			size = 8
		}
		if !k.gemm {
			for _, n := range o.ns {
				c := measureCell(k, n, 1, o)
				c.PerCall, c.Unit = float64(k.streams*n*size), "GB/s"
				cells = append(cells, finish(c))
			}
			continue
		}
		for _, n := range o.sizes {
			for _, t := range o.threads {
				mat.SetThreads(t)
				c := measureCell(k, n, t, o)
				c.PerCall, c.Unit = 2*float64(n)*float64(n)*float64(n), "GFLOPS"
				cells = append(cells, finish(c))
			}
		}
	}
	runtime.KeepAlive(sinkVal)
	return cells
}

func measureCell(k kernel, n, threads int, o benchOpts) Cell {
	f := k.setup(n)
	iters := calibrate(f, o.per)
	ns := make([]float64, o.runs)
	for r := range ns {
		t0 := time.Now()
		for range iters {
			f()
		}
		ns[r] = float64(time.Since(t0).Nanoseconds()) / float64(iters)
	}
	slices.Sort(ns)
	med := ns[len(ns)/2]
	if len(ns)%2 == 0 {
		med = (ns[len(ns)/2-1] + ns[len(ns)/2]) / 2
	}
	// lo and hi leave out the fastest and the slowest run when there are
	// five or more: one preempted run on a shared machine does not make
	// the spread.
	lo, hi := ns[0], ns[len(ns)-1]
	if len(ns) >= 5 {
		lo, hi = ns[1], ns[len(ns)-2]
	}
	return Cell{Name: k.name, ISA: string(isa.Active()), Type: k.typ, N: n, Threads: threads,
		Runs: o.runs, Iters: iters, MedianNs: med, MinNs: ns[0], MaxNs: ns[len(ns)-1], LoNs: lo, HiNs: hi}
}

func finish(c Cell) Cell {
	c.Value = c.PerCall / c.MedianNs
	return c
}

// calibrate calls f (which also warms the caches up) and returns how many
// calls last at least per.
func calibrate(f func(), per time.Duration) int {
	f()
	iters := 1
	for {
		t0 := time.Now()
		for range iters {
			f()
		}
		el := time.Since(t0)
		if el >= per || iters >= 1<<30 {
			return iters
		}
		next := iters * 100
		if el > 0 {
			next = min(next, int(float64(iters)*float64(per)/float64(el)*1.2)+1)
		}
		iters = next
	}
}

// addPeak sets the cell's peak: the FMA peak for mat/gemm, the load
// bandwidth at the cell's footprint for the rest.
func addPeak(c *Cell) {
	if c.Unit == "GFLOPS" {
		c.Peak, c.PeakKind = fmaPeak(isa.ISA(c.ISA), c.Type, c.Threads), "fma"
	} else {
		c.Peak, c.PeakKind = loadBandwidth(int(c.PerCall)), "load"
	}
	if c.Peak > 0 {
		c.PeakFraction = c.Value / c.Peak
	}
}

// table writes the cells as one table per package, one column per ISA.
func table(w io.Writer, o benchOpts, cells []Cell) {
	type row struct {
		name, typ  string
		n, threads int
	}
	byRow := map[row]map[string]Cell{}
	var rows []row
	for _, c := range cells {
		r := row{c.Name, c.Type, c.N, c.Threads}
		if byRow[r] == nil {
			byRow[r] = map[string]Cell{}
			rows = append(rows, r)
		}
		byRow[r][c.ISA] = c
	}
	order := map[string]int{}
	for i, k := range kernels {
		if _, ok := order[k.name]; !ok {
			order[k.name] = i
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if d := order[a.name] - order[b.name]; d != 0 {
			return d
		}
		if a.typ != b.typ {
			return strings.Compare(a.typ, b.typ)
		}
		if a.n != b.n {
			return a.n - b.n
		}
		return a.threads - b.threads
	})

	fmt.Fprintf(w, "Median of %d runs of at least %v per cell; ±: half the spread of the runs but the\n", o.runs, o.per)
	fmt.Fprintf(w, "fastest and the slowest, relative to the median; %%pk: median ÷ the peak measured now.\n")
	pkg := ""
	var tw *tabwriter.Writer
	for _, r := range rows {
		p, _, _ := strings.Cut(r.name, "/")
		if p != pkg {
			if tw != nil {
				tw.Flush()
			}
			pkg = p
			fmt.Fprintln(w)
			if p == "mat" {
				fmt.Fprintln(w, "mat/gemm: GFLOPS (2n³ per n×n product); pk: FMA peak of the ISA on as many threads")
			} else {
				fmt.Fprintf(w, "%s: GB/s (bytes read + written); pk: Sum's load bandwidth at that footprint\n", p)
			}
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			if p == "mat" {
				fmt.Fprint(tw, "kernel\ttype\tn\tthreads\t")
			} else {
				fmt.Fprint(tw, "kernel\ttype\tn\t")
			}
			for _, i := range o.isas {
				fmt.Fprintf(tw, "%s\t±\t%%pk\t", i)
			}
			fmt.Fprintln(tw)
		}
		_, name, _ := strings.Cut(r.name, "/")
		fmt.Fprintf(tw, "%s\t%s\t%d\t", name, r.typ, r.n)
		if p == "mat" {
			fmt.Fprintf(tw, "%d\t", r.threads)
		}
		for _, i := range o.isas {
			c, ok := byRow[r][string(i)]
			if !ok {
				fmt.Fprint(tw, "-\t\t\t")
				continue
			}
			spread := (c.HiNs - c.LoNs) / (2 * c.MedianNs) * 100
			fmt.Fprintf(tw, "%s\t%.0f%%\t%.0f%%\t", sig3(c.Value), spread, c.PeakFraction*100)
		}
		fmt.Fprintln(tw)
	}
	if tw != nil {
		tw.Flush()
	}
	fmt.Fprintln(w)
	peaks(w, o, cells)
	fmt.Fprintln(w, "Machine-readable: -json. Against gonum and vek with benchstat: see README, Benchmarks.")
}

// peaks writes the peaks the table's fractions refer to.
func peaks(w io.Writer, o benchOpts, cells []Cell) {
	type fk struct {
		typ     string
		threads int
	}
	var fks []fk
	var bws []int
	for _, c := range cells {
		if c.PeakKind == "fma" {
			if k := (fk{c.Type, c.Threads}); !slices.Contains(fks, k) {
				fks = append(fks, k)
			}
		} else if b := footprint(int(c.PerCall)); !slices.Contains(bws, b) {
			bws = append(bws, b)
		}
	}
	slices.SortFunc(fks, func(a, b fk) int {
		if a.typ != b.typ {
			return strings.Compare(a.typ, b.typ)
		}
		return a.threads - b.threads
	})
	slices.Sort(bws)
	for _, k := range fks {
		fmt.Fprintf(w, "FMA peak %s on %d thread(s), GFLOPS:", k.typ, k.threads)
		for _, i := range o.isas {
			fmt.Fprintf(w, " %s %s", i, sig3(fmaPeak(i, k.typ, k.threads)))
		}
		fmt.Fprintln(w)
	}
	if len(bws) > 0 {
		line := fmt.Sprintf("Load bandwidth (%s Sum f32), GB/s:", bwISA())
		for _, b := range bws {
			item := fmt.Sprintf(" %s %s", size(b), sig3(loadBandwidth(b)))
			if len(line)+len(item) > 96 {
				fmt.Fprintln(w, line)
				line = " "
			}
			line += item
		}
		fmt.Fprintln(w, line)
	}
}

// sig3 formats v with about three significant digits.
func sig3(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
