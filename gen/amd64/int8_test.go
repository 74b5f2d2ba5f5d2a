package main

import (
	"encoding/hex"
	"fmt"
	"testing"
)

// vexRef is "dst u s bytes" for `{vex} vpdpbusd %ymmS, %ymmU, %ymmD` as GNU
// as 2.40 encodes it (objdump -d): every (dst, s) pair of the avx2 kernel
// with the broadcast register Y14, and registers on both sides of 8 (the
// REX-like bits R̄, B̄ and the inverted vvvv).
var vexRef = []string{
	"0 14 12 c4c20d50c4", "0 7 12 c4c24550c4", "0 15 12 c4c20550c4", "0 14 13 c4c20d50c5", "0 7 13 c4c24550c5",
	"0 15 13 c4c20550c5", "0 14 0 c4e20d50c0", "0 7 0 c4e24550c0", "0 15 0 c4e20550c0", "0 14 8 c4c20d50c0",
	"0 7 8 c4c24550c0", "0 15 8 c4c20550c0", "1 14 12 c4c20d50cc", "1 7 12 c4c24550cc", "1 15 12 c4c20550cc",
	"1 14 13 c4c20d50cd", "1 7 13 c4c24550cd", "1 15 13 c4c20550cd", "1 14 0 c4e20d50c8", "1 7 0 c4e24550c8",
	"1 15 0 c4e20550c8", "1 14 8 c4c20d50c8", "1 7 8 c4c24550c8", "1 15 8 c4c20550c8", "2 14 12 c4c20d50d4",
	"2 7 12 c4c24550d4", "2 15 12 c4c20550d4", "2 14 13 c4c20d50d5", "2 7 13 c4c24550d5", "2 15 13 c4c20550d5",
	"2 14 0 c4e20d50d0", "2 7 0 c4e24550d0", "2 15 0 c4e20550d0", "2 14 8 c4c20d50d0", "2 7 8 c4c24550d0",
	"2 15 8 c4c20550d0", "3 14 12 c4c20d50dc", "3 7 12 c4c24550dc", "3 15 12 c4c20550dc", "3 14 13 c4c20d50dd",
	"3 7 13 c4c24550dd", "3 15 13 c4c20550dd", "3 14 0 c4e20d50d8", "3 7 0 c4e24550d8", "3 15 0 c4e20550d8",
	"3 14 8 c4c20d50d8", "3 7 8 c4c24550d8", "3 15 8 c4c20550d8", "4 14 12 c4c20d50e4", "4 7 12 c4c24550e4",
	"4 15 12 c4c20550e4", "4 14 13 c4c20d50e5", "4 7 13 c4c24550e5", "4 15 13 c4c20550e5", "4 14 0 c4e20d50e0",
	"4 7 0 c4e24550e0", "4 15 0 c4e20550e0", "4 14 8 c4c20d50e0", "4 7 8 c4c24550e0", "4 15 8 c4c20550e0",
	"5 14 12 c4c20d50ec", "5 7 12 c4c24550ec", "5 15 12 c4c20550ec", "5 14 13 c4c20d50ed", "5 7 13 c4c24550ed",
	"5 15 13 c4c20550ed", "5 14 0 c4e20d50e8", "5 7 0 c4e24550e8", "5 15 0 c4e20550e8", "5 14 8 c4c20d50e8",
	"5 7 8 c4c24550e8", "5 15 8 c4c20550e8", "6 14 12 c4c20d50f4", "6 7 12 c4c24550f4", "6 15 12 c4c20550f4",
	"6 14 13 c4c20d50f5", "6 7 13 c4c24550f5", "6 15 13 c4c20550f5", "6 14 0 c4e20d50f0", "6 7 0 c4e24550f0",
	"6 15 0 c4e20550f0", "6 14 8 c4c20d50f0", "6 7 8 c4c24550f0", "6 15 8 c4c20550f0", "7 14 12 c4c20d50fc",
	"7 7 12 c4c24550fc", "7 15 12 c4c20550fc", "7 14 13 c4c20d50fd", "7 7 13 c4c24550fd", "7 15 13 c4c20550fd",
	"7 14 0 c4e20d50f8", "7 7 0 c4e24550f8", "7 15 0 c4e20550f8", "7 14 8 c4c20d50f8", "7 7 8 c4c24550f8",
	"7 15 8 c4c20550f8", "8 14 12 c4420d50c4", "8 7 12 c4424550c4", "8 15 12 c4420550c4", "8 14 13 c4420d50c5",
	"8 7 13 c4424550c5", "8 15 13 c4420550c5", "8 14 0 c4620d50c0", "8 7 0 c4624550c0", "8 15 0 c4620550c0",
	"8 14 8 c4420d50c0", "8 7 8 c4424550c0", "8 15 8 c4420550c0", "9 14 12 c4420d50cc", "9 7 12 c4424550cc",
	"9 15 12 c4420550cc", "9 14 13 c4420d50cd", "9 7 13 c4424550cd", "9 15 13 c4420550cd", "9 14 0 c4620d50c8",
	"9 7 0 c4624550c8", "9 15 0 c4620550c8", "9 14 8 c4420d50c8", "9 7 8 c4424550c8", "9 15 8 c4420550c8",
	"10 14 12 c4420d50d4", "10 7 12 c4424550d4", "10 15 12 c4420550d4", "10 14 13 c4420d50d5", "10 7 13 c4424550d5",
	"10 15 13 c4420550d5", "10 14 0 c4620d50d0", "10 7 0 c4624550d0", "10 15 0 c4620550d0", "10 14 8 c4420d50d0",
	"10 7 8 c4424550d0", "10 15 8 c4420550d0", "11 14 12 c4420d50dc", "11 7 12 c4424550dc", "11 15 12 c4420550dc",
	"11 14 13 c4420d50dd", "11 7 13 c4424550dd", "11 15 13 c4420550dd", "11 14 0 c4620d50d8", "11 7 0 c4624550d8",
	"11 15 0 c4620550d8", "11 14 8 c4420d50d8", "11 7 8 c4424550d8", "11 15 8 c4420550d8", "15 14 12 c4420d50fc",
	"15 7 12 c4424550fc", "15 15 12 c4420550fc", "15 14 13 c4420d50fd", "15 7 13 c4424550fd", "15 15 13 c4420550fd",
	"15 14 0 c4620d50f8", "15 7 0 c4624550f8", "15 15 0 c4620550f8", "15 14 8 c4420d50f8", "15 7 8 c4424550f8",
	"15 15 8 c4420550f8",
}

// TestVEXVPDPBUSD checks the BYTE encoding of the AVX-VNNI VPDPBUSD that
// the avx2 int8 kernel emits (Go's assembler has only the EVEX form).
func TestVEXVPDPBUSD(t *testing.T) {
	for _, ref := range vexRef {
		var d, u, s int
		var want string
		if _, err := fmt.Sscan(ref, &d, &u, &s, &want); err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(vexVPDPBUSDBytes(d, u, s)); got != want {
			t.Errorf("vpdpbusd ymm%d, ymm%d, ymm%d: %s, want %s", d, u, s, got, want)
		}
	}
}
