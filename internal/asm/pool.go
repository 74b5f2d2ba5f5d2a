package asm

//go:generate go run -C ../../gen/amd64 . -feature pool -out ../../internal/asm/pool_amd64.s -stubs ../../internal/asm/pool_amd64.go -pkg asm

// maxPool2x2Generic is 2×2, stride-2 max pooling of one plane (see
// gen/spec/pool.go): each window is reduced as a tournament, the pair a b
// of its top row, the pair c d of its bottom row, then the two winners, a
// later element winning only if greater or NaN. That rule is associative,
// so the tournament picks the element the row-by-row scan picks, and the
// winner's position selects the value: dst gets the exact bits of the scan
// (−0 vs +0, NaN payloads).
func maxPool2x2Generic[T Float](dst []T, idx []int32, x []T, w, ow int) {
	for i := 0; i*ow < len(dst); i++ {
		top := 2 * i * w
		r0 := x[top : top+2*ow]
		r1 := x[top+w : top+w+2*ow]
		d := dst[i*ow : i*ow+ow]
		ix := idx[i*ow : i*ow+ow]
		for j := range d {
			p0 := r0[2*j : 2*j+2 : 2*j+2]
			p1 := r1[2*j : 2*j+2 : 2*j+2]
			a, b, c, e := p0[0], p0[1], p1[0], p1[1]
			t0 := (b2i(b > a) | b2i(b != b)) & 1
			t1 := (b2i(e > c) | b2i(e != e)) & 1
			v0, v1 := p0[t0], p1[t1]
			t := (b2i(v1 > v0) | b2i(v1 != v1)) & 1
			at := top + t*w + 2*j + t0 + (t1-t0)&-t
			ix[j] = int32(at)
			d[j] = x[at]
		}
	}
}

// MaxPool2x2 is maxPool2x2Generic for either float type (mat calls it for
// float64, which has no assembly).
func MaxPool2x2[T Float](dst []T, idx []int32, x []T, w, ow int) {
	maxPool2x2Generic(dst, idx, x, w, ow)
}

// maxPool2x2GradGeneric is the gradient of 2×2, stride-2 max pooling of
// one plane (see gen/spec/pool.go): each window's four elements written
// once, +0 + dy at the winner, +0 at the others; false if an index is not
// in its window.
func maxPool2x2GradGeneric[T Float](dx, dy []T, idx []int32, w, ow int) bool {
	var zero T
	for i := 0; i*ow < len(dy); i++ {
		top := 2 * i * w
		r0 := dx[top : top+2*ow]
		r1 := dx[top+w : top+w+2*ow]
		d := dy[i*ow : i*ow+ow]
		ix := idx[i*ow : i*ow+ow]
		for j, v := range d {
			p0 := r0[2*j : 2*j+2 : 2*j+2]
			p1 := r1[2*j : 2*j+2 : 2*j+2]
			p0[0], p0[1], p1[0], p1[1] = zero, zero, zero, zero
			switch int(ix[j]) - (top + 2*j) {
			case 0:
				p0[0] = zero + v
			case 1:
				p0[1] = zero + v
			case w:
				p1[0] = zero + v
			case w + 1:
				p1[1] = zero + v
			default:
				return false
			}
		}
	}
	return true
}

// MaxPool2x2Grad is maxPool2x2GradGeneric for either float type (mat calls
// it for float64, which has no assembly).
func MaxPool2x2Grad[T Float](dx, dy []T, idx []int32, w, ow int) bool {
	return maxPool2x2GradGeneric(dx, dy, idx, w, ow)
}

// indexOutsideGeneric returns the position of the first idx[i] outside
// [0, n), or −1.
func indexOutsideGeneric(idx []int32, n int) int {
	lim := uint32(n)
	for i, v := range idx {
		if uint32(v) >= lim {
			return i
		}
	}
	return -1
}

// b2i is 1 for true, 0 for false (compiled to a flag move, not a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
