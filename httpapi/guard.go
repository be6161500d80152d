package httpapi

import (
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/trustlab/trustlab"
)

// Cross-site requests. A page on another site can make a browser send
// "simple" requests (text/plain and form bodies, no custom headers) to
// the server without asking it first, and a page whose name is rebound to
// 127.0.0.1 (DNS rebinding) can also read the answers. Three checks close
// this: without a token only a loopback Host is served; an Origin header
// must name the server itself; a body must come in its endpoint's media
// type (application/json, which a page can send cross-site only after a
// CORS preflight that the server never grants).

// crossSite applies the Host and Origin checks to every request (the
// Origin check to the API only: the UI's shell holds no data).
func (s *Server) crossSite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if api {
			w.Header().Set("X-Content-Type-Options", "nosniff")
		}
		if s.opts.Token == "" && !loopbackHostHeader(r.Host) {
			s.writeError(w, r, trustlab.Errorf(codeForbidden,
				"Host %q is not a loopback name or address: without a token the server answers only requests to localhost, 127.0.0.1 or [::1] "+
					"(a page on another site may have pointed its name at this machine); start the server with a token (--token) to serve other names", r.Host))
			return
		}
		if api {
			if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
				s.writeError(w, r, trustlab.Errorf(codeForbidden, "Origin %q is not this server's (%s): cross-site requests are refused", o, r.Host))
				return
			}
			if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
				s.writeError(w, r, trustlab.Errorf(codeForbidden, "Sec-Fetch-Site: cross-site: cross-site requests are refused"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHostHeader reports whether a Host header (host or host:port)
// names a loopback interface: localhost, a name under .localhost, or a
// loopback address.
func loopbackHostHeader(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "."), "["), "]")
	if strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	return isLoopbackHost(host)
}

// Media types a route's body may come in.
const (
	bodyNone      = ""          // no body
	bodyJSON      = "json"      // application/json
	bodySession   = "session"   // optional; application/json when a Content-Type is given
	bodyScenario  = "scenario"  // application/yaml (the scenario itself) or application/json
	bodySweep     = "sweep"     // application/yaml (the sweep file itself) or application/json
	bodyMultipart = "multipart" // multipart/form-data (a data set and its spec)
)

// consumes is what a route takes as its body: the one place that says so.
func consumes(method, pattern string) string {
	switch {
	case method != http.MethodPost && method != http.MethodPut && method != http.MethodPatch:
		return bodyNone
	case pattern == "/api/v1/runs", pattern == "/api/v1/live":
		return bodyScenario
	case pattern == "/api/v1/fits":
		return bodyMultipart
	case pattern == "/api/v1/sweeps":
		return bodySweep
	case pattern == "/api/v1/session":
		// Its body is optional, and it acts only with the Authorization
		// header, which no page can send cross-site without a preflight.
		return bodySession
	}
	return bodyJSON
}

// yamlTypes are the media types taken for a scenario in YAML.
var yamlTypes = []string{"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}

// bodyTypes are, for each kind of body but bodyNone, the media types it is
// taken in and what the refusal of another one says after its type.
var bodyTypes = map[string]struct {
	types []string
	hint  string
}{
	bodySession:   {[]string{"application/json"}, "this endpoint takes application/json (or no body)"},
	bodyJSON:      {[]string{"application/json"}, "this endpoint takes application/json (curl: --json '{...}' or -H 'Content-Type: application/json')"},
	bodyScenario:  {append([]string{"application/json"}, yamlTypes...), "send the scenario as application/yaml (curl --data-binary @s.yaml -H 'Content-Type: application/yaml') or JSON {\"scenario\": \"...\"} as application/json"},
	bodySweep:     {append([]string{"application/json"}, yamlTypes...), "send the sweep file as application/yaml (curl --data-binary @sweep.yaml -H 'Content-Type: application/yaml') or JSON {\"sweep\": \"...\"} as application/json"},
	bodyMultipart: {[]string{"multipart/form-data"}, "send multipart/form-data with a file \"data\" (CSV) and \"spec\" (YAML), e.g. curl -F data=@trust.csv -F spec=@spec.yaml"},
}

// checkMediaType refuses a body whose Content-Type is not what the route
// takes (EMEDIATYPE, 415). An empty body needs none, and the optional body
// of bodySession none either.
func checkMediaType(kind string, r *http.Request) error {
	bt, ok := bodyTypes[kind]
	if !ok || r.ContentLength == 0 {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if kind == bodySession && ct == "" {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && slices.Contains(bt.types, mt) {
		return nil
	}
	return trustlab.Errorf(trustlab.EMEDIATYPE, "Content-Type %q: %s", ct, bt.hint)
}
