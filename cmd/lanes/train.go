package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"time"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
)

// dataFlags are the flags train and eval share.
type dataFlags struct {
	model   string
	data    string
	threads int
}

func (f *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.model, "model", "mlp", "network: mlp (784-256-128-10) or cnn (two 5×5 convolutions, 512-128-10)")
	fs.StringVar(&f.data, "data", "", "directory of the four MNIST files (`DIR`; default: the data module in the Go module cache)")
	fs.IntVar(&f.threads, "threads", 0, "threads of the mat kernels (0: GOMAXPROCS)")
}

func (f *dataFlags) check() error {
	if f.threads < 0 {
		return usagef("-threads %d: want 0 (GOMAXPROCS) or more", f.threads)
	}
	for _, m := range modelNames {
		if f.model == m {
			return nil
		}
	}
	return usagef("unknown model %q (want mlp or cnn)", f.model)
}

// setup sets the thread count and loads MNIST.
func (f *dataFlags) setup() (*mnist, error) {
	mat.SetThreads(f.threads)
	return loadMNIST(f.data)
}

type trainConfig struct {
	dataFlags
	opt      string
	epochs   int
	batch    int
	lr       float64
	seed     uint64
	n        int
	save     string
	profile  string
	forceBar bool // a progress bar even when stdout is not a terminal (tests)
	bf16     bool // bfloat16 products in the linear layers (grad.Tape.SetBF16)
}

func trainCommand(stdout, stderr io.Writer) (*flag.FlagSet, func([]string) error) {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var c trainConfig
	c.register(fs)
	fs.StringVar(&c.opt, "opt", "sgd", "optimizer: sgd (momentum 0.9) or adam")
	fs.IntVar(&c.epochs, "epochs", 5, "passes over the training set")
	fs.IntVar(&c.batch, "batch", 64, "images per step")
	fs.Float64Var(&c.lr, "lr", 0, "learning rate (0: 0.05 for sgd, 0.001 for adam)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the initial weights and of the shuffles")
	fs.IntVar(&c.n, "n", 0, "train on the first `N` training images only (0: all)")
	fs.StringVar(&c.save, "save", "", "write the weights to `FILE` (safetensors, PyTorch's state_dict names and shapes)")
	fs.StringVar(&c.profile, "cpuprofile", "", "write a CPU profile of the training passes to `FILE`")
	fs.BoolVar(&c.bf16, "bf16", false, "train with bfloat16 matrix products in the linear layers (mat.GemmBF16F32; float32 weights)")
	return fs, func(args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if err := c.check(); err != nil {
			return err
		}
		switch {
		case c.opt != "sgd" && c.opt != "adam":
			return usagef("unknown optimizer %q (want sgd or adam)", c.opt)
		case c.epochs < 1:
			return usagef("-epochs %d: want 1 or more", c.epochs)
		case c.batch < 1:
			return usagef("-batch %d: want 1 or more", c.batch)
		case !(c.lr >= 0) || c.lr > 1e6:
			return usagef("-lr %g: want a positive rate (or 0 for the default)", c.lr)
		case c.n < 0:
			return usagef("-n %d: want 0 (all) or more", c.n)
		}
		if c.lr == 0 {
			c.lr = 0.05
			if c.opt == "adam" {
				c.lr = 0.001
			}
		}
		return train(&c, stdout)
	}
}

func evalCommand(stdout, _ io.Writer) (*flag.FlagSet, func([]string) error) {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	var c dataFlags
	c.register(fs)
	return fs, func(args []string) error {
		switch len(args) {
		case 0:
			return usagef("missing the weights file: lanes eval [flags] FILE.safetensors")
		case 1:
		default:
			return usagef("unexpected argument %q", args[1])
		}
		if err := c.check(); err != nil {
			return err
		}
		m, err := newModel(c.model, prob.New(0))
		if err != nil {
			return err
		}
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		err = grad.Load(bufio.NewReader(f), m.params)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		data, err := c.setup()
		if err != nil {
			return err
		}
		start := time.Now()
		acc := newEvaluator().accuracy(m, &data.test)
		fmt.Fprintf(stdout, "%s: model %s, test accuracy %s (%d images, %.2f s)\n",
			args[0], m.name, percent(acc), data.test.n, time.Since(start).Seconds())
		return nil
	}
}

func percent(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }

// train runs the training of c and reports to w.
func train(c *trainConfig, w io.Writer) error {
	data, err := c.setup()
	if err != nil {
		return err
	}
	trainSet := data.train
	if c.n > 0 && c.n < trainSet.n {
		trainSet.n = c.n
	}
	m, err := newModel(c.model, prob.New(c.seed))
	if err != nil {
		return err
	}
	var opt grad.Optimizer
	optName := fmt.Sprintf("SGD lr %g momentum 0.9", c.lr)
	if c.opt == "adam" {
		opt = grad.NewAdam(m.params, float32(c.lr))
		optName = fmt.Sprintf("Adam lr %g", c.lr)
	} else {
		sgd := grad.NewSGD(m.params, float32(c.lr))
		sgd.Momentum = 0.9
		opt = sgd
	}
	fmt.Fprintf(w, "MNIST: %d training and %d test images from %s\n", trainSet.n, data.test.n, data.dir)
	products := ""
	if c.bf16 {
		products = "; bfloat16 products (linear layers)"
	}
	fmt.Fprintf(w, "model %s; %s, batch %d, seed %d; %d thread(s), ISA %s%s\n",
		m, optName, c.batch, c.seed, mat.Threads(), isa.Active(), products)

	var prof *os.File
	if c.profile != "" {
		if prof, err = os.Create(c.profile); err != nil {
			return err
		}
		defer prof.Close()
	}

	shuffle := rand.New(prob.NewStream(c.seed, 1))
	order := make([]int, trainSet.n)
	for i := range order {
		order[i] = i
	}
	tape := grad.NewTape[float32]()
	tape.SetBF16(c.bf16)
	ev := newEvaluator()
	x := mat.New[float32](c.batch, pixels)
	labels := make([]int, c.batch)
	bar := newProgress(w, c.forceBar)
	var gt gatherer
	for epoch := 1; epoch <= c.epochs; epoch++ {
		shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		bar.start(fmt.Sprintf("epoch %d/%d", epoch, c.epochs), trainSet.n)
		if prof != nil && epoch == 1 {
			if err := pprof.StartCPUProfile(prof); err != nil {
				return err
			}
		}
		start := time.Now()
		var sum float64 // Σ loss·batch size
		for i := 0; i < trainSet.n; i += c.batch {
			idx := order[i:min(i+c.batch, trainSet.n)]
			xb := x.Slice(0, len(idx), 0, pixels)
			gt.gather(xb, &trainSet, idx)
			lb := labels[:len(idx)]
			for j, k := range idx {
				lb[j] = int(trainSet.labels[k])
			}
			tape.Reset()
			loss := tape.SoftmaxCrossEntropy(m.forward(tape, tape.Const(xb)), lb)
			tape.Backward(loss)
			opt.Step()
			opt.ZeroGrad()
			sum += float64(loss.Scalar()) * float64(len(idx))
			bar.update(i+len(idx), sum/float64(i+len(idx)))
		}
		elapsed := time.Since(start)
		if prof != nil && epoch == 1 {
			pprof.StopCPUProfile()
		}
		bar.finish()
		start = time.Now()
		acc := ev.accuracy(m, &data.test)
		fmt.Fprintf(w, "epoch %d/%d  loss %.4f  %.2f s (%.0f images/s)  test accuracy %s (%.2f s)\n",
			epoch, c.epochs, sum/float64(trainSet.n), elapsed.Seconds(), float64(trainSet.n)/elapsed.Seconds(),
			percent(acc), time.Since(start).Seconds())
	}
	if c.save != "" {
		if err := saveModel(c.save, m); err != nil {
			return err
		}
		fmt.Fprintf(w, "saved the weights to %s (lanes eval -model %s %s)\n", c.save, m.name, c.save)
	}
	return nil
}

func saveModel(path string, m *model) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = grad.Save(bw, m.params)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
