package mat

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lanes-go/lanes/vec"
)

// threads is the value set by SetThreads; 0 means GOMAXPROCS.
var threads atomic.Int64

// SetThreads sets the number of goroutines that large products,
// convolutions and poolings (and grad's passes over a batch) are split
// over: the caller's plus n−1 pool workers. n < 1 restores the default,
// GOMAXPROCS at the time of each call. Results do not depend on n. Safe
// for concurrent use.
func SetThreads(n int) {
	if n < 1 {
		n = 0
	}
	threads.Store(int64(n))
}

// Threads returns the number of threads a split call uses (see SetThreads).
func Threads() int {
	if n := threads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
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
