package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// Float is the element type of the conversion helpers: exactly float32 or
// float64 (the same type set as vec.Float).
type Float interface{ float32 | float64 }

// littleEndian reports whether the host stores numbers little-endian, in
// which case a float slice already has the file's byte layout and the
// helpers copy memory instead of converting element by element.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// DTypeOf returns the dtype of T: "F32" or "F64".
func DTypeOf[T Float]() string {
	if sizeOf[T]() == 4 {
		return "F32"
	}
	return "F64"
}

// NewTensor returns a tensor of dtype DTypeOf[T]() whose Data is the
// little-endian encoding of data (one allocation). It does not check that
// shape matches len(data); Write does.
func NewTensor[T Float](name string, shape []int, data []T) Tensor {
	return Tensor{Name: name, DType: DTypeOf[T](), Shape: shape, Data: AppendFloats(nil, data)}
}

// AppendFloats appends the little-endian bytes of src to dst and returns the
// extended slice. It allocates only when dst lacks the capacity (once, then).
func AppendFloats[T Float](dst []byte, src []T) []byte {
	n := len(src) * sizeOf[T]()
	dst = grow(dst, n)
	encode(dst[len(dst)-n:], src)
	return dst
}

// DecodeFloats sets dst[i] to the i-th little-endian element of src, bit
// for bit (NaN payloads included). It panics if len(src) is not
// len(dst)·size(T); nothing is written then.
func DecodeFloats[T Float](dst []T, src []byte) {
	if len(src) != len(dst)*sizeOf[T]() {
		panic(fmt.Sprintf("safetensors.DecodeFloats: len(src)=%d != %d·len(dst)=%d", len(src), sizeOf[T](), len(dst)*sizeOf[T]()))
	}
	if littleEndian {
		copy(asBytes(dst), src)
		return
	}
	decodeGeneric(dst, src)
}

// encode writes the little-endian bytes of src to dst, len(dst) = len(src)·size(T).
func encode[T Float](dst []byte, src []T) {
	if littleEndian {
		copy(dst, asBytes(src))
		return
	}
	encodeGeneric(dst, src)
}

// encodeGeneric is encode for any host byte order.
func encodeGeneric[T Float](dst []byte, src []T) {
	if sizeOf[T]() == 4 {
		for i, v := range src {
			binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(float32(v)))
		}
		return
	}
	for i, v := range src {
		binary.LittleEndian.PutUint64(dst[8*i:], math.Float64bits(float64(v)))
	}
}

// decodeGeneric is DecodeFloats for any host byte order.
func decodeGeneric[T Float](dst []T, src []byte) {
	if sizeOf[T]() == 4 {
		d := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst))
		for i := range d {
			d[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
		return
	}
	d := unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst))
	for i := range d {
		d[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
	}
}

func sizeOf[T Float]() int {
	var z T
	return int(unsafe.Sizeof(z))
}

// asBytes returns the memory of s as bytes (no copy).
func asBytes[T Float](s []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*sizeOf[T]())
}

// grow extends b by n bytes, reallocating (once) when its capacity is short.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}
