package sim

import (
	"fmt"
	"testing"
)

// BenchmarkPPB1 steps PPB-1 (examples/ppb1.yaml) at several N and reports
// interactions per second and state bytes per agent. The N = 10^7 run is
// in docs/simulation.md (trustlab run examples/ppb1.yaml).
func BenchmarkPPB1(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		for _, kernel := range []string{"fast", "general"} {
			b.Run(fmt.Sprintf("N=%d/%s", n, kernel), func(b *testing.B) {
				sc := parse(b, fmt.Sprintf("population: {size: %d}\nparams: {gamma: 0.98}\n", n))
				s, err := New(sc, Options{General: kernel == "general"})
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					s.Step()
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
				b.ReportMetric(float64(s.StateBytes())/float64(n), "bytes/agent")
			})
		}
	}
}
