//go:build unix

package testutil

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// GuardPages reports whether Guarded is supported on this platform.
const GuardPages = true

// Guarded returns a slice of n elements placed against a PROT_NONE page:
// ending exactly where an unreadable page starts (atEnd) or starting exactly
// where one ends (!atEnd). Any access outside the slice on that side faults.
// The mapping is released when the test ends.
func Guarded[T any](tb testing.TB, n int, atEnd bool) []T {
	tb.Helper()
	var z T
	size := int(unsafe.Sizeof(z))
	page := unix.Getpagesize()
	data := (n*size + page - 1) / page * page
	if data == 0 {
		data = page
	}
	mem, err := unix.Mmap(-1, 0, data+2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		tb.Fatalf("mmap: %v", err)
	}
	tb.Cleanup(func() { _ = unix.Munmap(mem) })
	if err := unix.Mprotect(mem[:page], unix.PROT_NONE); err != nil {
		tb.Fatalf("mprotect: %v", err)
	}
	if err := unix.Mprotect(mem[page+data:], unix.PROT_NONE); err != nil {
		tb.Fatalf("mprotect: %v", err)
	}
	start := page
	if atEnd {
		start = page + data - n*size
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&mem[start])), n)
}
