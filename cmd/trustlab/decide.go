package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/bounded"
	"github.com/trustlab/trustlab/model"
)

const decideSynopsis = `trustlab decide [flags]

Evaluate one situation and explain every level of the pyramid: the trait and
its risk weight at the base, expectation against risk in the middle, and the
behaviour on top. Without --belief or --p/--n the partner is a stranger and
the belief is the trait prior. With --in - one JSON situation is read from
standard input instead (the body of POST /api/v1/decide).

The parameters are MODEL.md's defaults; --params calibrated uses the values
fitted to people's choices (docs/model.md, "Calibrated defaults") and, unless
--trait is given, the calibrated average trait: 0.369 in the investment game
(Berg et al. 1995), 0.692 in binary situations (Mikus et al. 2023). The
parameter flags override single values.

Examples:
  trustlab decide --trait 0.3 --belief 3,1 --gain 1 --loss 2
  trustlab decide --game investment --endowment 10 --multiplier 3 --p 0.4 --n 5 --json
  trustlab decide --game investment --params calibrated
  echo '{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}' | trustlab decide --in -`

func cmdDecide(e *env, args []string) error {
	fs := flag.NewFlagSet("decide", flag.ContinueOnError)
	var (
		trait, p, n                           optFloat
		gain, loss, outside                   optFloat
		controlCost, controlGain, controlLoss optFloat
		endowment, multiplier                 optFloat
		belief, game, in                      string
		asJSON                                bool
		params                                paramFlags
		preset                                string
	)
	fs.Var(&trait, "trait", fmt.Sprintf("trust trait tau, [0, 1] (default 0.5; with --params calibrated %g in the investment game, %g in binary situations)", model.CalibratedTrait, model.CalibratedTraitBinary))
	fs.StringVar(&belief, "belief", "", "belief about the partner as `A,B` of Beta(a, b), a and b in [1e-6, 1e6]")
	fs.Var(&p, "p", "expected trustworthiness, (0, 1); with --n instead of --belief")
	fs.Var(&n, "n", "evidence behind the belief, a+b; with --p")
	fs.StringVar(&game, "game", "binary", "situation: binary or investment")
	fs.Var(&gain, "gain", "binary: gain when trust is honoured, [0, inf) (default 1)")
	fs.Var(&loss, "loss", "binary: loss when trust is betrayed, [0, inf) (default 1)")
	fs.Var(&outside, "outside", "binary: value of the outside option (default 0)")
	fs.Var(&controlCost, "control-cost", "binary: cost of the control option, [0, inf); any control flag adds the option")
	fs.Var(&controlGain, "control-gain", "binary: gain under control when honoured, [0, inf) (default: --gain)")
	fs.Var(&controlLoss, "control-loss", "binary: residual loss under control when betrayed, [0, inf) (default 0)")
	fs.Var(&endowment, "endowment", "investment: endowment e, whole units in [1, 1e6] (default 10)")
	fs.Var(&multiplier, "multiplier", "investment: multiplier m, (1, 1e6] (default 3)")
	params.register(fs)
	fs.StringVar(&preset, "params", "", fmt.Sprintf("parameter `preset`: %s (fitted to the shared data sets, with the calibrated trait unless --trait is given); the parameter flags override its values (default: MODEL.md's defaults)", strings.Join(model.PresetNames(), ", ")))
	fs.BoolVar(&asJSON, "json", false, "print one JSON object instead of the pyramid")
	fs.StringVar(&in, "in", "", "read one JSON situation from `FILE` (- for standard input) instead of flags")
	if err := parseFlags(fs, args, e.stdout, decideSynopsis); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("decide: unexpected argument %q", fs.Arg(0))
	}

	var req trustlab.DecideInput
	if in != "" {
		if in != "-" {
			return usageErrorf("--in = %q: only - (standard input) is supported", in)
		}
		other := false
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "in" && f.Name != "json" {
				other = true
			}
		})
		if other {
			return usageErrorf("--in: situation flags cannot be combined with --in (only --json can)")
		}
		if err := readDecideInput(e.stdin, &req); err != nil {
			return err
		}
	} else {
		req.Trait = trait.ptr()
		req.Params = params.params()
		if belief != "" {
			if p.set || n.set {
				return usageErrorf("--belief: give either --belief A,B or --p and --n, not both")
			}
			b, err := parseBelief(belief)
			if err != nil {
				return err
			}
			req.Belief = &b
		}
		req.P, req.N = p.ptr(), n.ptr()
		g, err := model.ParseGame(game)
		if err != nil {
			return usageErrorf("--game = %q: must be one of binary, investment", game)
		}
		req.Situation = situationFromFlags(g, gain, loss, outside, controlCost, controlGain, controlLoss, endowment, multiplier)
		if preset != "" {
			pre, ok := model.Preset(preset)
			if !ok {
				return usageErrorf("--params = %q: must be one of %s", preset, strings.Join(model.PresetNames(), ", "))
			}
			req.Params = pre.Merge(req.Params)
			if !trait.set {
				tau := model.CalibratedTraitFor(g)
				req.Trait = &tau
			}
		}
		if err := checkGameFlags(fs, g); err != nil {
			return err
		}
	}
	out, err := trustlab.Decide(req)
	if err != nil {
		if in != "" {
			return usageErrorf("--in: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		return asFlagErrors(err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return writePyramid(e.stdout, out)
}

func parseBelief(s string) (model.Belief, error) {
	as, bs, ok := strings.Cut(s, ",")
	if !ok {
		return model.Belief{}, usageErrorf("--belief = %q: must be A,B (two numbers in [1e-6, 1e6], e.g. 3,1)", s)
	}
	a, err1 := strconv.ParseFloat(strings.TrimSpace(as), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(bs), 64)
	if err1 != nil || err2 != nil {
		return model.Belief{}, usageErrorf("--belief = %q: must be A,B (two numbers in [1e-6, 1e6], e.g. 3,1)", s)
	}
	return model.Belief{A: a, B: b}, nil
}

func situationFromFlags(g model.Game, gain, loss, outside, cc, cg, cl, endowment, multiplier optFloat) model.Situation {
	if g == model.Investment {
		s := model.Situation{Game: g, Endowment: 10, Multiplier: 3}
		if endowment.set {
			s.Endowment = endowment.v
		}
		if multiplier.set {
			s.Multiplier = multiplier.v
		}
		return s
	}
	s := model.Situation{Game: g, Gain: 1, Loss: 1, Outside: outside.v}
	if gain.set {
		s.Gain = gain.v
	}
	if loss.set {
		s.Loss = loss.v
	}
	if cc.set || cg.set || cl.set {
		c := &model.Control{Cost: cc.v, Gain: s.Gain, Loss: cl.v}
		if cg.set {
			c.Gain = cg.v
		}
		s.Control = c
	}
	return s
}

// checkGameFlags rejects flags that do not apply to the chosen game.
func checkGameFlags(fs *flag.FlagSet, g model.Game) error {
	binaryOnly := map[string]bool{"gain": true, "loss": true, "outside": true, "control-cost": true, "control-gain": true, "control-loss": true}
	investmentOnly := map[string]bool{"endowment": true, "multiplier": true}
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		if g == model.Investment && binaryOnly[f.Name] {
			err = usageErrorf("--%s: applies to binary situations only (the investment game is set by --endowment and --multiplier)", f.Name)
		}
		if g == model.Binary && investmentOnly[f.Name] {
			err = usageErrorf("--%s: applies to --game investment only", f.Name)
		}
	})
	return err
}

// writePyramid prints the explanation as a small pyramid: behaviour on top,
// the balance of expectation and risk in the middle, the trait at the base.
func writePyramid(w io.Writer, o trustlab.DecideOutput) error {
	x := o.Explanation
	s := o.Situation
	var top, topNote string
	var mid [3]string
	switch {
	case s.Game == model.Investment:
		top = fmt.Sprintf("intends to send %.1f%% of %g: expected amount %.2f -> %v", 100**x.Fraction, s.Endowment, *x.ExpectedAmount, x.Kind)
		topNote = fmt.Sprintf("(P(send anything) = %.4f; amounts ~ BetaBinomial(%g, f*phi, (1-f)*phi))", *x.PSendAny, s.Endowment)
		mid = [3]string{
			fmt.Sprintf("expectation %+.4f = E[(m*rho - 1)+] per unit sent, m = %g", x.Expectation, s.Multiplier),
			fmt.Sprintf("risk        %+.4f = E[(1 - m*rho)+] per unit sent", x.Risk),
			fmt.Sprintf("balance     %+.4f = expectation - lambda x risk", x.Balance),
		}
	case s.Control != nil:
		pr := x.Probabilities
		top = fmt.Sprintf("P(abstain) %.4f  P(trust) %.4f  P(control) %.4f -> %v", pr.Abstain, pr.Trust, pr.Control, x.Kind)
		topNote = fmt.Sprintf("(control costs %g, then gain %g or residual loss %g: balance %+.4f)", s.Control.Cost, s.Control.Gain, s.Control.Loss, *x.ControlBalance)
		mid = binaryMiddle(x, s)
	default:
		top = fmt.Sprintf("P(trust) = %.4f -> %v", *x.Probability, x.Kind)
		topNote = kindNote(x.Kind, s)
		mid = binaryMiddle(x, s)
	}
	lines := []struct{ shape, label, text string }{
		{"          /\\          ", "TOP     ", "behaviour: " + top},
		{"         /  \\         ", "        ", topNote},
		{"        /----\\        ", "", ""},
		{"       /      \\       ", "MIDDLE  ", mid[0]},
		{"      /  E  R  \\      ", "        ", mid[1]},
		{"     /   /\\/\\   \\     ", "        ", mid[2]},
		{"    /------------\\    ", "", ""},
		{"   /              \\   ", "BASE    ", fmt.Sprintf("trait %.2f -> risk weight lambda = %.4f", x.Trait, x.Lambda)},
		{"  /________________\\  ", "        ", fmt.Sprintf("belief Beta(%.4g, %.4g): p = %.4f on evidence n = %.4g", o.Belief.A, o.Belief.B, x.P, x.N)},
	}
	fmt.Fprintf(w, "trustlab decide: %s\n\n", describe(s))
	for _, l := range lines {
		fmt.Fprintln(w, strings.TrimRight(l.shape+l.label+l.text, " "))
	}
	return nil
}

func binaryMiddle(x model.Explanation, s model.Situation) [3]string {
	risk := fmt.Sprintf("risk        %.4f = (1 - p) %.4f x loss %g", x.Risk, 1-x.PRisk, s.Loss)
	if x.PRisk != x.P {
		risk = fmt.Sprintf("risk        %.4f = (1 - p_R) %.4f x loss %g (ambiguity: p_R = p - zeta x sd)", x.Risk, 1-x.PRisk, s.Loss)
	}
	return [3]string{
		fmt.Sprintf("expectation %.4f = p %.4f x gain %g", x.Expectation, x.P, s.Gain),
		risk,
		fmt.Sprintf("balance     %+.4f = expectation - lambda x risk - outside %g", x.Balance, s.Outside),
	}
}

func kindNote(k model.Kind, s model.Situation) string {
	switch k {
	case model.KindTrust:
		return fmt.Sprintf("(engaging risks a loss of %g: that is trust)", s.Loss)
	case model.KindCertainty:
		return "(nothing can be lost: engaging is certainty, not trust)"
	}
	return "(declining while engaging was possible: distrust)"
}

func describe(s model.Situation) string {
	if s.Game == model.Investment {
		return fmt.Sprintf("investment game (endowment %g, multiplier %g)", s.Endowment, s.Multiplier)
	}
	d := fmt.Sprintf("binary situation (gain %g, loss %g, outside option %g", s.Gain, s.Loss, s.Outside)
	if s.Control != nil {
		d += ", with a control option"
	}
	return d + ")"
}

// maxDecideInput bounds the JSON object decide --in reads.
const maxDecideInput = 1 << 20

// readDecideInput reads exactly one JSON object from r (a UTF-8 byte order
// mark is dropped, as in every trustlab input): not null, no trailing data,
// at most maxDecideInput bytes.
func readDecideInput(r io.Reader, req *trustlab.DecideInput) error {
	data, err := bounded.ReadAll(r, "standard input", maxDecideInput)
	if err != nil {
		return usageErrorf("--in: %v (one JSON object expected)", err)
	}
	data = bytes.TrimSpace(bounded.TrimBOM(data))
	switch {
	case len(data) == 0:
		return usageErrorf("--in: standard input: empty; one JSON object expected")
	case data[0] != '{':
		return usageErrorf("--in: standard input: one JSON object expected, got %q", clip(data, 20))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return usageErrorf("--in: standard input: %v", err)
	}
	if off := dec.InputOffset(); off < int64(len(data)) {
		return usageErrorf("--in: standard input: one JSON object expected, found more data after it at byte %d: %q", off+1, clip(bytes.TrimSpace(data[off:]), 20))
	}
	return nil
}

// clip returns the first n bytes of b, with "..." when it is longer.
func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "..."
}
