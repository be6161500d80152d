// Package jobrun adapts trustlab's simulations (packages scenario, sim and
// simrun) and fits (package fitrun) to the job interfaces of package
// trustlab, so that the server's job machinery (package jobs) runs real
// simulations and fits without knowing them: [Sim] implements
// [trustlab.Runner] and [Fit] implements [trustlab.Fitter], both reporting
// real progress (steps, fitted subjects) and stopping when their context
// is cancelled.
package jobrun
