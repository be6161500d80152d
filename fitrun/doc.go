// Package fitrun is the fitting workflow of trustlab: it reads a data set
// through its spec (package dataset), estimates every model for every
// subject (package fit) and writes the results, and it runs parameter
// recovery studies end to end. Package fit stays the estimation core; this
// package adds the files.
//
// [Run] writes into an output directory:
//
//	subjects.csv     one row per subject (or pool) and model: estimates,
//	                 standard errors, log-likelihood, AIC, BIC, the
//	                 cross-validated log-likelihood and warnings
//	comparison.csv   totals per model
//	predictions.csv  observed and predicted choices per trial
//	choices_*.svg/png, param_*.svg/png   plots (unless NoPlots)
//	manifest.json    what was run, for reproducing it
//	index.html       the report page
//
// [Recover] simulates subjects with known parameters in a design, fits
// them and writes recovery.csv, subjects.csv, scatter plots, manifest.json
// and index.html.
//
// Options are structs whose zero value means the defaults of the trustlab
// CLI (empirical Bayes, 5 restarts, seed 1, every model, cross-validation
// on the last 20% of each partner's trials). A Progress callback reports
// each subject as its final fits are written, and the EM iterations of
// empirical Bayes before them; cancelling the context stops a run (rows
// already written stay on disk). Warnings about the results come back in
// the result, for the caller to show.
package fitrun
