package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
)

// Browser sessions: a browser cannot attach the bearer token to a page
// load, an <img src> or a download link, so the web UI exchanges the token
// once (POST /api/v1/session with the Authorization header) for a cookie
// holding a random session id. The server keeps only the SHA-256 of each id,
// in memory, with its expiry; a restart ends every session.

// SessionCookie is the name of the session cookie.
const SessionCookie = "trustlab_session"

// CSRFHeader must be sent (with the value "1") on every state-changing
// request authenticated by the session cookie. A cross-site form cannot set
// it, and a cross-site script cannot send it without a CORS preflight,
// which the server never grants.
const CSRFHeader = "X-Trustlab"

// codeForbidden is the error code of a cookie-authenticated request that
// lacks the CSRF header or comes from another origin (403).
const codeForbidden = "forbidden"

const (
	defaultSessionTTL = 12 * time.Hour
	minSessionTTL     = time.Minute
	maxSessionTTL     = 30 * 24 * time.Hour
	maxSessions       = 10000
)

// SessionInput is the optional body of POST /api/v1/session.
type SessionInput struct {
	// MaxAgeSeconds is the session's lifetime, in [60, 2592000]
	// (default: Options.SessionTTL, 12 hours).
	MaxAgeSeconds *int64 `json:"max_age_seconds,omitempty"`
}

// Session describes how the current request is authenticated.
type Session struct {
	// TokenRequired is false when the server has no token (every request
	// is allowed).
	TokenRequired bool `json:"token_required"`
	// Via is "token" (the Authorization header), "cookie" (a session) or
	// "none" (no token required).
	Via string `json:"via"`
	// ExpiresAt is when the session ends (absent without one).
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// sessions is the in-memory session table, keyed by the SHA-256 of the id.
type sessions struct {
	mu  sync.Mutex
	m   map[[sha256.Size]byte]time.Time
	now func() time.Time
}

func newSessions() *sessions {
	return &sessions{m: map[[sha256.Size]byte]time.Time{}, now: time.Now}
}

// create returns a new session id valid for ttl.
func (st *sessions) create(ttl time.Duration) (string, time.Time) {
	var raw [32]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	now := st.now()
	exp := now.Add(ttl).Truncate(time.Second)
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, e := range st.m {
		if !now.Before(e) {
			delete(st.m, k)
		}
	}
	for len(st.m) >= maxSessions { // evict the session that ends first
		var first [sha256.Size]byte
		var firstExp time.Time
		for k, e := range st.m {
			if firstExp.IsZero() || e.Before(firstExp) {
				first, firstExp = k, e
			}
		}
		delete(st.m, first)
	}
	st.m[sha256.Sum256([]byte(id))] = exp
	return id, exp
}

// lookup returns the expiry of a live session id. The table is keyed by
// the id's hash, so the time a lookup takes reveals nothing about the ids.
func (st *sessions) lookup(id string) (time.Time, bool) {
	if len(id) != 43 {
		return time.Time{}, false
	}
	k := sha256.Sum256([]byte(id))
	st.mu.Lock()
	defer st.mu.Unlock()
	exp, ok := st.m[k]
	if !ok {
		return time.Time{}, false
	}
	if !st.now().Before(exp) {
		delete(st.m, k)
		return time.Time{}, false
	}
	return exp, true
}

func (st *sessions) delete(id string) {
	k := sha256.Sum256([]byte(id))
	st.mu.Lock()
	delete(st.m, k)
	st.mu.Unlock()
}

type authKey struct{}

// authOf returns how the request was authenticated (set by auth).
func authOf(ctx context.Context) Session {
	if s, ok := ctx.Value(authKey{}).(Session); ok {
		return s
	}
	return Session{Via: "none"}
}

// auth requires, when a token is set, either the bearer token in the
// Authorization header (compared in constant time) or a live session
// cookie; a cookie-authenticated request that changes state must also
// carry the CSRF header and, if it names an Origin, come from this host.
func (s *Server) auth(next http.Handler) http.Handler {
	if s.opts.Token == "" {
		return next
	}
	want := []byte("Bearer " + s.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, playPrefix) {
			// A participant's routes: authorised by their link token alone
			// (experiments.go), never by the researcher's token or cookie.
			next.ServeHTTP(w, r)
			return
		}
		if got := r.Header.Get("Authorization"); got != "" {
			if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
				s.writeError(w, r, trustlab.Errorf(trustlab.EUNAUTHORIZED, "wrong bearer token"))
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authKey{}, Session{TokenRequired: true, Via: "token"})))
			return
		}
		c, err := r.Cookie(SessionCookie)
		if err != nil {
			s.writeError(w, r, trustlab.Errorf(trustlab.EUNAUTHORIZED, "a bearer token is required: send the header Authorization: Bearer <token>, or sign in (POST /api/v1/session) for a session cookie"))
			return
		}
		exp, ok := s.sessions.lookup(c.Value)
		if !ok {
			clearSessionCookie(w, r)
			s.writeError(w, r, trustlab.Errorf(trustlab.EUNAUTHORIZED, "the session has expired or is unknown: sign in again with the token"))
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if r.Header.Get(CSRFHeader) != "1" {
				s.writeError(w, r, trustlab.Errorf(codeForbidden, "a request authenticated by the session cookie that changes state must carry the header %s: 1", CSRFHeader))
				return
			}
			if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
				s.writeError(w, r, trustlab.Errorf(codeForbidden, "cross-origin request from %s refused", o))
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authKey{}, Session{TokenRequired: true, Via: "cookie", ExpiresAt: &exp})))
	})
}

// sameOrigin reports whether an Origin header names host (scheme aside).
func sameOrigin(origin, host string) bool {
	_, rest, ok := strings.Cut(origin, "://")
	return ok && strings.EqualFold(rest, host)
}

// secureRequest reports whether the client reached the server over TLS,
// directly or through a proxy that says so.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, id string, exp time.Time, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: id, Path: "/api/", Expires: exp,
		MaxAge: int(ttl / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: secureRequest(r),
	})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/api/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureRequest(r),
	})
}

// createSession exchanges the bearer token for a session cookie.
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) error {
	var in SessionInput
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		return jsonError(err)
	}
	if len(bytes.TrimSpace(body)) > 0 { // the body is optional
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
			return err
		}
	}
	ttl := s.opts.SessionTTL
	if in.MaxAgeSeconds != nil {
		v := *in.MaxAgeSeconds
		if v < int64(minSessionTTL/time.Second) || v > int64(maxSessionTTL/time.Second) {
			return trustlab.Invalid(trustlab.FieldErrorf("max_age_seconds", "[60, 2592000]", "max_age_seconds = %d: must be in [60, 2592000]", v))
		}
		ttl = time.Duration(v) * time.Second
	}
	if s.opts.Token == "" {
		writeJSON(w, http.StatusOK, Session{Via: "none"})
		return nil
	}
	if authOf(r.Context()).Via != "token" {
		return trustlab.Errorf(trustlab.EUNAUTHORIZED, "a session is created with the token: send the header Authorization: Bearer <token>")
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		s.sessions.delete(c.Value) // replaced by the new one
	}
	id, exp := s.sessions.create(ttl)
	setSessionCookie(w, r, id, exp, ttl)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, Session{TokenRequired: true, Via: "cookie", ExpiresAt: &exp})
	return nil
}

// getSession says how the request is authenticated.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, authOf(r.Context()))
	return nil
}

// deleteSession ends the session of the cookie (if any) and clears it.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		s.sessions.delete(c.Value)
	}
	clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
