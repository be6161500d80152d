package sim

// The helpers of the internal tests, for files_test.go (package sim_test,
// which writes the files through package simrun).
var (
	Parse          = parse
	LoadExample    = loadExample
	FittedScenario = fittedScenario
	Mixed          = mixed
)
