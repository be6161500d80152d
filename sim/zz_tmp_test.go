package sim

import (
	"os"
	"strconv"
	"testing"
)

func BenchmarkTmpBig(b *testing.B) {
	name := os.Getenv("TMPSC")
	n, _ := strconv.Atoi(os.Getenv("TMPN"))
	sc, err := loadScenario(name)
	if err != nil {
		b.Fatal(err)
	}
	sc.Population.Size = n
	benchSteps(b, sc, Options{})
}
