package live

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trustlab/trustlab/examples"
)

// BenchmarkPlayPPB1 plays PPB-1 (10^6 agents, k-out 8) as fast as the
// engine goes, with frames of 10^4 sampled agents about 15 times a
// second, and reports the engine's speed while it plays:
// go test ./live -run XXX -bench PlayPPB1 -benchtime 1x (on 1 and on 2
// workers)
func BenchmarkPlayPPB1(b *testing.B) {
	var text string
	for _, f := range examples.Scenarios() {
		if f.Name == "ppb1" {
			text = strings.Replace(f.Text, "steps: 20", "steps: 100000", 1)
		}
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			m := NewManager(Options{Workers: workers})
			defer m.Close()
			ss, err := m.Create([]byte(text))
			if err != nil {
				b.Fatal(err)
			}
			fast := 0.0
			for b.Loop() {
				if _, err := ss.Control("play", &fast); err != nil {
					b.Fatal(err)
				}
				time.Sleep(3 * time.Second)
				st := ss.State()
				if _, err := ss.Control("pause", nil); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(st.Rate, "interactions/s")
				b.ReportMetric(st.StepTime*1e3, "engine-ms/step")
			}
			var c Cursor
			u := ss.Next(&c)
			b.ReportMetric(float64(4*len(u.Agents.Trait)), "frame-bytes")
		})
	}
}
