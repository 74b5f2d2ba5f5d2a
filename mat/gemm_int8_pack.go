package mat

import (
	"encoding/binary"
	"unsafe"

	"github.com/lanes-go/lanes/internal/asm"
)

// The packing of GemmInt8's panels (see gen/spec/int8.go): a panel is w
// wide (MR rows of op(a) or NR columns of op(b)) and holds, per quad q of
// k, w dwords of four consecutive k elements:
//
//	dst[q·4·w + 4·x + r] = element (x, p0+4q+r) of the panel, x < cnt, 4q+r < kc
//
// and zero for x ≥ cnt or 4q+r ≥ kc (the padding of a partial panel and of
// the last partial quad, which add nothing to the sums). Both operands
// are bytes here (s8 B is moved as bytes).

// panelPackers are the packing kernels of one table that fit its int8
// tile, nil where none does. A quad of bytes moves as one 32-bit element,
// so the float32 kernels that pack MR rows of A and NR rows of a
// transposed B (transposes of 32-bit elements, bit-exact moves) pack the
// int8 panels of rows when the float32 tile has the same MR or NR; with
// strides that are a multiple of 4 bytes only (the kernels take strides in
// elements).
type panelPackers struct {
	rowsA, rowsB func(k int, a []float32, lda int, dst []float32) // MR rows, NR rows
	cols         func(k int, b []int8, ldb int, dst []int8, n int)
	colsOK       bool // cols packs NR columns (NR a multiple of 16)
}

func packersFor(t *asm.Table, mr, nr int) (p panelPackers) {
	fm, fn := t.GemmTileF32()
	if fm == mr {
		p.rowsA = t.GemmPackAF32
	}
	if fn == nr {
		p.rowsB = t.GemmPackBTF32
	}
	p.cols, p.colsOK = t.GemmPackBI8, nr%16 == 0
	return p
}

// packRowsWith is packRows with the kernel rows (nil: none) for the whole
// quads of a whole panel.
func packRowsWith(rows func(int, []float32, int, []float32), dst, src []byte, ld, x0, cnt, p0, kc, w int) {
	full := kc / 4
	if rows == nil || cnt != w || ld%4 != 0 || full == 0 {
		packRows(dst, src, ld, x0, cnt, p0, kc, w)
		return
	}
	rows(full, f32s(src[x0*ld+p0:]), ld/4, f32s(dst[:full*4*w]))
	if full*4 < kc {
		packRowsTail(dst, src, ld, x0, cnt, p0, kc, w)
	}
}

// packColsWith is packCols with the kernel cols (if ok) for the whole
// quads of a whole panel.
func packColsWith(cols func(int, []int8, int, []int8, int), ok bool, dst, src []byte, ld, x0, cnt, p0, kc, w int) {
	full := kc / 4
	if !ok || cnt != w || full == 0 {
		packCols(dst, src, ld, x0, cnt, p0, kc, w)
		return
	}
	cols(full, s8s(src[p0*ld+x0:]), ld, s8s(dst[:full*4*w]), w)
	if full*4 < kc {
		packColsQuad(dst[full*4*w:(full+1)*4*w], src, ld, x0, cnt, p0+4*full, kc-4*full)
	}
}

func f32s(b []byte) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}

func s8s(b []byte) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

// packRows packs a panel whose element (x, p) is src[(x0+x)·ld + p]: op(a)
// = a, or op(b) = bᵀ. Each row's quads are consecutive bytes of src, so a
// full quad moves as one 32-bit word.
func packRows(dst, src []byte, ld, x0, cnt, p0, kc, w int) {
	kq := (kc + 3) / 4
	full := kc / 4
	dst = dst[:kq*4*w]
	for x := 0; x < cnt; x++ {
		row := src[(x0+x)*ld+p0:]
		row = row[:kc]
		for q := 0; q < full; q++ {
			binary.LittleEndian.PutUint32(dst[q*4*w+4*x:], binary.LittleEndian.Uint32(row[4*q:]))
		}
	}
	if full < kq {
		packRowsTail(dst, src, ld, x0, cnt, p0, kc, w)
	}
	if cnt < w {
		for q := 0; q < kq; q++ {
			clear(dst[q*4*w+4*cnt : (q+1)*4*w])
		}
	}
}

// packRowsTail packs the last, partial quad of packRows' panel (kc not a
// multiple of 4), for the cnt rows.
func packRowsTail(dst, src []byte, ld, x0, cnt, p0, kc, w int) {
	full := kc / 4
	for x := 0; x < cnt; x++ {
		row := src[(x0+x)*ld+p0:]
		row = row[:kc]
		d := dst[full*4*w+4*x : full*4*w+4*x+4]
		for r := range d {
			d[r] = 0
			if 4*full+r < kc {
				d[r] = row[4*full+r]
			}
		}
	}
}

// packCols packs a panel whose element (x, p) is src[p·ld + x0+x]: op(a) =
// aᵀ, or op(b) = b. Four rows of src make one quad: eight columns at a time
// are read as one 64-bit word per row and interleaved into four 64-bit
// words of two dwords each.
func packCols(dst, src []byte, ld, x0, cnt, p0, kc, w int) {
	kq := (kc + 3) / 4
	dst = dst[:kq*4*w]
	for q := 0; q < kq; q++ {
		d := dst[q*4*w : (q+1)*4*w]
		p := p0 + 4*q
		if 4*q+4 > kc { // the last, partial quad
			packColsQuad(d, src, ld, x0, cnt, p, kc-4*q)
			continue
		}
		r0 := src[p*ld+x0:]
		r0 = r0[:cnt]
		r1 := src[(p+1)*ld+x0:]
		r1 = r1[:cnt]
		r2 := src[(p+2)*ld+x0:]
		r2 = r2[:cnt]
		r3 := src[(p+3)*ld+x0:]
		r3 = r3[:cnt]
		x := 0
		for ; x+8 <= cnt; x += 8 {
			v0 := binary.LittleEndian.Uint64(r0[x:])
			v1 := binary.LittleEndian.Uint64(r1[x:])
			v2 := binary.LittleEndian.Uint64(r2[x:])
			v3 := binary.LittleEndian.Uint64(r3[x:])
			o := d[4*x : 4*x+32]
			for t := 0; t < 4; t++ {
				binary.LittleEndian.PutUint64(o[8*t:], spread(v0, t)|spread(v1, t)<<8|spread(v2, t)<<16|spread(v3, t)<<24)
			}
		}
		for ; x < cnt; x++ {
			d[4*x], d[4*x+1], d[4*x+2], d[4*x+3] = r0[x], r1[x], r2[x], r3[x]
		}
		clear(d[4*cnt:])
	}
}

// packColsQuad packs one partial quad of packCols' panel: rows p..p+n−1
// (n < 4) of src, zero for the rest of the quad and the columns past cnt.
func packColsQuad(d, src []byte, ld, x0, cnt, p, n int) {
	clear(d)
	for r := 0; r < n; r++ {
		s := src[(p+r)*ld+x0:]
		s = s[:cnt]
		for x, v := range s {
			d[4*x+r] = v
		}
	}
}

// spread returns bytes 2t and 2t+1 of v at bytes 0 and 4.
func spread(v uint64, t int) uint64 {
	v >>= 16 * uint(t)
	return v&0xff | (v>>8&0xff)<<32
}
