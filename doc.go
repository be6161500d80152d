// Package trustlab holds the application's domain types that the adapters
// (the CLI, the HTTP API, the store) share: a decision request and its
// explained answer. The model itself lives in package model; the
// simulation, fitting and sweep engines in their own packages.
package trustlab
