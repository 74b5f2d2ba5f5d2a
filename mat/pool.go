package mat

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lanes-go/lanes/vec"
)

// threads is the value set by SetThreads; 0 means GOMAXPROCS.
var threads atomic.Int64

// SetThreads sets the number of goroutines a large Gemm is split over (the
// caller's plus n−1 pool workers). n < 1 restores the default, GOMAXPROCS
// at the time of each call. Results do not depend on n. Safe for
// concurrent use.
func SetThreads(n int) {
	if n < 1 {
		n = 0
	}
	threads.Store(int64(n))
}

// Threads returns the number of threads Gemm uses (see SetThreads).
func Threads() int {
	if n := threads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}

// runner is a unit of work for the pool.
type runner interface{ run() }

// pool is the persistent worker pool: goroutines started on first need,
// never stopped (an idle one costs a blocked goroutine), taking parts from
// ch. A caller queues its parts and runs one itself, so a call never waits
// for a worker that waits for it.
var pool = struct {
	mu sync.Mutex
	n  int
	ch chan runner
}{ch: make(chan runner, 256)}

func startWorkers(n int) {
	pool.mu.Lock()
	for ; pool.n < n; pool.n++ {
		go worker()
	}
	pool.mu.Unlock()
}

// spin is how long an idle worker keeps polling for the next part before it
// blocks. A blocked worker is woken onto the caller's P (Go readies the
// receiver there), and until another P steals it, it waits for the caller
// to finish its own part: back-to-back products of a few hundred µs (a
// training loop) then gain nothing from the second thread. Polling keeps
// the worker on its own P between such calls.
const spin = 200 * time.Microsecond

func worker() {
	for {
		var r runner
		select {
		case r = <-pool.ch:
		default:
			r = poll()
		}
		r.run()
	}
}

// poll waits for a part, polling for up to spin, then blocking.
func poll() runner {
	start := time.Now()
	for time.Since(start) < spin {
		select {
		case r := <-pool.ch:
			return r
		default:
			runtime.Gosched()
		}
	}
	return <-pool.ch
}

// parter is a job split into parts; runPart(i) computes part i. The parts
// of a job write disjoint outputs, so they may run in any order.
type parter interface{ runPart(i int) }

// fanOut runs the parts of one job on the pool: the state of a call,
// reused with the job (its parts slice grows once, so a call does not
// allocate). Gemm and the convolutions share it.
type fanOut struct {
	wg    sync.WaitGroup
	parts []fanPart
}

// fanPart is part i of the job being fanned out.
type fanPart struct {
	f   *fanOut
	job parter
	i   int
}

func (p *fanPart) run() {
	p.job.runPart(p.i)
	p.f.wg.Done()
}

// run runs parts 0..n−1 of job: 1..n−1 queued for the pool's workers, 0 on
// the calling goroutine, and returns when all are done.
func (f *fanOut) run(job parter, n int) {
	if n > 1 {
		startWorkers(n - 1)
		if len(f.parts) < n {
			f.parts = make([]fanPart, n)
		}
		f.wg.Add(n - 1)
		for i := 1; i < n; i++ {
			f.parts[i] = fanPart{f, job, i}
			pool.ch <- &f.parts[i]
		}
	}
	job.runPart(0)
	f.wg.Wait()
	for i := 1; i < n; i++ {
		f.parts[i].job = nil // do not keep the job's operands alive
	}
}

// freeList is a stack of reusable objects (packing buffers, jobs): unlike
// sync.Pool it is not emptied by the garbage collector, so the large
// packing buffers are allocated once per concurrent caller, not per GC.
type freeList[X any] struct {
	mu    sync.Mutex
	items []*X
}

func (f *freeList[X]) get() *X {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.items); n > 0 {
		x := f.items[n-1]
		f.items = f.items[:n-1]
		return x
	}
	return new(X)
}

func (f *freeList[X]) put(x *X) {
	f.mu.Lock()
	f.items = append(f.items, x)
	f.mu.Unlock()
}

var (
	works32 freeList[work[float32]]
	works64 freeList[work[float64]]
	jobs32  freeList[gemmJob[float32]]
	jobs64  freeList[gemmJob[float64]]
)

func works[T vec.Float]() *freeList[work[T]] {
	if x, ok := any(&works32).(*freeList[work[T]]); ok {
		return x
	}
	return any(&works64).(*freeList[work[T]])
}

func jobs[T vec.Float]() *freeList[gemmJob[T]] {
	if x, ok := any(&jobs32).(*freeList[gemmJob[T]]); ok {
		return x
	}
	return any(&jobs64).(*freeList[gemmJob[T]])
}
