package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far an epoch of train is: a bar with the images per
// second, the running loss and the time left when w is a terminal (or
// force is set), nothing otherwise (train prints a plain line per epoch).
type progress struct {
	w     io.Writer
	on    bool
	bar   *progressbar.ProgressBar
	desc  string
	done  int
	shown time.Time
	every time.Duration // the least time between two redraws
}

func newProgress(w io.Writer, force bool) *progress {
	on := force
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		on = true
	}
	return &progress{w: w, on: on, every: 100 * time.Millisecond}
}

func (p *progress) start(desc string, total int) {
	if !p.on {
		return
	}
	p.desc, p.done = desc, 0
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("images"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(p.every),
		progressbar.OptionClearOnFinish(),
	)
}

// update moves the bar to done images with running loss.
func (p *progress) update(done int, loss float64) {
	if !p.on {
		return
	}
	if now := time.Now(); now.Sub(p.shown) >= p.every {
		p.bar.Describe(fmt.Sprintf("%s loss %.4f", p.desc, loss))
		p.shown = now
	}
	_ = p.bar.Add(done - p.done)
	p.done = done
}

func (p *progress) finish() {
	if !p.on {
		return
	}
	_ = p.bar.Finish()
	p.bar = nil
}
