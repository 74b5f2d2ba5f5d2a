package bench

// openBLAS is the C BLAS library (OpenBLAS through cgo) that BenchmarkMatMul
// and BenchmarkMatMul64 compare with, as impl=openblas. It is nil unless the
// package is built with the openblas tag (see openblas_cgo.go), so the
// normal test run needs neither cgo nor OpenBLAS.
var openBLAS *blasLib

// blasLib is a C BLAS on row-major n×n matrices: c = a·b.
type blasLib struct {
	sgemm func(n int, a, b, c []float32)
	dgemm func(n int, a, b, c []float64)
	// setThreads sets the library's thread count; threads reads it back.
	setThreads func(n int)
	threads    func() int
	// about names the library, its build configuration and the kernel it
	// picked for this CPU.
	about string
	// cpuTime is the user+system CPU time of the process in seconds (so a
	// benchmark can report how many cores an implementation kept busy).
	cpuTime func() float64
}
