// Command amd64 generates the AVX2+FMA and AVX-512 bodies of the lanes kernels
// with avo. One run writes one feature (a family of kernels from gen/spec):
//
//	go run -C ../../gen/amd64 . -feature vec -out ../../internal/asm/vec_amd64.s -stubs ../../internal/asm/vec_amd64.go -pkg asm
//
// Each feature registers its generator in features (see vec.go); the kernels
// it must emit are the spec.Feature list, so the generator cannot skip one.
package main

import (
	"flag"
	"fmt"
	"os"

	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/buildtags"

	"github.com/lanes-go/lanes/gen/spec"
)

// features maps a feature name to the function that emits the body of one
// kernel instance for one ISA. It is called once per instance and ISA after
// TEXT has been declared.
var features = map[string]func(in spec.Instance, isa spec.ISA){}

func main() {
	feature := flag.String("feature", "", "the kernel family to generate (see gen/spec)")
	// build.Generate parses the command line (-out, -stubs, -pkg) as well.
	if err := emit(feature); err != nil {
		fmt.Fprintln(os.Stderr, "gen/amd64:", err)
		os.Exit(1)
	}
}

func emit(feature *string) error {
	flag.Parse()
	body, ok := features[*feature]
	if !ok {
		return fmt.Errorf("unknown -feature %q", *feature)
	}
	ins := spec.Feature(*feature)
	if len(ins) == 0 {
		return fmt.Errorf("feature %q has no kernels in gen/spec", *feature)
	}
	c, err := buildtags.ParseConstraint("!purego")
	if err != nil {
		return err
	}
	Constraint(c)
	for _, in := range ins {
		for _, isa := range []spec.ISA{spec.AVX2, spec.AVX512} {
			for _, in := range []spec.Instance{in, in.FallbackInstance()} {
				if in.Name == "" || !in.Has(isa) {
					continue
				}
				TEXT(in.Func(isa), NOSPLIT, in.Signature())
				Doc(fmt.Sprintf("%s computes %s with %s.", in.Func(isa), in.Doc, isa.Name))
				Pragma("noescape")
				body(in, isa)
			}
		}
	}
	Generate()
	return nil
}
