package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/trustlab/trustlab/experiment"
	"github.com/trustlab/trustlab/internal/srcpos"
)

const experimentSynopsis = `trustlab experiment check FILE.yaml

Check an experiment design (docs/experiments.md) without a server: print what
the session will be, or every error with its file, line, column, key and
allowed values (exit status 2). Sessions are opened on the server's
experiments page (trustlab serve, /experiments) or with
POST /api/v1/experiments/sessions.

Example:
  trustlab experiment check examples/experiments/class.yaml`

func cmdExperiment(e *env, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprintf(e.stdout, "Usage: %s\n", experimentSynopsis)
		return errHelp
	}
	if len(args) != 2 || args[0] != "check" {
		return usageErrorf("experiment: want trustlab experiment check FILE.yaml")
	}
	b, err := os.ReadFile(args[1])
	if err != nil {
		return usageErrorf("%v", err)
	}
	d, err := experiment.Parse(b, args[1])
	if err != nil {
		var lines []string
		for _, e := range srcpos.Flatten(err) {
			lines = append(lines, e.Error())
		}
		return usageErrorf("%s", strings.Join(lines, "\n"))
	}
	var arms []string
	for _, a := range d.Arms {
		s := a.Name + " (feedback " + a.Feedback
		if len(a.Stakes) > 0 {
			s += ", graduated stakes"
		}
		arms = append(arms, s+")")
	}
	fmt.Fprintf(e.stdout, "%s: %s: %d participants and %d bots, %d rounds of the %s game (endowment %d, multiplier %g), %s partners",
		args[1], d.Name, d.Humans, d.Seats()-d.Humans, d.Game.Rounds, d.Game.Kind, d.Game.Endowment, d.Game.Multiplier, d.Roles.Matching)
	if d.Roles.SwitchAt > 0 {
		fmt.Fprintf(e.stdout, ", roles swap at round %d", d.Roles.SwitchAt)
	}
	fmt.Fprintf(e.stdout, "; %d questionnaire items; arms: %s\n", len(d.Survey.Items), strings.Join(arms, ", "))
	return nil
}
