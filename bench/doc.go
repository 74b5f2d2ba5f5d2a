// Package bench compares lanes with what a Go user would use instead:
// gonum (blas32/blas64 and floats), github.com/viterin/vek (vek, vek32) and a
// plain Go loop, per kernel, element type, length and — for lanes — every
// ISA this CPU runs. It is a module of its own so that gonum and vek never
// enter the library's go.mod.
//
// Benchmark names are Kernel/type=f32/n=4096/impl=avx512, so benchstat lines
// the implementations up in columns:
//
//	go test -run '^$' -bench . -count 6 | tee new.txt
//	benchstat -col /impl new.txt
//
// impl=lanes is the public API (active ISA); impl=avx512, avx2, generic, neon
// call that ISA's kernel table directly.
//
// pyside.py prints the same benchmark lines for NumPy and PyTorch
// (impl=numpy, impl=torch: activations, samplers and matrix products, one
// thread), so that one benchstat table holds them beside lanes:
//
//	taskset -c 1 go test -run '^$' -bench 'Act|Normal|Uniform|MatMul' -count 5 > go.txt
//	OPENBLAS_NUM_THREADS=1 taskset -c 1 python3 pyside.py -count 5 > py.txt
//	cat go.txt py.txt | benchstat -col /impl -
package bench
