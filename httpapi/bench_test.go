package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkDecideHandler measures the server's work for one POST
// /api/v1/decide without the network: decoding, the model, encoding.
func BenchmarkDecideHandler(b *testing.B) {
	h := newTest(b, Options{})
	body := `{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/api/v1/decide", strings.NewReader(body))
		r.Host = "127.0.0.1:8080"
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
