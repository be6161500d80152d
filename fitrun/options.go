package fitrun

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
)

// Estimation are the estimation settings [Run] and [Recover] share. The
// zero value means the defaults of the trustlab CLI.
type Estimation struct {
	// Prior is the estimator; nil means fit.PriorEmpirical (empirical
	// Bayes), except for pooled fits, which default to fit.PriorNone
	// (maximum likelihood). Set it with new(fit.PriorWeak).
	Prior *fit.Prior
	// Fixed fixes parameters for every model (except where a model
	// imposes its own value).
	Fixed fit.Fixed
	// Free lists parameters fixed by default (lambda0, kappa, gamma, n0)
	// to estimate as well.
	Free []fit.Param
	// Restarts is the number of optimizer starts per fit, [1, 100];
	// 0 means 5.
	Restarts int
	// Seed keys the restart points (and the simulation of Recover); nil
	// means 1. Set an explicit zero with new(uint64(0)).
	Seed *uint64
	// Workers is the number of subjects fitted in parallel, [1, 256];
	// 0 means GOMAXPROCS. Results do not depend on it.
	Workers int
	// Response is the response model of every model without its own;
	// nil means fit.DefaultResponse.
	Response *fit.ResponseModel
	// EndGame is the number of last rounds with each partner in which the
	// models with an end game ("full+end_game") lower the expected return,
	// [1, 1000]; 0 means 2.
	EndGame int
}

// resolve fills the defaults and checks the ranges; prior is the default
// estimator when Prior is nil.
func (e Estimation) resolve(prior fit.Prior) (fit.Options, uint64, int, error) {
	o := fit.Options{Fixed: e.Fixed, Free: e.Free, Restarts: e.Restarts, Seed: 1, Prior: prior, Response: e.Response, EndGame: e.EndGame}
	if e.EndGame < 0 || e.EndGame > 1000 {
		return o, 0, 0, invalidf("end game = %d rounds: must be in [1, 1000]", e.EndGame)
	}
	if o.Fixed == nil {
		o.Fixed = fit.Fixed{}
	}
	if e.Prior != nil {
		o.Prior = *e.Prior
	}
	if e.Seed != nil {
		o.Seed = *e.Seed
	}
	if o.Restarts == 0 {
		o.Restarts = 5
	}
	if o.Restarts < 1 || o.Restarts > 100 {
		return o, 0, 0, invalidf("restarts = %d: must be in [1, 100]", e.Restarts)
	}
	workers := e.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers < 1 || workers > 256 {
		return o, 0, 0, invalidf("workers = %d: must be in [1, 256]", e.Workers)
	}
	return o, o.Seed, workers, nil
}

// Pool says whether subjects are fitted one at a time or pooled.
type Pool int

// Pools.
const (
	PoolNone  Pool = iota // one fit per subject (the zero value)
	PoolGroup             // one fit per value of the data's group column
	PoolAll               // one fit for all subjects
)

var poolNames = []string{"none", "group", "all"}

// String returns none, group or all.
func (p Pool) String() string {
	if p < 0 || int(p) >= len(poolNames) {
		return fmt.Sprintf("Pool(%d)", int(p))
	}
	return poolNames[p]
}

// ParsePool parses none, group or all.
func ParsePool(s string) (Pool, error) {
	for i, n := range poolNames {
		if s == n {
			return Pool(i), nil
		}
	}
	return 0, fmt.Errorf("pool %q: must be none, group or all", s)
}

// Role says whose decisions a fit models.
type Role int

const (
	// RoleAuto (the zero value) fits the trustors, and the trustees as
	// well when the data spec names their column (columns.trustee).
	RoleAuto    Role = iota
	RoleTrustor      // the trustors' amounts sent (the pyramid model and its rivals)
	RoleTrustee      // the trustees' amounts returned (fit.TrusteeModels)
	RoleBoth         // both: the trustees' fit goes into the subfolder trustees/
)

var roleNames = []string{"auto", "trustor", "trustee", "both"}

// String returns the role's name in flags and manifests.
func (r Role) String() string {
	if r >= 0 && int(r) < len(roleNames) {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// ParseRole parses auto, trustor, trustee or both.
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames {
		if strings.TrimSpace(s) == n {
			return Role(i), nil
		}
	}
	return 0, fmt.Errorf("role %q: must be auto, trustor, trustee or both", s)
}

// Options configure [Run]. The zero value means the defaults of
// `trustlab fit`.
type Options struct {
	Estimation
	// Models are the variants to fit, the full model first; nil means
	// fit.DefaultModels for the response model.
	Models []fit.Variant
	// Role says whose decisions are fitted (zero: the trustors, and the
	// trustees too when the spec names them).
	Role Role
	// TrusteeModels are the models of the trustees' fit, the trustee
	// model first; nil means fit.TrusteeModels for the response model.
	TrusteeModels []fit.Variant
	// Pool fits one parameter set per pool of subjects instead of one per
	// subject.
	Pool Pool
	// Split names a column of the data set (for example treatment): the
	// rows are split by its value and each level is fitted on its own,
	// into the subfolder levels/LEVEL of the output, with the levels'
	// comparison.csv and subjects.csv joined at the top under a first
	// column "level" (see [Run]). At most MaxSplitLevels levels; empty:
	// no split.
	Split string
	// Questionnaire and Key are the paths of questionnaire responses (one
	// row per subject) and their scoring key; the trust-scale score fixes
	// or informs tau (TraitMode). Give both or neither.
	Questionnaire, Key string
	// TraitMode says how the questionnaire score enters (zero: fixes tau).
	TraitMode fit.TraitMode
	// CVFraction is the fraction of each partner's trials (the earliest)
	// fitted in cross-validation, (0, 1); 0 means 0.8.
	CVFraction float64
	// CVFolds > 1 replaces the last-trials split by blocked k-fold
	// cross-validation over each partner's trials, [2, 100].
	CVFolds int
	// NoCV skips the cross-validation fits.
	NoCV bool
	// Replications is the number of whole sequences simulated per subject
	// for the posterior predictive checks of the report, [0, 1000]; 0
	// means 20, and NoPPC turns them off.
	Replications int
	NoPPC        bool
	// Samples is the number of posterior draws per subject of the first
	// model (samples.parquet, intervals.csv and the report's intervals),
	// [0, 100000]; 0 means 500, and NoSamples turns them off. Maximum
	// likelihood has no posterior and draws none.
	Samples   int
	NoSamples bool
	// LOSO adds, under empirical Bayes, the leave-one-subject-out score of
	// the population level (fit.Options.LOSO).
	LOSO bool
	// NoPlots writes CSV and JSON and the page, but no plots.
	NoPlots bool
	// Force replaces an earlier output folder (one holding manifest.json);
	// without it an output folder that holds files is refused. Outputs are
	// written into a temporary sibling folder and renamed into place at
	// the end, so a failed fit never leaves a mixed or wiped folder.
	Force bool
	// AutoPool pools the subjects by group when every subject made one
	// choice (per-subject fits would not be identified) instead of refusing
	// the data set, with a warning; the web laboratory sets it.
	AutoPool bool
	// DropInvalid leaves out the subjects with bad rows (listed in the
	// manifest and the report) instead of refusing the data set.
	DropInvalid bool
	// Version and Args are recorded in the manifest (the program's
	// version and the command line that asked for the run).
	Version string
	Args    []string
	// Progress, if set, is called from one goroutine at a time as the run
	// goes (see [Progress]).
	Progress func(Progress)
}

// Stage is what a run is doing when it reports progress.
type Stage int

// Stages.
const (
	// StageStart: the data are about to be read and fitted. Under
	// empirical Bayes every subject is first fitted under the weak prior.
	StageStart Stage = iota
	// StageEM: an EM iteration of empirical Bayes begins (Iteration).
	StageEM
	// StageSubject: a subject's (or pool's) final fits are written.
	StageSubject
	// StagePlots: every subject is fitted; the tables, plots and report
	// are being written.
	StagePlots
	// StageRead: the data are being read and checked (before StageStart;
	// Total is not known yet).
	StageRead
)

// Progress is one progress report.
type Progress struct {
	Stage Stage
	// Prior is the estimator of the run.
	Prior fit.Prior
	// Iteration is the EM iteration that begins (StageEM).
	Iteration int
	// Done of Total subjects (pools) have their final fits written.
	Done, Total int
	// Subject is the ID of the subject (pool) just written (StageSubject).
	Subject string
	// Level is the level of the split column being fitted (Options.Split),
	// and Levels their number; "" and 0 without a split.
	Level  string
	Levels int
	// LevelIndex counts the levels from 1 (with a split).
	LevelIndex int
}

// InputError is bad input: a data set, spec, questionnaire or key that
// cannot be read as asked, or options out of range. Its message is that
// of the underlying error, which names the file, line and field when
// there is one.
type InputError struct{ Err error }

// Error returns the underlying message.
func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// Problems returns the problems joined in err, a fit's error (under an
// InputError or not), one by one; an error that joins none is its own one
// problem. Options.Validate joins one problem per option.
func Problems(err error) []error {
	var ie *InputError
	if errors.As(err, &ie) {
		err = ie.Err
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func invalidf(format string, a ...any) error {
	return &InputError{fmt.Errorf(format, a...)}
}

// input marks errors about input files (dataset errors, which name file,
// line and column) as InputError.
func input(err error) error {
	var de *dataset.Error
	if errors.As(err, &de) {
		return &InputError{err}
	}
	return err
}
