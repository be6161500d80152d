package httpapi

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/experiment"
	"github.com/trustlab/trustlab/live"
)

// Options configure a Server. The zero value of each limit and timeout
// means its default.
type Options struct {
	Ledger trustlab.LedgerService
	Jobs   trustlab.JobService
	// Experiments runs trust experiments with people (nil: none).
	Experiments *experiment.Manager
	// Live keeps the live population view's sessions (nil: none).
	Live *live.Manager

	// Token, when set, is required on every API request as
	// "Authorization: Bearer <Token>", or a session cookie obtained with
	// it (POST /api/v1/session). Listen refuses a non-loopback address
	// without one. The web UI's shell (index.html and its assets, which
	// hold no data) is served without it.
	Token string

	// SessionTTL is the lifetime of a session cookie (default 12 hours).
	SessionTTL time.Duration

	// Logger receives the server's logs (default: slog.Default()).
	// Requests are logged at Debug level, server errors at Error level.
	Logger *slog.Logger

	// UI, when set, serves the web UI at /.
	UI http.Handler

	MaxBody   int64 // JSON request bodies, default 1 MiB
	MaxUpload int64 // data set uploads (POST /fits), default 64 MiB

	ReadHeaderTimeout time.Duration // default 10s
	ReadTimeout       time.Duration // default 5m (uploads)
	WriteTimeout      time.Duration // default 5m (downloads)
	IdleTimeout       time.Duration // default 2m
}

// Server is the HTTP API.
type Server struct {
	opts     Options
	log      *slog.Logger
	sessions *sessions
	handler  http.Handler
	srv      *http.Server
	ln       net.Listener
	// closing is closed when Shutdown begins: event streams end then, so
	// that they do not hold the shutdown up.
	closing chan struct{}
	joins   *joinLimit // wrong room codes per client
}

// route is one endpoint; the OpenAPI test walks this table.
type route struct {
	method, pattern string
	handle          handler
}

// New returns a server for opts.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&opts.MaxBody, 1<<20)
	def(&opts.MaxUpload, 64<<20)
	dur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	dur(&opts.ReadHeaderTimeout, 10*time.Second)
	dur(&opts.ReadTimeout, 5*time.Minute)
	dur(&opts.WriteTimeout, 5*time.Minute)
	dur(&opts.IdleTimeout, 2*time.Minute)
	dur(&opts.SessionTTL, defaultSessionTTL)
	s := &Server{opts: opts, log: opts.Logger, sessions: newSessions(), closing: make(chan struct{}), joins: newJoinLimit(time.Now)}
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		h := rt.handle
		body := consumes(rt.method, rt.pattern)
		mux.HandleFunc(rt.method+" "+rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			err := checkMediaType(body, r)
			if err == nil {
				err = h(w, r)
			}
			if err != nil {
				s.writeError(w, r, err)
			}
		})
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, trustlab.Errorf(trustlab.ENOTFOUND, "no endpoint %s %s (see /api/v1/openapi.json)", r.Method, r.URL.Path))
	})
	// The API requires the token; the UI's shell does not (it holds no
	// data). The split is the mux's own routing, so a path the mux routes
	// to the API never reaches the UI unguarded.
	api := s.auth(mux)
	if opts.UI != nil {
		root := http.NewServeMux()
		root.Handle("/api/", api)
		root.Handle("/", opts.UI)
		api = root
	}
	s.handler = s.recoverer(s.logger(s.crossSite(api)))
	return s
}

// Handler returns the API with its middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// routes lists every endpoint.
func (s *Server) routes() []route {
	return slices.Concat([]route{
		{"GET", "/api/v1/openapi.json", s.openAPI},
		{"GET", "/api/v1/health", s.health},
		{"POST", "/api/v1/decide", s.decide},

		{"POST", "/api/v1/session", s.createSession},
		{"GET", "/api/v1/session", s.getSession},
		{"DELETE", "/api/v1/session", s.deleteSession},

		{"GET", "/api/v1/parties", s.listParties},
		{"PUT", "/api/v1/parties/{id}", s.putParty},
		{"GET", "/api/v1/parties/{id}", s.getParty},
		{"POST", "/api/v1/experiences", s.recordExperience},
		{"GET", "/api/v1/parties/{from}/beliefs/{to}", s.belief},
		{"POST", "/api/v1/parties/{from}/decide", s.ledgerDecide},

		{"POST", "/api/v1/runs/check", on(s.jobs, s.checkRun)},
		{"POST", "/api/v1/sweeps/check", on(s.jobs, s.checkSweep)},
	},
		s.jobRoutes(trustlab.KindRun, "/api/v1/runs", s.submitRun, "steps.csv", "agents.csv"),
		s.jobRoutes(trustlab.KindFit, "/api/v1/fits", s.submitFit, "subjects.csv", "comparison.csv"),
		[]route{
			{"GET", "/api/v1/fits/{id}/levels/{level}/{name}", s.jobFile(trustlab.KindFit, "levels/")},
			{"GET", "/api/v1/fits/{id}/trustees/{name}", s.jobFile(trustlab.KindFit, "trustees/")},
		},
		s.jobRoutes(trustlab.KindSweep, "/api/v1/sweeps", s.submitSweep, "summary.csv", "runs.csv", "steps.csv", "sweep.json"),
		s.labRoutes(), s.experimentRoutes(), s.liveRoutes())
}

// jobRoutes lists the endpoints of a kind of job under prefix: submit,
// list, get, delete, and its files (files, then manifest.json, index.html,
// plots and any other file of the job).
func (s *Server) jobRoutes(kind trustlab.JobKind, prefix string, submit func(trustlab.JobService, http.ResponseWriter, *http.Request) error, files ...string) []route {
	rs := []route{
		{"POST", prefix, on(s.jobs, submit)},
		{"GET", prefix, s.listJobs(kind)},
		{"GET", prefix + "/{id}", s.getJob(kind)},
		{"DELETE", prefix + "/{id}", s.deleteJob(kind)},
	}
	for _, f := range append(files, "manifest.json", "index.html") {
		rs = append(rs, route{"GET", prefix + "/{id}/" + f, s.jobFile(kind, f)})
	}
	return append(rs,
		route{"GET", prefix + "/{id}/plots/{name}", s.jobFile(kind, "plots/")},
		route{"GET", prefix + "/{id}/{name}", s.jobFile(kind, "")})
}

// statusWriter records the status code for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logger logs each request at Debug level and server errors (5xx but
// 501) at Error level.
func (s *Server) logger(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelDebug
		if sw.status >= 500 && sw.status != http.StatusNotImplemented {
			level = slog.LevelError
		}
		if s.log.Enabled(r.Context(), level) {
			s.log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)), slog.String("remote", r.RemoteAddr))
		}
	})
}

// recoverer answers a panic (a bug) with 500 and logs its stack.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.writeError(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Listen binds addr. It refuses an address that is not loopback unless a
// token is set.
func (s *Server) Listen(addr string) (net.Addr, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--addr = %q: %v (want host:port, for example 127.0.0.1:8080)", addr, err)
	}
	if s.opts.Token == "" && !isLoopbackHost(host) {
		return nil, fmt.Errorf("--addr = %q is not a loopback address: set a token (--token or TRUSTLAB_TOKEN) so that every request must carry it, or listen on 127.0.0.1", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && s.opts.Token == "" && !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("--addr = %q bound %v, which is not loopback: set a token (--token or TRUSTLAB_TOKEN)", addr, tcp.IP)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	var once sync.Once
	s.srv.RegisterOnShutdown(func() { once.Do(func() { close(s.closing) }) })
	return ln.Addr(), nil
}

// isLoopbackHost reports whether host names only loopback interfaces.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Serve serves on the listener bound by Listen until Shutdown; it returns
// nil after a graceful shutdown.
func (s *Server) Serve() error {
	if s.srv == nil {
		return errors.New("httpapi: Serve before Listen")
	}
	err := s.srv.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for the requests in
// flight until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}
