package experiment_test

import (
	"os"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/experiment"
)

func TestParseExample(t *testing.T) {
	b, err := os.ReadFile("../examples/experiments/class.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := experiment.Parse(b, "class.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d.Seats() != 8 || d.Game.Rounds != 10 || d.Roles.SwitchAt != 6 || len(d.Survey.Items) != 5 || len(d.Arms) != 2 {
		t.Errorf("%+v", d)
	}
}

// Every error names the file, the line and column of the key, the key and
// the allowed values.
func TestParseErrors(t *testing.T) {
	base := "game: {endowment: 10, rounds: 5}\nparticipants: 2\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", base + "colour: red\n", "d.yaml:3:1: colour: unknown key"},
		{"game kind", "game: {kind: poker, endowment: 10, rounds: 5}\nparticipants: 2\n", `d.yaml:1:8: game.kind: "poker": must be binary or investment`},
		{"endowment", "game:\n  endowment: 0\n  rounds: 5\nparticipants: 2\n", "d.yaml:2:3: game.endowment: 0: must be a whole number in [1, 1000]"},
		{"rounds", "game:\n  endowment: 5\n  rounds: 500\nparticipants: 2\n", "d.yaml:3:3: game.rounds: 500: must be in [1, 200]"},
		{"odd players", "game: {endowment: 10, rounds: 5}\nparticipants: 3\n", "participants: 3 players in all"},
		{"w range", base + "bots: [{count: 2, trustee: {kind: probabilistic, w: 1.5}}]\n", "bots.0.trustee.w: 1.5: must be in [0, 1]"},
		{"slope", base + "bots: [{count: 2, trustee: {kind: probabilistic, slope: 1}}]\n", "bots.0.trustee.slope: applies to kind reciprocal only"},
		{"schedule", base + "bots: [{count: 2, trustee: {kind: schedule}}]\n", "bots.0.trustee.returns: required for kind schedule"},
		{"behaviour", base + "bots: [{count: 2, trustee: {kind: saint}}]\n", `bots.0.trustee.kind: "saint": must be one of probabilistic, reciprocal, con-artist, schedule`},
		{"delay", base + "bots: [{count: 2, delay: soon}]\n", `d.yaml:3:26: bots.0.delay: "soon": must be a duration such as 500ms, 30s or 2m`},
		{"tau", base + "bots: [{count: 2, trustor: {tau: 2}}]\n", "bots.0.trustor.tau: 2: must be in [0, 1]"},
		{"params", base + "bots: [{count: 2, trustor: {params: {gamma: 0}}}]\n", "bots.0.trustor.params: gamma"},
		{"timeout", base + "timing: {round_timeout: 10ms}\n", "timing.round_timeout: 10ms: must be in [1s, 1h]"},
		{"default send", base + "timing: {default_send: 11}\n", "timing.default_send: 11: must be in [0, 10] (the endowment)"},
		{"stakes", base + "arms: [{name: a, stakes: [1, 2]}]\n", "arms.0.stakes: 2 values: give one endowment per round (5)"},
		{"feedback", base + "arms: [{name: a, feedback: social}]\n", `arms.0.feedback: "social": must be own or full`},
		{"arms split", base + "arms: [{name: a}, {name: b}]\n", "must split into pairs within each of the 2 arms"},
		{"item id", base + "questionnaire: {min: 1, max: 5, items: [{id: 'a b', text: x}]}\n", `questionnaire.items.0.id: "a b"`},
		{"min max", base + "questionnaire: {min: 5, max: 5, items: [{id: a, text: x}]}\n", "questionnaire.max: min 5, max 5"},
		{"switch", base + "roles: {switch_at: 1}\n", "roles.switch_at: 1: must be 0 (no switch) or a round in [2, 5]"},
		{"matching", base + "roles: {matching: random}\n", `roles.matching: "random": must be fixed or strangers`},
		{"not a number", "game: {endowment: ten, rounds: 5}\nparticipants: 2\n", `d.yaml:1:19: game.endowment: "ten": must be a whole number`},
		{"fraction", "game: {endowment: 10.5, rounds: 5}\nparticipants: 2\n", "d.yaml:1:19: game.endowment: 10.5: must be a whole number"},
		{"not a list", base + "arms: {name: a}\n", "d.yaml:3:7: arms: a mapping: must be a list"},
		{"too many arms", base + "arms: [a, b, c, d, e, f, g, h, i]\n", "d.yaml:3:7: arms: 9 arms: at most 8"},
		{"duplicate key", base + "participants: 4\n", "d.yaml:3:1: participants: duplicate key (first on line 2)"},
		{"empty", "", "d.yaml: empty file"},
		{"list", "- a\n", "d.yaml:1:1: expected a YAML mapping"},
		{"two docs", base + "---\na: 1\n", "second YAML document"},
		{"return on honour investment", "game: {endowment: 10, rounds: 5, return_on_honour: 0.5}\nparticipants: 2\n", "game.return_on_honour: applies to the binary game only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := experiment.Parse([]byte(tc.yaml), "d.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("../examples/experiments/class.yaml")
	f.Add(string(b))
	f.Add("game: {endowment: 10, rounds: 5}\nparticipants: 2\n")
	f.Add("bots: [{count: 2, trustee: {kind: schedule, returns: [0.5]}}]\n")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := experiment.Parse([]byte(s), "f.yaml")
		if err == nil && (d.Seats() < 2 || d.Game.Rounds < 1 || d.Game.Endowment < 1) {
			t.Errorf("accepted an invalid design: %+v", d)
		}
	})
}
