// Package simrun is the run workflow of trustlab's simulations: it steps
// a simulation (package sim, the engine) to the end of its scenario and
// writes the files of the run. Package sim stays the engine; this package
// adds the files, as package fitrun does for fits.
//
// [Run] writes into an output directory:
//
//	steps.csv        one row per step and group (columns sim.RowHeader)
//	agents.csv       one row per agent (unless outputs.agents is false)
//	rates, calibration, payoff-by-group, trait-payoff .svg/png   plots
//	                 (unless outputs.plots is false)
//	index.html       the report page
//	manifest.json    what was run, how long it took and how far it got
//
// While it runs, the manifest (complete: false) is rewritten every second
// with the steps already flushed, so a killed run says how far it got; a
// cancelled context ends the run with [ErrInterrupted], the outputs so far
// written.
package simrun
