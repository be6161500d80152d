package sim

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/trustlab/trustlab/scenario"
)

// BenchmarkPPB1 steps PPB-1 (examples/ppb1.yaml) at several N and reports
// interactions per second and state bytes per agent. The N = 10^7 run is
// in docs/simulation.md (trustlab run examples/ppb1.yaml).
func BenchmarkPPB1(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		for _, kernel := range []string{"fast", "general"} {
			b.Run(fmt.Sprintf("N=%d/%s", n, kernel), func(b *testing.B) {
				sc := parse(b, fmt.Sprintf("population: {size: %d}\nparams: {gamma: 0.98}\n", n))
				benchSteps(b, sc, Options{General: kernel == "general"})
			})
		}
	}
}

// BenchmarkPPB2 steps PPB-2 (examples/ppb2.yaml: the investment game) and
// BenchmarkPPB3 PPB-3 (examples/ppb3.yaml: three groups with reciprocal
// trustees and con-artists, control, social feedback, graduated stakes,
// eta > 0) at N = 10^5 and 10^6, on the general kernel.
func BenchmarkPPB2(b *testing.B) { benchExample(b, "ppb2.yaml") }

func BenchmarkPPB3(b *testing.B) { benchExample(b, "ppb3.yaml") }

func benchExample(b *testing.B, name string) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			sc, err := loadScenario(name)
			if err != nil {
				b.Fatal(err)
			}
			sc.Population.Size = n
			benchSteps(b, sc, Options{})
		})
	}
}

func benchSteps(b *testing.B, sc *scenarioT, opt Options) {
	s, err := New(sc, opt)
	if err != nil {
		b.Fatal(err)
	}
	n := s.N()
	for b.Loop() {
		s.Step()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
	b.ReportMetric(float64(s.StateBytes())/float64(n), "bytes/agent")
}

type scenarioT = scenario.Scenario

func loadScenario(name string) (*scenario.Scenario, error) {
	return scenario.Load(filepath.Join("..", "examples", name))
}
