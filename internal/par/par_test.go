package par

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countJob counts the runs of each part; a part may sleep first, so that
// Run must wait for it.
type countJob struct {
	runs  []atomic.Int32
	sleep time.Duration
}

func (j *countJob) RunPart(i int) {
	if j.sleep > 0 && i%2 == 1 {
		time.Sleep(j.sleep)
	}
	j.runs[i].Add(1)
}

func check(t *testing.T, j *countJob, n int) {
	t.Helper()
	for i := range j.runs {
		want := int32(0)
		if i < max(n, 1) {
			want = 1
		}
		if got := j.runs[i].Load(); got != want {
			t.Fatalf("n = %d: part %d ran %d times when Run returned, want %d", n, i, got, want)
		}
	}
}

// TestRun: every part runs exactly once and has finished when Run
// returns, for any n (more parts than workers included), with workers
// polling, and after they have gone to sleep.
func TestRun(t *testing.T) {
	var f Fan
	for _, sleep := range []time.Duration{0, time.Millisecond} {
		for n := -1; n <= 9; n++ {
			j := &countJob{runs: make([]atomic.Int32, 10), sleep: sleep}
			f.Run(j, n)
			check(t, j, n)
		}
	}
	time.Sleep(10 * spin) // the workers block
	for n := 2; n <= 4; n++ {
		j := &countJob{runs: make([]atomic.Int32, 10)}
		f.Run(j, n)
		check(t, j, n)
	}
}

// TestConcurrent: callers with Fans of their own share the pool.
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var f Fan
			for r := 0; r < 300; r++ {
				n := 1 + (c+r)%6
				j := &countJob{runs: make([]atomic.Int32, 6)}
				if r%50 == 0 {
					j.sleep = 100 * time.Microsecond
				}
				f.Run(j, n)
				for i := 0; i < n; i++ {
					if got := j.runs[i].Load(); got != 1 {
						t.Errorf("caller %d, call %d: part %d of %d ran %d times", c, r, i, n, got)
						return
					}
				}
				if r%100 == 99 {
					time.Sleep(2 * spin)
				}
			}
		}()
	}
	wg.Wait()
}

type nopJob struct{}

func (nopJob) RunPart(int) {}

// TestRunAllocs: a Run that its Fan has seen before allocates nothing.
func TestRunAllocs(t *testing.T) {
	var f Fan
	var j nopJob
	f.Run(j, 4)
	if a := testing.AllocsPerRun(100, func() { f.Run(j, 4) }); a != 0 {
		t.Fatalf("Run allocates %v times", a)
	}
}
