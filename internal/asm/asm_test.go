package asm

import (
	"strings"
	"testing"

	"github.com/lanes-go/lanes/isa"
)

// TestTables: every available ISA has a table (isa and the table files
// follow the same build constraints); the build may have tables the CPU
// cannot run (avx512 on an AVX2-only CPU), and Get refuses those.
func TestTables(t *testing.T) {
	for _, i := range isa.Available() {
		if Get(i) == nil {
			t.Fatalf("Get(%s) = nil", i)
		}
	}
	for i := range tables {
		if !isa.Supported(i) {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("Get(%s) did not panic on a CPU without it", i)
					}
				}()
				Get(i)
			}()
		}
	}
	if Current() != tables[isa.Active()] {
		t.Fatalf("Current() is not the table of %s", isa.Active())
	}
}

func TestGetUnavailablePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "asm.Get") {
			t.Fatalf("recover() = %v", r)
		}
	}()
	Get("mmx")
}
