//go:build openblas

// OpenBLAS through cgo, for the MatMul benchmarks (impl=openblas). It is
// built only with the openblas tag, and needs cgo, a C compiler and
// OpenBLAS with pkg-config data (Debian: apt-get install -y libopenblas-dev).
// Run, in bench/, one and two threads for every implementation (the
// benchmarks give lanes and OpenBLAS GOMAXPROCS threads; -cpu sets it;
// vek is single-threaded, gonum uses GOMAXPROCS goroutines):
//
//	OPENBLAS_NUM_THREADS=1 go test -tags openblas -run '^$' -bench 'MatMul' -benchtime 10x -count 3 -cpu 1,2 | tee mm.txt
//	benchstat -col /impl mm.txt
//
// A line "openblas: ..." above the results names the OpenBLAS build and the
// kernel it chose for this CPU (openblas_get_config, openblas_get_corename);
// the benchmark fails if OpenBLAS does not run GOMAXPROCS threads. The cpus metric
// is the process's CPU time over wall time: about 1 for a single-threaded
// run. It counts every thread of the process, including OpenBLAS workers
// that still spin after a two-thread benchmark, so for a clean figure run
// -cpu 1 and -cpu 2 separately; it is coarse for runs under a few ms.

package bench

/*
#cgo pkg-config: openblas
#include <cblas.h>
#include <sys/resource.h>

static double cputime(void) {
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}
*/
import "C"

import "unsafe"

func init() {
	openBLAS = &blasLib{
		sgemm: func(n int, a, b, c []float32) {
			_, _, _ = a[n*n-1], b[n*n-1], c[n*n-1]
			C.cblas_sgemm(C.CblasRowMajor, C.CblasNoTrans, C.CblasNoTrans, C.blasint(n), C.blasint(n), C.blasint(n),
				1, (*C.float)(unsafe.Pointer(&a[0])), C.blasint(n), (*C.float)(unsafe.Pointer(&b[0])), C.blasint(n),
				0, (*C.float)(unsafe.Pointer(&c[0])), C.blasint(n))
		},
		dgemm: func(n int, a, b, c []float64) {
			_, _, _ = a[n*n-1], b[n*n-1], c[n*n-1]
			C.cblas_dgemm(C.CblasRowMajor, C.CblasNoTrans, C.CblasNoTrans, C.blasint(n), C.blasint(n), C.blasint(n),
				1, (*C.double)(unsafe.Pointer(&a[0])), C.blasint(n), (*C.double)(unsafe.Pointer(&b[0])), C.blasint(n),
				0, (*C.double)(unsafe.Pointer(&c[0])), C.blasint(n))
		},
		setThreads: func(n int) { C.openblas_set_num_threads(C.int(n)) },
		threads:    func() int { return int(C.openblas_get_num_threads()) },
		about:      C.GoString(C.openblas_get_config()) + ", core " + C.GoString(C.openblas_get_corename()),
		cpuTime:    func() float64 { return float64(C.cputime()) },
	}
}
