package sim

import (
	"os"
	"strconv"
	"testing"
)

func TestDbgSteps(t *testing.T) {
	name := os.Getenv("DBG_SCEN")
	if name == "" {
		t.Skip()
	}
	steps, _ := strconv.Atoi(os.Getenv("DBG_STEPS"))
	sc, _ := loadScenario(name)
	sc.Population.Size = 100000
	s, _ := New(sc, Options{Workers: 1})
	for range steps {
		s.Step()
	}
}
