package main

import "testing"

// TestActEncode decodes every act-specific WORD for a spread of registers.
func TestActEncode(t *testing.T) {
	for _, o := range actOps2 {
		for _, d := range regs {
			for _, n := range regs {
				check(t, o.Encode(d, n))
			}
		}
	}
}
