module github.com/lanes-go/lanes/internal/safetensors/xtest

go 1.26.0

require (
	github.com/lanes-go/lanes v0.0.0
	github.com/nlpodyssey/safetensors v0.0.0-20250209183917-bfb01cc25f7c
)

replace github.com/lanes-go/lanes => ../../..
