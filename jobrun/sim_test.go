package jobrun_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/testfs"
	"github.com/trustlab/trustlab/jobrun"
	"github.com/trustlab/trustlab/scenario"
)

const tiny = testfs.TinyScenario

func TestRunsATinySimulation(t *testing.T) {
	out := t.TempDir()
	var last [2]int
	man, err := jobrun.Sim{Version: "test"}.Run(context.Background(), []byte(tiny), out, func(d, n int) { last = [2]int{d, n} })
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Complete  bool `json:"complete"`
		StepsDone int  `json:"steps_done"`
	}
	if err := json.Unmarshal(man, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Complete || last != [2]int{5, 5} {
		t.Errorf("manifest %s, last progress %v", man, last)
	}
	if _, err := os.Stat(filepath.Join(out, "steps.csv")); err != nil {
		t.Error(err)
	}
}

// Check predicts the size of the run of the issue-13 attack (2^31-1
// agents) without allocating it.
func TestCheckPredictsTheSize(t *testing.T) {
	z, err := jobrun.Sim{}.Check([]byte(tiny))
	if err != nil || z.Agents != 50 || z.Steps != 5 || z.Edges != 150 || z.MemoryBytes <= 0 || z.DiskBytes <= 0 {
		t.Errorf("tiny: %+v, %v", z, err)
	}
	huge := "steps: 1000\npopulation: {size: 2147483647}\nnetwork: {kind: k-out, k: 1}\n"
	z, err = jobrun.Sim{}.Check([]byte(huge))
	if err != nil || z.Agents != 2147483647 || z.MemoryBytes < 60<<30 {
		t.Errorf("2^31-1 agents: %+v, %v", z, err)
	}
}

// A file: key in an uploaded scenario is refused at its place, with its
// position as fields of the error.
func TestCheckRefusesFiles(t *testing.T) {
	src := strings.Replace(tiny, "network: {kind: k-out, k: 3}", "network: {kind: edge-list, file: /etc/passwd}", 1)
	_, err := jobrun.Sim{}.Check([]byte(src))
	fe := trustlab.FieldErrors(err)
	if trustlab.ErrorCode(err) != trustlab.EINVALID || len(fe) != 1 || fe[0].Field != "network.file" || fe[0].File != jobrun.ScenarioName || fe[0].Line != 8 || fe[0].Column == 0 ||
		!strings.HasSuffix(fe[0].Message, "network.file: "+scenario.NoFilesMessage) {
		t.Errorf("Check: %v; fields %+v", err, fe)
	}
	if _, err := (jobrun.Sim{AllowFiles: true}).Check([]byte(src)); err != nil {
		t.Errorf("AllowFiles: %v, want the file: key accepted", err)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct{ name, scenario, want string }{
		{"bad value", strings.Replace(tiny, "steps: 5", "steps: -5", 1), "scenario.yaml:2"},
		{"file", tiny + "\n" + `extra: {file: /etc/passwd}`, "cannot name files"},
		{"edge list", strings.Replace(tiny, "network: {kind: k-out, k: 3}", "network: {kind: edge-list, file: /etc/passwd}", 1), "scenario.yaml:8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := jobrun.Sim{}.Check([]byte(tc.scenario))
			if trustlab.ErrorCode(err) != trustlab.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check: %v (code %q), want invalid mentioning %q", err, trustlab.ErrorCode(err), tc.want)
			}
		})
	}
}
