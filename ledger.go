package trustlab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/model"
)

// Party is someone in the relationships ledger: a trust trait and the model
// parameters that govern how it learns and decides.
type Party struct {
	ID     string       `json:"id"`
	Trait  float64      `json:"trait"`  // base trait tau as last set, [0, 1]
	Params model.Params `json:"params"` // as given; nil fields are defaults

	// CurrentTrait is the trait after learning from every experience
	// (equal to Trait unless params.eta > 0).
	CurrentTrait float64   `json:"current_trait"`
	Experiences  int       `json:"experiences"` // experiences recorded by this party
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// PartyInput is the body of PUT /parties/{id}.
type PartyInput struct {
	Trait  *float64     `json:"trait,omitempty"` // default 0.5
	Params model.Params `json:"params"`
}

// Validate checks the id, the trait and every parameter.
func (in PartyInput) Validate(id string) (tau float64, m model.Model, err error) {
	tau = 0.5
	if in.Trait != nil {
		tau = *in.Trait
	}
	m, perr := in.Params.Model()
	err = Invalid(joinErrs(ValidateID("id", id), model.ValidateTrait(tau), prefix("params.", perr)))
	return tau, m, err
}

// Outcome is what a partner did with the trust given: a number in [0, 1]
// (1 honoured, 0 betrayed, or a return fraction). In JSON it is a number or
// one of the strings "honoured" (or "honored") and "betrayed".
type Outcome float64

// UnmarshalJSON accepts a number or "honoured", "honored", "betrayed".
func (o *Outcome) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "honoured", "honored":
			*o = 1
		case "betrayed":
			*o = 0
		default:
			return FieldErrorf("outcome", "[0, 1]", "%q: must be a number in [0, 1] or one of honoured, betrayed", s)
		}
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return FieldErrorf("outcome", "[0, 1]", "%s: must be a number in [0, 1] or one of honoured, betrayed", b)
	}
	*o = Outcome(v)
	return nil
}

// Confirmed reports whether the outcome confirms trust. The ledger judges
// every outcome by the binary rule of docs/model.md, "Experience: built, tested, confirmed, betrayed" (honoured: r >= 0.5).
func (o Outcome) Confirmed() bool { return model.Situation{}.Confirmed(float64(o)) }

// ExperienceInput is the body of POST /experiences: one encounter in which
// From trusted To with Stake and To answered with Outcome.
type ExperienceInput struct {
	From    string     `json:"from"`
	To      string     `json:"to"`
	Outcome *Outcome   `json:"outcome"`
	Stake   *float64   `json:"stake"`
	Time    *time.Time `json:"time,omitempty"` // default: when the server receives it
	Key     string     `json:"key"`            // idempotency key
}

// Limits of ledger values.
const (
	MaxIDLen  = 128
	MaxStake  = 1e12
	MaxKeyLen = 200

	// MaxAhead is how far ahead of the server's clock an experience's
	// time may be (clock skew between client and server). An experience
	// from the future would sort after every later one, so that each of
	// them would be a back-dated write.
	MaxAhead = 5 * time.Minute
)

// CheckTime refuses an experience time more than MaxAhead after now, the
// server's clock.
func (in ExperienceInput) CheckTime(now time.Time) error {
	if in.Time != nil && in.Time.After(now.Add(MaxAhead)) {
		return Invalid(FieldErrorf("time", "up to 5 minutes after the server's clock",
			"%s is more than 5 minutes ahead of the server's clock (%s): an experience is recorded when it has happened",
			in.Time.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
	}
	return nil
}

// Validate checks every field; the error joins one *Error per problem.
func (in ExperienceInput) Validate() error {
	var errs []error
	errs = append(errs, ValidateID("from", in.From), ValidateID("to", in.To))
	if in.From != "" && in.From == in.To {
		errs = append(errs, FieldErrorf("to", "", "must differ from from (%q): a party does not trust itself", in.From))
	}
	if in.Outcome == nil {
		errs = append(errs, FieldErrorf("outcome", "[0, 1]", "required: a number in [0, 1] or one of honoured, betrayed"))
	} else if v := float64(*in.Outcome); math.IsNaN(v) || v < 0 || v > 1 {
		errs = append(errs, &model.RangeError{Field: "outcome", Value: v, Range: "[0, 1]"})
	}
	if in.Stake == nil {
		errs = append(errs, FieldErrorf("stake", "[0, 1e12]", "required: what From exposed, a number in [0, 1e12]"))
	} else if v := *in.Stake; math.IsNaN(v) || v < 0 || v > MaxStake {
		errs = append(errs, &model.RangeError{Field: "stake", Value: v, Range: "[0, 1e12]"})
	}
	if in.Time != nil && (in.Time.Year() < 1 || in.Time.Year() > 9999) {
		errs = append(errs, FieldErrorf("time", "years 0001-9999", "%v: out of range", in.Time))
	}
	if in.Key == "" {
		errs = append(errs, FieldErrorf("key", "1-200 bytes", "required: an idempotency key (the same key twice records one experience)"))
	} else if len(in.Key) > MaxKeyLen {
		errs = append(errs, FieldErrorf("key", "1-200 bytes", "%d bytes: too long", len(in.Key)))
	}
	return Invalid(joinErrs(errs...))
}

// Fingerprint is the canonical form of the input that the idempotency check
// compares: two requests with the same key must have the same fingerprint.
// An omitted time matches the time recorded for the original.
func (in ExperienceInput) Fingerprint() string {
	t := ""
	if in.Time != nil {
		t = in.Time.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%q %q %s %s %s", in.From, in.To,
		strconv.FormatFloat(float64(*in.Outcome), 'g', -1, 64),
		strconv.FormatFloat(*in.Stake, 'g', -1, 64), t)
}

// Experience is one recorded encounter: an entry of the append-only log.
type Experience struct {
	Seq        int64     `json:"seq"` // insertion order, from 1
	From       string    `json:"from"`
	To         string    `json:"to"`
	Outcome    float64   `json:"outcome"`
	Confirmed  bool      `json:"confirmed"`
	Stake      float64   `json:"stake"`
	Time       time.Time `json:"time"`
	Key        string    `json:"key"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Pair is the derived state of what one party believes about another.
type Pair struct {
	Prior       model.Belief `json:"prior"`  // the trait prior at the first encounter
	Belief      model.Belief `json:"belief"` // after every experience
	Experiences int          `json:"experiences"`
	LastStake   float64      `json:"last_stake"`
}

// BeliefStep is the belief after one experience.
type BeliefStep struct {
	Experience
	Belief model.Belief `json:"belief"`
	P      float64      `json:"p"`
	N      float64      `json:"n"`
	Trait  float64      `json:"trait"` // From's trait after the experience
}

// BeliefHistory is what From believes about To, with how it got there. With
// no experiences the belief is the prior for a stranger at From's current
// trait.
type BeliefHistory struct {
	From        string       `json:"from"`
	To          string       `json:"to"`
	Trait       float64      `json:"trait"` // From's current trait
	Prior       model.Belief `json:"prior"`
	Belief      model.Belief `json:"belief"`
	P           float64      `json:"p"`
	N           float64      `json:"n"`
	SD          float64      `json:"sd"`
	Experiences int          `json:"experiences"`
	History     []BeliefStep `json:"history"`
}

// Apply applies one experience to a party: the pair's belief is updated by
// [model.Model.Update] (an encounter with evidence; confirmed by the binary
// rule), then the trait learns from the outcome ([model.Model.LearnTrait]).
// pair is nil at the first encounter: the pair then starts at the trait
// prior. Apply is the single definition of the ledger's dynamics: the
// incremental cache and the rebuild both call it, so they agree exactly.
func Apply(m model.Model, trait float64, pair *Pair, e Experience) (float64, Pair) {
	var p Pair
	if pair == nil {
		prior := m.Prior(trait)
		p = Pair{Prior: prior, Belief: prior}
	} else {
		p = *pair
	}
	c := Outcome(e.Outcome).Confirmed()
	p.Belief = m.Update(p.Belief, p.Prior, e.Outcome, c, true)
	p.Experiences++
	p.LastStake = e.Stake
	return m.LearnTrait(trait, c), p
}

// PartyState is everything derived from one party's experiences.
type PartyState struct {
	Trait float64          // current trait
	Pairs map[string]*Pair // by partner
	Steps []BeliefStep     // one per experience, in replay order
}

// Replay derives a party's state from its base trait and its experiences,
// which must be sorted by time, then by Seq.
func Replay(m model.Model, trait float64, exps []Experience) PartyState {
	st := PartyState{Trait: trait, Pairs: map[string]*Pair{}, Steps: make([]BeliefStep, 0, len(exps))}
	for _, e := range exps {
		t, p := Apply(m, st.Trait, st.Pairs[e.To], e)
		st.Trait = t
		st.Pairs[e.To] = &p
		st.Steps = append(st.Steps, Step(e, p.Belief, t))
	}
	return st
}

// Step returns the history entry for an experience and the state after it.
func Step(e Experience, b model.Belief, trait float64) BeliefStep {
	e.Confirmed = Outcome(e.Outcome).Confirmed()
	return BeliefStep{Experience: e, Belief: b, P: b.P(), N: b.N(), Trait: trait}
}

// LedgerDecideInput is the body of POST /parties/{from}/decide: a situation
// about a named partner. Without a situation, the decision is a binary one
// with gain = loss = stake (Stake if given, else the stake of the last
// experience with To).
type LedgerDecideInput struct {
	To        string           `json:"to"`
	Situation *model.Situation `json:"situation,omitempty"`
	Stake     *float64         `json:"stake,omitempty"`
}

// LedgerDecision is the decision of From about To with its full
// explanation, from the belief the ledger built.
type LedgerDecision struct {
	From        string            `json:"from"`
	To          string            `json:"to"`
	Experiences int               `json:"experiences"` // behind the belief; 0: a stranger
	Belief      model.Belief      `json:"belief"`
	Explanation model.Explanation `json:"explanation"`
	Situation   model.Situation   `json:"situation"`
	Params      model.Params      `json:"params"` // resolved
}

// RebuildStats reports a ledger rebuild.
type RebuildStats struct {
	Parties     int `json:"parties"`
	Experiences int `json:"experiences"`
	Beliefs     int `json:"beliefs"`
	Changed     int `json:"changed"` // beliefs or traits whose cached value differed from the rebuilt one
}

// LedgerService is the relationships ledger: parties, the append-only log
// of experiences, and the beliefs derived from it.
type LedgerService interface {
	// PutParty creates or replaces a party; created reports which. Changing
	// the trait or the parameters of a party re-derives its beliefs.
	PutParty(ctx context.Context, id string, in PartyInput) (p Party, created bool, err error)
	// Party returns one party (ENOTFOUND if unknown).
	Party(ctx context.Context, id string) (Party, error)
	// Parties lists the parties by id.
	Parties(ctx context.Context) ([]Party, error)
	// RecordExperience appends an experience of a known From. The same key
	// with the same body returns the original with created = false; with
	// another body, ECONFLICT.
	RecordExperience(ctx context.Context, in ExperienceInput) (e Experience, created bool, err error)
	// Belief returns what From believes about To and its history.
	Belief(ctx context.Context, from, to string) (BeliefHistory, error)
	// Decide explains the decision of From about To from the ledger's belief.
	Decide(ctx context.Context, from string, in LedgerDecideInput) (LedgerDecision, error)
	// Rebuild recomputes every derived belief from the log.
	Rebuild(ctx context.Context) (RebuildStats, error)
}

// LedgerDecide explains the decision of a party about a partner, given the
// party and the pair's state (nil: a stranger). Stores implement
// [LedgerService.Decide] with it.
func LedgerDecide(p Party, pair *Pair, in LedgerDecideInput) (LedgerDecision, error) {
	if err := ValidateID("to", in.To); err != nil {
		return LedgerDecision{}, Invalid(err)
	}
	m, err := p.Params.Model()
	if err != nil {
		return LedgerDecision{}, Errorf(EINTERNAL, "party %q: stored params invalid: %v", p.ID, err)
	}
	var s model.Situation
	switch {
	case in.Situation != nil && in.Stake != nil:
		return LedgerDecision{}, Invalid(FieldErrorf("stake", "", "give either a situation or a stake, not both"))
	case in.Situation != nil:
		s = *in.Situation
	case in.Stake != nil:
		if v := *in.Stake; math.IsNaN(v) || v < 0 || v > MaxStake {
			return LedgerDecision{}, Invalid(&model.RangeError{Field: "stake", Value: v, Range: "[0, 1e12]"})
		}
		s = model.Situation{Gain: *in.Stake, Loss: *in.Stake}
	case pair != nil:
		s = model.Situation{Gain: pair.LastStake, Loss: pair.LastStake}
	default:
		return LedgerDecision{}, Invalid(FieldErrorf("situation", "", "required: %q has no experience with %q whose stake could set the amounts; give a situation or a stake", p.ID, in.To))
	}
	if err := s.Validate(); err != nil {
		return LedgerDecision{}, Invalid(prefix("situation.", err))
	}
	b := m.Prior(p.CurrentTrait)
	n := 0
	if pair != nil {
		b, n = pair.Belief, pair.Experiences
	}
	x, err := m.Explain(p.CurrentTrait, b, s)
	if err != nil {
		return LedgerDecision{}, Invalid(err)
	}
	return LedgerDecision{From: p.ID, To: in.To, Experiences: n, Belief: b, Explanation: x, Situation: s, Params: m.Params()}, nil
}

// ValidateID checks a party id: 1-128 bytes of letters, digits and . _ - : @.
func ValidateID(field, id string) error {
	if id == "" {
		return FieldErrorf(field, "1-128 of A-Z a-z 0-9 . _ - : @", "required")
	}
	if len(id) > MaxIDLen {
		return FieldErrorf(field, "1-128 of A-Z a-z 0-9 . _ - : @", "%d bytes: too long", len(id))
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == ':' || c == '@'
		if !ok {
			return FieldErrorf(field, "1-128 of A-Z a-z 0-9 . _ - : @", "%q: character %q not allowed", id, c)
		}
	}
	return nil
}

func joinErrs(errs ...error) error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, srcpos.Flatten(e)...)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return errors.Join(out...)
}
