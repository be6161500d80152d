package main

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// input is one file the user named, and how they named it ("--spec",
// "the data file").
type input struct{ label, path string }

// unreadableInput turns a failure to open or read one of the user's input
// files (missing, a folder, no permission) into a usage error, exit status
// 2 as in every subcommand, naming how the user gave it. Other errors are
// returned as they are.
func unreadableInput(err error, inputs ...input) error {
	var pe *fs.PathError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	for _, in := range inputs {
		if in.path != "" && filepath.Clean(in.path) == filepath.Clean(pe.Path) {
			return usageErrorf("%s = %q: cannot read: %v", in.label, in.path, pe.Err)
		}
	}
	return err
}
