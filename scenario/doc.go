// Package scenario reads simulation scenarios: strict YAML files that
// describe a population, its network, the situation its members meet, the
// model parameters, the feedback regime and the interventions, resolved
// into a validated [Scenario] value with every default filled in.
//
// Parsing is strict: an unknown key, a wrong type or a value outside its
// allowed range is an error of the form
//
//	file.yaml:12:7: population.size: -5: must be in [2, 2147483647]
//
// The engine (package sim) never sees YAML: it takes a [Scenario].
// docs/simulation.md documents every key, its range and its default.
package scenario
