package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/lanes-go/lanes/isa"
)

// writePlot draws one panel per package and element type (and thread count
// for mat/gemm) and writes them, two panels a row, to path (.svg or .png).
//
// vec, act and prob panels show throughput (GB/s) against n, one line per
// ISA: the geometric mean over the package's measured kernels at each n,
// with the load bandwidth at the same footprints (geometric mean over the
// same cells) dashed. mat/gemm panels show GFLOPS against n, one line per
// ISA, and that ISA's FMA peak on as many threads as a dashed line.
func writePlot(path string, isas []isa.ISA, cells []Cell) error {
	type key struct {
		pkg, typ string
		threads  int
	}
	var keys []key
	group := map[key][]Cell{}
	for _, c := range cells {
		p, _, _ := strings.Cut(c.Name, "/")
		k := key{p, c.Type, 0}
		if p == "mat" {
			k.threads = c.Threads
		}
		if group[k] == nil {
			keys = append(keys, k)
		}
		group[k] = append(group[k], c)
	}
	pkgOrder := map[string]int{"vec": 0, "mat": 1, "act": 2, "prob": 3}
	slices.SortStableFunc(keys, func(a, b key) int {
		if d := pkgOrder[a.pkg] - pkgOrder[b.pkg]; d != 0 {
			return d
		}
		if a.typ != b.typ {
			return strings.Compare(a.typ, b.typ)
		}
		return a.threads - b.threads
	})

	var panels []*plot.Plot
	for _, k := range keys {
		p := plot.New()
		p.X.Scale = plot.LogScale{}
		p.Y.Min = 0
		p.Legend.Top, p.Legend.Left = true, true
		cs := group[k]
		var ticks []plot.Tick
		top := 0.0
		for _, c := range cs {
			if !slices.ContainsFunc(ticks, func(t plot.Tick) bool { return t.Value == float64(c.N) }) {
				ticks = append(ticks, plot.Tick{Value: float64(c.N), Label: count(c.N)})
			}
			top = max(top, c.Value)
			if k.pkg == "mat" || k.pkg == "vec" {
				top = max(top, c.Peak)
			}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.Y.Max = top * 1.3 // room for the legend
		if k.pkg == "mat" {
			p.Title.Text = fmt.Sprintf("mat.Mul %s, %d thread(s): GFLOPS; dashed: FMA peak", k.typ, k.threads)
			p.X.Label.Text = "n (n×n times n×n)"
			p.Y.Label.Text = "GFLOPS"
		} else {
			var names []string
			for _, c := range cs {
				if _, n, _ := strings.Cut(c.Name, "/"); !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
			what := names[0]
			if len(names) > 1 {
				what = "geomean of " + strings.Join(names, ", ")
			}
			p.Title.Text = fmt.Sprintf("%s %s: %s", k.pkg, k.typ, what)
			p.X.Label.Text = "n (elements)"
			p.Y.Label.Text = "GB/s"
			if k.pkg == "vec" {
				p.Title.Text += "; dashed: load bandwidth"
			}
		}
		for ci, i := range isas {
			val, peak := series(cs, string(i))
			if len(val) == 0 {
				continue
			}
			l, pts, err := plotter.NewLinePoints(val)
			if err != nil {
				return err
			}
			l.Color, pts.Color = plotutil.Color(ci), plotutil.Color(ci)
			p.Add(l, pts)
			p.Legend.Add(string(i), l, pts)
			if k.pkg == "mat" || k.pkg == "vec" && ci == 0 {
				pl, err := plotter.NewLine(peak)
				if err != nil {
					return err
				}
				pl.Color, pl.Dashes = plotutil.Color(ci), []vg.Length{vg.Points(5), vg.Points(3)}
				if k.pkg != "mat" {
					pl.Color = plotutil.DarkColors[len(plotutil.DarkColors)-1]
				}
				p.Add(pl)
			}
		}
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return fmt.Errorf("-plot: nothing to plot")
	}
	cols := min(2, len(panels))
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for c := range cols {
			if i := r*cols + c; i < len(panels) {
				grid[r][c] = panels[i]
			}
		}
	}
	w, h := vg.Length(cols)*5.5*vg.Inch, vg.Length(rows)*3.5*vg.Inch
	var canvas interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		canvas = vgsvg.New(w, h)
	default:
		canvas = vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
	}
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	for r, row := range plot.Align(grid, tiles, dc) {
		for c, cv := range row {
			if grid[r][c] != nil {
				grid[r][c].Draw(cv)
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := canvas.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// series returns the value and peak of the cells of ISA i against n: the
// geometric mean over the cells at each n (one cell per n for mat/gemm).
func series(cells []Cell, i string) (val, peak plotter.XYs) {
	type acc struct{ v, p float64 }
	logs := map[int]acc{}
	count := map[int]int{}
	var ns []int
	for _, c := range cells {
		if c.ISA != i || c.Value <= 0 || c.Peak <= 0 {
			continue
		}
		if _, ok := logs[c.N]; !ok {
			ns = append(ns, c.N)
		}
		a := logs[c.N]
		a.v += math.Log(c.Value)
		a.p += math.Log(c.Peak)
		logs[c.N] = a
		count[c.N]++
	}
	slices.Sort(ns)
	for _, n := range ns {
		k := float64(count[n])
		val = append(val, plotter.XY{X: float64(n), Y: math.Exp(logs[n].v / k)})
		peak = append(peak, plotter.XY{X: float64(n), Y: math.Exp(logs[n].p / k)})
	}
	return val, peak
}

// count formats n for an axis: 256, 4096, 64Ki, 1Mi.
func count(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMi", n>>20)
	case n >= 1<<14 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKi", n>>10)
	}
	return fmt.Sprint(n)
}
