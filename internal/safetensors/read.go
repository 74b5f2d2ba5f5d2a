package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Read reads one safetensors file from r, to its end, and returns its
// tensors in the order of their data (ascending data_offsets) and its
// metadata (nil when the header has no "__metadata__" or it is null).
//
// limit, when > 0, bounds the size of the whole file in bytes; Read checks
// the sizes the header claims against it before reading them. Whatever the
// limit, Read never allocates a size the input merely claims: it reads the
// header and each tensor in chunks that grow as bytes actually arrive, so a
// short input costs memory in proportion to its real length.
//
// The checks are the reference reader's (SafeTensors::read_metadata and
// Metadata::validate in safetensors/src/tensor.rs), each an error that names
// the problem and, where there is one, the tensor:
//   - fewer than 8 bytes (the reference's HeaderTooSmall);
//   - header length over 100,000,000 bytes (HeaderTooLarge) or past the end
//     of the input (InvalidHeaderLength);
//   - header not UTF-8 (InvalidHeader);
//   - header not one JSON object, optionally surrounded by JSON whitespace
//     (InvalidHeaderDeserialization), which includes: an entry that is not
//     an object, a missing or repeated "dtype", "shape" or "data_offsets",
//     an unknown dtype, a dimension or offset that is not an integer in
//     [0, 2⁶⁴), "data_offsets" not of length 2, "__metadata__" not an
//     object of strings;
//   - tensors, sorted by data_offsets, that do not tile the data section
//     from 0 without gap or overlap, or whose end is before their beginning
//     (InvalidOffset);
//   - a shape whose size overflows 64 bits (ValidationOverflow) or is not a
//     whole number of bytes (MisalignedSlice, for F4 and F6_*);
//   - end−begin different from prod(shape)·size(dtype) (TensorInvalidInfo);
//   - input shorter or longer than 8 + N + the end of the last tensor
//     (MetadataIncompleteBuffer).
//
// Read differs from the reference in three ways. It is stricter twice: a
// tensor name used twice in the header, or a key used twice in
// "__metadata__", is an error (the reference's serde maps keep the last one
// without a word), and so is a dimension
// larger than the largest int even when another dimension is 0 (Shape is
// []int). It is more lenient once: a lone UTF-16 surrogate escape in a JSON
// string decodes as U+FFFD (as encoding/json decodes it) where serde_json
// rejects it. Like the reference, it ignores unknown fields in a tensor's
// entry.
func Read(r io.Reader, limit int64) ([]Tensor, map[string]string, error) {
	var prefix [8]byte
	if got, err := io.ReadFull(r, prefix[:]); err != nil {
		if isEOF(err) {
			return nil, nil, fmt.Errorf("safetensors: file is %d bytes, too short for the 8-byte header length", got)
		}
		return nil, nil, fmt.Errorf("safetensors: reading the header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > uint64(headerLimit) {
		return nil, nil, fmt.Errorf("safetensors: header length %d exceeds the format's limit of %d bytes", n, headerLimit)
	}
	if limit > 0 && 8+n > uint64(limit) {
		return nil, nil, fmt.Errorf("safetensors: header length %d makes the file larger than the limit of %d bytes", n, limit)
	}
	header, err := readN(r, int(n))
	if err != nil {
		if isEOF(err) {
			return nil, nil, fmt.Errorf("safetensors: header length %d runs past the end of the file (%d bytes follow the length)", n, len(header))
		}
		return nil, nil, fmt.Errorf("safetensors: reading the header: %w", err)
	}
	entries, meta, err := parseHeader(header)
	if err != nil {
		return nil, nil, err
	}
	dataLen, err := validate(entries)
	if err != nil {
		return nil, nil, err
	}
	total, carry := bits.Add64(8+n, dataLen, 0)
	if limit > 0 && (carry != 0 || total > uint64(limit)) {
		return nil, nil, fmt.Errorf("safetensors: header describes %d bytes of tensor data, which makes the file larger than the limit of %d bytes", dataLen, limit)
	}
	if dataLen > math.MaxInt {
		return nil, nil, fmt.Errorf("safetensors: header describes %d bytes of tensor data, more than this platform can address", dataLen)
	}

	ts := make([]Tensor, len(entries))
	for i := range entries {
		e := &entries[i]
		data, err := readN(r, int(e.end-e.begin))
		if err != nil {
			if isEOF(err) {
				return nil, nil, fmt.Errorf("safetensors: tensor %q: file ends %d bytes into the data section, which the header says is %d bytes (the tensor's data_offsets are [%d %d])",
					e.name, e.begin+uint64(len(data)), dataLen, e.begin, e.end)
			}
			return nil, nil, fmt.Errorf("safetensors: tensor %q: reading its data: %w", e.name, err)
		}
		ts[i] = Tensor{Name: e.name, DType: e.dt.name, Shape: e.shape, Data: data}
	}
	var one [1]byte
	switch got, err := io.ReadFull(r, one[:]); {
	case got > 0:
		return nil, nil, fmt.Errorf("safetensors: trailing data after the %d bytes of tensor data the header describes", dataLen)
	case err != nil && err != io.EOF:
		return nil, nil, fmt.Errorf("safetensors: reading past the tensor data: %w", err)
	}
	return ts, meta, nil
}

func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }

// readChunk is the first allocation of readN; later ones double.
const readChunk = 1 << 20

// readN reads exactly n bytes from r. It allocates as the bytes arrive
// (min(n, readChunk), then doubling up to n), so a claimed n that the input
// does not have costs at most twice the bytes that are there (plus
// readChunk). On a short input it returns what it read and
// io.ErrUnexpectedEOF.
func readN(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, min(n, readChunk))
	got := 0
	for {
		m, err := io.ReadFull(r, buf[got:])
		got += m
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return buf[:got], err
		}
		if got == n {
			return buf, nil
		}
		grown := min(2*len(buf), n)
		buf = slices.Grow(buf, grown-len(buf))[:grown]
	}
}

// entry is one tensor of the header.
type entry struct {
	name       string
	dt         *dtypeInfo
	shape      []int
	begin, end uint64
}

// validate sorts es by data offsets and checks them as the reference's
// Metadata::validate does; it returns the length of the data section.
func validate(es []entry) (uint64, error) {
	slices.SortStableFunc(es, func(a, b entry) int {
		if a.begin != b.begin {
			if a.begin < b.begin {
				return -1
			}
			return 1
		}
		switch {
		case a.end < b.end:
			return -1
		case a.end > b.end:
			return 1
		}
		return 0
	})
	var start uint64
	for i := range es {
		e := &es[i]
		switch {
		case e.end < e.begin:
			return 0, fmt.Errorf("safetensors: tensor %q: data_offsets [%d %d] end before they begin", e.name, e.begin, e.end)
		case e.begin > start:
			return 0, fmt.Errorf("safetensors: tensor %q: data_offsets [%d %d] leave a gap: bytes [%d %d) of the data section belong to no tensor", e.name, e.begin, e.end, start, e.begin)
		case e.begin < start:
			p := &es[i-1] // start > 0, so there is a previous tensor
			return 0, fmt.Errorf("safetensors: tensor %q: data_offsets [%d %d] overlap tensor %q, which ends at %d", e.name, e.begin, e.end, p.name, p.end)
		}
		start = e.end
		size, overflow, partial := e.dt.byteSize(e.shape)
		switch {
		case overflow:
			return 0, fmt.Errorf("safetensors: tensor %q: shape %v of %s overflows a 64-bit size", e.name, e.shape, e.dt.name)
		case partial:
			return 0, fmt.Errorf("safetensors: tensor %q: shape %v of %s is not a whole number of bytes", e.name, e.shape, e.dt.name)
		case e.end-e.begin != size:
			return 0, fmt.Errorf("safetensors: tensor %q: data_offsets [%d %d] but shape %v %s needs %d bytes", e.name, e.begin, e.end, e.shape, e.dt.name, size)
		}
	}
	return start, nil
}

// parseHeader decodes the JSON header. It checks the syntax and the types
// of every field; validate checks the offsets and sizes.
func parseHeader(h []byte) ([]entry, map[string]string, error) {
	if !utf8.Valid(h) {
		i := 0
		for i < len(h) {
			r, size := utf8.DecodeRune(h[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nil, nil, fmt.Errorf("safetensors: header is not valid UTF-8 (byte %d of the header)", i)
	}
	p := headerParser{dec: json.NewDecoder(bytes.NewReader(h))}
	p.dec.UseNumber()
	tok, err := p.token()
	if err != nil {
		return nil, nil, err
	}
	if tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("safetensors: header is %s, want a JSON object", describe(tok))
	}
	var (
		entries []entry
		meta    map[string]string
		seen    = make(map[string]struct{})
	)
	for p.dec.More() {
		name, err := p.key()
		if err != nil {
			return nil, nil, err
		}
		if _, dup := seen[name]; dup {
			return nil, nil, fmt.Errorf("safetensors: header names %q twice", name)
		}
		seen[name] = struct{}{}
		if name == metadataKey {
			if meta, err = p.metadata(); err != nil {
				return nil, nil, err
			}
			continue
		}
		e, err := p.entry(name)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := p.token(); err != nil { // the closing '}'
		return nil, nil, err
	}
	for i, c := range h[p.dec.InputOffset():] {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return nil, nil, fmt.Errorf("safetensors: header has %q after its JSON object (byte %d of the header)", c, int(p.dec.InputOffset())+i)
		}
	}
	return entries, meta, nil
}

type headerParser struct{ dec *json.Decoder }

// token returns the next JSON token; a syntax error or the end of the
// header is an error.
func (p headerParser) token() (json.Token, error) {
	tok, err := p.dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("safetensors: header is not valid JSON: %v", err)
	}
	return tok, nil
}

// key returns the next object key.
func (p headerParser) key() (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok { // encoding/json reports this as a syntax error already
		return "", fmt.Errorf("safetensors: header is not valid JSON: %s where an object key belongs", describe(tok))
	}
	return s, nil
}

// metadata decodes the value of "__metadata__": null or an object of strings.
func (p headerParser) metadata() (map[string]string, error) {
	tok, err := p.token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("safetensors: %q is %s, want an object of strings", metadataKey, describe(tok))
	}
	m := make(map[string]string)
	for p.dec.More() {
		k, err := p.key()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("safetensors: %q has the key %q twice", metadataKey, k)
		}
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		v, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("safetensors: %q: the value of %q is %s, want a string", metadataKey, k, describe(tok))
		}
		m[k] = v
	}
	_, err = p.token()
	return m, err
}

// entry decodes the value of the tensor called name.
func (p headerParser) entry(name string) (entry, error) {
	e := entry{name: name}
	fail := func(format string, args ...any) (entry, error) {
		return entry{}, fmt.Errorf("safetensors: tensor %q: "+format, append([]any{name}, args...)...)
	}
	tok, err := p.token()
	if err != nil {
		return entry{}, err
	}
	if tok != json.Delim('{') {
		return fail("entry is %s, want an object with dtype, shape and data_offsets", describe(tok))
	}
	var haveShape, haveOffsets bool
	for p.dec.More() {
		k, err := p.key()
		if err != nil {
			return entry{}, err
		}
		switch k {
		case "dtype":
			if e.dt != nil {
				return fail("dtype given twice")
			}
			tok, err := p.token()
			if err != nil {
				return entry{}, err
			}
			s, ok := tok.(string)
			if !ok {
				return fail("dtype is %s, want a string", describe(tok))
			}
			if e.dt = lookupDType(s); e.dt == nil {
				return fail("unknown dtype %q", s)
			}
		case "shape":
			if haveShape {
				return fail("shape given twice")
			}
			haveShape = true
			if err := p.open("shape", name); err != nil {
				return entry{}, err
			}
			e.shape = []int{}
			for p.dec.More() {
				d, err := p.uint("shape", name, len(e.shape))
				if err != nil {
					return entry{}, err
				}
				if d > math.MaxInt {
					return fail("shape[%d] = %d is too large", len(e.shape), d)
				}
				e.shape = append(e.shape, int(d))
			}
			if _, err := p.token(); err != nil {
				return entry{}, err
			}
		case "data_offsets":
			if haveOffsets {
				return fail("data_offsets given twice")
			}
			haveOffsets = true
			if err := p.open("data_offsets", name); err != nil {
				return entry{}, err
			}
			n := 0
			for ; p.dec.More(); n++ {
				if n == 2 {
					return fail("data_offsets has more than 2 entries")
				}
				v, err := p.uint("data_offsets", name, n)
				if err != nil {
					return entry{}, err
				}
				if n == 0 {
					e.begin = v
				} else {
					e.end = v
				}
			}
			if n != 2 {
				return fail("data_offsets has %d entries, want 2", n)
			}
			if _, err := p.token(); err != nil {
				return entry{}, err
			}
		default: // ignored, as serde ignores unknown fields
			var skip json.RawMessage
			if err := p.dec.Decode(&skip); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return entry{}, fmt.Errorf("safetensors: header is not valid JSON: %v", err)
			}
		}
	}
	if _, err := p.token(); err != nil {
		return entry{}, err
	}
	switch {
	case e.dt == nil:
		return fail("no dtype")
	case !haveShape:
		return fail("no shape")
	case !haveOffsets:
		return fail("no data_offsets")
	}
	return e, nil
}

// open consumes the '[' that starts the array field of tensor name.
func (p headerParser) open(field, name string) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("safetensors: tensor %q: %s is %s, want an array of integers", name, field, describe(tok))
	}
	return nil
}

// uint decodes element i of the array field of tensor name: an integer in
// [0, 2⁶⁴), written without fraction or exponent (as serde reads a usize).
func (p headerParser) uint(field, name string, i int) (uint64, error) {
	tok, err := p.token()
	if err != nil {
		return 0, err
	}
	num, ok := tok.(json.Number)
	if !ok {
		return 0, fmt.Errorf("safetensors: tensor %q: %s[%d] is %s, want a non-negative integer", name, field, i, describe(tok))
	}
	v, err := strconv.ParseUint(string(num), 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("safetensors: tensor %q: %s[%d] = %s does not fit in 64 bits", name, field, i, num)
		}
		return 0, fmt.Errorf("safetensors: tensor %q: %s[%d] = %s, want a non-negative integer", name, field, i, num)
	}
	return v, nil
}

// describe names a JSON token for an error message.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return fmt.Sprintf("the string %q", t)
	case json.Number:
		return "the number " + string(t)
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}
