package readme_test

import (
	"fmt"
	"strings"
)

// Example_program is what TestProgram turns into a program: a body that
// uses two imports and a helper declared outside it.
func Example_program() {
	fmt.Println(strings.ToUpper(greeting))
	// Output: HELLO
}

// greeting is a helper of the Example.
const greeting = "hello"
