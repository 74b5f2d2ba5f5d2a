package asm

import (
	"strings"
	"testing"

	"github.com/lanes-go/lanes/isa"
)

// TestTables: every available ISA has a table, and the build has no table
// that isa does not offer (the two follow the same build constraints).
func TestTables(t *testing.T) {
	for _, i := range isa.Available() {
		if Get(i) == nil {
			t.Fatalf("Get(%s) = nil", i)
		}
	}
	if len(tables) != len(isa.Available()) {
		t.Fatalf("tables for %d ISAs, isa.Available() = %v", len(tables), isa.Available())
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
