//go:build race

package mat

// raceEnabled shrinks the sweeps under the race detector, which slows the
// Go loops (and the generic kernels) twentyfold.
const raceEnabled = true
