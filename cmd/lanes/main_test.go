package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lanes-go/lanes/isa"
)

// TestMain lets the test binary stand in for lanes when bench runs it as a
// worker for another ISA (measureChild runs os.Executable()).
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	peakRounds = 3
	os.Exit(m.Run())
}

func lanes(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// quick are bench flags that keep a run in the milliseconds.
var quick = []string{"-n", "64,300", "-size", "16", "-threads", "1", "-runs", "3", "-time", "20us"}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-h"}, {"--help"}, {"help"}} {
		code, out, errs := lanes(t, args...)
		if code != 0 || errs != "" {
			t.Errorf("lanes %v: status %d, stderr %q", args, code, errs)
		}
		for _, c := range commands {
			if !strings.Contains(out, "\n  "+c.name+" ") {
				t.Errorf("lanes %v does not list %s:\n%s", args, c.name, out)
			}
		}
	}
	for _, args := range [][]string{{"help", "bench"}, {"bench", "-h"}} {
		code, out, _ := lanes(t, args...)
		if code != 0 || !strings.Contains(out, "-kernels") || !strings.Contains(out, "vec/dot") {
			t.Errorf("lanes %v: status %d, no -kernels or kernel list:\n%s", args, code, out)
		}
	}
	if code, out, _ := lanes(t, "info", "-h"); code != 0 || !strings.Contains(out, "Usage: lanes info") {
		t.Errorf("lanes info -h: status %d:\n%s", code, out)
	}
}

// TestUsageErrors: every usage error is one line on stderr, nothing on
// stdout, and exit status 2.
func TestUsageErrors(t *testing.T) {
	unsupported := "neon"
	if runtime.GOARCH == "arm64" {
		unsupported = "avx512"
	}
	for _, args := range [][]string{
		{"nope"}, {"-x"}, {"eval"}, {"eval", "a", "b"}, {"eval", "-model", "rnn", "m.safetensors"},
		{"train", "extra"}, {"train", "-model", "rnn"}, {"train", "-opt", "lbfgs"}, {"train", "-epochs", "0"},
		{"train", "-batch", "0"}, {"train", "-lr", "-1"}, {"train", "-lr", "NaN"}, {"train", "-threads", "-1"},
		{"train", "-n", "-1"}, {"train", "-seed", "x"},
		{"info", "extra"}, {"info", "-x"},
		{"help", "nope"}, {"help", "info", "bench"},
		{"bench", "extra"}, {"bench", "-bogus"},
		{"bench", "-n", "0"}, {"bench", "-n", "-5"}, {"bench", "-n", "x"}, {"bench", "-n", "64,"},
		{"bench", "-n", "1000000000"}, {"bench", "-size", "0"}, {"bench", "-threads", "0"},
		{"bench", "-isa", "sse"}, {"bench", "-isa", unsupported},
		{"bench", "-kernels", "nope"}, {"bench", "-kernels", "("},
		{"bench", "-runs", "0"}, {"bench", "-time", "0s"}, {"bench", "-time", "x"},
		{"bench", "-plot", "b.gif"},
	} {
		code, out, errs := lanes(t, args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "lanes") {
			t.Errorf("lanes %q: status %d (want 2), stdout %q, stderr %q (want one line)", args, code, out, errs)
		}
	}
}

func TestInfo(t *testing.T) {
	code, out, errs := lanes(t, "info")
	if code != 0 || errs != "" {
		t.Fatalf("lanes info: status %d, stderr %q", code, errs)
	}
	for _, want := range []string{"CPU ", "Logical CPUs ", "GOMAXPROCS ", "L1d ", "L3 ", "Load bandwidth",
		"GEMM on " + string(isa.Active()), " mc ", " kc ", " nc ", "bf16 tile "} {
		if !strings.Contains(out, want) {
			t.Errorf("lanes info lacks %q:\n%s", want, out)
		}
	}
	for _, i := range allISAs {
		st, _ := status(i)
		if !strings.Contains(out, "  "+string(i)+" ") || !strings.Contains(out, st) {
			t.Errorf("lanes info lacks %s (%s):\n%s", i, st, out)
		}
		for _, f := range isa.Features(i) {
			if !regexp.MustCompile(`(?m)^  ` + string(i) + ` .* ` + string(f) + `\b`).MatchString(out) {
				t.Errorf("lanes info: the %s line lacks feature %s:\n%s", i, f, out)
			}
		}
	}
}

// TestStatus: info's status agrees with package isa, and an ISA that is not
// available says why; on amd64 an available ISA has every feature needs
// lists for it.
func TestStatus(t *testing.T) {
	for _, i := range allISAs {
		st, why := status(i)
		switch {
		case why == "":
			t.Errorf("%s: %s without a reason", i, st)
		case i == isa.Active() && (st != "active" || why != isa.Reason()):
			t.Errorf("%s: %s, %q; want active, %q", i, st, why, isa.Reason())
		case isa.Supported(i) && i != isa.Active() && st != "available":
			t.Errorf("%s: %s; isa.Supported says it is available", i, st)
		case !isa.Supported(i) && st != "no":
			t.Errorf("%s: %s; isa.Supported says it is not available", i, st)
		}
		if isa.Supported(i) && strings.Contains(why, "cpuid does not report") {
			t.Errorf("%s is available, but status says %q", i, why)
		}
	}
}

// TestBenchJSON: every line is one object with exactly the documented
// fields, one per selected cell, with consistent numbers.
func TestBenchJSON(t *testing.T) {
	args := append([]string{"bench", "-json", "-isa", string(isa.Active()),
		"-kernels", "vec/dot/f32|mat/gemm/f64|act/exp/f32|prob/normal/f32"}, quick...)
	code, out, errs := lanes(t, args...)
	if code != 0 {
		t.Fatalf("lanes %q: status %d: %s", args, code, errs)
	}
	fields := []string{"name", "isa", "type", "n", "threads", "runs", "iters", "median_ns", "min_ns", "max_ns",
		"lo_ns", "hi_ns", "per_call", "unit", "value", "peak", "peak_kind", "peak_fraction"}
	slices.Sort(fields)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 7 { // dot, exp, normal at n = 64 and 300; gemm at 16
		t.Fatalf("%d lines, want 7:\n%s", len(lines), out)
	}
	var names []string
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		var got []string
		for k := range m {
			got = append(got, k)
		}
		slices.Sort(got)
		if !reflect.DeepEqual(got, fields) {
			t.Errorf("fields %v, want %v", got, fields)
		}
		var c Cell
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		names = append(names, c.Name+"/"+c.Type)
		ok := c.ISA == string(isa.Active()) && c.Runs == 3 && c.Iters >= 1 && c.Threads == 1 &&
			0 < c.MinNs && c.MinNs <= c.LoNs && c.LoNs <= c.MedianNs && c.MedianNs <= c.HiNs && c.HiNs <= c.MaxNs &&
			c.Value > 0 && c.Peak > 0 && math.Abs(c.Value-c.PerCall/c.MedianNs) <= 1e-9*c.Value &&
			math.Abs(c.PeakFraction-c.Value/c.Peak) <= 1e-9*c.PeakFraction
		switch c.Name {
		case "mat/gemm":
			ok = ok && c.N == 16 && c.Unit == "GFLOPS" && c.PeakKind == "fma" && c.PerCall == 2*16*16*16
		case "vec/dot":
			ok = ok && (c.N == 64 || c.N == 300) && c.Unit == "GB/s" && c.PeakKind == "load" && c.PerCall == float64(2*c.N*4)
		default:
			ok = ok && (c.N == 64 || c.N == 300) && c.Unit == "GB/s" && c.PeakKind == "load"
		}
		if !ok {
			t.Errorf("inconsistent cell %s", l)
		}
	}
	want := []string{"act/exp/f32", "act/exp/f32", "mat/gemm/f64", "prob/normal/f32", "prob/normal/f32", "vec/dot/f32", "vec/dot/f32"}
	if slices.Sort(names); !reflect.DeepEqual(names, want) {
		t.Errorf("cells %v, want %v", names, want)
	}
}

// TestBenchTable: the default output is a table of lines of at most 100
// columns, with one column group per ISA.
func TestBenchTable(t *testing.T) {
	args := append([]string{"bench", "-isa", string(isa.Active()), "-kernels", "vec/sum/f64|mat/gemm/f32"}, quick...)
	code, out, errs := lanes(t, args...)
	if code != 0 {
		t.Fatalf("lanes %q: status %d: %s", args, code, errs)
	}
	for _, l := range strings.Split(out, "\n") {
		if utf8.RuneCountInString(l) > 100 {
			t.Errorf("line of %d columns: %q", utf8.RuneCountInString(l), l)
		}
	}
	for _, want := range []string{"vec: GB/s", "mat/gemm: GFLOPS", " sum ", " gemm ", string(isa.Active()), "FMA peak f32", "Load bandwidth"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchEveryISA: the ISAs other than the active one are measured in
// child processes with LANES_ISA set (this test binary, through TestMain).
func TestBenchEveryISA(t *testing.T) {
	if len(isa.Available()) < 2 {
		t.Skip("one ISA only")
	}
	exe, err := os.Executable()
	if err == nil {
		c := exec.Command(exe, "help")
		c.Env = append(os.Environ(), workerEnv+"=1")
		err = c.Run()
	}
	if err != nil {
		t.Skipf("cannot run this test binary again (%v)", err)
	}
	args := append([]string{"bench", "-json", "-kernels", "vec/axpy/f64|mat/gemm/f32"}, quick...)
	code, out, errs := lanes(t, args...)
	if code != 0 {
		t.Fatalf("lanes %q: status %d: %s", args, code, errs)
	}
	seen := map[string]int{}
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var c Cell
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		seen[c.ISA]++
		if c.PeakFraction <= 0 {
			t.Errorf("no peak: %s", l)
		}
	}
	for _, i := range isa.Available() {
		if seen[string(i)] != 3 {
			t.Errorf("%s: %d cells, want 3 (%v)", i, seen[string(i)], seen)
		}
	}
}

func TestBenchPlot(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.svg", "b.png"} {
		path := filepath.Join(dir, name)
		args := append([]string{"bench", "-isa", string(isa.Active()), "-kernels", "vec/dot/f32|mat/gemm/f32", "-plot", path}, quick...)
		if code, _, errs := lanes(t, args...); code != 0 {
			t.Fatalf("lanes %q: status %d: %s", args, code, errs)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if magic := map[string]string{"b.svg": "<?xml", "b.png": "\x89PNG"}[name]; !bytes.HasPrefix(b, []byte(magic)) {
			t.Errorf("%s starts with %q", name, b[:min(len(b), 16)])
		}
	}
}
