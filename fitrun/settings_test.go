package fitrun_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
)

// Settings (the web laboratory's fit options) parse into the Options the
// CLI's flags give, and every bad value is an OptionError naming its
// field and the allowed range.
func TestSettingsOptions(t *testing.T) {
	good, err := fitrun.ParseSettings([]byte(`{"models":"no_learning,baseline","role":"trustor","fix":{"gamma":1},"free":["kappa"],
		"prior":"weak","pool":"none","split":"treatment","response":"bb","cv_fraction":0.7,"samples":0,"replications":5,"restarts":3,"seed":0,"end_game":4,"loso":false}`))
	if err != nil {
		t.Fatal(err)
	}
	o, err := good.Options()
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Models) != 3 || o.Models[0].Name != "full" || o.Role != fitrun.RoleTrustor || o.Fixed[fit.Gamma] != 1 || !slices.Equal(o.Free, []fit.Param{fit.Kappa}) ||
		*o.Prior != fit.PriorWeak || o.Pool != fitrun.PoolNone || o.AutoPool || o.Split != "treatment" || o.CVFraction != 0.7 || !o.NoSamples ||
		o.Replications != 5 || o.Restarts != 3 || o.Seed == nil || *o.Seed != 0 || o.EndGame != 4 {
		t.Errorf("options: %+v", o)
	}
	if args := strings.Join(good.Args(), " "); args != "--models no_learning,baseline --role trustor --fix gamma=1 --free kappa --prior weak --pool none --split treatment --response bb --cv-fraction 0.7 --replications 5 --samples 0 --restarts 3 --seed 0 --end-game 4" {
		t.Errorf("args: %s", args)
	}
	// The zero value: the CLI's defaults, one-shot data pooled by group.
	if o, err := (fitrun.Settings{}).Options(); err != nil || o.Prior != nil || o.Models != nil || !o.AutoPool || o.Samples != 0 || o.NoSamples {
		t.Errorf("zero settings: %+v, %v", o, err)
	}
	for _, tc := range []struct {
		body, field, rng string
	}{
		{`{"cv_fraction":1.5}`, "cv_fraction", "(0, 1)"},
		{`{"cv_fraction":0}`, "cv_fraction", "(0, 1)"},
		{`{"cv_folds":1}`, "cv_folds", "[2, 100]"},
		{`{"samples":100001}`, "samples", "[0, 100000]"},
		{`{"replications":-1}`, "replications", "[0, 1000]"},
		{`{"restarts":101}`, "restarts", "[1, 100]"},
		{`{"restarts":-2}`, "restarts", "[1, 100]"},
		{`{"end_game":1001}`, "end_game", "[1, 1000]"},
		{`{"models":"full,no_memory"}`, "models", strings.Join(fit.VariantNames(), ", ")},
		{`{"role":"judge"}`, "role", "auto, trustor, trustee, both"},
		{`{"prior":"bayes"}`, "prior", "empirical, weak, none"},
		{`{"pool":"some"}`, "pool", "none, group, all"},
		{`{"pool":"all","prior":"empirical"}`, "prior", "none, weak"},
		{`{"fix":{"gamma":2}}`, "fix", ""},
		{`{"fix":{"trust":1}}`, "fix", "a parameter name"},
		{`{"free":["beta"]}`, "free", "lambda0, kappa, gamma, n0"},
		{`{"free":["gamma"],"fix":{"gamma":1}}`, "free", ""},
		{`{"tau_from":"maybe"}`, "tau_from", "fix, prior"},
		{`{"response":"wobbly"}`, "response", "bb, or lapse, hurdle, round joined by +"},
		{`{"loso":true,"prior":"weak"}`, "loso", ""},
		{`{"split":" treatment"}`, "split", "a column of the data"},
		{`{"samples":"many"}`, "samples", ""},
		{`{"sample":5}`, "sample", ""},
		{`[1]`, "options", ""},
		{`{} {}`, "options", ""},
	} {
		s, err := fitrun.ParseSettings([]byte(tc.body))
		if err == nil {
			_, err = s.Options()
		}
		var oe *fitrun.OptionError
		if !errors.As(err, &oe) || oe.Field != tc.field || oe.Range != tc.rng {
			t.Errorf("%s: %v (%+v), want an OptionError about %s in %q", tc.body, err, oe, tc.field, tc.rng)
		}
	}
}

func FuzzParseSettings(f *testing.F) {
	for _, s := range []string{`{}`, `{"models":"all","fix":{"gamma":1},"cv_fraction":0.5}`, `{"seed":-1}`, `{"free":["n0","kappa"]}`, `null`, `{"split":"\u0000"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		s, err := fitrun.ParseSettings([]byte(body))
		if err != nil {
			var oe *fitrun.OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("%q: %v is not an OptionError", body, err)
			}
			return
		}
		if _, err := s.Options(); err != nil {
			for _, e := range unjoin(err) {
				var oe *fitrun.OptionError
				if !errors.As(e, &oe) || oe.Field == "" {
					t.Fatalf("%q: %v is not an OptionError with a field", body, e)
				}
			}
		}
		_ = s.Args()
	})
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
