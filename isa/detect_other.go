//go:build purego || !(amd64 || arm64)

package isa

const best = "this build has no assembly (purego tag or an architecture without kernels)"

func detect() []ISA { return nil }

func detectFeatures() map[ISA][]Feature { return nil }
