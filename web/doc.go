// Package web is trustlab's web laboratory: hand-written ES modules, CSS and
// SVG charts embedded in the binary with go:embed, so `trustlab serve`
// needs nothing at run time. [Handler] serves them at / beside the HTTP API.
//
// The pages never compute what the model computes: every number (beliefs,
// expectation, risk, balance, P(trust), curves) comes from the API
// (/api/v1/decide, /api/v1/decide/curve, /api/v1/encounters, runs and fits).
//
// The browser tests in e2e/ (Playwright driving Chromium) exercise the
// pages against a real server; see docs/web.md.
package web
