package fit

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Job is one subject to fit: its sequence and, optionally, its measured
// trait.
type Job struct {
	Seq   *Sequence
	Trait *Trait
}

// Run fits the subjects that next returns, on workers goroutines (<= 0:
// GOMAXPROCS), and calls emit with each result in the order next returned
// the subjects. next returns ok = false at the end of the input, or an
// error, which Run returns after emitting every subject read before it.
// At most 4*workers subjects are held in memory at once, so inputs of any
// size stream. Results are identical for any number of workers: each
// subject's fit depends only on its data, its trait and o.
func Run(ctx context.Context, next func() (Job, bool, error), o Options, workers int, emit func(SubjectFit) error) error {
	o, err := o.resolve()
	if err != nil {
		return err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if o.Prior == PriorEmpirical {
		return runEmpirical(ctx, next, o, workers, emit)
	}
	return runOrdered(ctx, next, workers, func(_ int, j Job) (SubjectFit, error) {
		return FitSubject(j.Seq, j.Trait, o)
	}, emit)
}

// runOrdered fits the jobs next returns with fitJob (given each job's
// index) on workers goroutines and emits the results in input order.
func runOrdered(ctx context.Context, next func() (Job, bool, error), workers int, fitJob func(int, Job) (SubjectFit, error), emit func(SubjectFit) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type item struct {
		idx int
		job Job
	}
	type result struct {
		idx int
		fit SubjectFit
		err error
	}
	tokens := make(chan struct{}, 4*workers) // bounds subjects in memory
	jobs := make(chan item)
	results := make(chan result, workers)
	var readErr error // written by the reader before jobs is closed

	var wg sync.WaitGroup
	go func() { // reader
		defer close(jobs)
		i := 0
		for {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			j, ok, err := next()
			if err != nil {
				readErr = err
				return
			}
			if !ok {
				return
			}
			select {
			case jobs <- item{i, j}:
				i++
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				var r result
				r.idx = it.idx
				r.fit, r.err = fitJob(it.idx, it.job)
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]result{}
	want := 0
	var firstErr error
	for r := range results {
		pending[r.idx] = r
		for {
			p, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			want++
			if firstErr == nil {
				if p.err != nil {
					firstErr = p.err
				} else if err := emit(p.fit); err != nil {
					firstErr = err
				}
				if firstErr != nil {
					cancel()
				}
			}
			<-tokens
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return readErr
}

// LeaveOneOut scores a pooled fit on people it has not seen: for each
// sequence in turn it fits every model of o to the pool of the others
// (Pool, maximum likelihood or o.Prior's fixed prior) and scores the
// left-out sequence's choices under those estimates. It returns, per
// model of o.Models, the summed log-likelihood of the left-out choices,
// and their number. Results do not depend on workers.
func LeaveOneOut(ctx context.Context, id string, seqs []*Sequence, o Options, workers int) ([]float64, int, error) {
	o, err := o.resolve()
	if err != nil {
		return nil, 0, err
	}
	if o.Prior == PriorEmpirical {
		return nil, 0, errors.New("leave-one-out of a pooled fit: empirical Bayes does not apply to pools")
	}
	if len(seqs) < 2 {
		return nil, 0, fmt.Errorf("pool %q: leave-one-out needs at least 2 subjects", id)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	o.NoCV = true
	scores := make([][]float64, len(seqs))
	errs := make([]error, len(seqs))
	perr := parallel(ctx, len(seqs), workers, func(i int) {
		others := append(slices.Clone(seqs[:i]), seqs[i+1:]...)
		ps, err := Pool(fmt.Sprintf("%s without %s", id, seqs[i].ID), "", others)
		if err != nil {
			errs[i] = err
			return
		}
		sf, err := FitSubject(ps, nil, o)
		if err != nil {
			errs[i] = err
			return
		}
		c := compileWith(seqs[i], 1, o.EndGame, 0)
		scores[i] = make([]float64, len(o.Models))
		for k, v := range o.Models {
			for _, pr := range c.predict(&sf.Estimates[k].Values, v.rule) {
				scores[i][k] += pr.LogProb
			}
		}
	})
	if perr != nil {
		return nil, 0, perr
	}
	total := make([]float64, len(o.Models))
	n := 0
	for i := range seqs {
		if errs[i] != nil {
			return nil, 0, errs[i]
		}
		for k := range total {
			total[k] += scores[i][k]
		}
		n += len(seqs[i].Trials)
	}
	return total, n, nil
}
