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
package bench
