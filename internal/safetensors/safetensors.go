// Package safetensors reads and writes the Hugging Face safetensors format,
// for grad's Save and Load.
//
// A file is an 8-byte little-endian unsigned header length N, N bytes of
// UTF-8 JSON, then the tensors' data. The JSON is an object that maps each
// tensor's name to {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}
// (offsets into the data section, which starts right after the header; e is
// exclusive), plus an optional "__metadata__" object of strings. Data is
// little-endian, row-major and contiguous; the tensors lie back to back with
// no gap and no overlap, and nothing follows the last one.
//
// The rules follow the reference implementation (github.com/huggingface/
// safetensors, safetensors/src/tensor.rs): the same dtypes and sizes, the
// same 100 MB limit on the header, the same checks on offsets and sizes, and
// a writer that produces the reference writer's bytes (same tensor order,
// same JSON, same padding). Where this package differs from it, the doc of
// Read or Write says so.
package safetensors

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxHeaderSize is the largest header (JSON) the reference accepts, in bytes.
const MaxHeaderSize = 100_000_000

// headerLimit is MaxHeaderSize; tests lower it to reach the checks on it
// without building 100 MB headers.
var headerLimit = MaxHeaderSize

// metadataKey is the header key that holds the free-form string metadata.
const metadataKey = "__metadata__"

// Tensor is one named tensor of a file.
type Tensor struct {
	Name  string
	DType string // "F32", "F64", "F16", "BF16", "I64", "I32", ... as the reference spells them
	Shape []int  // row-major; empty for a scalar
	Data  []byte // little-endian, len = prod(Shape)·size(DType)
}

// Write writes ts and meta to w as one safetensors file.
//
// It checks every tensor first and writes nothing when one is wrong: names
// must be valid UTF-8, unique and other than "__metadata__"; the dtype must
// be one of the reference's; dimensions must be ≥ 0; len(Data) must be
// prod(Shape)·size(DType) (and a whole number of bytes, for F4 and F6_*).
// Metadata keys and values must be valid UTF-8. A header longer than
// MaxHeaderSize is refused, as the reference writer refuses it. (The
// reference writer accepts a tensor called "__metadata__" and so writes a
// file that no reader can read, safetensors issue #849; Write refuses it.)
//
// The output is the reference writer's: tensors ordered by descending dtype
// (the order of the reference's Dtype enum: U64, I64, F64, C64, F32, U32,
// I32, BF16, F16, ...) then by name (bytewise), "__metadata__" first when
// meta is non-nil (also when it is empty, as the reference writes
// Some(empty)), compact JSON escaped as serde_json escapes it, and the header
// padded with spaces to a multiple of 8 bytes so that the data section
// starts 8-byte aligned. The reference writes metadata keys in hash order;
// Write sorts them, so its output is deterministic.
//
// Write issues one Write call for the length and header, then one per
// non-empty tensor, straight from Data (no copy); an error from w is
// returned as is.
func Write(w io.Writer, ts []Tensor, meta map[string]string) error {
	header, order, err := encodeHeader(ts, meta)
	if err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, i := range order {
		if len(ts[i].Data) == 0 {
			continue
		}
		if _, err := w.Write(ts[i].Data); err != nil {
			return err
		}
	}
	return nil
}

// encodeHeader checks ts and meta and returns the first 8+N bytes of the
// file (length and padded JSON) and the order in which the tensors' data
// follow.
func encodeHeader(ts []Tensor, meta map[string]string) ([]byte, []int, error) {
	seen := make(map[string]struct{}, len(ts))
	ranks := make([]int, len(ts))
	raw := 0 // bytes of names, keys and values
	for i := range ts {
		t := &ts[i]
		if !utf8.ValidString(t.Name) {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: name is not valid UTF-8", t.Name)
		}
		if t.Name == metadataKey {
			return nil, nil, fmt.Errorf("safetensors: a tensor may not be called %q", metadataKey)
		}
		if _, dup := seen[t.Name]; dup {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: name used twice", t.Name)
		}
		seen[t.Name] = struct{}{}
		d := lookupDType(t.DType)
		if d == nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: unknown dtype %q", t.Name, t.DType)
		}
		for _, s := range t.Shape {
			if s < 0 {
				return nil, nil, fmt.Errorf("safetensors: tensor %q: negative dimension in shape %v", t.Name, t.Shape)
			}
		}
		size, overflow, partial := d.byteSize(t.Shape)
		switch {
		case overflow:
			return nil, nil, fmt.Errorf("safetensors: tensor %q: shape %v of %s overflows a 64-bit size", t.Name, t.Shape, t.DType)
		case partial:
			return nil, nil, fmt.Errorf("safetensors: tensor %q: shape %v of %s is not a whole number of bytes", t.Name, t.Shape, t.DType)
		case uint64(len(t.Data)) != size:
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %d bytes of data but shape %v %s needs %d", t.Name, len(t.Data), t.Shape, t.DType, size)
		}
		ranks[i] = d.rank
		raw += len(t.Name)
	}
	keys := make([]string, 0, len(meta))
	for k, v := range meta {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, nil, fmt.Errorf("safetensors: metadata %q: key or value is not valid UTF-8", k)
		}
		keys = append(keys, k)
		raw += len(k) + len(v)
	}
	// The strings alone bound the header from below: refuse a header that
	// cannot fit before building it.
	if raw > headerLimit {
		return nil, nil, fmt.Errorf("safetensors: header of more than %d bytes exceeds the format's limit of %d", raw, headerLimit)
	}
	sort.Strings(keys)

	order := make([]int, len(ts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if ranks[a] != ranks[b] {
			return ranks[b] - ranks[a]
		}
		return strings.Compare(ts[a].Name, ts[b].Name)
	})

	buf := make([]byte, 8, 8+64*(len(ts)+1))
	buf = append(buf, '{')
	if meta != nil {
		buf = appendJSONString(buf, metadataKey)
		buf = append(buf, ':', '{')
		for j, k := range keys {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, k)
			buf = append(buf, ':')
			buf = appendJSONString(buf, meta[k])
		}
		buf = append(buf, '}')
	}
	var off uint64
	for j, i := range order {
		t := &ts[i]
		if j > 0 || meta != nil {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, t.Name)
		buf = append(buf, `:{"dtype":`...)
		buf = appendJSONString(buf, t.DType)
		buf = append(buf, `,"shape":[`...)
		for k, s := range t.Shape {
			if k > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendInt(buf, int64(s), 10)
		}
		buf = append(buf, `],"data_offsets":[`...)
		buf = strconv.AppendUint(buf, off, 10)
		buf = append(buf, ',')
		off += uint64(len(t.Data))
		buf = strconv.AppendUint(buf, off, 10)
		buf = append(buf, ']', '}')
	}
	buf = append(buf, '}')
	for len(buf)%8 != 0 {
		buf = append(buf, ' ')
	}
	n := len(buf) - 8
	if n > headerLimit {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes exceeds the format's limit of %d", n, headerLimit)
	}
	binary.LittleEndian.PutUint64(buf, uint64(n))
	return buf, order, nil
}

// appendJSONString appends s as a JSON string, escaped exactly as serde_json
// (the reference writer's JSON library) escapes it: `"` and `\`, the short
// escapes \b \f \n \r \t, \u00xx (lowercase hex) for the other control
// characters, everything else (including DEL, <, >, &, U+2028) verbatim.
// s must be valid UTF-8.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	run := 0 // s[run:i] needs no escaping
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		buf = append(buf, s[run:i]...)
		run = i + 1
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
	}
	buf = append(buf, s[run:]...)
	return append(buf, '"')
}
