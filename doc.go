// Package trustlab holds the domain types and service interfaces that the
// adapters (the CLI, the HTTP API, the store, the job runner) share, so
// that none of them imports another:
//
//   - decisions: [DecideInput] and its explained answer [DecideOutput],
//     one situation evaluated level by level of the pyramid;
//   - the laboratory's teaching views: trait curves ([CurveInput],
//     [CurveOutput]) and sequences of encounters ([EncountersInput]);
//   - the relationships ledger for engineers: parties, experiences between
//     them and explainable decisions from the beliefs they built
//     ([Party], [Experience], [LedgerService]);
//   - background jobs (simulation runs, sweeps, fits): [Job],
//     [JobService], [JobStore], and the [Runner] and [Fitter] that do the
//     work;
//   - errors with a kind and the field at fault ([Error], [FieldError]),
//     which HTTP maps to status codes in one place.
//
// The model itself lives in package model; simulation in sim, fitting in
// fit and fitrun, sweeps in sweep (see DEVELOPERS.md for the layers).
package trustlab
