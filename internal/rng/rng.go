// Package rng derives independent, reproducible random streams from a seed
// and a key (a shard, an agent, a subject, a sweep cell...).
//
// Parallel work in trustlab never shares a *rand.Rand: each unit of work
// draws from Stream(seed, key...), so a run's output depends on its seed
// and on the keys, never on how many workers processed the keys.
package rng

import (
	"math/bits"
	"math/rand/v2"
)

// Mix is the SplitMix64 finaliser: a bijective scrambling of x.
func Mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Key folds a seed and any number of keys into the two 64-bit words of a
// PCG state. Different key paths give unrelated states.
func Key(seed uint64, keys ...uint64) (uint64, uint64) {
	hi := Mix(seed)
	lo := Mix(seed ^ 0x5851f42d4c957f2d)
	for _, k := range keys {
		hi = Mix(hi ^ k)
		lo = Mix(lo + Mix(k) + 0x2545f4914f6cdd1d)
	}
	return hi, lo
}

// Stream returns a PCG-backed generator for (seed, keys...).
func Stream(seed uint64, keys ...uint64) *rand.Rand {
	return rand.New(NewPCG(seed, keys...))
}

// NewPCG returns the PCG source behind Stream, for callers that want to
// reseed a source in place (pcg.Seed) without allocating.
func NewPCG(seed uint64, keys ...uint64) *rand.PCG {
	hi, lo := Key(seed, keys...)
	return rand.NewPCG(hi, lo)
}

// PCGNext advances the PCG state (hi, lo), seeded as rand.NewPCG(hi, lo),
// and returns the new state and the number that (*rand.PCG).Uint64 would
// return: the same 128-bit LCG and DXSM output, bit for bit. It is for hot
// loops that keep the state in registers; a *rand.PCG keeps it in memory
// and stores it at every draw.
func PCGNext(hi, lo uint64) (nhi, nlo, x uint64) {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	nhi, nlo = bits.Mul64(lo, mulLo)
	nhi += hi*mulLo + lo*mulHi
	var c uint64
	nlo, c = bits.Add64(nlo, incLo, 0)
	nhi, _ = bits.Add64(nhi, incHi, c)
	x = nhi
	x ^= x >> 32
	x *= cheapMul
	x ^= x >> 48
	x *= nlo | 1
	return nhi, nlo, x
}
