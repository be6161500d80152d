package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	loadN       = flag.Int("load.n", 0, "TestLoad: requests per endpoint (0 skips the load test; e.g. 200000)")
	loadC       = flag.Int("load.c", 16, "TestLoad: concurrent clients")
	loadTimeout = flag.Duration("load.max", 60*time.Second, "TestLoad: time limit per endpoint")
)

// loadResult is one endpoint's measurement.
type loadResult struct {
	requests, errors int
	elapsed          time.Duration
	p50, p99, max    time.Duration
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d requests in %.2fs: %.0f req/s, p50 %v, p99 %v, max %v, %d errors",
		r.requests, r.elapsed.Seconds(), float64(r.requests)/r.elapsed.Seconds(), r.p50, r.p99, r.max, r.errors)
}

// load sends n POST requests with body to url from c keep-alive clients,
// stopping early at the time limit, and measures each request's latency.
func load(url, token string, body []byte, n, c int, limit time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConns: c, MaxIdleConnsPerHost: c, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	var errs atomic.Int64
	lat := make([][]time.Duration, c)
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Go(func() {
			mine := make([]time.Duration, 0, n/c+1)
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				if t0.After(deadline) {
					break
				}
				req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode != 200 {
					errs.Add(1)
				}
			}
			lat[w] = mine
		})
	}
	wg.Wait()
	r := loadResult{elapsed: time.Since(start), errors: int(errs.Load())}
	all := slices.Concat(lat...)
	slices.Sort(all)
	r.requests = len(all)
	if len(all) > 0 {
		r.p50, r.p99, r.max = all[len(all)/2], all[len(all)*99/100], all[len(all)-1]
	}
	return r
}

// TestLoad measures the throughput and latency of POST /api/v1/decide and
// POST /api/v1/parties/{from}/decide against a server on loopback. It is
// off by default (a measurement, not a check); run it with
//
//	go test ./cmd/trustlab -run TestLoad -load.n 200000 -load.c 16 -v
func TestLoad(t *testing.T) {
	if *loadN == 0 || testing.Short() {
		t.Skip("load test off: give -load.n N (see docs/api.md)")
	}
	s := startServer(t, "")
	s.call(t, "PUT", "/api/v1/parties/alice", `{"trait":0.4}`, nil)
	for i := range 50 {
		s.call(t, "POST", "/api/v1/experiences", fmt.Sprintf(`{"from":"alice","to":"bob","outcome":%d,"stake":10,"key":"k%d"}`, (i%4+1)/2, i), nil)
	}
	for _, ep := range []struct{ name, path, body string }{
		{"decide", "/api/v1/decide", `{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`},
		{"ledger decide", "/api/v1/parties/alice/decide", `{"to":"bob","situation":{"gain":1,"loss":2}}`},
	} {
		load(s.url+ep.path, "", []byte(ep.body), min(*loadN, 2000), *loadC, *loadTimeout) // warm up
		r := load(s.url+ep.path, "", []byte(ep.body), *loadN, *loadC, *loadTimeout)
		t.Logf("%-13s %d clients: %v", ep.name, *loadC, r)
		fmt.Printf("LOAD %-13s clients=%d %v\n", ep.name, *loadC, r)
		if r.errors > 0 {
			t.Errorf("%s: %d errors", ep.name, r.errors)
		}
	}
}
