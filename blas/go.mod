module github.com/lanes-go/lanes/blas

go 1.26.0

require (
	github.com/lanes-go/lanes v0.0.0
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/klauspost/cpuid/v2 v2.4.2 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/lanes-go/lanes => ../
