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
//
// Cross-site requests are refused (guard.go): without a token a Host that
// is not loopback (DNS rebinding), on the API an Origin that is not the
// server's own, and a body in another media type than its endpoint takes
// (consumes). JSON bodies are decoded strictly (strict.go): duplicate
// keys, keys in another case, invalid UTF-8 and null for a required value
// are 400s. Job files are served with nosniff and a sandboxing CSP.
package httpapi
