package main

import (
	"runtime"
	"sync"
	"time"

	"github.com/lanes-go/lanes/internal/asm"
	"github.com/lanes-go/lanes/isa"
)

// peakRounds is how many times fmaPeak runs the PeakFMA kernel; the best
// run counts, so that a preempted one drops out.
var peakRounds = 30

// peakRound is about how long one round of fmaPeak lasts: long enough
// that waking the goroutines of a multi-thread round costs little.
const peakRound = 300 * time.Microsecond

type peakKey struct {
	isa     isa.ISA
	typ     string
	threads int
}

var (
	peakMu    sync.Mutex
	peakCache = map[peakKey]float64{}
)

// fmaPeak returns the FMA peak of ISA i for element type typ ("f32" or
// "f64") on threads cores in GFLOPS: the PeakFMA kernel of i's kernel table
// (independent fused multiply-add chains, no memory traffic) running on
// threads goroutines locked to their OS threads at once; the best of
// peakRounds rounds of about peakRound each, a round timed from the first
// goroutine's start to the last one's end. Results are cached.
func fmaPeak(i isa.ISA, typ string, threads int) float64 {
	k := peakKey{i, typ, threads}
	peakMu.Lock()
	defer peakMu.Unlock()
	if v, ok := peakCache[k]; ok {
		return v
	}
	f := asm.Get(i).PeakFMAF64
	if typ == "f32" {
		f = asm.Get(i).PeakFMAF32
	}
	// One round is reps calls of f(1<<12) per goroutine, about peakRound.
	reps := calibrate(func() { f(1 << 12) }, peakRound)
	round := func() (flops int) {
		for range reps {
			flops += f(1 << 12)
		}
		return flops
	}
	best := 0.0
	if threads <= 1 {
		for range peakRounds {
			t0 := time.Now()
			flops := round()
			best = max(best, float64(flops)/float64(time.Since(t0).Nanoseconds()))
		}
	} else {
		// Each goroutine times its own part; a round lasts from the
		// earliest start to the latest end among them.
		type part struct {
			flops      int
			start, end time.Time
		}
		start := make([]chan struct{}, threads)
		done := make(chan part, threads)
		for g := range start {
			start[g] = make(chan struct{})
			go func(c chan struct{}) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for range c {
					t0 := time.Now()
					flops := round()
					done <- part{flops, t0, time.Now()}
				}
			}(start[g])
		}
		for range peakRounds {
			for _, c := range start {
				c <- struct{}{}
			}
			var flops int
			var first, last time.Time
			for g := range threads {
				p := <-done
				flops += p.flops
				if g == 0 || p.start.Before(first) {
					first = p.start
				}
				if g == 0 || p.end.After(last) {
					last = p.end
				}
			}
			best = max(best, float64(flops)/float64(last.Sub(first).Nanoseconds()))
		}
		for _, c := range start {
			close(c)
		}
	}
	peakCache[k] = best
	return best
}

// footprint rounds a cell's bytes per call up to whole cache lines of
// float32s, at least one line.
func footprint(bytes int) int { return max(64, (bytes+63)/64*64) }

var bwCache = map[int]float64{}

// bwISA is the ISA whose Sum measures the load bandwidth: the best one.
func bwISA() isa.ISA { return isa.Available()[0] }

// loadBandwidth returns, in GB/s, how fast the best ISA's float32 Sum reads
// a buffer of footprint(bytes) bytes that is already in the cache level
// that holds it (called over and over, so a small buffer's figure includes
// the cost of a call, as the cells' figures do): the best of 7 runs of
// enough calls to last about a millisecond. Results are cached.
func loadBandwidth(bytes int) float64 {
	b := footprint(bytes)
	peakMu.Lock()
	defer peakMu.Unlock()
	if v, ok := bwCache[b]; ok {
		return v
	}
	sum := asm.Get(bwISA()).SumF32
	x := make([]float32, b/4)
	for i := range x {
		x[i] = float32(i & 7)
	}
	var s float32
	iters := calibrate(func() { s += sum(x) }, time.Millisecond)
	best := time.Duration(1 << 62)
	for range 7 {
		t0 := time.Now()
		for range iters {
			s += sum(x)
		}
		best = min(best, time.Since(t0))
	}
	sinkF32(s)
	v := float64(b) * float64(iters) / float64(best.Nanoseconds())
	bwCache[b] = v
	return v
}
