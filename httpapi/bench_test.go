package httpapi

import "testing"

// BenchmarkDecideHandler measures the server's work for one POST
// /api/v1/decide without the network: decoding, the model, encoding.
func BenchmarkDecideHandler(b *testing.B) {
	h := newTest(b, Options{})
	body := `{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`
	b.ReportAllocs()
	for b.Loop() {
		if status, _, _ := do(b, h, "POST", "/api/v1/decide", body); status != 200 {
			b.Fatal(status)
		}
	}
}
