module github.com/lanes-go/lanes/gen

go 1.26.0

require (
	github.com/mmcloughlin/avo v0.6.0
	golang.org/x/arch v0.33.0
)

require (
	github.com/klauspost/cpuid/v2 v2.4.2 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

// gen imports the root module's internal packages (the kernel constants,
// and the generic kernels its tests compare with): the same repository, so
// always the local copy (as klauspost/compress's _generate module does).
require github.com/lanes-go/lanes v0.0.0-00010101000000-000000000000

replace github.com/lanes-go/lanes => ../
