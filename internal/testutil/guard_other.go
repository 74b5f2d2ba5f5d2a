//go:build !unix

package testutil

import "testing"

// GuardPages reports whether Guarded is supported on this platform.
const GuardPages = false

// Guarded skips the test: guard pages need mmap/mprotect.
func Guarded[T any](tb testing.TB, n int, atEnd bool) []T {
	tb.Skip("guard pages need a unix mmap")
	return nil
}
