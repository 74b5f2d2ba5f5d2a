package isa_test

import (
	"fmt"

	"github.com/lanes-go/lanes/isa"
)

// Every ISA the machine has, the active one first among them, and why.
func Example() {
	for _, i := range isa.Available() {
		mark := " "
		if i == isa.Active() {
			mark = "*"
		}
		fmt.Println(mark, i)
	}
	fmt.Println("reason:", isa.Reason())
}
