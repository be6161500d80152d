// Package outdir writes an output folder all at once: the files go into a
// temporary sibling folder, and Commit renames it into place at the end.
// A run that fails or is cut off therefore never leaves a mixed or wiped
// output folder: the previous folder stays as it was until the new one is
// complete, and --force leaves no stale files behind.
//
//	d, err := outdir.Begin("runs/x", force)
//	if err != nil { ... }          // *ExistsError, *CutOffError or an I/O error
//	defer d.Abort()                // removes the temporary folder unless committed
//	write files into d.Path()
//	err = d.Commit()               // runs/x now holds exactly the new files
//
// A process killed while writing (kill -9, power loss) leaves its
// temporary folder, named ".x.partial-*" beside x. The next Begin into x
// reports it with a *CutOffError so the user learns that the last attempt
// did not finish; with force it is removed.
package outdir
