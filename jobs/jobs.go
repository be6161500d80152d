// Package jobs runs simulation runs, fits and sweeps in the background: it
// implements [trustlab.JobService] on a [trustlab.JobStore], a
// [trustlab.Runner], a [trustlab.Fitter] and a [trustlab.Sweeper].
//
// Each job has a folder DIR/runs/ID, DIR/fits/ID or DIR/sweeps/ID holding
// its input (scenario.yaml; data.csv, spec.yaml and the fit's
// options.json; sweep.yaml) and its outputs in out/. The
// store records every change of status before the work it announces, so
// a job is never lost: when the process stops during a job (killed, or
// shut down), the next [Manager.Start] starts it again from its input,
// which gives the same outputs because runs and fits depend only on their
// input and seed. A job interrupted MaxAttempts times is marked failed
// instead, so a job that kills the process cannot loop forever.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/sysinfo"
)

// Options configure a Manager; zero values mean defaults.
type Options struct {
	Store   trustlab.JobStore
	Runner  trustlab.Runner
	Fitter  trustlab.Fitter
	Sweeper trustlab.Sweeper // nil: no sweeps
	Dir     string           // the data folder

	Workers          int           // jobs run at once, default 1 (a run or fit uses every core)
	MaxAttempts      int           // starts before an interrupted job is failed, default 3
	ProgressInterval time.Duration // least time between progress writes, default 250ms
	Logger           *slog.Logger

	// Limits bound the jobs Submit accepts; each zero field means the
	// default of [DefaultLimits], which fits the machine.
	Limits Limits
}

// Limits bound what a Manager accepts, checked against a job's predicted
// size ([trustlab.JobSize]) before it is stored. A job over a limit is
// refused with ELIMIT, naming the limit and the serve flag that raises it.
type Limits struct {
	MaxAgents int   // agents of one run (serve --max-agents)
	MaxSteps  int   // steps of one run (serve --max-steps)
	MaxQueued int   // jobs queued or running at once (serve --max-queued)
	MaxMemory int64 // predicted peak memory of one run (serve --max-memory)
	// MaxDisk bounds the predicted outputs of the runs queued or running
	// at once, the new one included (serve --max-disk).
	MaxDisk int64
}

// Default limits where the machine cannot be measured.
const (
	defaultMemory = 4 << 30
	defaultDisk   = 10 << 30
	maxAgentsCap  = 1<<31 - 1
	maxStepsCap   = 1_000_000_000
)

// DefaultLimits returns the limits that fit this machine for a data folder
// dir and workers jobs at once: half the memory shared by the workers
// (MaxMemory); as many agents as fit in it at 256 bytes each (a network
// of about 10 partners per agent); as many steps as 1 KiB each (the rows
// kept for the plots, several groups) fits in it; half the free space of
// dir for the outputs of the jobs in flight; 32 jobs queued or running.
func DefaultLimits(dir string, workers int) Limits {
	workers = max(workers, 1)
	mem := sysinfo.Memory()
	if mem <= 0 {
		mem = defaultMemory
	}
	disk := sysinfo.FreeDisk(dir) / 2
	if disk <= 0 {
		disk = defaultDisk
	}
	perJob := mem / 2 / int64(workers)
	return Limits{
		MaxAgents: int(min(perJob/256, maxAgentsCap)),
		MaxSteps:  int(min(max(perJob/1024, 1000), maxStepsCap)),
		MaxQueued: 32,
		MaxMemory: perJob,
		MaxDisk:   disk,
	}
}

// withDefaults fills the zero fields of l from d.
func (l Limits) withDefaults(d Limits) Limits {
	if l.MaxAgents <= 0 {
		l.MaxAgents = d.MaxAgents
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = d.MaxSteps
	}
	if l.MaxQueued <= 0 {
		l.MaxQueued = d.MaxQueued
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	if l.MaxDisk <= 0 {
		l.MaxDisk = d.MaxDisk
	}
	return l
}

// Manager queues, runs, cancels and deletes jobs.
type Manager struct {
	o   Options
	log *slog.Logger

	mu       sync.Mutex
	queue    []string
	wake     chan struct{}
	running  map[string]*active
	stopping bool
	// inFlight holds the predicted size of every job queued or running,
	// and of jobs being submitted (reserved before their files are
	// written, so that concurrent submissions cannot pass a limit).
	inFlight map[string]trustlab.JobSize

	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// active is a job being worked on.
type active struct {
	cancel  context.CancelFunc
	deleted bool
	done    chan struct{}
	phase   string // what the runner or fitter does now (under Manager.mu)
}

var _ trustlab.JobService = (*Manager)(nil)

// New returns a manager; call Start before submitting jobs.
func New(o Options) *Manager {
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = 250 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	given := o.Limits
	o.Limits = o.Limits.withDefaults(DefaultLimits(o.Dir, o.Workers))
	if given != o.Limits { // some defaults were computed: say what they are
		o.Logger.Info("job limits", "max_agents", o.Limits.MaxAgents, "max_steps", o.Limits.MaxSteps, "max_queued", o.Limits.MaxQueued,
			"max_memory", sysinfo.FormatBytes(o.Limits.MaxMemory), "max_disk", sysinfo.FormatBytes(o.Limits.MaxDisk))
	}
	return &Manager{o: o, log: o.Logger, wake: make(chan struct{}, 1), running: map[string]*active{}, inFlight: map[string]trustlab.JobSize{}}
}

// Limits returns the limits in force (defaults filled in).
func (m *Manager) Limits() Limits { return m.o.Limits }

// checkSize refuses a run over a limit of one run.
func (l Limits) checkSize(z trustlab.JobSize) error {
	switch {
	case z.Agents > l.MaxAgents:
		return &trustlab.Error{Code: trustlab.ELIMIT, Field: "population.size", Range: fmt.Sprintf("[2, %d]", l.MaxAgents),
			Message: fmt.Sprintf("%d agents: over this server's limit of %d agents per run (serve --max-agents raises it)", z.Agents, l.MaxAgents)}
	case z.Steps > l.MaxSteps:
		return &trustlab.Error{Code: trustlab.ELIMIT, Field: "steps", Range: fmt.Sprintf("[1, %d]", l.MaxSteps),
			Message: fmt.Sprintf("%d steps: over this server's limit of %d steps per run (serve --max-steps raises it)", z.Steps, l.MaxSteps)}
	case z.MemoryBytes > l.MaxMemory:
		return &trustlab.Error{Code: trustlab.ELIMIT, Field: "scenario",
			Message: fmt.Sprintf("the run would need about %s of memory (%d agents, %d beliefs, %d steps): over this server's limit of %s per run (serve --max-memory raises it; fewer agents, fewer partners or fewer steps need less)",
				sysinfo.FormatBytes(z.MemoryBytes), z.Agents, z.Edges, z.Steps, sysinfo.FormatBytes(l.MaxMemory))}
	}
	return nil
}

// reserve admits a job of size z under the queue and disk limits, holding
// its place under id until release.
func (m *Manager) reserve(id string, z trustlab.JobSize) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.o.Limits
	if n := len(m.inFlight); n >= l.MaxQueued {
		return trustlab.Errorf(trustlab.ELIMIT, "%d jobs are queued or running, this server's limit (serve --max-queued raises it): wait for one to finish, or delete one", n)
	}
	var disk int64
	for _, q := range m.inFlight {
		disk += q.DiskBytes
	}
	if z.DiskBytes > l.MaxDisk-disk {
		return &trustlab.Error{Code: trustlab.ELIMIT, Field: "scenario",
			Message: fmt.Sprintf("the run would write about %s of outputs; with the %s predicted for the %d jobs queued or running, that is over this server's limit of %s (serve --max-disk raises it; fewer steps or agents write less)",
				sysinfo.FormatBytes(z.DiskBytes), sysinfo.FormatBytes(disk), len(m.inFlight), sysinfo.FormatBytes(l.MaxDisk))}
	}
	m.inFlight[id] = z
	return nil
}

// release frees the place of a job that finished, was deleted or failed
// to be submitted.
func (m *Manager) release(id string) {
	m.mu.Lock()
	delete(m.inFlight, id)
	m.mu.Unlock()
}

// Start recovers the jobs a previous process left unfinished (queued ones
// are queued again; running ones are started again, or failed after
// MaxAttempts starts), removes folders of deleted jobs and starts the
// workers.
func (m *Manager) Start(ctx context.Context) error {
	for _, kind := range kinds {
		dir := m.kindDir(kind)
		err := os.MkdirAll(dir, 0o755)
		if err == nil {
			err = sysinfo.CheckWritable(dir)
		}
		if err != nil {
			return fmt.Errorf("the data folder %s is not writable (%v): the outputs of runs and fits go there; fix its permissions or choose another data folder", m.o.Dir, err)
		}
	}
	left, err := m.o.Store.UnfinishedJobs(ctx)
	if err != nil {
		return err
	}
	for _, j := range left {
		z, err := m.size(j)
		if err == nil {
			err = m.o.Limits.checkSize(z)
		}
		if err != nil {
			// A run over the limits (queued by an older version, or
			// before the limits were lowered) is not started: it could
			// exhaust the machine at every start.
			now := time.Now().UTC()
			j.Status, j.FinishedAt, j.Error = trustlab.JobFailed, &now, "not started: "+err.Error()
			m.log.Warn("job failed: over the limits", "kind", j.Kind, "id", j.ID, "err", err)
			if err := m.o.Store.UpdateJob(ctx, j); err != nil {
				return err
			}
			continue
		}
		m.inFlight[j.ID] = z
		if j.Status == trustlab.JobRunning {
			if j.Attempts >= m.o.MaxAttempts {
				now := time.Now()
				j.Status, j.FinishedAt = trustlab.JobFailed, &now
				j.Error = fmt.Sprintf("interrupted by a restart %d times; not started again (see the server log)", j.Attempts)
				m.log.Warn("job failed: interrupted too often", "kind", j.Kind, "id", j.ID, "attempts", j.Attempts)
			} else {
				j.Status = trustlab.JobQueued
				m.log.Info("job interrupted by a restart: starting it again", "kind", j.Kind, "id", j.ID, "attempts", j.Attempts)
			}
			if err := m.o.Store.UpdateJob(ctx, j); err != nil {
				return err
			}
		}
		if j.Status == trustlab.JobQueued {
			m.queue = append(m.queue, j.ID)
		} else {
			delete(m.inFlight, j.ID)
		}
	}
	m.sweep(ctx)
	m.base, m.cancel = context.WithCancel(context.Background())
	for range m.o.Workers {
		m.wg.Go(m.worker)
	}
	m.signal()
	return nil
}

// kinds are the kinds of job, each with a folder DIR/KINDs.
var kinds = []trustlab.JobKind{trustlab.KindRun, trustlab.KindFit, trustlab.KindSweep}

// size predicts the size of a stored job from its input.
func (m *Manager) size(j trustlab.Job) (trustlab.JobSize, error) {
	switch {
	case j.Kind == trustlab.KindRun && m.o.Runner != nil:
		b, err := os.ReadFile(filepath.Join(m.jobDir(j.Kind, j.ID), "scenario.yaml"))
		if err != nil {
			return trustlab.JobSize{}, nil // runJob reports it
		}
		return m.o.Runner.Check(b)
	case j.Kind == trustlab.KindSweep && m.o.Sweeper != nil:
		b, err := os.ReadFile(filepath.Join(m.jobDir(j.Kind, j.ID), "sweep.yaml"))
		if err != nil {
			return trustlab.JobSize{}, nil
		}
		return m.o.Sweeper.Check(b)
	}
	return trustlab.JobSize{}, nil
}

// sweep removes job folders that have no job (left by a crash between
// writing a job's input and storing it, or during a delete).
func (m *Manager) sweep(ctx context.Context) {
	for _, kind := range kinds {
		entries, err := os.ReadDir(m.kindDir(kind))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if _, err := m.o.Store.Job(ctx, e.Name()); trustlab.ErrorCode(err) == trustlab.ENOTFOUND {
				m.log.Info("removing the folder of a deleted job", "dir", filepath.Join(m.kindDir(kind), e.Name()))
				os.RemoveAll(filepath.Join(m.kindDir(kind), e.Name()))
			}
		}
	}
}

// Stop cancels the jobs in progress, leaving them queued for the next
// Start, and waits for the workers until ctx is done.
func (m *Manager) Stop(ctx context.Context) error {
	m.mu.Lock()
	m.stopping = true
	m.mu.Unlock()
	if m.cancel != nil {
		m.cancel()
	}
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *Manager) kindDir(kind trustlab.JobKind) string {
	return filepath.Join(m.o.Dir, string(kind)+"s")
}

func (m *Manager) jobDir(kind trustlab.JobKind, id string) string {
	return filepath.Join(m.kindDir(kind), id)
}

func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CheckRun validates a scenario as Submit does for a run, and predicts its
// size, without storing or queueing anything.
func (m *Manager) CheckRun(ctx context.Context, scenario []byte) (trustlab.JobSize, error) {
	return m.checkFile(trustlab.KindRun, scenario)
}

// CheckSweep validates a sweep file as Submit does for a sweep (every
// cell, then the server's limits) and predicts its size, without storing
// or queueing anything.
func (m *Manager) CheckSweep(ctx context.Context, sweep []byte) (trustlab.JobSize, error) {
	return m.checkFile(trustlab.KindSweep, sweep)
}

// checkFile checks and sizes src, the one input file of a run (kind
// KindRun: its scenario) or a sweep (its sweep file), with the runner or
// the sweeper, then against the limits.
func (m *Manager) checkFile(kind trustlab.JobKind, src []byte) (trustlab.JobSize, error) {
	var check func([]byte) (trustlab.JobSize, error)
	field := "scenario"
	none := "this server runs no simulations: run the scenario with trustlab run SCENARIO.yaml"
	if kind == trustlab.KindRun && m.o.Runner != nil {
		check = m.o.Runner.Check
	}
	if kind == trustlab.KindSweep {
		field = "sweep"
		none = "this server runs no sweeps: run it with trustlab sweep SWEEP.yaml --out DIR"
		if m.o.Sweeper != nil {
			check = m.o.Sweeper.Check
		}
	}
	if check == nil {
		return trustlab.JobSize{}, trustlab.Errorf(trustlab.EUNAVAILABLE, "%s", none)
	}
	z, err := check(src)
	if err != nil {
		return z, invalid(field, err)
	}
	return z, m.o.Limits.checkSize(z)
}

// Submit validates the input, writes it to the job's folder, stores the
// job as queued and queues it.
func (m *Manager) Submit(ctx context.Context, in trustlab.JobInput) (trustlab.Job, error) {
	id := newID()
	dir := m.jobDir(in.Kind, id)
	var z trustlab.JobSize
	reserved := false
	defer func() {
		if reserved {
			m.release(id) // kept only once the job is stored
		}
	}()
	switch in.Kind {
	case trustlab.KindRun, trustlab.KindSweep:
		// One input file, checked and sized by the runner or the sweeper.
		name, src := "scenario.yaml", in.Scenario
		if in.Kind == trustlab.KindSweep {
			name, src = "sweep.yaml", in.Sweep
		}
		var err error
		if z, err = m.checkFile(in.Kind, src); err != nil {
			return trustlab.Job{}, err
		}
		if err := m.reserve(id, z); err != nil {
			return trustlab.Job{}, err
		}
		reserved = true
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return trustlab.Job{}, err
		}
		if err := writeFile(filepath.Join(dir, name), src); err != nil {
			os.RemoveAll(dir)
			return trustlab.Job{}, err
		}
	case trustlab.KindFit:
		if m.o.Fitter == nil {
			return trustlab.Job{}, trustlab.Errorf(trustlab.EUNAVAILABLE, "this server runs no fits: fit with the command line (trustlab fit DATA.csv --spec SPEC.yaml)")
		}
		if in.Data == nil {
			return trustlab.Job{}, trustlab.Invalid(trustlab.FieldErrorf("data", "", "required: the data set (CSV)"))
		}
		if err := m.reserve(id, z); err != nil {
			return trustlab.Job{}, err
		}
		reserved = true
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return trustlab.Job{}, err
		}
		data := filepath.Join(dir, "data.csv")
		err := copyFile(data, in.Data)
		if err == nil {
			err = writeFile(filepath.Join(dir, "spec.yaml"), in.Spec)
		}
		if (in.Questionnaire == nil) != (in.Key == nil) {
			os.RemoveAll(dir)
			return trustlab.Job{}, trustlab.Invalid(trustlab.FieldErrorf("questionnaire", "both or neither", "a questionnaire needs its scoring key and a key its questionnaire"))
		}
		if err == nil && in.FitOptions != nil {
			// Read and checked by the fitter from the job's folder (jobrun.Fit).
			err = writeFile(filepath.Join(dir, "options.json"), in.FitOptions)
		}
		if err == nil && in.Questionnaire != nil {
			// Read by the fitter from the job's folder (jobrun.Fit).
			err = writeFile(filepath.Join(dir, "questionnaire.csv"), in.Questionnaire)
			if err == nil {
				err = writeFile(filepath.Join(dir, "questionnaire_key.yaml"), in.Key)
			}
		}
		if err != nil {
			os.RemoveAll(dir)
			return trustlab.Job{}, err
		}
		if err := m.o.Fitter.Check(data, in.Spec); err != nil {
			os.RemoveAll(dir)
			return trustlab.Job{}, invalid("spec", err)
		}
	default:
		return trustlab.Job{}, trustlab.Invalid(trustlab.FieldErrorf("kind", "run, fit, sweep", "%q: unknown job kind", in.Kind))
	}
	j := trustlab.Job{ID: id, Kind: in.Kind, Status: trustlab.JobQueued, CreatedAt: time.Now().UTC()}
	if err := m.o.Store.CreateJob(ctx, j); err != nil {
		os.RemoveAll(dir)
		return trustlab.Job{}, err
	}
	m.mu.Lock()
	m.queue = append(m.queue, id)
	m.mu.Unlock()
	reserved = false // its place is released when it ends or is deleted
	m.signal()
	m.log.Info("job queued", "kind", in.Kind, "id", id)
	return j, nil
}

// invalid marks a runner's or fitter's validation error as bad input.
func invalid(field string, err error) error {
	if trustlab.ErrorCode(err) != trustlab.EINTERNAL {
		return err
	}
	return trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: field, Message: err.Error()})
}

// writeFile writes b durably: to a temporary file, synced, then renamed.
func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	return err
}

func copyFile(path string, r io.Reader) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Job returns one job of a kind.
func (m *Manager) Job(ctx context.Context, kind trustlab.JobKind, id string) (trustlab.Job, error) {
	j, err := m.o.Store.Job(ctx, id)
	if err == nil && j.Kind != kind {
		return trustlab.Job{}, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "id", Message: fmt.Sprintf("no %s %q", kind, id)}
	}
	if trustlab.ErrorCode(err) == trustlab.ENOTFOUND {
		return trustlab.Job{}, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "id", Message: fmt.Sprintf("no %s %q", kind, id)}
	}
	if err == nil {
		m.addPhase(&j)
	}
	return j, err
}

// Jobs lists the jobs of a kind, newest first.
func (m *Manager) Jobs(ctx context.Context, kind trustlab.JobKind) ([]trustlab.Job, error) {
	js, err := m.o.Store.Jobs(ctx, kind)
	for i := range js {
		m.addPhase(&js[i])
	}
	return js, err
}

// addPhase sets the phase of a running job from its runner's or fitter's last report
// (phases are not stored).
func (m *Manager) addPhase(j *trustlab.Job) {
	if j.Status != trustlab.JobRunning {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if a := m.running[j.ID]; a != nil {
		j.Progress.Phase = a.phase
	}
}

// Delete cancels a queued or running job, waits for it to stop, and
// deletes it and its folder.
func (m *Manager) Delete(ctx context.Context, kind trustlab.JobKind, id string) error {
	if _, err := m.Job(ctx, kind, id); err != nil {
		return err
	}
	// Out of the queue, so that it does not start meanwhile.
	m.mu.Lock()
	queued := false
	for i, q := range m.queue {
		if q == id {
			m.queue = append(m.queue[:i], m.queue[i+1:]...)
			queued = true
			break
		}
	}
	a := m.running[id]
	m.mu.Unlock()
	// The folder first, out of the way under a name no job has, so that a
	// failure leaves the job whole (queued again, or still running) and a
	// crash after it leaves a folder that the next Start removes; then the
	// job is stopped and deleted, then its files.
	dir := m.jobDir(kind, id)
	trash := filepath.Join(m.kindDir(kind), ".deleted-"+id)
	if err := os.Rename(dir, trash); err != nil && !errors.Is(err, os.ErrNotExist) {
		if queued {
			m.mu.Lock()
			m.queue = append([]string{id}, m.queue...)
			m.mu.Unlock()
			m.signal()
		}
		m.log.Error("deleting a job: cannot remove its folder", "kind", kind, "id", id, "err", err)
		return fmt.Errorf("%s %s: cannot remove its folder (the job is kept): %w", kind, id, err)
	}
	if a != nil {
		m.mu.Lock()
		a.deleted = true
		a.cancel()
		m.mu.Unlock()
		select {
		case <-a.done:
		case <-ctx.Done():
			return trustlab.Errorf(trustlab.EINTERNAL, "%s %s: still stopping: %v", kind, id, ctx.Err())
		}
	}
	if err := m.o.Store.DeleteJob(ctx, id); err != nil {
		os.Rename(trash, dir) // put it back: the job is kept
		return err
	}
	m.release(id)
	if err := os.RemoveAll(trash); err != nil {
		m.log.Warn("removing a deleted job's folder (the next start removes it)", "dir", trash, "err", err)
	}
	m.log.Info("job deleted", "kind", kind, "id", id)
	return nil
}

// Open opens an output file of a done job.
func (m *Manager) Open(ctx context.Context, kind trustlab.JobKind, id, name string) (fs.File, error) {
	j, err := m.Job(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if j.Status != trustlab.JobDone {
		return nil, trustlab.Errorf(trustlab.ECONFLICT, "%s %s is %s: its outputs are served once it is done", kind, id, j.Status)
	}
	root, err := os.OpenRoot(filepath.Join(m.jobDir(kind, id), "out"))
	if err != nil {
		return nil, trustlab.Errorf(trustlab.ENOTFOUND, "%s %s has no outputs", kind, id)
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "name", Message: fmt.Sprintf("%s %s has no output %q", kind, id, name)}
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "name", Message: fmt.Sprintf("%s %s has no output %q", kind, id, name)}
	}
	return f, nil
}

// worker runs queued jobs until Stop.
func (m *Manager) worker() {
	for {
		m.mu.Lock()
		var id string
		if len(m.queue) > 0 && !m.stopping {
			id, m.queue = m.queue[0], m.queue[1:]
		}
		more := len(m.queue) > 0
		m.mu.Unlock()
		if id == "" {
			select {
			case <-m.wake:
				continue
			case <-m.base.Done():
				return
			}
		}
		if more {
			m.signal() // let another worker take the next one
		}
		m.runJob(id)
	}
}

// runJob works on one job and records its outcome.
func (m *Manager) runJob(id string) {
	ctx := context.Background() // store writes must happen even when stopping
	j, err := m.o.Store.Job(ctx, id)
	if err != nil || j.Status != trustlab.JobQueued {
		return // deleted meanwhile
	}
	jctx, cancel := context.WithCancel(m.base)
	defer cancel()
	a := &active{cancel: cancel, done: make(chan struct{})}
	defer close(a.done)
	m.mu.Lock()
	m.running[id] = a
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.running, id)
		m.mu.Unlock()
	}()

	now := time.Now().UTC()
	j.Status, j.StartedAt, j.FinishedAt = trustlab.JobRunning, &now, nil
	j.Attempts++
	j.Progress, j.Error, j.Manifest = trustlab.Progress{}, "", nil
	if err := m.o.Store.UpdateJob(ctx, j); err != nil {
		m.log.Error("job: cannot record its start", "id", id, "err", err)
		return
	}
	m.log.Info("job started", "kind", j.Kind, "id", id, "attempt", j.Attempts)

	dir := m.jobDir(j.Kind, id)
	out := filepath.Join(dir, "out")
	var manifest []byte
	err = os.RemoveAll(out)
	if err == nil {
		err = os.MkdirAll(out, 0o755)
	}
	var pmu sync.Mutex
	last := time.Time{}
	progress := func(done, total int) {
		pmu.Lock()
		defer pmu.Unlock()
		j.Progress = trustlab.Progress{Done: done, Total: total}
		if t := time.Now(); t.Sub(last) >= m.o.ProgressInterval || done == total {
			last = t
			if err := m.o.Store.UpdateJob(ctx, j); err != nil && trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
				m.log.Warn("job: cannot record progress", "id", id, "err", err)
			}
		}
	}
	if err == nil {
		wctx := trustlab.WithPhase(jctx, func(phase string) {
			m.mu.Lock()
			a.phase = phase
			m.mu.Unlock()
		})
		manifest, err = m.work(wctx, j.Kind, dir, out, progress)
	}
	pmu.Lock()
	defer pmu.Unlock()

	m.mu.Lock()
	deleted, stopping := a.deleted, m.stopping
	m.mu.Unlock()
	fin := time.Now().UTC()
	switch {
	case deleted:
		return // Delete removes it
	case err != nil && jctx.Err() != nil && stopping:
		// Shutting down: leave it queued for the next start; this start
		// does not count as an interruption.
		j.Status, j.StartedAt, j.Progress = trustlab.JobQueued, nil, trustlab.Progress{}
		j.Attempts--
		m.log.Info("job stopped by the shutdown: it starts again at the next start", "kind", j.Kind, "id", id)
	case err != nil && jctx.Err() != nil:
		j.Status, j.FinishedAt, j.Error = trustlab.JobCancelled, &fin, "cancelled"
	case err != nil:
		j.Status, j.FinishedAt, j.Error = trustlab.JobFailed, &fin, err.Error()
		m.log.Warn("job failed", "kind", j.Kind, "id", id, "err", err)
	default:
		j.Status, j.FinishedAt, j.Manifest = trustlab.JobDone, &fin, manifest
		if j.Progress.Total > 0 {
			j.Progress.Done = j.Progress.Total
		}
		m.log.Info("job done", "kind", j.Kind, "id", id, "seconds", fin.Sub(now).Seconds())
	}
	if err := m.o.Store.UpdateJob(ctx, j); err != nil && trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		m.log.Error("job: cannot record its end", "id", id, "err", err)
	}
	if j.Status.Finished() {
		m.release(id)
	}
}

// work calls the runner or fitter on the job's input.
func (m *Manager) work(ctx context.Context, kind trustlab.JobKind, dir, out string, progress trustlab.ProgressFunc) (manifest []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the %s panicked: %v", kind, v)
		}
	}()
	switch kind {
	case trustlab.KindRun:
		scenario, err := os.ReadFile(filepath.Join(dir, "scenario.yaml"))
		if err != nil {
			return nil, err
		}
		return m.o.Runner.Run(ctx, scenario, out, progress)
	case trustlab.KindFit:
		spec, err := os.ReadFile(filepath.Join(dir, "spec.yaml"))
		if err != nil {
			return nil, err
		}
		return m.o.Fitter.Fit(ctx, filepath.Join(dir, "data.csv"), spec, out, progress)
	case trustlab.KindSweep:
		if m.o.Sweeper == nil {
			return nil, fmt.Errorf("this server runs no sweeps")
		}
		b, err := os.ReadFile(filepath.Join(dir, "sweep.yaml"))
		if err != nil {
			return nil, err
		}
		return m.o.Sweeper.Run(ctx, b, out, progress)
	}
	return nil, fmt.Errorf("unknown job kind %q", kind)
}
