// Package httpapi is trustlab's HTTP API under /api/v1: decisions, the
// relationships ledger, simulation runs and fits, and an OpenAPI 3
// document of all of it at /api/v1/openapi.json. It depends only on the
// service interfaces of package trustlab; the command wires in the store.
//
// Every error is answered with a JSON body {"error": {"code", "message",
// "fields"}}; [StatusCode] maps error codes to HTTP status codes in one
// place. Middleware requires, when a token is set, the bearer token or a
// session cookie obtained with it (POST /api/v1/session, for the web UI;
// cookie-authenticated state changes also need the header X-Trustlab: 1) on
// everything under /api/, while the UI's shell is served without it; it
// limits request bodies, recovers from panics and logs with log/slog.
package httpapi
