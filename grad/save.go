package grad

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/lanes-go/lanes/internal/safetensors"
	"github.com/lanes-go/lanes/vec"
)

// Save writes the values of ps to w as one safetensors file that
// PyTorch's model.load_state_dict(safetensors.torch.load_file(path)) loads
// into the same network: one tensor per Param, named Param.Name, of dtype
// F32 for float32 and F64 for float64, with the shape Param.Shape (nil:
// [Rows, Cols]) and the elements of Value in row-major order (a Value with
// Stride > Cols is copied row by row). With the layers' names made by Named
// and the shapes set by NewLinear and NewConv2D, the names and shapes are
// those of PyTorch's state_dict: "0.weight" [out, in] and "0.bias" [out] for
// a Linear at index 0 of an nn.Sequential, [K, C, KH, KW] and [K] for a
// Conv2D. Only values are saved: no gradients, no optimizer state.
//
// The bytes are those of the reference writer (safetensors.torch.save_file
// without metadata): tensors in order of name, compact JSON header padded to
// 8 bytes, no "__metadata__", so the same values always give the same file.
//
// Save checks ps before writing anything: every Param and its Value
// non-nil, names non-empty and unique, Shape without negative entries and
// with Rows·Cols elements. It makes one copy of each tensor's data and calls
// w.Write once for the header and once per non-empty tensor; an error from w
// is returned wrapped.
func Save[T vec.Float](w io.Writer, ps []*Param[T]) error {
	shapes, err := checkParams("Save", ps)
	if err != nil {
		return err
	}
	dtype := safetensors.DTypeOf[T]()
	size := sizeOf[T]()
	ts := make([]safetensors.Tensor, len(ps))
	for i, p := range ps {
		v := p.Value
		data := make([]byte, 0, v.Rows*v.Cols*size)
		if v.Stride == v.Cols {
			data = safetensors.AppendFloats(data, v.Data[:v.Rows*v.Cols])
		} else {
			for r := range v.Rows {
				data = safetensors.AppendFloats(data, v.Row(r))
			}
		}
		ts[i] = safetensors.Tensor{Name: p.Name, DType: dtype, Shape: shapes[i], Data: data}
	}
	if err := safetensors.Write(w, ts, nil); err != nil {
		return fmt.Errorf("grad: Save: %w", err)
	}
	return nil
}

// Load reads one safetensors file from r, to its end, into the values of
// ps, as PyTorch's load_state_dict with strict=True: the file must hold
// exactly one tensor per Param, named Param.Name, of ps's dtype (F32 for
// float32, F64 for float64: no conversion), with the shape that Save writes
// for it (Param.Shape, or [Rows, Cols] when nil). The error lists every
// missing tensor, every tensor of the file that no Param is called
// ("unexpected"), and every dtype or shape mismatch, each with the tensor's
// name; a malformed file (truncated, bad header, bad offsets, trailing
// bytes) is an error that says where. Metadata ("__metadata__") is ignored.
//
// Nothing is written into any Param unless the whole file is read and
// validates. Load bounds the file's size by the size of ps's data plus the
// header that Save would write for them and 64 KiB of slack (metadata,
// whitespace of other writers); a header that claims more is refused before
// it is read, so a hostile file cannot make Load allocate more than that
// bound (and, as it reads in growing chunks, no more than about twice what
// the file really holds). Load makes the same checks on ps as Save. Values
// with Stride > Cols are filled row by row; their padding is left alone.
func Load[T vec.Float](r io.Reader, ps []*Param[T]) error {
	shapes, err := checkParams("Load", ps)
	if err != nil {
		return err
	}
	size := sizeOf[T]()
	ts, _, err := safetensors.Read(r, loadLimit(ps, shapes, size))
	if err != nil {
		return fmt.Errorf("grad: Load: %w", err)
	}

	byName := make(map[string]*safetensors.Tensor, len(ts))
	for i := range ts {
		byName[ts[i].Name] = &ts[i] // Read refuses a name used twice
	}
	dtype := safetensors.DTypeOf[T]()
	var missing, unexpected, mismatched []string
	found := make([]*safetensors.Tensor, len(ps))
	for i, p := range ps {
		t, ok := byName[p.Name]
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("%q", p.Name))
		case t.DType != dtype:
			mismatched = append(mismatched, fmt.Sprintf("tensor %q is %s in the file, want %s (the dtype of %T)", p.Name, t.DType, dtype, T(0)))
		case !slices.Equal(t.Shape, shapes[i]):
			mismatched = append(mismatched, fmt.Sprintf("tensor %q has shape %v in the file, want %v", p.Name, t.Shape, shapes[i]))
		default:
			found[i] = t
		}
	}
	want := make(map[string]struct{}, len(ps))
	for _, p := range ps {
		want[p.Name] = struct{}{}
	}
	for i := range ts {
		if _, ok := want[ts[i].Name]; !ok {
			unexpected = append(unexpected, fmt.Sprintf("%q", ts[i].Name))
		}
	}
	if len(missing)+len(unexpected)+len(mismatched) > 0 {
		var problems []string
		if len(missing) > 0 {
			problems = append(problems, "missing tensor(s) "+strings.Join(missing, ", "))
		}
		if len(unexpected) > 0 {
			problems = append(problems, "unexpected tensor(s) "+strings.Join(unexpected, ", "))
		}
		problems = append(problems, mismatched...)
		return fmt.Errorf("grad: Load: %s", strings.Join(problems, "; "))
	}

	// Every tensor matches: same dtype and shape, so len(Data) is
	// Rows·Cols·size (Read checked it against the shape).
	for i, p := range ps {
		v, data := p.Value, found[i].Data
		if v.Stride == v.Cols {
			safetensors.DecodeFloats(v.Data[:v.Rows*v.Cols], data)
			continue
		}
		n := v.Cols * size
		for r := range v.Rows {
			safetensors.DecodeFloats(v.Row(r), data[r*n:(r+1)*n])
		}
	}
	return nil
}

// checkParams checks ps for Save and Load (fn) and returns the shape of
// each in the file.
func checkParams[T vec.Float](fn string, ps []*Param[T]) ([][]int, error) {
	shapes := make([][]int, len(ps))
	seen := make(map[string]int, len(ps))
	for i, p := range ps {
		switch {
		case p == nil:
			return nil, fmt.Errorf("grad: %s: parameter %d is nil", fn, i)
		case p.Name == "":
			return nil, fmt.Errorf("grad: %s: parameter %d has an empty name", fn, i)
		case p.Value == nil:
			return nil, fmt.Errorf("grad: %s: parameter %q has a nil Value", fn, p.Name)
		}
		if j, dup := seen[p.Name]; dup {
			return nil, fmt.Errorf("grad: %s: parameters %d and %d are both called %q", fn, j, i, p.Name)
		}
		seen[p.Name] = i
		v := p.Value
		if v.Rows < 0 || v.Cols < 0 || v.Stride < v.Cols || (v.Rows > 0 && len(v.Data) < (v.Rows-1)*v.Stride+v.Cols) {
			return nil, fmt.Errorf("grad: %s: parameter %q: Value is not a valid matrix (%d×%d, Stride %d, %d elements)", fn, p.Name, v.Rows, v.Cols, v.Stride, len(v.Data))
		}
		if p.Shape == nil {
			shapes[i] = []int{v.Rows, v.Cols}
			continue
		}
		n, overflow := 1, false
		for _, d := range p.Shape {
			if d < 0 {
				return nil, fmt.Errorf("grad: %s: parameter %q: negative dimension in Shape %v", fn, p.Name, p.Shape)
			}
			if d != 0 && n > math.MaxInt/d {
				overflow = true
			}
			n *= d
		}
		if slices.Contains(p.Shape, 0) {
			n, overflow = 0, false
		}
		if overflow || n != v.Rows*v.Cols {
			return nil, fmt.Errorf("grad: %s: parameter %q: Shape %v does not have the %d×%d = %d elements of its Value", fn, p.Name, p.Shape, v.Rows, v.Cols, v.Rows*v.Cols)
		}
		shapes[i] = p.Shape
	}
	return shapes, nil
}

// loadSlack is the room Load's size limit leaves beyond the header that
// Save would write: metadata, whitespace and the like of other writers.
const loadSlack = 64 << 10

// loadLimit returns the largest file Load accepts for ps: the 8-byte
// length, a bound on the header Save writes for ps (a name may grow 6× when
// escaped, a dimension or offset takes at most 20 digits), the data, and
// loadSlack.
func loadLimit[T vec.Float](ps []*Param[T], shapes [][]int, size int) int64 {
	n := int64(8 + 2 + 7 + loadSlack) // length, braces, padding, slack
	for i, p := range ps {
		n += int64(6*len(p.Name)) + 64 + 21*int64(len(shapes[i])+2)
		n += int64(p.Value.Rows) * int64(p.Value.Cols) * int64(size)
	}
	return n
}

func sizeOf[T vec.Float]() int {
	var z T
	if any(z) == any(float32(0)) {
		return 4
	}
	return 8
}
