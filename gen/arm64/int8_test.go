package main

import (
	"regexp"
	"strconv"
	"testing"
)

// sdotRef is SDOT as GNU as 2.40 (aarch64, -march=armv8.2-a+dotprod)
// encodes it, from objdump -d: every SDOT of the int8 kernels, and a few
// with registers ≥ 16 in each field. x/arch/arm64asm (v0.33.0) does not
// decode the dot-product instructions, so unlike encode_test.go this test
// compares with a table.
var sdotRef = []struct {
	bits uint32
	text string
}{
	{0x4e989700, "sdot v0.4s, v24.16b, v24.16b"},
	{0x4f9ce340, "sdot v0.4s, v26.16b, v28.4b[0]"},
	{0x4e989701, "sdot v1.4s, v24.16b, v24.16b"},
	{0x4f9ce361, "sdot v1.4s, v27.16b, v28.4b[0]"},
	{0x4e98970a, "sdot v10.4s, v24.16b, v24.16b"},
	{0x4fbde34a, "sdot v10.4s, v26.16b, v29.4b[1]"},
	{0x4e98970b, "sdot v11.4s, v24.16b, v24.16b"},
	{0x4fbde36b, "sdot v11.4s, v27.16b, v29.4b[1]"},
	{0x4e98970c, "sdot v12.4s, v24.16b, v24.16b"},
	{0x4f9deb4c, "sdot v12.4s, v26.16b, v29.4b[2]"},
	{0x4e98970d, "sdot v13.4s, v24.16b, v24.16b"},
	{0x4f9deb6d, "sdot v13.4s, v27.16b, v29.4b[2]"},
	{0x4e98970e, "sdot v14.4s, v24.16b, v24.16b"},
	{0x4fbdeb4e, "sdot v14.4s, v26.16b, v29.4b[3]"},
	{0x4e98970f, "sdot v15.4s, v24.16b, v24.16b"},
	{0x4fbdeb6f, "sdot v15.4s, v27.16b, v29.4b[3]"},
	{0x4e989710, "sdot v16.4s, v24.16b, v24.16b"},
	{0x4f9ee350, "sdot v16.4s, v26.16b, v30.4b[0]"},
	{0x4e989711, "sdot v17.4s, v24.16b, v24.16b"},
	{0x4f9ee371, "sdot v17.4s, v27.16b, v30.4b[0]"},
	{0x4e989712, "sdot v18.4s, v24.16b, v24.16b"},
	{0x4fbee352, "sdot v18.4s, v26.16b, v30.4b[1]"},
	{0x4e989713, "sdot v19.4s, v24.16b, v24.16b"},
	{0x4fbee373, "sdot v19.4s, v27.16b, v30.4b[1]"},
	{0x4e989702, "sdot v2.4s, v24.16b, v24.16b"},
	{0x4fbce342, "sdot v2.4s, v26.16b, v28.4b[1]"},
	{0x4e989714, "sdot v20.4s, v24.16b, v24.16b"},
	{0x4f9eeb54, "sdot v20.4s, v26.16b, v30.4b[2]"},
	{0x4e989715, "sdot v21.4s, v24.16b, v24.16b"},
	{0x4f9eeb75, "sdot v21.4s, v27.16b, v30.4b[2]"},
	{0x4e989716, "sdot v22.4s, v24.16b, v24.16b"},
	{0x4fbeeb56, "sdot v22.4s, v26.16b, v30.4b[3]"},
	{0x4e989717, "sdot v23.4s, v24.16b, v24.16b"},
	{0x4fbeeb77, "sdot v23.4s, v27.16b, v30.4b[3]"},
	{0x4e9f9758, "sdot v24.4s, v26.16b, v31.16b"},
	{0x4e9f9779, "sdot v25.4s, v27.16b, v31.16b"},
	{0x4e989703, "sdot v3.4s, v24.16b, v24.16b"},
	{0x4fbce363, "sdot v3.4s, v27.16b, v28.4b[1]"},
	{0x4e989704, "sdot v4.4s, v24.16b, v24.16b"},
	{0x4f9ceb44, "sdot v4.4s, v26.16b, v28.4b[2]"},
	{0x4e989705, "sdot v5.4s, v24.16b, v24.16b"},
	{0x4f9ceb65, "sdot v5.4s, v27.16b, v28.4b[2]"},
	{0x4e989706, "sdot v6.4s, v24.16b, v24.16b"},
	{0x4fbceb46, "sdot v6.4s, v26.16b, v28.4b[3]"},
	{0x4e989707, "sdot v7.4s, v24.16b, v24.16b"},
	{0x4fbceb67, "sdot v7.4s, v27.16b, v28.4b[3]"},
	{0x4e989708, "sdot v8.4s, v24.16b, v24.16b"},
	{0x4f9de348, "sdot v8.4s, v26.16b, v29.4b[0]"},
	{0x4e989709, "sdot v9.4s, v24.16b, v24.16b"},
	{0x4f9de369, "sdot v9.4s, v27.16b, v29.4b[0]"},
	{0x4e91941f, "sdot v31.4s, v0.16b, v17.16b"},
	{0x4f80ebe1, "sdot v1.4s, v31.16b, v0.4b[2]"},
	{0x4fb0e9f0, "sdot v16.4s, v15.16b, v16.4b[3]"},
}

// TestSDOTEncoding checks the encoders against the table, and that every
// WORD the int8 kernel emits is in it.
func TestSDOTEncoding(t *testing.T) {
	ref := map[string]uint32{}
	for _, r := range sdotRef {
		ref[r.text] = r.bits
	}
	elem := regexp.MustCompile(`^sdot v(\d+)\.4s, v(\d+)\.16b, v(\d+)\.4b\[(\d)\]$`)
	vec := regexp.MustCompile(`^sdot v(\d+)\.4s, v(\d+)\.16b, v(\d+)\.16b$`)
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	for _, r := range sdotRef {
		var w Word
		if m := elem.FindStringSubmatch(r.text); m != nil {
			w = sdotElem(V(atoi(m[1])), V(atoi(m[2])), V(atoi(m[3])), atoi(m[4]))
		} else if m := vec.FindStringSubmatch(r.text); m != nil {
			w = sdot(V(atoi(m[1])), V(atoi(m[2])), V(atoi(m[3])))
		} else {
			t.Fatalf("unparsed reference %q", r.text)
		}
		if w.Bits != r.bits || w.Text != r.text {
			t.Errorf("%s: emitter writes %#08x // %s, GNU as %#08x", r.text, w.Bits, w.Text, r.bits)
		}
	}
	s, _, err := generate("int8", "asm", "test")
	if err != nil {
		t.Fatal(err)
	}
	words := regexp.MustCompile(`WORD \$0x([0-9a-f]{8}) // (.*)`).FindAllStringSubmatch(string(s), -1)
	if len(words) == 0 {
		t.Fatal("the int8 kernel emits no WORD")
	}
	for _, m := range words {
		bits, _ := strconv.ParseUint(m[1], 16, 32)
		if want, ok := ref[m[2]]; !ok || uint32(bits) != want {
			t.Errorf("emitted WORD $0x%s // %s: GNU as gives %#08x (in table: %v)", m[1], m[2], want, ok)
		}
	}
}
