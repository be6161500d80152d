package trustlab

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"time"
)

// JobKind is what a job computes: a simulation run, a fit or a sweep.
type JobKind string

// Job kinds.
const (
	KindRun   JobKind = "run"
	KindFit   JobKind = "fit"
	KindSweep JobKind = "sweep" // a parameter sweep: many runs of a base scenario (package sweep)
)

// JobStatus is where a job is in its life.
type JobStatus string

// Job statuses. A job goes queued -> running -> done | failed | cancelled.
const (
	JobQueued    JobStatus = "queued"
	JobRunning   JobStatus = "running"
	JobDone      JobStatus = "done"
	JobFailed    JobStatus = "failed"
	JobCancelled JobStatus = "cancelled"
)

// Finished reports whether the status is final.
func (s JobStatus) Finished() bool { return s == JobDone || s == JobFailed || s == JobCancelled }

// Progress counts units of work (simulation steps, fitted subjects), and
// says what a running job is doing now (Phase, for example "EM iteration
// 3 (estimating the population prior)"), when its runner or fitter tells. The phase
// is known only while the job runs: it is not stored.
type Progress struct {
	Done  int    `json:"done"`
	Total int    `json:"total"`
	Phase string `json:"phase,omitempty"`
}

// Job is a simulation run or a fit, with its state and, once done, the
// manifest its engine wrote.
type Job struct {
	ID         string          `json:"id"`
	Kind       JobKind         `json:"kind"`
	Status     JobStatus       `json:"status"`
	Progress   Progress        `json:"progress"`
	Error      string          `json:"error,omitempty"`
	Attempts   int             `json:"attempts"` // starts so far; a restart during a run starts it again
	CreatedAt  time.Time       `json:"created_at"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
	Manifest   json.RawMessage `json:"manifest,omitempty"`
}

// JobInput is what a job is submitted with: a scenario (runs), a data
// set and its spec (fits), or a sweep file (sweeps).
type JobInput struct {
	Kind     JobKind
	Scenario []byte    // run: the scenario file (YAML)
	Sweep    []byte    // sweep: the sweep file (YAML, its base scenario inline)
	Data     io.Reader // fit: the data set (CSV), streamed to disk
	Spec     []byte    // fit: the data spec (YAML)
	// Questionnaire and Key (fit, optional, both or neither): trait
	// questionnaire responses (CSV, one row per subject) and their scoring
	// key (YAML), whose score fixes each subject's tau.
	Questionnaire, Key []byte
	// FitOptions (fit, optional) are the options of `trustlab fit` as a
	// JSON object (models, role, fix, free, prior, pool, split, cv_fraction,
	// samples, seed...: fitrun.Settings); the Fitter checks them, and a
	// bad one is an EINVALID error naming the option's field and range.
	FitOptions []byte
}

// JobSize is what a job is predicted to need, from its input alone,
// before it runs: what a JobService checks against its limits.
type JobSize struct {
	Agents      int   // simulated agents (runs)
	Steps       int   // simulated steps (runs)
	Edges       int64 // beliefs kept, one per agent and possible partner (runs)
	MemoryBytes int64 // peak memory
	DiskBytes   int64 // output files
}

// ProgressFunc reports that done of total units of work are complete.
type ProgressFunc func(done, total int)

// PhaseFunc reports what a job is doing now, in a few words.
type PhaseFunc func(phase string)

type phaseKey struct{}

// WithPhase returns ctx carrying f: a runner or fitter given that context reports its
// phases to f through ReportPhase.
func WithPhase(ctx context.Context, f PhaseFunc) context.Context {
	return context.WithValue(ctx, phaseKey{}, f)
}

// ReportPhase tells the PhaseFunc of ctx (if any) what the job does now.
func ReportPhase(ctx context.Context, phase string) {
	if f, ok := ctx.Value(phaseKey{}).(PhaseFunc); ok && f != nil {
		f(phase)
	}
}

// Runner runs a simulation. Check validates a scenario without running it
// (errors name the line and field) and predicts its size; Run writes the outputs (steps.csv,
// agents.csv, manifest.json, plots/, index.html) into outDir and returns the
// manifest. Run stops early with ctx's error when ctx is cancelled.
type Runner interface {
	Check(scenario []byte) (JobSize, error)
	Run(ctx context.Context, scenario []byte, outDir string, progress ProgressFunc) (manifest []byte, err error)
}

// Fitter fits the model to a data set described by a spec. Check validates
// the spec (and the data's header); Fit writes subjects.csv, comparison.csv,
// manifest.json, plots/ and index.html into outDir and returns the manifest.
type Fitter interface {
	Check(dataPath string, spec []byte) error
	Fit(ctx context.Context, dataPath string, spec []byte, outDir string, progress ProgressFunc) (manifest []byte, err error)
}

// Sweeper runs parameter sweeps. Check validates a sweep file and every
// cell's scenario without running anything (errors name the line and
// field of the sweep file) and predicts the size of its largest run
// (Agents, Steps, MemoryBytes) and of all its outputs (DiskBytes); Run
// runs every cell and replication and writes the tables, plots and
// index.html into outDir, reporting runs done of all runs, and returns
// the manifest. The outputs depend on the sweep file (and its seed) only.
type Sweeper interface {
	Check(sweep []byte) (JobSize, error)
	Run(ctx context.Context, sweep []byte, outDir string, progress ProgressFunc) (manifest []byte, err error)
}

// JobService runs jobs in the background and keeps them and their outputs.
type JobService interface {
	// Submit validates the input, stores the job and queues it.
	Submit(ctx context.Context, in JobInput) (Job, error)
	// CheckRun validates a scenario as Submit would (the file, then the
	// server's limits) and returns its predicted size, without a job.
	CheckRun(ctx context.Context, scenario []byte) (JobSize, error)
	// Job returns one job of a kind (ENOTFOUND if unknown).
	Job(ctx context.Context, kind JobKind, id string) (Job, error)
	// Jobs lists the jobs of a kind, newest first.
	Jobs(ctx context.Context, kind JobKind) ([]Job, error)
	// Delete cancels the job if it is queued or running, then deletes it
	// and its files.
	Delete(ctx context.Context, kind JobKind, id string) error
	// Open opens an output file of a done job by its slash-separated name
	// relative to the output folder (for example "steps.csv" or
	// "plots/trust.svg"); ECONFLICT if the job is not done, ENOTFOUND if
	// there is no such file.
	Open(ctx context.Context, kind JobKind, id, name string) (fs.File, error)
}

// JobStore keeps jobs durably. Jobs are written before their work starts
// and after every change of status, so a killed process loses none.
type JobStore interface {
	CreateJob(ctx context.Context, j Job) error
	UpdateJob(ctx context.Context, j Job) error // all mutable fields; ENOTFOUND if deleted
	Job(ctx context.Context, id string) (Job, error)
	Jobs(ctx context.Context, kind JobKind) ([]Job, error) // newest first
	UnfinishedJobs(ctx context.Context) ([]Job, error)     // queued or running, oldest first
	DeleteJob(ctx context.Context, id string) error
}
