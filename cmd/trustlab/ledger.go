package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trustlab/trustlab/sqlite"
)

const ledgerSynopsis = `trustlab ledger rebuild [--data DIR]

Recompute every belief of the relationships ledger from its append-only log
of experiences, replacing the cached beliefs, and report how many cached
values differed (0 when the cache was sound). Stop the server first or run
it alongside: the rebuild is one transaction.

Example:
  trustlab ledger rebuild --data /var/lib/trustlab`

func cmdLedger(e *env, args []string) error {
	if len(args) == 0 || args[0] != "rebuild" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintf(e.stdout, "Usage: %s\n", ledgerSynopsis)
			return errHelp
		}
		return usageErrorf("ledger: want the subcommand rebuild (trustlab ledger rebuild --data DIR)")
	}
	fs := flag.NewFlagSet("ledger rebuild", flag.ContinueOnError)
	var data string
	fs.StringVar(&data, "data", "", "data `DIR` holding trustlab.db (default: "+defaultDataDir()+")")
	if err := parseFlags(fs, args[1:], e.stdout, ledgerSynopsis); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("ledger rebuild: unexpected argument %q", fs.Arg(0))
	}
	if data == "" {
		data = defaultDataDir()
	}
	path := filepath.Join(data, "trustlab.db")
	if _, err := os.Stat(path); err != nil {
		return usageErrorf("--data = %q: no database %s (%v)", data, path, err)
	}
	db, err := sqlite.Open(e.ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := sqlite.NewLedgerService(db).Rebuild(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "rebuilt %d beliefs of %d parties from %d experiences; %d cached values differed and were replaced\n",
		st.Beliefs, st.Parties, st.Experiences, st.Changed)
	return nil
}
