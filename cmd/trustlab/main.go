// Command trustlab is the command-line laboratory for interpersonal trust:
// decide, run, fit, recover, sweep, merge, serve and experiment. main only wires: it
// calls run and turns its error into an exit status.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// env is what every subcommand gets: its streams and the context that is
// cancelled on Ctrl-C.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

// commands lists the subcommands in the order help shows them.
func commands() []command {
	return []command{
		{"decide", "evaluate one situation and explain every level of the pyramid", cmdDecide},
		{"run", "run an agent-based simulation of a scenario file", cmdRun},
		{"fit", "fit the model to people's trust decisions and compare it with simpler models", cmdFit},
		{"recover", "check that the model's parameters can be recovered from simulated choices", cmdRecover},
		{"sweep", "run a parameter sweep (locally, or one shard of it on a cluster)", cmdSweep},
		{"merge", "combine the shards of a sweep into tables, plots and index.html", cmdMerge},
		{"serve", "serve the HTTP API with an embedded database (ledger, runs, fits, experiments)", cmdServe},
		{"experiment", "check an experiment design for trust games with people (run on the server)", cmdExperiment},
		{"ledger", "relationships ledger maintenance: rebuild beliefs from the log", cmdLedger},
		{"version", "print the version", cmdVersion},
		{"help", "show this help", nil},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return usageErrorf("no command given")
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return nil
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(e, args[1:])
		}
	}
	usage(stderr)
	return usageErrorf("unknown command %q", name)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "trustlab: a laboratory for interpersonal trust (the pyramid model)\n\nUsage: trustlab <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'trustlab <command> -h' for the flags of a command.\n")
}

func cmdVersion(e *env, args []string) error {
	if len(args) > 0 {
		return usageErrorf("version takes no arguments")
	}
	fmt.Fprintf(e.stdout, "trustlab %s\n", version)
	return nil
}

// usageError is bad input from the user: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, a ...any) error {
	return &usageError{fmt.Sprintf(format, a...)}
}

// errHelp is returned after -h printed a command's help: exit status 0.
var errHelp = errors.New("help requested")

// exitCode prints err (one line per joined error, prefixed "trustlab: ")
// and returns the exit status: 0 on success or help, 2 for bad input, 1
// otherwise.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "trustlab: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
