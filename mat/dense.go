package mat

import (
	"fmt"
	"strings"

	"github.com/lanes-go/lanes/vec"
)

// Dense is a row-major matrix: element (i, j) is Data[i*Stride+j], for
// 0 ≤ i < Rows, 0 ≤ j < Cols, with Stride ≥ Cols. Views made by Slice share
// Data with their parent. The zero value is a 0×0 matrix.
type Dense[T vec.Float] struct {
	Rows, Cols, Stride int
	Data               []T
}

// New returns a zeroed rows×cols matrix with Stride = cols. It panics if a
// dimension is negative.
func New[T vec.Float](rows, cols int) *Dense[T] {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("mat.New: negative dimension %d×%d", rows, cols))
	}
	return &Dense[T]{Rows: rows, Cols: cols, Stride: cols, Data: make([]T, rows*cols)}
}

// NewFrom returns a rows×cols matrix backed by data (not copied), with
// Stride = cols. It panics unless len(data) == rows*cols.
func NewFrom[T vec.Float](rows, cols int, data []T) *Dense[T] {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("mat.NewFrom: len(data)=%d != %d×%d", len(data), rows, cols))
	}
	return &Dense[T]{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

// At returns element (i, j). It panics if (i, j) is out of range.
func (m *Dense[T]) At(i, j int) T {
	m.index("At", i, j)
	return m.Data[i*m.Stride+j]
}

// Set sets element (i, j) to v. It panics if (i, j) is out of range.
func (m *Dense[T]) Set(i, j int, v T) {
	m.index("Set", i, j)
	m.Data[i*m.Stride+j] = v
}

func (m *Dense[T]) index(fn string, i, j int) {
	if uint(i) >= uint(m.Rows) || uint(j) >= uint(m.Cols) {
		panic(fmt.Sprintf("mat.Dense.%s: (%d, %d) out of range for %d×%d", fn, i, j, m.Rows, m.Cols))
	}
}

// Row returns row i as a slice of length Cols sharing storage with m (its
// capacity ends with the row). It panics if i is out of range.
func (m *Dense[T]) Row(i int) []T {
	if uint(i) >= uint(m.Rows) {
		panic(fmt.Sprintf("mat.Dense.Row: row %d out of range for %d×%d", i, m.Rows, m.Cols))
	}
	if m.Cols == 0 {
		return nil
	}
	o := i * m.Stride
	return m.Data[o : o+m.Cols : o+m.Cols]
}

// Slice returns the view of rows i0..i1-1 and columns j0..j1-1, sharing
// storage with m (same Stride). It panics unless 0 ≤ i0 ≤ i1 ≤ Rows and
// 0 ≤ j0 ≤ j1 ≤ Cols.
func (m *Dense[T]) Slice(i0, i1, j0, j1 int) *Dense[T] {
	if i0 < 0 || i1 < i0 || i1 > m.Rows || j0 < 0 || j1 < j0 || j1 > m.Cols {
		panic(fmt.Sprintf("mat.Dense.Slice: [%d:%d, %d:%d] out of range for %d×%d", i0, i1, j0, j1, m.Rows, m.Cols))
	}
	v := &Dense[T]{Rows: i1 - i0, Cols: j1 - j0, Stride: m.Stride}
	if v.Rows > 0 && v.Cols > 0 {
		o := i0*m.Stride + j0
		v.Data = m.Data[o : o+(v.Rows-1)*m.Stride+v.Cols]
	}
	return v
}

// Transpose returns a new Cols×Rows matrix holding mᵀ (a copy).
func (m *Dense[T]) Transpose() *Dense[T] {
	t := New[T](m.Cols, m.Rows)
	for i := 0; i < m.Rows; i++ {
		r := m.Data[i*m.Stride : i*m.Stride+m.Cols]
		for j, v := range r {
			t.Data[j*t.Stride+i] = v
		}
	}
	return t
}

// String formats m one row per line, e.g. "⎡1 2⎤\n⎣3 4⎦" (with %v per
// element); an empty matrix prints as "[]" with its shape.
func (m *Dense[T]) String() string {
	if m.Rows == 0 || m.Cols == 0 {
		return fmt.Sprintf("[](%d×%d)", m.Rows, m.Cols)
	}
	cells := make([]string, m.Rows*m.Cols)
	width := make([]int, m.Cols)
	for i := 0; i < m.Rows; i++ {
		for j := 0; j < m.Cols; j++ {
			s := fmt.Sprint(m.Data[i*m.Stride+j])
			cells[i*m.Cols+j] = s
			width[j] = max(width[j], len(s))
		}
	}
	var b strings.Builder
	for i := 0; i < m.Rows; i++ {
		l, r := "⎢", "⎥"
		switch {
		case m.Rows == 1:
			l, r = "[", "]"
		case i == 0:
			l, r = "⎡", "⎤"
		case i == m.Rows-1:
			l, r = "⎣", "⎦"
		}
		b.WriteString(l)
		for j := 0; j < m.Cols; j++ {
			if j > 0 {
				b.WriteByte(' ')
			}
			s := cells[i*m.Cols+j]
			b.WriteString(strings.Repeat(" ", width[j]-len(s)))
			b.WriteString(s)
		}
		b.WriteString(r)
		if i < m.Rows-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// valid panics unless m is a well-formed matrix: non-nil, dimensions ≥ 0,
// Stride ≥ Cols and Data long enough.
func (m *Dense[T]) valid(fn, name string) {
	if m == nil {
		panic(fmt.Sprintf("mat.%s: %s is nil", fn, name))
	}
	if m.Rows < 0 || m.Cols < 0 || m.Stride < m.Cols || (m.Rows > 0 && m.Cols > 0 && len(m.Data) < (m.Rows-1)*m.Stride+m.Cols) {
		panic(fmt.Sprintf("mat.%s: %s is malformed: %d×%d, Stride %d, len(Data) %d", fn, name, m.Rows, m.Cols, m.Stride, len(m.Data)))
	}
}

// empty reports whether m has no elements.
func (m *Dense[T]) empty() bool { return m.Rows == 0 || m.Cols == 0 }

// span returns the elements m addresses, from (0,0) to (Rows-1, Cols-1).
func (m *Dense[T]) span() []T {
	if m.empty() {
		return nil
	}
	return m.Data[:(m.Rows-1)*m.Stride+m.Cols]
}
