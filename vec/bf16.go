package vec

// BF16 is a bfloat16 number held as its bits: the upper half of a float32
// (1 sign bit, 8 exponent bits, 7 fraction bits). It has float32's range
// and about 3 significant decimal digits (unit roundoff 2⁻⁸); matrix
// products take it as an operand and accumulate in float32 (mat.GemmBF16).
type BF16 uint16
