//go:build purego || !(amd64 || arm64)

package asm

// detect: this build has no assembly; only the generic kernels run.
func detect() []ISA { return nil }
