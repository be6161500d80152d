package rng

import (
	"math/rand/v2"
	"testing"
)

func TestStreamReproducibleAndDistinct(t *testing.T) {
	tests := []struct {
		name     string
		a, b     []uint64
		wantSame bool
	}{
		{"same key", []uint64{1, 2}, []uint64{1, 2}, true},
		{"other key", []uint64{1, 2}, []uint64{1, 3}, false},
		{"other seed", []uint64{1, 2}, []uint64{2, 2}, false},
		{"swapped keys", []uint64{1, 2, 3}, []uint64{1, 3, 2}, false},
		{"longer path", []uint64{1, 2}, []uint64{1, 2, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ra := Stream(tt.a[0], tt.a[1:]...)
			rb := Stream(tt.b[0], tt.b[1:]...)
			same := true
			for range 8 {
				if ra.Uint64() != rb.Uint64() {
					same = false
				}
			}
			if same != tt.wantSame {
				t.Errorf("same=%v, want %v", same, tt.wantSame)
			}
		})
	}
}

func TestStreamGolden(t *testing.T) {
	// A regression value: changing the derivation changes every run's output.
	got := Stream(42, 7).Uint64()
	const want = uint64(17850966113206049982)
	if got != want {
		t.Fatalf("Stream(42,7).Uint64() = %d, want %d", got, want)
	}
}

// TestPCGNextMatchesPCG checks PCGNext against math/rand/v2's PCG, draw
// for draw, from several states.
func TestPCGNextMatchesPCG(t *testing.T) {
	for _, seed := range [][2]uint64{{0, 0}, {1, 2}, {^uint64(0), ^uint64(0)}, {0x9e3779b97f4a7c15, 42}} {
		p := rand.NewPCG(seed[0], seed[1])
		hi, lo := seed[0], seed[1]
		for i := range 10000 {
			var x uint64
			hi, lo, x = PCGNext(hi, lo)
			if want := p.Uint64(); x != want {
				t.Fatalf("seed %v, draw %d: PCGNext %#x, PCG %#x", seed, i, x, want)
			}
		}
	}
}
