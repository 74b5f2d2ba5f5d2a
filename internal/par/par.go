// Package par runs the parts of a job on a persistent pool of goroutines:
// the fan-out under mat's products and convolutions and grad's
// element-wise passes.
//
// A call queues parts 1..n−1 for the pool's workers and runs part 0 on the
// calling goroutine; then, until its own parts are done, it runs queued
// parts (its own that no worker has taken yet, or another caller's), so it
// never waits for a worker that is slow to wake, nor for one that waits
// for it. With two threads and an otherwise idle pool, part 1 goes
// to the one worker: consecutive calls with the same split find their rows
// in the cache of the core that wrote them.
//
// Workers poll the queue (its length, read without the channel's lock) for
// a while before they sleep, and a caller wakes sleeping ones when it
// queues parts. A worker blocked on a channel receive would be handed the
// part on the caller's P and run it only after the caller's own part (Go
// readies the receiver there): a training step makes dozens of calls of
// tens of µs each, which that would serialize.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Job is a job split into parts; RunPart(i) computes part i. The parts of
// a job write disjoint outputs, so they may run in any order.
type Job interface{ RunPart(i int) }

// spin is how long an idle worker, or a caller whose own part is done,
// keeps polling before it blocks.
const spin = 200 * time.Microsecond

// pollEvery is the number of polls between two looks at the clock and two
// yields of the P (runtime.Gosched takes the scheduler's lock).
const pollEvery = 64

// pool is the queue of parts and its workers. Workers never block on the
// queue itself: a part stays in it until someone takes it, so a caller
// whose own part is done runs its queued parts itself instead of waiting
// for a worker to wake (a worker blocked on a channel would be handed the
// part directly, on the caller's P).
var pool = struct {
	mu       sync.Mutex
	n        int           // workers started
	ch       chan *part    // queued parts
	sleeping atomic.Int32  // workers blocked on wake
	wake     chan struct{} // wake-up tokens for sleeping workers
}{ch: make(chan *part, 1024), wake: make(chan struct{}, 1024)}

// start makes sure the pool has at least n workers.
func start(n int) {
	pool.mu.Lock()
	for ; pool.n < n; pool.n++ {
		go worker()
	}
	pool.mu.Unlock()
}

func worker() {
	for {
		if p := take(); p != nil {
			p.run()
			continue
		}
		idle()
	}
}

// take returns a queued part, or nil if there is none.
func take() *part {
	if len(pool.ch) == 0 { // the count, read without the channel's lock
		return nil
	}
	select {
	case p := <-pool.ch:
		return p
	default: // someone else took it
		return nil
	}
}

// idle polls the queue for up to spin, then sleeps until woken. A wake-up
// lost to the race between a worker going to sleep and a caller queueing
// costs parallelism, never progress: the caller runs its parts itself.
func idle() {
	var w poller
	for len(pool.ch) == 0 && !w.expired() {
	}
	if len(pool.ch) > 0 {
		return
	}
	pool.sleeping.Add(1)
	if len(pool.ch) == 0 {
		<-pool.wake
	}
	pool.sleeping.Add(-1)
}

// poller paces a polling loop: expired is called once a poll; every
// pollEvery polls it yields the P (runtime.Gosched) and looks at the
// clock, and it reports true once spin has passed since the first look.
type poller struct {
	n  int
	t0 time.Time
}

func (w *poller) expired() bool {
	if w.n++; w.n%pollEvery != 0 {
		return false
	}
	if w.n == pollEvery {
		w.t0 = time.Now()
	} else if time.Since(w.t0) > spin {
		return true
	}
	runtime.Gosched()
	return false
}

// Band returns part i's share [lo, hi) of n items split into parts bands:
// the split every fan-out of the module uses, so that passes over the same
// rows with the same number of parts give part i the same rows.
func Band(i, parts, n int) (lo, hi int) {
	return i * n / parts, (i + 1) * n / parts
}

// wake wakes up to n sleeping workers.
func wake(n int) {
	for k := min(n, int(pool.sleeping.Load())); k > 0; k-- {
		select {
		case pool.wake <- struct{}{}:
		default:
			return
		}
	}
}

// Fan is the state of one fan-out, reused from call to call (its parts
// grow once, so a call does not allocate). Its zero value is ready; a Fan
// runs one job at a time.
type Fan struct {
	parts []part
	done  chan struct{} // one token per finished part 1..n−1
}

// part is part i of the job being fanned out by f.
type part struct {
	f   *Fan
	job Job
	i   int
}

func (p *part) run() {
	f := p.f
	p.job.RunPart(p.i)
	f.done <- struct{}{} // the last touch of f: Run returns after it
}

// Run runs parts 0..n−1 of job and returns when all are done: parts
// 1..n−1 are queued for the pool's workers, part 0 runs on the calling
// goroutine, which then runs queued parts (its own or another caller's)
// until its own are done. n ≤ 1 runs part 0 only, on the caller.
func (f *Fan) Run(job Job, n int) {
	if n <= 1 {
		job.RunPart(0)
		return
	}
	start(n - 1)
	if len(f.parts) < n {
		f.parts = make([]part, n)
		f.done = make(chan struct{}, n)
	}
	for i := 1; i < n; i++ {
		f.parts[i] = part{f, job, i}
		pool.ch <- &f.parts[i]
	}
	wake(n - 1)
	job.RunPart(0)
	var w poller
	for left := n - 1; left > 0; {
		if len(f.done) > 0 { // read without the channel's lock, as take's
			<-f.done
			left--
			continue
		}
		if p := take(); p != nil {
			p.run()
			continue
		}
		if w.expired() {
			// the queue was empty: every part left is running
			for ; left > 0; left-- {
				<-f.done
			}
		}
	}
	for i := 1; i < n; i++ {
		f.parts[i].job = nil // do not keep the job's operands alive
	}
}
