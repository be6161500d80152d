package fit

import (
	"context"
	"runtime"
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
