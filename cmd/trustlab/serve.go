package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/experiment"
	"github.com/trustlab/trustlab/httpapi"
	"github.com/trustlab/trustlab/jobrun"
	"github.com/trustlab/trustlab/jobs"
	"github.com/trustlab/trustlab/live"
	"github.com/trustlab/trustlab/sqlite"
	"github.com/trustlab/trustlab/web"
)

const serveSynopsis = `trustlab serve [--addr 127.0.0.1:8080] [--data DIR] [--token T]

Serve the HTTP API (/api/v1, see docs/api.md) with an embedded SQLite
database in the data folder: decisions, the relationships ledger, and
simulation runs and fits in the background. A non-loopback --addr requires
a token (--token or TRUSTLAB_TOKEN), which every API request must then carry
as "Authorization: Bearer T" (the web UI asks for it once and keeps a session
cookie instead; its page and assets hold no data and need none). Ctrl-C (SIGINT) or SIGTERM shuts down gracefully;
runs in progress start again at the next start.

Examples:
  trustlab serve
  TRUSTLAB_TOKEN=s3cret trustlab serve --addr 0.0.0.0:8080 --data /var/lib/trustlab`

func cmdServe(e *env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var (
		addr, data, token, logLevel, logFormat string
		workers                                int
		liveFits                               bool
	)
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen `address` host:port (port 0 picks a free port)")
	fs.StringVar(&data, "data", "", "data `DIR` holding trustlab.db and the outputs of runs and fits (default: "+defaultDataDir()+")")
	fs.StringVar(&token, "token", "", "bearer `token` required on every API request (default: $TRUSTLAB_TOKEN); required unless --addr is loopback")
	fs.IntVar(&workers, "workers", 1, "runs and fits computed at once, [1, 64]")
	fs.BoolVar(&liveFits, "live-fits", true, "fit each experiment participant's choices as rounds complete (the monitor's tau, w_plus, w_minus)")
	fs.StringVar(&logLevel, "log-level", "info", "log level: debug (logs every request), info, warn, error")
	fs.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	limitFlags := addLimitFlags(fs)
	if err := parseFlags(fs, args, e.stdout, serveSynopsis); err != nil {
		return err
	}
	limits, err := limitFlags.limits()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if token == "" {
		token = os.Getenv("TRUSTLAB_TOKEN")
	}
	if workers < 1 || workers > 64 {
		return usageErrorf("--workers = %d: must be in [1, 64]", workers)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return usageErrorf("--log-level = %q: must be one of debug, info, warn, error", logLevel)
	}
	hopts := &slog.HandlerOptions{Level: level}
	var log *slog.Logger
	switch logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(e.stderr, hopts))
	case "json":
		log = slog.New(slog.NewJSONHandler(e.stderr, hopts))
	default:
		return usageErrorf("--log-format = %q: must be text or json", logFormat)
	}
	if data == "" {
		data = defaultDataDir()
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return fmt.Errorf("--data: %w", err)
	}

	db, err := sqlite.Open(e.ctx, filepath.Join(data, "trustlab.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	runner, fitter := jobRunners()
	mgr := jobs.New(jobs.Options{
		Store: sqlite.NewJobStore(db), Runner: runner, Fitter: fitter, Sweeper: jobrun.Sweep{Version: version},
		Dir: data, Workers: workers, Logger: log, Limits: limits,
	})
	exps := experiment.NewManager(experiment.Options{Store: sqlite.NewExperimentStore(db), Logger: log, NoLiveFits: !liveFits})
	defer exps.Close()
	if err := exps.Recover(e.ctx); err != nil {
		return fmt.Errorf("recovering experiment sessions: %w", err)
	}
	// Live sessions (the web UI's live population view) share the runs'
	// limits of size.
	lv := live.NewManager(live.Options{MaxAgents: mgr.Limits().MaxAgents, MaxMemory: mgr.Limits().MaxMemory})
	defer lv.Close()
	srv := httpapi.New(httpapi.Options{
		Ledger: sqlite.NewLedgerService(db), Jobs: mgr, Experiments: exps, Live: lv, Token: token, Logger: log, UI: web.Handler(),
	})
	bound, err := srv.Listen(addr)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := mgr.Start(e.ctx); err != nil {
		return fmt.Errorf("recovering unfinished jobs: %w", err)
	}
	// url is the web UI, the page to open in a browser; api is the API's root.
	log.Info("listening", "addr", bound.String(), "url", "http://"+bound.String()+"/", "api", "http://"+bound.String()+"/api/v1/", "data", data,
		"auth", token != "", "version", version, "go", runtime.Version())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()
	select {
	case err = <-errc:
	case <-e.ctx.Done():
		log.Info("shutting down")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = errors.Join(err, srv.Shutdown(ctx), mgr.Stop(ctx))
	if err == nil {
		log.Info("stopped")
	}
	return err
}

// defaultDataDir is trustlab's folder in the user's data directory:
// $XDG_DATA_HOME/trustlab (~/.local/share/trustlab) on Unix,
// ~/Library/Application Support/trustlab on macOS, %LocalAppData%\trustlab
// on Windows.
func defaultDataDir() string {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "trustlab")
		}
	case "darwin":
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, "Library", "Application Support", "trustlab")
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "trustlab")
		}
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "trustlab")
		}
	}
	return "trustlab-data"
}

// jobRunners returns what the server's jobs run: simulations and fits
// (package jobrun; sweeps: jobrun.Sweep).
// Scenarios sent to the server may not name files on it.
func jobRunners() (trustlab.Runner, trustlab.Fitter) {
	return jobrun.Sim{Version: version}, jobrun.Fit{Version: version}
}
