package mat

import (
	"fmt"
	"unsafe"

	"github.com/lanes-go/lanes/vec"
)

// RawElem is the element type set of Raw: the storage types of the
// reduced-precision products (bfloat16 operands, 8-bit integer operands,
// 32-bit integer results).
type RawElem interface {
	vec.BF16 | int8 | uint8 | int32
}

// Raw is a row-major matrix of a storage type without float arithmetic:
// the operands and results of GemmBF16 and GemmInt8. Element (i, j) is
// Data[i*Stride+j], for 0 ≤ i < Rows, 0 ≤ j < Cols, with Stride ≥ Cols, as
// in Dense. The zero value is a 0×0 matrix.
type Raw[E RawElem] struct {
	Rows, Cols, Stride int
	Data               []E
}

// NewRaw returns a zeroed rows×cols matrix with Stride = cols. It panics if
// a dimension is negative.
func NewRaw[E RawElem](rows, cols int) *Raw[E] {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("mat.NewRaw: negative dimension %d×%d", rows, cols))
	}
	return &Raw[E]{Rows: rows, Cols: cols, Stride: cols, Data: make([]E, rows*cols)}
}

// NewRawFrom returns a rows×cols matrix backed by data (not copied), with
// Stride = cols. It panics unless len(data) == rows*cols.
func NewRawFrom[E RawElem](rows, cols int, data []E) *Raw[E] {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("mat.NewRawFrom: len(data)=%d != %d×%d", len(data), rows, cols))
	}
	return &Raw[E]{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

// At returns element (i, j). It panics if (i, j) is out of range.
func (m *Raw[E]) At(i, j int) E {
	m.index("At", i, j)
	return m.Data[i*m.Stride+j]
}

// Set sets element (i, j) to v. It panics if (i, j) is out of range.
func (m *Raw[E]) Set(i, j int, v E) {
	m.index("Set", i, j)
	m.Data[i*m.Stride+j] = v
}

func (m *Raw[E]) index(fn string, i, j int) {
	if uint(i) >= uint(m.Rows) || uint(j) >= uint(m.Cols) {
		panic(fmt.Sprintf("mat.Raw.%s: (%d, %d) out of range for %d×%d", fn, i, j, m.Rows, m.Cols))
	}
}

// Slice returns the view of rows i0..i1-1 and columns j0..j1-1, sharing
// storage with m (same Stride). It panics unless 0 ≤ i0 ≤ i1 ≤ Rows and
// 0 ≤ j0 ≤ j1 ≤ Cols.
func (m *Raw[E]) Slice(i0, i1, j0, j1 int) *Raw[E] {
	if i0 < 0 || i1 < i0 || i1 > m.Rows || j0 < 0 || j1 < j0 || j1 > m.Cols {
		panic(fmt.Sprintf("mat.Raw.Slice: [%d:%d, %d:%d] out of range for %d×%d", i0, i1, j0, j1, m.Rows, m.Cols))
	}
	v := &Raw[E]{Rows: i1 - i0, Cols: j1 - j0, Stride: m.Stride}
	if v.Rows > 0 && v.Cols > 0 {
		o := i0*m.Stride + j0
		v.Data = m.Data[o : o+(v.Rows-1)*m.Stride+v.Cols]
	}
	return v
}

// valid panics unless m is a well-formed matrix: non-nil, dimensions ≥ 0,
// Stride ≥ Cols and Data long enough.
func (m *Raw[E]) valid(fn, name string) {
	if m == nil {
		panic(fmt.Sprintf("mat.%s: %s is nil", fn, name))
	}
	if m.Rows < 0 || m.Cols < 0 || m.Stride < m.Cols || (m.Rows > 0 && m.Cols > 0 && len(m.Data) < (m.Rows-1)*m.Stride+m.Cols) {
		panic(fmt.Sprintf("mat.%s: %s is malformed: %d×%d, Stride %d, len(Data) %d", fn, name, m.Rows, m.Cols, m.Stride, len(m.Data)))
	}
}

// span returns the elements m addresses, from (0,0) to (Rows-1, Cols-1).
func (m *Raw[E]) span() []E {
	if m.Rows == 0 || m.Cols == 0 {
		return nil
	}
	return m.Data[:(m.Rows-1)*m.Stride+m.Cols]
}

// overlaps reports whether the memory of x and y intersects (the element
// types may differ).
func overlaps[X, Y any](x []X, y []Y) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	x1 := x0 + uintptr(len(x))*unsafe.Sizeof(x[0])
	y1 := y0 + uintptr(len(y))*unsafe.Sizeof(y[0])
	return x0 < y1 && y0 < x1
}
