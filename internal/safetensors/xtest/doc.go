// Package xtest checks package internal/safetensors against an independent
// implementation of the format, github.com/nlpodyssey/safetensors (a Go port
// of the reference reader and writer): files written by one must read back
// in the other, tensor for tensor and byte for byte.
//
// It is a module of its own so that the root module, the library, does not
// require nlpodyssey/safetensors (nor its test dependencies); go.work lists
// it, so `go test github.com/lanes-go/lanes/...` runs it. It has no code
// outside its tests.
package xtest
