package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// vexRef is "dst u s bytes" for `{vex} vpdpbusd %ymmS, %ymmU, %ymmD` as GNU
// as 2.40 encodes it (objdump -d): every one the int8 kernels emit, and
// registers on both sides of 8 in every field (the inverted R̄, B̄ and
// vvvv bits).
var vexRef = []string{
	"0 0 0 c4e27d50c0", "0 0 7 c4e27d50c7", "0 0 8 c4c27d50c0", "0 0 15 c4c27d50c7", "0 8 0 c4e23d50c0",
	"0 8 7 c4e23d50c7", "0 8 8 c4c23d50c0", "0 8 15 c4c23d50c7", "0 14 12 c4c20d50c4", "0 15 0 c4e20550c0",
	"0 15 7 c4e20550c7", "0 15 8 c4c20550c0", "0 15 15 c4c20550c7", "1 14 13 c4c20d50cd", "1 15 15 c4c20550cf",
	"2 14 12 c4c20d50d4", "2 15 15 c4c20550d7", "3 14 13 c4c20d50dd", "3 15 15 c4c20550df", "4 14 12 c4c20d50e4",
	"4 15 15 c4c20550e7", "5 14 13 c4c20d50ed", "5 15 15 c4c20550ef", "6 14 12 c4c20d50f4", "6 15 15 c4c20550f7",
	"7 0 0 c4e27d50f8", "7 0 7 c4e27d50ff", "7 0 8 c4c27d50f8", "7 0 15 c4c27d50ff", "7 8 0 c4e23d50f8",
	"7 8 7 c4e23d50ff", "7 8 8 c4c23d50f8", "7 8 15 c4c23d50ff", "7 14 13 c4c20d50fd", "7 15 0 c4e20550f8",
	"7 15 7 c4e20550ff", "7 15 8 c4c20550f8", "7 15 15 c4c20550ff", "8 0 0 c4627d50c0", "8 0 7 c4627d50c7",
	"8 0 8 c4427d50c0", "8 0 15 c4427d50c7", "8 8 0 c4623d50c0", "8 8 7 c4623d50c7", "8 8 8 c4423d50c0",
	"8 8 15 c4423d50c7", "8 14 12 c4420d50c4", "8 15 0 c4620550c0", "8 15 7 c4620550c7", "8 15 8 c4420550c0",
	"8 15 15 c4420550c7", "9 14 13 c4420d50cd", "9 15 15 c4420550cf", "10 14 12 c4420d50d4", "10 15 15 c4420550d7",
	"11 14 13 c4420d50dd", "11 15 15 c4420550df", "12 15 15 c4420550e7", "13 15 15 c4420550ef", "14 15 15 c4420550f7",
	"15 0 0 c4627d50f8", "15 0 7 c4627d50ff", "15 0 8 c4427d50f8", "15 0 15 c4427d50ff", "15 8 0 c4623d50f8",
	"15 8 7 c4623d50ff", "15 8 8 c4423d50f8", "15 8 15 c4423d50ff", "15 15 0 c4620550f8", "15 15 7 c4620550ff",
	"15 15 8 c4420550f8", "15 15 15 c4420550ff",
}

// TestVEXVPDPBUSD checks the BYTE encoding of the AVX-VNNI VPDPBUSD (Go's
// assembler has only the EVEX form) against GNU as, and that every one in
// the generated int8_amd64.s is in the table and carries its bytes.
func TestVEXVPDPBUSD(t *testing.T) {
	ref := map[[3]int]string{}
	for _, r := range vexRef {
		var d, u, s int
		var want string
		if _, err := fmt.Sscan(r, &d, &u, &s, &want); err != nil {
			t.Fatal(err)
		}
		ref[[3]int{d, u, s}] = want
		if got := hex.EncodeToString(vexVPDPBUSDBytes(d, u, s)); got != want {
			t.Errorf("vpdpbusd ymm%d, ymm%d, ymm%d: %s, want %s", d, u, s, got, want)
		}
	}
	src, err := os.ReadFile("../../internal/asm/int8_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	ins := regexp.MustCompile(`// \{vex\} vpdpbusd %ymm(\d+), %ymm(\d+), %ymm(\d+)\n((?:\s*BYTE\s+\$0x[0-9a-f]{2}\n){5})`)
	byteRe := regexp.MustCompile(`\$0x([0-9a-f]{2})`)
	all := ins.FindAllStringSubmatch(string(src), -1)
	if n := strings.Count(string(src), "{vex} vpdpbusd"); n == 0 || n != len(all) {
		t.Fatalf("%d {vex} vpdpbusd comments, %d with five BYTEs", n, len(all))
	}
	for _, m := range all {
		var s, u, d int
		fmt.Sscan(m[1]+" "+m[2]+" "+m[3], &s, &u, &d)
		got := ""
		for _, b := range byteRe.FindAllStringSubmatch(m[4], -1) {
			got += b[1]
		}
		if want, ok := ref[[3]int{d, u, s}]; !ok || got != want {
			t.Errorf("int8_amd64.s: vpdpbusd ymm%d, ymm%d, ymm%d as %s; GNU as: %q", d, u, s, got, want)
		}
	}
	t.Logf("%d VEX VPDPBUSD in int8_amd64.s", len(all))
}
