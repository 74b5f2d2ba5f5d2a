"""Side-by-side reference figures from NumPy and PyTorch on the CPU.

Prints Go benchmark lines named like the Go benchmarks of this module
(impl=numpy, impl=torch), so that one benchstat table holds both:

    cd bench
    taskset -c 1 go test -run '^$' -bench 'Act|Normal|Uniform|MatMul' -count 5 > go.txt
    (MatMulBF16: bfloat16 operands, lanes' mat.GemmBF16 against torch.mm)
    OPENBLAS_NUM_THREADS=1 taskset -c 1 python3 pyside.py -count 5 > py.txt

(-bench REGEXP keeps only the matching benchmarks, as go test -bench does.)
    cat go.txt py.txt | benchstat -col /impl -

Everything runs on one thread (torch.set_num_threads(1); NumPy's BLAS is
kept to one thread by OPENBLAS_NUM_THREADS). The inputs are those of the Go
benchmarks: n = 4096 float32 values (i mod 1601)/100 − 8 for the
activations, n×n matrices with entries (i mod 7)/7 and (i mod 5)/5.
A library that is not installed is skipped (Debian: python3-numpy,
python3-torch).
"""

import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

MIN_SECONDS = 0.2


FILTER = None


def bench(name, fn, count):
    if FILTER is not None and not FILTER.search(name):
        return
    fn()  # warm up
    n = 1
    while True:  # grow n until one round takes MIN_SECONDS
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= MIN_SECONDS:
            break
        n = max(n * 2, int(n * MIN_SECONDS / max(dt, 1e-9) * 1.2))
    for r in range(count):
        if r > 0:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            dt = time.perf_counter() - t0
        print(f"Benchmark{name} \t{n:8d}\t{dt / n * 1e9:12.1f} ns/op", flush=True)


def main():
    global FILTER
    count = 5
    if "-count" in sys.argv:
        count = int(sys.argv[sys.argv.index("-count") + 1])
    if "-bench" in sys.argv:  # a regular expression, like go test -bench
        import re
        FILTER = re.compile(sys.argv[sys.argv.index("-bench") + 1])
    print("goos: linux\ngoarch: amd64\npkg: github.com/lanes-go/lanes/bench")
    n = 4096
    try:
        import numpy as np
    except ImportError:
        np = None
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
    if np is not None:
        print(f"numpy: {np.__version__}", file=sys.stderr)
        x = ((np.arange(n) % 1601) / 100 - 8).astype(np.float32)
        d = np.empty(n, np.float32)
        t = np.empty(n, np.float32)

        def sigmoid():
            np.negative(x, out=t)
            np.exp(t, out=t)
            np.add(t, 1, out=t)
            np.reciprocal(t, out=d)

        bench("Act/type=f32/n=4096/Exp/impl=numpy", lambda: np.exp(x, out=d), count)
        bench("Act/type=f32/n=4096/Sigmoid/impl=numpy", sigmoid, count)
        bench("Act/type=f32/n=4096/Tanh/impl=numpy", lambda: np.tanh(x, out=d), count)
        g = np.random.default_rng(1)
        bench("Normal/type=f32/impl=numpy", lambda: g.standard_normal(n, dtype=np.float32, out=d), count)
        bench("Uniform/type=f32/impl=numpy", lambda: g.random(n, dtype=np.float32, out=d), count)
        for name, dt in (("MatMul", np.float32), ("MatMul64", np.float64)):
            for m in (64, 256, 1024):
                i = np.arange(m * m)
                a = ((i % 7) / 7).astype(dt).reshape(m, m)
                b = ((i % 5) / 5).astype(dt).reshape(m, m)
                c = np.empty((m, m), dt)
                bench(f"{name}/n={m}/impl=numpy", lambda: np.matmul(a, b, out=c), count)
    if torch is not None:
        print(f"torch: {torch.__version__}, threads {torch.get_num_threads()}", file=sys.stderr)
        x = ((torch.arange(n) % 1601) / 100 - 8).to(torch.float32)
        d = torch.empty(n, dtype=torch.float32)
        bench("Act/type=f32/n=4096/Exp/impl=torch", lambda: torch.exp(x, out=d), count)
        bench("Act/type=f32/n=4096/Sigmoid/impl=torch", lambda: torch.sigmoid(x, out=d), count)
        bench("Act/type=f32/n=4096/Tanh/impl=torch", lambda: torch.tanh(x, out=d), count)
        gen = torch.Generator().manual_seed(1)
        bench("Normal/type=f32/impl=torch", lambda: d.normal_(generator=gen), count)
        bench("Uniform/type=f32/impl=torch", lambda: d.uniform_(generator=gen), count)
        for name, dt in (("MatMul", torch.float32), ("MatMul64", torch.float64)):
            for m in (64, 256, 1024):
                i = torch.arange(m * m)
                a = ((i % 7) / 7).to(dt).reshape(m, m)
                b = ((i % 5) / 5).to(dt).reshape(m, m)
                c = torch.empty((m, m), dtype=dt)
                bench(f"{name}/n={m}/impl=torch", lambda: torch.mm(a, b, out=c), count)
        # bfloat16 operands (oneDNN's AVX512_BF16 kernels where the CPU has
        # them); torch.mm writes a bfloat16 C, GemmBF16 a float32 one.
        for m in (64, 256, 1024):
            i = torch.arange(m * m)
            a = ((i % 7) / 7).to(torch.bfloat16).reshape(m, m)
            b = ((i % 5) / 5).to(torch.bfloat16).reshape(m, m)
            c = torch.empty((m, m), dtype=torch.bfloat16)
            bench(f"MatMulBF16/n={m}/impl=torch", lambda: torch.mm(a, b, out=c), count)
        bench_conv(torch, count)


def bench_conv(torch, count):
    """PyTorch's side of mat's BenchmarkConv: the two convolutions of the
    MNIST CNN at batch 64 (conv1 1→16 5×5 on 28×28, conv2 16→32 5×5 on
    12×12, float32), named Conv/torch/f32/convN/{fwd,gin,gw,step} like the Go
    lines Conv/ISA/f32/convN/...: fwd is conv2d with the bias, gin and gw
    one aten.convolution_backward each (the input gradient; the weight and
    bias gradients), step the forward plus one backward with the gradients
    the layer needs (conv1: no input gradient, as the first layer).

        OPENBLAS_CORETYPE=SKYLAKEX taskset -c 1 /usr/bin/python3 bench/pyside.py -bench Conv
    """
    g = torch.Generator().manual_seed(1)
    for name, c, hw, k in (("conv1", 1, 28, 16), ("conv2", 16, 12, 32)):
        x = torch.randn(64, c, hw, hw, generator=g)
        w = torch.randn(k, c, 5, 5, generator=g)
        b = torch.randn(k, generator=g)
        oh = hw - 4
        dy = torch.randn(64, k, oh, oh, generator=g)
        conv = torch.nn.functional.conv2d

        def back(mask):
            return torch.ops.aten.convolution_backward(
                dy, x, w, [k], [1, 1], [0, 0], [1, 1], False, [0, 0], 1, mask)

        def step(c=c):
            conv(x, w, b)
            back([c > 1, True, True])

        pre = f"Conv/torch/f32/{name}/"
        bench(pre + "fwd", lambda: conv(x, w, b), count)
        bench(pre + "gin", lambda: back([True, False, False]), count)
        bench(pre + "gw", lambda: back([False, True, True]), count)
        bench(pre + "step", step, count)


if __name__ == "__main__":
    main()
