package experiment

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/internal/yamlx"
	"github.com/trustlab/trustlab/model"
)

// Limits of a design, which keep one session within what a server holds.
const (
	MaxRounds       = 200
	MaxSeats        = 1000
	MaxItems        = 50
	MaxArms         = 8
	MaxEndowment    = 1000
	MaxDelay        = 10 * time.Minute
	MaxRoundTimeout = time.Hour
)

// Game kinds.
const (
	Binary     = "binary"     // trust (send the whole endowment) or not; the trustee honours or betrays
	Investment = "investment" // send any whole amount 0..endowment; the trustee returns any amount of the multiplied sum
)

// Matching schemes.
const (
	Fixed     = "fixed"     // the same partner every round
	Strangers = "strangers" // partners re-drawn every round
)

// Trustee behaviours of bots: the project's behaviours (package scenario)
// plus a fixed schedule.
const (
	Probabilistic = "probabilistic" // honours with probability w
	Reciprocal    = "reciprocal"    // honours with probability clamp(w + slope*(q - 0.5), 0, 1), q the fraction the partner sent
	ConArtist     = "con-artist"    // honours the first `honours` trusts of its partner, then betrays
	Schedule      = "schedule"      // returns the scheduled fraction each round
)

// Feedback regimes of an arm.
const (
	FeedbackOwn  = "own"  // the trustor sees the return only after sending something
	FeedbackFull = "full" // also what the partner would have returned after sending nothing
)

// Duration is a time span written as a Go duration ("90s", "1m30s").
type Duration time.Duration

// MarshalText writes the duration as Go does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// D is the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Design is an experiment: the game, matching, partners, questionnaire
// and treatments. Parse reads it from YAML.
type Design struct {
	Name        string        `yaml:"name" json:"name"`
	Description string        `yaml:"description" json:"description,omitempty"`
	Game        Game          `yaml:"game" json:"game"`
	Roles       Roles         `yaml:"roles" json:"roles"`
	Humans      int           `yaml:"participants" json:"participants"`
	Bots        []Bot         `yaml:"bots" json:"bots,omitempty"`
	Timing      Timing        `yaml:"timing" json:"timing"`
	Replacement *Bot          `yaml:"replacement" json:"replacement,omitempty"`
	Survey      Questionnaire `yaml:"questionnaire" json:"questionnaire"`
	Arms        []Arm         `yaml:"arms" json:"arms"`
}

// Game is the trust game played each round.
type Game struct {
	Kind           string  `yaml:"kind" json:"kind"`
	Endowment      int     `yaml:"endowment" json:"endowment"`
	Multiplier     float64 `yaml:"multiplier" json:"multiplier"`
	ReturnOnHonour float64 `yaml:"return_on_honour" json:"return_on_honour,omitempty"` // binary: fraction of the multiplied amount an honouring trustee returns
	Rounds         int     `yaml:"rounds" json:"rounds"`
	ShowUp         string  `yaml:"show_up" json:"show_up"`
}

// Roles say who plays whom.
type Roles struct {
	Matching string `yaml:"matching" json:"matching"`
	SwitchAt int    `yaml:"switch_at" json:"switch_at,omitempty"` // from this round on the roles are swapped (0: never)
}

// Bot is a computer partner: a trustee behaviour, a trustor model and a
// delay before it answers.
type Bot struct {
	Name    string    `yaml:"name" json:"name,omitempty"`
	Count   int       `yaml:"count" json:"count,omitempty"`
	Trustee Behaviour `yaml:"trustee" json:"trustee"`
	Trustor Trustor   `yaml:"trustor" json:"trustor"`
	Delay   Duration  `yaml:"delay" json:"delay"`
}

// Behaviour is how a bot acts as a trustee.
type Behaviour struct {
	Kind    string    `yaml:"kind" json:"kind"`
	W       *float64  `yaml:"w" json:"w,omitempty"`
	Slope   float64   `yaml:"slope" json:"slope,omitempty"`
	Honours int       `yaml:"honours" json:"honours,omitempty"`
	Returns []float64 `yaml:"returns" json:"returns,omitempty"` // schedule: fraction of the multiplied amount returned each round (repeated)
	Honour  *float64  `yaml:"honour" json:"honour,omitempty"`   // investment: fraction returned when honouring (default 0.5)
}

// Trustor is a bot trustor driven by the pyramid model.
type Trustor struct {
	Tau    *float64     `yaml:"tau" json:"tau,omitempty"`
	Params model.Params `yaml:"params" json:"params"`
}

// Timing is what happens when people are slow or leave.
type Timing struct {
	RoundTimeout         Duration `yaml:"round_timeout" json:"round_timeout"`
	DefaultSend          int      `yaml:"default_send" json:"default_send"`
	DefaultReturn        float64  `yaml:"default_return" json:"default_return"`
	DropoutAfter         Duration `yaml:"dropout_after" json:"dropout_after"`
	ReplaceAfterTimeouts int      `yaml:"replace_after_timeouts" json:"replace_after_timeouts"`
}

// Questionnaire is the trait questionnaire shown before the first round,
// keyed as dataset keys are (examples/data/general_trust_key.yaml).
type Questionnaire struct {
	Scale string `yaml:"scale" json:"scale,omitempty"`
	Min   int    `yaml:"min" json:"min"`
	Max   int    `yaml:"max" json:"max"`
	Items []Item `yaml:"items" json:"items,omitempty"`
}

// Item is one questionnaire item.
type Item struct {
	ID      string `yaml:"id" json:"id"`
	Text    string `yaml:"text" json:"text"`
	Reverse bool   `yaml:"reverse" json:"reverse,omitempty"`
}

// Arm is a between-subjects treatment.
type Arm struct {
	Name     string `yaml:"name" json:"name"`
	Feedback string `yaml:"feedback" json:"feedback"`
	Stakes   []int  `yaml:"stakes" json:"stakes,omitempty"` // the endowment of each round (graduated stakes), as many as rounds
}

// Seats is the number of players: humans plus bots.
func (d *Design) Seats() int {
	n := d.Humans
	for _, b := range d.Bots {
		n += b.Count
	}
	return n
}

// Endowment is the endowment of round r (1-based) in arm a.
func (d *Design) Endowment(a, r int) int {
	if s := d.Arms[a].Stakes; len(s) > 0 {
		return s[r-1]
	}
	return d.Game.Endowment
}

// Parse reads a design from YAML; name is the file name for messages.
// Every error names the file, line, column and key, and the allowed
// values; all errors found are returned together.
func Parse(data []byte, name string) (*Design, error) {
	if len(data) > 1<<20 {
		return nil, &Error{File: name, Msg: fmt.Sprintf("the file is %d bytes: at most 1 MiB", len(data))}
	}
	root, err := yamlx.ParseMapping(data, name)
	if err != nil {
		return nil, err
	}
	dec := &decoder{Walker: yamlx.Walker{File: name}}
	d := dec.design(root)
	if err := dec.Err(); err != nil {
		return nil, err
	}
	d.defaults()
	if err := d.validate(name, yamlx.Index(root)); err != nil {
		return nil, err
	}
	return &d, nil
}

func (d *Design) defaults() {
	if d.Game.Kind == "" {
		d.Game.Kind = Investment
	}
	if d.Game.Multiplier == 0 {
		d.Game.Multiplier = 3
	}
	if d.Game.Kind == Binary && d.Game.ReturnOnHonour == 0 {
		d.Game.ReturnOnHonour = 0.5
	}
	if d.Roles.Matching == "" {
		d.Roles.Matching = Fixed
	}
	if d.Timing.RoundTimeout == 0 {
		d.Timing.RoundTimeout = Duration(60 * time.Second)
	}
	if d.Timing.DropoutAfter == 0 {
		d.Timing.DropoutAfter = Duration(45 * time.Second)
	}
	if d.Replacement == nil {
		d.Replacement = &Bot{Name: "replacement", Trustee: Behaviour{Kind: Probabilistic, W: ptr(0.5)}, Delay: Duration(time.Second)}
	}
	if d.Replacement.Name == "" {
		d.Replacement.Name = "replacement"
	}
	for i := range d.Bots {
		if d.Bots[i].Count == 0 {
			d.Bots[i].Count = 1
		}
		if d.Bots[i].Name == "" {
			d.Bots[i].Name = fmt.Sprintf("bot%d", i+1)
		}
	}
	if len(d.Arms) == 0 {
		d.Arms = []Arm{{Name: "control", Feedback: FeedbackOwn}}
	}
	for i := range d.Arms {
		if d.Arms[i].Feedback == "" {
			d.Arms[i].Feedback = FeedbackOwn
		}
		if d.Arms[i].Name == "" {
			d.Arms[i].Name = fmt.Sprintf("arm%d", i+1)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func (d *Design) validate(name string, p yamlx.Positions) error {
	var errs srcpos.List
	fail := func(field, format string, a ...any) {
		l, c := p.At(field)
		errs.Add(&Error{File: name, Line: l, Column: c, Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	g := d.Game
	if g.Kind != Binary && g.Kind != Investment {
		fail("game.kind", "%q: must be binary or investment", g.Kind)
	}
	if g.Endowment < 1 || g.Endowment > MaxEndowment {
		fail("game.endowment", "%d: must be a whole number in [1, %d]", g.Endowment, MaxEndowment)
	}
	if !(g.Multiplier >= 1 && g.Multiplier <= 100) {
		fail("game.multiplier", "%g: must be in [1, 100]", g.Multiplier)
	}
	if g.Rounds < 1 || g.Rounds > MaxRounds {
		fail("game.rounds", "%d: must be in [1, %d]", g.Rounds, MaxRounds)
	}
	if g.Kind == Binary {
		if !(g.ReturnOnHonour > 0 && g.ReturnOnHonour <= 1) {
			fail("game.return_on_honour", "%g: must be in (0, 1]", g.ReturnOnHonour)
		}
	} else if g.ReturnOnHonour != 0 {
		fail("game.return_on_honour", "applies to the binary game only (in the investment game the trustee chooses the amount)")
	}
	if len(g.ShowUp) > 4000 {
		fail("game.show_up", "%d characters: at most 4000", len(g.ShowUp))
	}
	if d.Roles.Matching != Fixed && d.Roles.Matching != Strangers {
		fail("roles.matching", "%q: must be fixed or strangers", d.Roles.Matching)
	}
	if d.Roles.SwitchAt < 0 || (d.Roles.SwitchAt > 0 && (d.Roles.SwitchAt < 2 || d.Roles.SwitchAt > g.Rounds)) {
		fail("roles.switch_at", "%d: must be 0 (no switch) or a round in [2, %d]", d.Roles.SwitchAt, max(2, g.Rounds))
	}
	if d.Humans < 0 || d.Humans > MaxSeats {
		fail("participants", "%d: must be in [0, %d]", d.Humans, MaxSeats)
	}
	for i := range d.Bots {
		d.Bots[i].validate(fmt.Sprintf("bots.%d", i), g, fail)
	}
	d.Replacement.validate("replacement", g, fail)
	if d.Replacement.Count > 1 {
		fail("replacement.count", "a replacement is one bot: leave count out")
	}
	seats := d.Seats()
	switch {
	case seats < 2:
		fail("participants", "%d participants and %d bots: a session needs at least 2 players", d.Humans, seats-d.Humans)
	case seats > MaxSeats:
		fail("participants", "%d players in all: at most %d", seats, MaxSeats)
	case seats%(2*len(d.Arms)) != 0 && len(d.Arms) <= MaxArms:
		fail("participants", "%d players in all (%d participants and %d bots) must split into pairs within each of the %d arms: make it a multiple of %d", seats, d.Humans, seats-d.Humans, len(d.Arms), 2*len(d.Arms))
	}
	t := d.Timing
	if t.RoundTimeout.D() < time.Second || t.RoundTimeout.D() > MaxRoundTimeout {
		fail("timing.round_timeout", "%v: must be in [1s, 1h]", t.RoundTimeout.D())
	}
	if t.DefaultSend < 0 || t.DefaultSend > g.Endowment {
		fail("timing.default_send", "%d: must be in [0, %d] (the endowment)", t.DefaultSend, g.Endowment)
	}
	if g.Kind == Binary && t.DefaultSend != 0 && t.DefaultSend != g.Endowment {
		fail("timing.default_send", "%d: in the binary game it must be 0 (keep) or %d (trust)", t.DefaultSend, g.Endowment)
	}
	if !(t.DefaultReturn >= 0 && t.DefaultReturn <= 1) {
		fail("timing.default_return", "%g: must be in [0, 1] (a fraction of the amount received)", t.DefaultReturn)
	}
	if t.DropoutAfter.D() < time.Second || t.DropoutAfter.D() > MaxRoundTimeout {
		fail("timing.dropout_after", "%v: must be in [1s, 1h]", t.DropoutAfter.D())
	}
	if t.ReplaceAfterTimeouts < 0 || t.ReplaceAfterTimeouts > g.Rounds {
		fail("timing.replace_after_timeouts", "%d: must be in [0, %d] (0: never)", t.ReplaceAfterTimeouts, g.Rounds)
	}
	q := d.Survey
	if len(q.Items) > MaxItems {
		fail("questionnaire.items", "%d items: at most %d", len(q.Items), MaxItems)
	}
	if len(q.Items) > 0 {
		if q.Max <= q.Min || q.Min < -100 || q.Max > 100 {
			fail("questionnaire.max", "min %d, max %d: max must be greater than min, both in [-100, 100]", q.Min, q.Max)
		}
		seen := map[string]bool{}
		for i, it := range q.Items {
			f := fmt.Sprintf("questionnaire.items.%d", i)
			if !validID(it.ID) {
				fail(f+".id", "%q: must be 1-32 letters, digits, _ or -", it.ID)
			} else if seen[it.ID] || reservedColumn(it.ID) {
				fail(f+".id", "%q: appears twice or is a reserved column name (subject)", it.ID)
			}
			seen[it.ID] = true
			if strings.TrimSpace(it.Text) == "" || len(it.Text) > 1000 {
				fail(f+".text", "required, at most 1000 characters")
			}
		}
	} else if q.Scale != "" || q.Min != 0 || q.Max != 0 {
		fail("questionnaire.items", "a questionnaire needs items (each with id and text)")
	}
	if len(d.Arms) > MaxArms {
		fail("arms", "%d arms: at most %d", len(d.Arms), MaxArms)
	}
	names := map[string]bool{}
	for i, a := range d.Arms {
		f := fmt.Sprintf("arms.%d", i)
		if !validID(a.Name) || names[a.Name] {
			fail(f+".name", "%q: must be unique, 1-32 letters, digits, _ or -", a.Name)
		}
		names[a.Name] = true
		if a.Feedback != FeedbackOwn && a.Feedback != FeedbackFull {
			fail(f+".feedback", "%q: must be own or full", a.Feedback)
		}
		if len(a.Stakes) > 0 {
			if len(a.Stakes) != g.Rounds {
				fail(f+".stakes", "%d values: give one endowment per round (%d)", len(a.Stakes), g.Rounds)
			}
			for j, s := range a.Stakes {
				if s < 1 || s > MaxEndowment {
					fail(fmt.Sprintf("%s.stakes.%d", f, j), "%d: must be in [1, %d]", s, MaxEndowment)
				}
				if g.Kind == Binary && t.DefaultSend != 0 {
					fail(f+".stakes", "in the binary game with graduated stakes timing.default_send must be 0")
					break
				}
			}
		}
	}
	return errs.Err()
}

func (b *Bot) validate(f string, g Game, fail func(field, format string, a ...any)) {
	if b.Count < 0 || b.Count > MaxSeats {
		fail(f+".count", "%d: must be in [1, %d]", b.Count, MaxSeats)
	}
	if !validID(b.Name) {
		fail(f+".name", "%q: must be 1-32 letters, digits, _ or -", b.Name)
	}
	if b.Delay.D() < 0 || b.Delay.D() > MaxDelay {
		fail(f+".delay", "%v: must be in [0s, 10m]", b.Delay.D())
	}
	t := b.Trustee
	if t.Kind == "" {
		t.Kind = Probabilistic
		b.Trustee.Kind = Probabilistic
	}
	kinds := []string{Probabilistic, Reciprocal, ConArtist, Schedule}
	if !slices.Contains(kinds, t.Kind) {
		fail(f+".trustee.kind", "%q: must be one of %s", t.Kind, strings.Join(kinds, ", "))
	}
	needW := t.Kind == Probabilistic || t.Kind == Reciprocal
	switch {
	case needW && t.W == nil:
		b.Trustee.W = ptr(0.5)
	case needW && !(*t.W >= 0 && *t.W <= 1):
		fail(f+".trustee.w", "%g: must be in [0, 1]", *t.W)
	case !needW && t.W != nil:
		fail(f+".trustee.w", "applies to kinds probabilistic and reciprocal only")
	}
	if t.Slope != 0 && t.Kind != Reciprocal {
		fail(f+".trustee.slope", "applies to kind reciprocal only")
	}
	if math.IsNaN(t.Slope) || math.Abs(t.Slope) > 10 {
		fail(f+".trustee.slope", "%g: must be in [-10, 10]", t.Slope)
	}
	if t.Kind == ConArtist && (t.Honours < 0 || t.Honours > MaxRounds) {
		fail(f+".trustee.honours", "%d: must be in [0, %d]", t.Honours, MaxRounds)
	}
	if t.Honours != 0 && t.Kind != ConArtist {
		fail(f+".trustee.honours", "applies to kind con-artist only")
	}
	if t.Kind == Schedule && len(t.Returns) == 0 {
		fail(f+".trustee.returns", "required for kind schedule: the fraction of the multiplied amount returned each round, e.g. [0.5, 0.5, 0]")
	}
	if len(t.Returns) > 0 && t.Kind != Schedule {
		fail(f+".trustee.returns", "applies to kind schedule only")
	}
	if len(t.Returns) > MaxRounds {
		fail(f+".trustee.returns", "%d values: at most %d", len(t.Returns), MaxRounds)
	}
	for i, r := range t.Returns {
		if !(r >= 0 && r <= 1) {
			fail(fmt.Sprintf("%s.trustee.returns.%d", f, i), "%g: must be in [0, 1]", r)
		}
	}
	if t.Honour != nil && !(*t.Honour >= 0 && *t.Honour <= 1) {
		fail(f+".trustee.honour", "%g: must be in [0, 1]", *t.Honour)
	}
	if t.Honour != nil && g.Kind == Binary {
		fail(f+".trustee.honour", "applies to the investment game only (binary: game.return_on_honour)")
	}
	if b.Trustor.Tau != nil && !(*b.Trustor.Tau >= 0 && *b.Trustor.Tau <= 1) {
		fail(f+".trustor.tau", "%g: must be in [0, 1]", *b.Trustor.Tau)
	}
	if _, err := b.Trustor.Params.Model(); err != nil {
		fail(f+".trustor.params", "%v", err)
	}
}

func validID(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func reservedColumn(s string) bool { return s == "subject" }
