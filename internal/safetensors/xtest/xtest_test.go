package xtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/safetensors"
	nlp "github.com/nlpodyssey/safetensors"
)

// commonDTypes are the dtypes both implementations know (nlpodyssey has no
// F4, F6_*, F8_* or C64).
var commonDTypes = []struct {
	name string
	size int
}{
	{"BOOL", 1}, {"U8", 1}, {"I8", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2}, {"BF16", 2},
	{"I32", 4}, {"U32", 4}, {"F32", 4}, {"F64", 8}, {"I64", 8}, {"U64", 8},
}

// randomFile returns random tensors of the common dtypes and, every other
// time, metadata. Scalars (shape []) are left out when noScalars is set:
// nlpodyssey's NewTensorView counts 0 elements in a scalar, not 1, so its
// writer cannot write one (its reader reads them right).
func randomFile(rng *rand.Rand, iter int, noScalars bool) ([]safetensors.Tensor, map[string]string) {
	var ts []safetensors.Tensor
	for i := range rng.IntN(8) {
		d := commonDTypes[rng.IntN(len(commonDTypes))]
		rank := rng.IntN(4)
		if noScalars {
			rank = 1 + rng.IntN(3)
		}
		shape := make([]int, rank)
		n := 1
		for j := range shape {
			shape[j] = rng.IntN(6)
			n *= shape[j]
		}
		data := make([]byte, n*d.size)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		ts = append(ts, safetensors.Tensor{Name: fmt.Sprintf("%d.layer%c.weight", i, 'a'+rng.IntN(26)), DType: d.name, Shape: shape, Data: data})
	}
	if iter%2 == 1 {
		return ts, map[string]string{"format": "pt", "iter": fmt.Sprint(iter)}
	}
	return ts, nil
}

// TestLanesToNLP writes files with lanes and reads them with nlpodyssey.
func TestLanesToNLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := range 100 {
		ts, meta := randomFile(rng, iter, false)
		var b bytes.Buffer
		if err := safetensors.Write(&b, ts, meta); err != nil {
			t.Fatal(err)
		}
		st, err := nlp.Deserialize(b.Bytes())
		if err != nil {
			t.Fatalf("iter %d: nlpodyssey cannot read lanes' file: %v\n%q", iter, err, b.Bytes())
		}
		if st.Len() != len(ts) {
			t.Fatalf("iter %d: nlpodyssey reads %d tensors, lanes wrote %d", iter, st.Len(), len(ts))
		}
		for _, want := range ts {
			got, ok := st.Tensor(want.Name)
			if !ok {
				t.Fatalf("iter %d: nlpodyssey finds no tensor %q", iter, want.Name)
			}
			if got.DType().String() != want.DType || !sameShape(got.Shape(), want.Shape) || !bytes.Equal(got.Data(), want.Data) {
				t.Fatalf("iter %d: tensor %q: nlpodyssey reads %v %v (%d bytes), lanes wrote %s %v (%d bytes)",
					iter, want.Name, got.DType(), got.Shape(), len(got.Data()), want.DType, want.Shape, len(want.Data))
			}
		}
		_, md, err := nlp.ReadMetadata(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !sameMeta(md.Metadata(), meta) {
			t.Fatalf("iter %d: nlpodyssey reads metadata %v, lanes wrote %v", iter, md.Metadata(), meta)
		}
	}
}

// TestNLPToLanes writes files with nlpodyssey and reads them with lanes; the
// data sections of both writers must be the same bytes (same tensor order:
// descending dtype, then name), and both headers padded to 8.
func TestNLPToLanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := range 100 {
		ts, meta := randomFile(rng, iter, true)
		views := make(map[string]nlp.TensorView, len(ts))
		for _, x := range ts {
			dt, err := nlp.ParseDType(x.DType)
			if err != nil {
				t.Fatal(err)
			}
			shape := make([]uint64, len(x.Shape))
			for i, s := range x.Shape {
				shape[i] = uint64(s)
			}
			v, err := nlp.NewTensorView(dt, shape, x.Data)
			if err != nil {
				t.Fatal(err)
			}
			views[x.Name] = v
		}
		var b bytes.Buffer
		if err := nlp.SerializeToWriter(views, meta, &b); err != nil {
			t.Fatal(err)
		}
		got, gotMeta, err := safetensors.Read(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatalf("iter %d: lanes cannot read nlpodyssey's file: %v\n%q", iter, err, b.Bytes())
		}
		byName := make(map[string]safetensors.Tensor, len(got))
		for _, x := range got {
			byName[x.Name] = x
		}
		if len(got) != len(ts) {
			t.Fatalf("iter %d: lanes reads %d tensors, nlpodyssey wrote %d", iter, len(got), len(ts))
		}
		for _, want := range ts {
			g, ok := byName[want.Name]
			if !ok || g.DType != want.DType || !slices.Equal(g.Shape, want.Shape) || !bytes.Equal(g.Data, want.Data) {
				t.Fatalf("iter %d: tensor %q: lanes reads %+v, nlpodyssey wrote %+v", iter, want.Name, g, want)
			}
		}
		if !sameMeta(gotMeta, meta) && len(meta) > 0 { // nlpodyssey omits empty metadata
			t.Fatalf("iter %d: lanes reads metadata %v, nlpodyssey wrote %v", iter, gotMeta, meta)
		}

		var ours bytes.Buffer
		if err := safetensors.Write(&ours, ts, meta); err != nil {
			t.Fatal(err)
		}
		nOurs, nTheirs := binary.LittleEndian.Uint64(ours.Bytes()), binary.LittleEndian.Uint64(b.Bytes())
		if nOurs%8 != 0 || nTheirs%8 != 0 {
			t.Fatalf("iter %d: header lengths %d (lanes) and %d (nlpodyssey), want multiples of 8", iter, nOurs, nTheirs)
		}
		if !bytes.Equal(ours.Bytes()[8+nOurs:], b.Bytes()[8+nTheirs:]) {
			t.Fatalf("iter %d: the two writers lay the data out differently", iter)
		}
	}
}

// TestBothReject checks that both readers refuse the same broken files.
func TestBothReject(t *testing.T) {
	file := func(header, data string) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
		return append(append(b, header...), data...)
	}
	f32 := func(name, shape, offsets string) string {
		return fmt.Sprintf(`%q:{"dtype":"F32","shape":%s,"data_offsets":%s}`, name, shape, offsets)
	}
	z := func(n int) string { return strings.Repeat("\x00", n) }
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"too short", []byte("\x01\x00")},
		{"header too large", []byte("\x00\x00\x00\x00\x00\x00\x00\x80{}")},
		{"header past EOF", []byte("\x40\x00\x00\x00\x00\x00\x00\x00{}")},
		{"not JSON", file("nope", "")},
		{"overlap", file("{"+f32("a", "[2]", "[0,8]")+","+f32("b", "[1]", "[4,8]")+"}", z(8))},
		{"gap", file("{"+f32("a", "[1]", "[0,4]")+","+f32("b", "[1]", "[8,12]")+"}", z(12))},
		{"end before begin", file("{"+f32("a", "[1]", "[4,0]")+"}", z(4))},
		{"size mismatch", file("{"+f32("0.weight", "[10,20]", "[0,400]")+"}", z(400))},
		{"truncated data", file("{"+f32("a", "[2]", "[0,8]")+"}", z(5))},
		{"trailing data", file("{"+f32("a", "[2]", "[0,8]")+"}", z(9))},
		{"overflow", file(`{"a":{"dtype":"I32","shape":[2,9223372036854775807],"data_offsets":[0,16]}}`, z(16))},
		{"unknown dtype", file(`{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}`, z(16))},
		{"negative dim", file(`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}`, "")},
	} {
		_, _, errLanes := safetensors.Read(bytes.NewReader(tc.file), 0)
		_, errNLP := nlp.Deserialize(tc.file)
		if errLanes == nil || errNLP == nil {
			t.Errorf("%s: lanes: %v; nlpodyssey: %v; want both to fail", tc.name, errLanes, errNLP)
		}
	}
}

func sameShape(a []uint64, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != uint64(b[i]) {
			return false
		}
	}
	return true
}

func sameMeta(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
