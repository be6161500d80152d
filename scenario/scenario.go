package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/trustlab/trustlab/model"
	"gonum.org/v1/gonum/stat/distuv"
)

// Scenario is a resolved, validated scenario: every default is filled in.
// Its JSON form is the canonical form that is hashed and embedded in run
// manifests.
type Scenario struct {
	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	Seed          uint64         `json:"seed"`
	Steps         int            `json:"steps"`
	Population    Population     `json:"population"`
	Network       Network        `json:"network"`
	Partner       Partner        `json:"partner"`
	Situation     Situation      `json:"situation"`
	Params        model.Params   `json:"params"` // scenario-wide parameters, every field explicit
	Feedback      model.Feedback `json:"feedback"`
	Interventions Interventions  `json:"interventions"`
	// BetrayalWave, when set, makes every trustee betray during steps
	// Start..Start+Steps-1 (1-based, as in steps.csv).
	BetrayalWave *Wave   `json:"betrayal_wave,omitempty"`
	Outputs      Outputs `json:"outputs"`

	// File is the scenario file's path, for messages; Dir resolves the
	// relative paths of edge lists and CSV files.
	File string `json:"-"`
}

// Population is the agents: their number and the groups they form. A
// scenario without groups has one group named "all" with share 1.
type Population struct {
	Size   int     `json:"size"`
	Groups []Group `json:"groups"`
}

// Group is a share of the population with its own trait and
// trustworthiness distributions, trustee behaviour and model parameters.
type Group struct {
	Name            string       `json:"name"`
	Share           float64      `json:"share"`
	Trait           Dist         `json:"trait"`
	Trustworthiness Dist         `json:"trustworthiness"`
	Behaviour       Behaviour    `json:"behaviour"`
	Params          model.Params `json:"params"` // resolved: every field explicit

	// Model is Params resolved (with the reappraisal intervention applied).
	Model model.Model `json:"-"`
}

// Distribution kinds.
const (
	DistFixed   = "fixed"
	DistUniform = "uniform"
	DistBeta    = "beta"
	DistNormal  = "normal" // clipped to [min, max]
	DistCSV     = "csv"
)

// Dist is a distribution of a per-agent value in [0, 1].
type Dist struct {
	Kind   string  `json:"dist"`
	Value  float64 `json:"value,omitempty"` // fixed
	Min    float64 `json:"min,omitempty"`   // uniform, normal (clip)
	Max    float64 `json:"max,omitempty"`   // uniform, normal (clip)
	A      float64 `json:"a,omitempty"`     // beta
	B      float64 `json:"b,omitempty"`     // beta
	Mean   float64 `json:"mean,omitempty"`  // normal
	SD     float64 `json:"sd,omitempty"`    // normal
	File   string  `json:"file,omitempty"`  // csv
	Column string  `json:"column,omitempty"`
	Rows   int     `json:"rows,omitempty"`   // csv: number of values read
	SHA256 string  `json:"sha256,omitempty"` // csv: hash of the file's bytes

	// Values are the CSV column's values.
	Values []float64 `json:"-"`
}

// Sample draws one value. CSV distributions resample their values
// uniformly (the engine assigns them in order when there is exactly one
// value per agent of the group).
func (d Dist) Sample(r *rand.Rand) float64 {
	switch d.Kind {
	case DistFixed:
		return d.Value
	case DistUniform:
		return d.Min + (d.Max-d.Min)*r.Float64()
	case DistBeta:
		return distuv.Beta{Alpha: d.A, Beta: d.B, Src: r}.Rand()
	case DistNormal:
		return min(max(d.Mean+d.SD*r.NormFloat64(), d.Min), d.Max)
	case DistCSV:
		return d.Values[r.IntN(len(d.Values))]
	}
	panic("scenario: unknown distribution " + d.Kind)
}

// Mean is the distribution's mean (before clipping for the normal).
func (d Dist) MeanValue() float64 {
	switch d.Kind {
	case DistFixed:
		return d.Value
	case DistUniform:
		return (d.Min + d.Max) / 2
	case DistBeta:
		return d.A / (d.A + d.B)
	case DistNormal:
		return d.Mean
	case DistCSV:
		s := 0.0
		for _, v := range d.Values {
			s += v
		}
		return s / float64(len(d.Values))
	}
	return math.NaN()
}

// Trustee behaviours.
const (
	// Probabilistic honours each trust with probability w, the agent's
	// trustworthiness.
	Probabilistic = "probabilistic"
	// Honour always honours (w = 1).
	Honour = "honour"
	// Betray always betrays (w = 0).
	Betray = "betray"
	// Reciprocal honours with probability clamp(w + slope*(q - 0.5), 0, 1),
	// q the share of the trustors who met it in the previous step and
	// trusted it (0.5 when none met it).
	Reciprocal = "reciprocal"
	// ConArtist honours the first Honours trusts of each trustor, then
	// betrays that trustor.
	ConArtist = "con-artist"
	// Fitted returns what trustees fitted by trustlab fit (the trustee
	// model, docs/fitting.md) would: each agent of the group takes one of
	// the fitted trustees of File at random, and after receiving m x sent
	// returns an amount drawn from that trustee's model, with the intended
	// fraction sigmoid(logit(ret_base) + ret_recip (sent/endowment - 1/2))
	// under its response model. Investment game only.
	Fitted = "fitted"
)

// Behaviour is how an agent acts as a trustee.
type Behaviour struct {
	Kind    string  `json:"kind"`
	Slope   float64 `json:"slope,omitempty"`   // reciprocal
	Honours int     `json:"honours,omitempty"` // con-artist
	// File, Model and SHA256 name the fitted trustees (fitted): a
	// subjects.csv of trustlab fit (resolved path), the model whose rows
	// are read (default trustee) and the file's hash; Trustees are the
	// rows read.
	File     string          `json:"file,omitempty"`
	Model    string          `json:"model,omitempty"`
	SHA256   string          `json:"sha256,omitempty"`
	Trustees []FittedTrustee `json:"-"`
}

// FittedTrustee is one trustee of a trustee fit: the trustee model's
// estimates (lapse, hurdle and round 0 where the fit had none).
type FittedTrustee struct {
	ID                     string
	RetBase, RetRecip, Phi float64
	Lapse, Hurdle, Round   float64
}

// Network kinds.
const (
	NetComplete       = "complete"
	NetKOut           = "k-out"
	NetErdosRenyi     = "erdos-renyi"
	NetWattsStrogatz  = "watts-strogatz"
	NetBarabasiAlbert = "barabasi-albert"
	NetEdgeList       = "edge-list"
)

// MaxComplete is the largest population on a complete network: beliefs
// are kept per (agent, partner), N*(N-1) of them.
const MaxComplete = 10000

// Network is who can meet whom: the out-neighbours of an agent are its
// possible partners.
type Network struct {
	Kind       string  `json:"kind"`
	K          int     `json:"k,omitempty"`          // k-out, watts-strogatz
	P          float64 `json:"p,omitempty"`          // erdos-renyi
	Rewire     float64 `json:"rewire,omitempty"`     // watts-strogatz
	M          int     `json:"m,omitempty"`          // barabasi-albert
	File       string  `json:"file,omitempty"`       // edge-list (resolved path)
	Undirected bool    `json:"undirected,omitempty"` // edge-list
}

// Partner choices.
const (
	ChooseUniform = "uniform"
	ChooseBelief  = "belief"
)

// Partner is how an agent picks its partner each step among its
// out-neighbours: uniformly, or by belief with P(s) proportional to
// exp(Beta * p_s).
type Partner struct {
	Choice string  `json:"choice"`
	Beta   float64 `json:"beta,omitempty"`
}

// Situation is the situation every encounter presents: a model situation
// plus, for the investment game, the precision of trustees' returns.
type Situation struct {
	model.Situation
	// ReturnPrecision is the precision of a trustee's return fraction in
	// the investment game: rho ~ Beta(h*prec, (1-h)*prec) for honour
	// probability h.
	ReturnPrecision float64 `json:"return_precision,omitempty"`
}

// MarshalJSON writes the model situation's fields and, for the investment
// game, return_precision.
func (s Situation) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(s.Situation)
	if err != nil || s.Game != model.Investment {
		return b, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["return_precision"] = s.ReturnPrecision
	return json.Marshal(m)
}

// Interventions help agents learn trust. A zero value switches all off.
type Interventions struct {
	GraduatedStakes *Graduated   `json:"graduated_stakes,omitempty"`
	FullFeedback    int          `json:"full_feedback,omitempty"` // full feedback during the first n steps
	SafeStart       int          `json:"safe_start,omitempty"`    // only trustworthy partners during the first n steps
	Reappraisal     *Reappraisal `json:"reappraisal,omitempty"`
}

// Graduated stakes: each relationship (agent, slot) starts at stake Start
// (a fraction of the full situation), multiplies it by Grow after a
// confirmation (at most 1) and by Shrink after a betrayal (at least Start).
type Graduated struct {
	Start  float64 `json:"start"`
	Grow   float64 `json:"grow"`
	Shrink float64 `json:"shrink"`
}

// Reappraisal lowers the weight of betrayals for every agent.
type Reappraisal struct {
	WMinus float64 `json:"w_minus"`
}

// Wave is a span of steps during which every trustee betrays.
type Wave struct {
	Start int `json:"start"` // first step of the wave, 1-based
	Steps int `json:"steps"` // length of the wave
}

// Active reports whether 1-based step t is in the wave.
func (w *Wave) Active(t int) bool { return w != nil && t >= w.Start && t < w.Start+w.Steps }

// Outputs selects optional outputs.
type Outputs struct {
	Agents bool `json:"agents"` // agents.csv
	Plots  bool `json:"plots"`  // SVG/PNG plots and index.html
}

// Canonical returns the canonical JSON of the resolved scenario.
func (s *Scenario) Canonical() []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("scenario: canonical JSON: %v", err)) // only plain values: cannot fail
	}
	return b
}

// Hash is the hex SHA-256 of the canonical JSON.
func (s *Scenario) Hash() string {
	h := sha256.Sum256(s.Canonical())
	return hex.EncodeToString(h[:])
}

// Trustworthy reports whether an agent of behaviour b with base
// trustworthiness w counts as trustworthy for the safe-start intervention:
// honour, or probabilistic/reciprocal with w >= 0.5.
func (b Behaviour) Trustworthy(w float64) bool {
	switch b.Kind {
	case Honour:
		return true
	case Probabilistic, Reciprocal:
		return w >= 0.5
	}
	return false
}
