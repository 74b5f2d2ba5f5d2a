package grad_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/grad"
	"github.com/lanes-go/lanes/internal/safetensors"
	"github.com/lanes-go/lanes/mat"
	"github.com/lanes-go/lanes/prob"
	"github.com/lanes-go/lanes/vec"
)

// model is a list of Params and the shapes PyTorch's state_dict of the same
// network has, by name.
type model[T vec.Float] struct {
	ps     []*grad.Param[T]
	shapes map[string][]int
}

// saveMLP is nn.Sequential(Linear(5, 4), ReLU(), Linear(4, 3), ReLU(),
// Linear(3, 2)): its Linear layers are at indices 0, 2 and 4.
func saveMLP[T vec.Float](seed uint64) model[T] {
	r := prob.New(seed)
	var ps []*grad.Param[T]
	ps = append(ps, grad.Named("0", grad.NewLinear[T](r, 5, 4, true).Params())...)
	ps = append(ps, grad.Named("2", grad.NewLinear[T](r, 4, 3, true).Params())...)
	ps = append(ps, grad.Named("4", grad.NewLinear[T](r, 3, 2, true).Params())...)
	return model[T]{ps, map[string][]int{
		"0.weight": {4, 5}, "0.bias": {4},
		"2.weight": {3, 4}, "2.bias": {3},
		"4.weight": {2, 3}, "4.bias": {2},
	}}
}

// saveCNN is nn.Sequential(Conv2d(1, 3, 3), ReLU(), MaxPool2d(2),
// Conv2d(3, 4, 2, stride=2, padding=1, bias=False), ReLU(), Flatten(),
// Dropout(), Linear(16, 5)).
func saveCNN[T vec.Float](seed uint64) model[T] {
	r := prob.New(seed)
	var ps []*grad.Param[T]
	ps = append(ps, grad.Named("0", grad.NewConv2D[T](r, mat.ConvShape{C: 1, H: 8, W: 8, K: 3, KH: 3, KW: 3}, true).Params())...)
	ps = append(ps, grad.Named("3", grad.NewConv2D[T](r, mat.ConvShape{C: 3, H: 3, W: 3, K: 4, KH: 2, KW: 2, Stride: 2, Pad: 1}, false).Params())...)
	ps = append(ps, grad.Named("7", grad.NewLinear[T](r, 16, 5, true).Params())...)
	return model[T]{ps, map[string][]int{
		"0.weight": {3, 1, 3, 3}, "0.bias": {3},
		"3.weight": {4, 3, 2, 2},
		"7.weight": {5, 16}, "7.bias": {5},
	}}
}

func save[T vec.Float](t *testing.T, ps []*grad.Param[T]) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := grad.Save(&b, ps); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return b.Bytes()
}

// values returns a copy of the elements of every Param's Value, row by row.
func values[T vec.Float](ps []*grad.Param[T]) [][]T {
	out := make([][]T, len(ps))
	for i, p := range ps {
		for r := range p.Value.Rows {
			out[i] = append(out[i], p.Value.Row(r)...)
		}
	}
	return out
}

func sameBits[T vec.Float](a, b [][]T) bool {
	return slices.EqualFunc(a, b, func(x, y []T) bool {
		return slices.EqualFunc(x, y, func(u, v T) bool {
			return math.Float64bits(float64(u)) == math.Float64bits(float64(v))
		})
	})
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Run("MLP/float32", func(t *testing.T) { roundTrip(t, saveMLP[float32]) })
	t.Run("MLP/float64", func(t *testing.T) { roundTrip(t, saveMLP[float64]) })
	t.Run("CNN/float32", func(t *testing.T) { roundTrip(t, saveCNN[float32]) })
	t.Run("CNN/float64", func(t *testing.T) { roundTrip(t, saveCNN[float64]) })
}

func roundTrip[T vec.Float](t *testing.T, build func(uint64) model[T]) {
	a := build(1)
	file := save(t, a.ps)
	if again := save(t, a.ps); !bytes.Equal(file, again) {
		t.Fatal("two Saves of the same Params wrote different bytes")
	}

	// The header, as PyTorch's load_file will see it.
	ts, meta, err := safetensors.Read(bytes.NewReader(file), 0)
	if err != nil {
		t.Fatalf("safetensors.Read of Save's output: %v", err)
	}
	if meta != nil {
		t.Errorf("metadata %v, want none", meta)
	}
	if len(ts) != len(a.shapes) {
		t.Errorf("%d tensors in the file, want %d", len(ts), len(a.shapes))
	}
	for i, tn := range ts {
		if i > 0 && ts[i-1].Name >= tn.Name {
			t.Errorf("tensor %q follows %q: the reference writer orders one dtype by name", tn.Name, ts[i-1].Name)
		}
		want, ok := a.shapes[tn.Name]
		switch {
		case !ok:
			t.Errorf("tensor %q is not in PyTorch's state_dict", tn.Name)
		case !slices.Equal(tn.Shape, want):
			t.Errorf("tensor %q: shape %v, PyTorch's is %v", tn.Name, tn.Shape, want)
		}
		if tn.DType != safetensors.DTypeOf[T]() {
			t.Errorf("tensor %q: dtype %s, want %s", tn.Name, tn.DType, safetensors.DTypeOf[T]())
		}
		for _, p := range a.ps {
			if p.Name == tn.Name && !bytes.Equal(tn.Data, safetensors.AppendFloats(nil, p.Value.Data)) {
				t.Errorf("tensor %q: data is not the little-endian row-major Value", tn.Name)
			}
		}
	}

	b := build(2)
	if sameBits(values(a.ps), values(b.ps)) {
		t.Fatal("seeds 1 and 2 gave the same values: the test would prove nothing")
	}
	if err := grad.Load(bytes.NewReader(file), b.ps); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !sameBits(values(a.ps), values(b.ps)) {
		t.Error("Load did not restore the saved values bit for bit")
	}
	if again := save(t, b.ps); !bytes.Equal(file, again) {
		t.Error("Save after Load wrote different bytes")
	}
}

// TestSaveGolden checks the whole file of nn.Sequential(nn.Linear(3, 2)),
// written by hand from the reference writer's rules (safetensors.torch.
// save_file(model.state_dict(), path)): keys in name order, "0.bias" [2]
// before "0.weight" [2, 3], F32, compact JSON, the 122-byte header padded
// with spaces to 128 so the data starts 8-byte aligned, then the bias and
// the weight, little-endian, row-major.
func TestSaveGolden(t *testing.T) {
	l := grad.NewLinear[float32](prob.New(1), 3, 2, true)
	copy(l.Weight.Value.Data, []float32{1, 2, 3, 4, 5, 6}) // [[1, 2, 3], [4, 5, 6]]
	copy(l.Bias.Value.Data, []float32{0.5, -1})
	ps := grad.Named("0", l.Params())

	const header = `{"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"0.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}}` + "      "
	want := "\x80\x00\x00\x00\x00\x00\x00\x00" + header +
		"\x00\x00\x00\x3f" + "\x00\x00\x80\xbf" + // 0.5, -1
		"\x00\x00\x80\x3f" + "\x00\x00\x00\x40" + "\x00\x00\x40\x40" + // 1, 2, 3
		"\x00\x00\x80\x40" + "\x00\x00\xa0\x40" + "\x00\x00\xc0\x40" // 4, 5, 6
	if len(header) != 128 {
		t.Fatalf("the golden header is %d bytes, want 128", len(header))
	}
	if got := string(save(t, ps)); got != want {
		t.Errorf("Save wrote\n%q\nwant\n%q", got, want)
	}

	fresh := grad.Named("0", grad.NewLinear[float32](prob.New(2), 3, 2, true).Params())
	if err := grad.Load(strings.NewReader(want), fresh); err != nil {
		t.Fatalf("Load of the golden file: %v", err)
	}
	if !sameBits(values(fresh), [][]float32{{1, 2, 3, 4, 5, 6}, {0.5, -1}}) {
		t.Errorf("Load of the golden file gave %v", values(fresh))
	}
}

// TestSaveLoadStrided saves and loads Values that are views with
// Stride > Cols.
func TestSaveLoadStrided(t *testing.T) {
	big := randMat[float64](prob.New(3), 4, 5)
	view := grad.NewParam("w", big.Slice(1, 3, 1, 4)) // 2×3, Stride 5
	dense := grad.NewParam("w", mat.NewFrom(2, 3, values([]*grad.Param[float64]{view})[0]))
	file := save(t, []*grad.Param[float64]{view})
	if !bytes.Equal(file, save(t, []*grad.Param[float64]{dense})) {
		t.Fatal("a strided view and its contiguous copy saved differently")
	}

	target := mat.New[float64](3, 6)
	for i := range target.Data {
		target.Data[i] = 7
	}
	into := grad.NewParam("w", target.Slice(1, 3, 2, 5))
	if err := grad.Load(bytes.NewReader(file), []*grad.Param[float64]{into}); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !sameBits(values([]*grad.Param[float64]{into}), values([]*grad.Param[float64]{view})) {
		t.Error("Load into a strided view did not restore the values")
	}
	for i := range 3 {
		for j := range 6 {
			if (i < 1 || j < 2 || j >= 5) && target.At(i, j) != 7 {
				t.Errorf("Load wrote (%d, %d) outside the view", i, j)
			}
		}
	}
}

// TestSaveShapeOverride: a 0-d tensor from Shape []int{} and a 1-D one from
// a column, and a Shape that does not fit.
func TestSaveShapeOverride(t *testing.T) {
	s := grad.NewParam("scale", mat.NewFrom(1, 1, []float32{2}))
	s.Shape = []int{}
	g := grad.NewParam("norm.weight", mat.NewFrom(3, 1, []float32{1, 2, 3}))
	g.Shape = []int{3}
	e := grad.NewParam("empty", mat.New[float32](0, 4))
	e.Shape = []int{4, 0, 2}
	file := save(t, []*grad.Param[float32]{s, g, e})
	ts, _, err := safetensors.Read(bytes.NewReader(file), 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	for _, tn := range ts {
		got[tn.Name] = tn.Shape
	}
	for name, want := range map[string][]int{"scale": {}, "norm.weight": {3}, "empty": {4, 0, 2}} {
		if !slices.Equal(got[name], want) || got[name] == nil {
			t.Errorf("tensor %q: shape %v, want %v", name, got[name], want)
		}
	}
	s2 := grad.NewParam("scale", mat.New[float32](1, 1))
	s2.Shape = []int{}
	g2 := grad.NewParam("norm.weight", mat.New[float32](3, 1))
	g2.Shape = []int{3}
	e2 := grad.NewParam("empty", mat.New[float32](0, 4))
	e2.Shape = []int{4, 0, 2}
	if err := grad.Load(bytes.NewReader(file), []*grad.Param[float32]{g2, e2, s2}); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if s2.Value.Data[0] != 2 || !slices.Equal(g2.Value.Data, []float32{1, 2, 3}) {
		t.Errorf("Load gave %v and %v", s2.Value.Data, g2.Value.Data)
	}
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

type errWriter struct{}

var errDisk = errors.New("disk full")

func (errWriter) Write(p []byte) (int, error) { return 0, errDisk }

func TestSaveErrors(t *testing.T) {
	p := func(name string, rows, cols int, shape ...int) *grad.Param[float32] {
		q := grad.NewParam(name, mat.New[float32](rows, cols))
		q.Shape = shape
		return q
	}
	bad := &grad.Param[float32]{Name: "bad", Value: &mat.Dense[float32]{Rows: 2, Cols: 3, Stride: 3, Data: make([]float32, 5)}}
	for _, tc := range []struct {
		name string
		ps   []*grad.Param[float32]
		want string
	}{
		{"empty name", []*grad.Param[float32]{p("a", 1, 1), p("", 1, 1)}, `parameter 1 has an empty name`},
		{"duplicate", []*grad.Param[float32]{p("a", 1, 1), p("b", 1, 1), p("a", 2, 1)}, `parameters 0 and 2 are both called "a"`},
		{"nil param", []*grad.Param[float32]{p("a", 1, 1), nil}, `parameter 1 is nil`},
		{"nil value", []*grad.Param[float32]{{Name: "a"}}, `parameter "a" has a nil Value`},
		{"short data", []*grad.Param[float32]{bad}, `parameter "bad": Value is not a valid matrix`},
		{"shape count", []*grad.Param[float32]{p("a", 1, 4, 3)}, `parameter "a": Shape [3] does not have the 1×4 = 4 elements`},
		{"shape zero", []*grad.Param[float32]{p("a", 1, 4, 4, 0)}, `Shape [4 0] does not have`},
		{"shape overflow", []*grad.Param[float32]{p("a", 1, 4, 1<<40, 1<<40, 4)}, `does not have`},
		{"negative shape", []*grad.Param[float32]{p("a", 1, 4, -4, -1)}, `negative dimension in Shape [-4 -1]`},
		{"metadata name", []*grad.Param[float32]{p("__metadata__", 1, 1)}, `may not be called "__metadata__"`},
	} {
		var w countWriter
		err := grad.Save(&w, tc.ps)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "grad: Save: ") {
			t.Errorf("%s: Save: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if w.n != 0 {
			t.Errorf("%s: Save wrote %d bytes before failing", tc.name, w.n)
		}
	}
	if err := grad.Save(errWriter{}, saveMLP[float32](1).ps); !errors.Is(err, errDisk) {
		t.Errorf("Save to a failing writer: %v, want %v wrapped", err, errDisk)
	}
}

// header returns a safetensors file made of the given JSON header and data.
func header(json string, data []byte) []byte {
	for len(json)%8 != 0 {
		json += " "
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(json)))
	return append(append(b, json...), data...)
}

func TestLoadErrors(t *testing.T) {
	src := saveMLP[float32](1)
	file := save(t, src.ps)
	without := func(name string) []*grad.Param[float32] {
		return slices.DeleteFunc(slices.Clone(src.ps), func(p *grad.Param[float32]) bool { return p.Name == name })
	}
	extra := append(slices.Clone(src.ps), grad.NewParam("5.weight", mat.New[float32](1, 2)))
	flatBias := func(name string) []*grad.Param[float32] { // the bias saved as 1×n
		ps := slices.Clone(src.ps)
		for i, p := range ps {
			if p.Name == name {
				q := *p
				q.Shape = nil
				ps[i] = &q
			}
		}
		return ps
	}
	replace := func(name string, rows, cols int) []*grad.Param[float32] {
		ps := slices.Clone(src.ps)
		for i, p := range ps {
			if p.Name == name {
				ps[i] = grad.NewParam(name, mat.New[float32](rows, cols))
			}
		}
		return ps
	}
	var f64 bytes.Buffer
	if err := grad.Save(&f64, saveMLP[float64](1).ps); err != nil {
		t.Fatal(err)
	}
	truncated := func(n int) []byte { return file[:n] }

	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"missing", save(t, without("4.bias")), `grad: Load: missing tensor(s) "4.bias"`},
		{"missing two", save(t, without("0.weight")[:4]), `missing tensor(s) "0.weight", "4.bias"`},
		{"extra", save(t, extra), `grad: Load: unexpected tensor(s) "5.weight"`},
		{"wrong dtype", f64.Bytes(), `tensor "0.bias" is F64 in the file, want F32 (the dtype of float32)`},
		{"bias as 1×n", save(t, flatBias("2.bias")), `tensor "2.bias" has shape [1 3] in the file, want [3]`},
		{"transposed", save(t, replace("0.weight", 5, 4)), `tensor "0.weight" has shape [5 4] in the file, want [4 5]`},
		{"wrong count", save(t, replace("2.weight", 3, 5)), `tensor "2.weight" has shape [3 5] in the file, want [3 4]`},
		{"everything", save(t, append(replace("2.weight", 3, 5)[1:], grad.NewParam("x", mat.New[float32](1, 1)))),
			`grad: Load: missing tensor(s) "0.weight"; unexpected tensor(s) "x"; tensor "2.weight" has shape [3 5] in the file, want [3 4]`},
		{"empty file", nil, `too short for the 8-byte header length`},
		{"truncated header", truncated(40), `runs past the end of the file`},
		{"truncated data", truncated(len(file) - 1), `file ends`},
		{"trailing byte", append(slices.Clone(file), 0), `trailing data`},
		{"header past the limit", header(strings.Repeat(" ", 1<<20), nil), `larger than the limit`},
		{"data past the limit", header(`{"0.weight":{"dtype":"F32","shape":[4096,4096],"data_offsets":[0,67108864]}}`, nil), `larger than the limit`},
		{"not JSON", header(`{"0.weight":`, nil), `not valid JSON`},
	}
	for n := range len(file) { // every truncation
		cases = append(cases, struct {
			name string
			file []byte
			want string
		}{fmt.Sprintf("truncated to %d", n), truncated(n), "grad: Load: safetensors: "})
	}
	for _, tc := range cases {
		dst := saveMLP[float32](2)
		before := values(dst.ps)
		err := grad.Load(bytes.NewReader(tc.file), dst.ps)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Load: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if !sameBits(values(dst.ps), before) {
			t.Errorf("%s: Load failed but changed a Param", tc.name)
		}
	}

	// Bad Params: refused before r is read.
	a := grad.NewParam("a", mat.New[float32](1, 1))
	for _, tc := range []struct {
		name string
		ps   []*grad.Param[float32]
		want string
	}{
		{"duplicate", []*grad.Param[float32]{a, grad.NewParam("a", mat.New[float32](1, 1))}, `grad: Load: parameters 0 and 1 are both called "a"`},
		{"empty name", []*grad.Param[float32]{a, grad.NewParam("", mat.New[float32](1, 1))}, `grad: Load: parameter 1 has an empty name`},
	} {
		r := bytes.NewReader(file)
		err := grad.Load(r, tc.ps)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Load: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if r.Len() != len(file) {
			t.Errorf("%s: Load read the file before refusing its Params", tc.name)
		}
	}

	// A read error is returned wrapped.
	r := io.MultiReader(bytes.NewReader(file[:100]), errReader{})
	if err := grad.Load(r, saveMLP[float32](2).ps); !errors.Is(err, errDisk) {
		t.Errorf("Load from a failing reader: %v, want %v wrapped", err, errDisk)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errDisk }

// ExampleSave saves a layer's parameters under PyTorch's state_dict names
// and loads them into a fresh layer. With a file instead of the buffer, the
// same file loads into PyTorch:
//
//	model = torch.nn.Sequential(torch.nn.Linear(3, 2))
//	model.load_state_dict(safetensors.torch.load_file("model.safetensors"))
func ExampleSave() {
	layer := grad.NewLinear[float32](prob.New(1), 3, 2, true)
	var file bytes.Buffer // or an *os.File
	if err := grad.Save(&file, grad.Named("0", layer.Params())); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("saved", file.Len(), "bytes: 0.bias [2], 0.weight [2, 3] as F32")

	fresh := grad.NewLinear[float32](prob.New(2), 3, 2, true)
	if err := grad.Load(&file, grad.Named("0", fresh.Params())); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same weights:", slices.Equal(fresh.Weight.Value.Data, layer.Weight.Value.Data),
		"same bias:", slices.Equal(fresh.Bias.Value.Data, layer.Bias.Value.Data))
	// Output:
	// saved 168 bytes: 0.bias [2], 0.weight [2, 3] as F32
	// same weights: true same bias: true
}
