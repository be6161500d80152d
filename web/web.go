package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// assetPrefix is the URL folder of the assets; the version (a hash of every
// asset) follows it, so a new build never meets a stale cached file and the
// files can be cached for a year.
const assetPrefix = "/assets/"

// contentTypes are set explicitly so that the answer does not depend on the
// host's MIME tables.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
	".csv":  "text/csv; charset=utf-8",
	".yaml": "text/yaml; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
}

// csp allows only the server's own scripts, styles, images and API.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

type asset struct {
	body []byte
	etag string
	ct   string
}

type handler struct {
	version string
	assets  map[string]asset // by path under static/, for example "js/app.js"
	index   asset
}

// Handler serves the web UI: /assets/<version>/<file> with long-lived
// caching, and index.html (revalidated on every load) for every other path
// without a file extension, so that the page's own routes (/explorer,
// /runs/<id>, ...) survive a reload. Only GET and HEAD are allowed.
func Handler() http.Handler {
	h, err := newHandler(static)
	if err != nil {
		panic(err) // the embedded files are part of the build
	}
	return h
}

func newHandler(fsys fs.FS) (*handler, error) {
	sub, err := fs.Sub(fsys, "static")
	if err != nil {
		return nil, err
	}
	h := &handler{assets: map[string]asset{}}
	all := sha256.New()
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		all.Write([]byte(p))
		all.Write(sum[:])
		ct := contentTypes[path.Ext(p)]
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.assets[p] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ct: ct}
		return nil
	})
	if err != nil {
		return nil, err
	}
	h.version = hex.EncodeToString(all.Sum(nil)[:6])
	idx, ok := h.assets["index.html"]
	if !ok {
		return nil, fs.ErrNotExist
	}
	body := bytes.ReplaceAll(idx.body, []byte("{{ASSETS}}"), []byte(assetPrefix+h.version))
	sum := sha256.Sum256(body)
	h.index = asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ct: idx.ct}
	return h, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, assetPrefix); ok {
		ver, file, _ := strings.Cut(rest, "/")
		a, ok := h.assets[file]
		if !ok || file == "index.html" {
			http.NotFound(w, r)
			return
		}
		if ver == h.version {
			hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			// A page of an older build: answer with the current file,
			// but do not let it be cached under the old name.
			hdr.Set("Cache-Control", "no-cache")
		}
		h.serve(w, r, a)
		return
	}
	if strings.Contains(path.Base(p), ".") {
		// A file the UI does not have (favicon.ico, robots.txt, ...).
		http.NotFound(w, r)
		return
	}
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Security-Policy", csp)
	hdr.Set("Referrer-Policy", "same-origin")
	h.serve(w, r, h.index)
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request, a asset) {
	w.Header().Set("Content-Type", a.ct)
	w.Header().Set("ETag", a.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
