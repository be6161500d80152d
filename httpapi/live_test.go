package httpapi

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/live"
)

const liveScenario = `name: live-api
seed: 2
steps: 40
population:
  size: 400
  trait: {dist: uniform, min: 0.05, max: 0.95}
  trustworthiness: 0.8
network: {kind: k-out, k: 4}
situation: {game: binary, gain: 1, loss: 1}
feedback: own
`

func newLive(t testing.TB) (http.Handler, *live.Manager) {
	t.Helper()
	m := live.NewManager(live.Options{MaxSessions: 3})
	t.Cleanup(m.Close)
	return newTest(t, Options{Live: m}), m
}

func createLive(t testing.TB, h http.Handler) live.State {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"scenario": liveScenario})
	status, b, hdr := do(t, h, "POST", "/api/v1/live", string(body))
	if status != 201 {
		t.Fatalf("create: %d %s", status, b)
	}
	var st live.State
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if hdr.Get("Location") != "/api/v1/live/"+st.ID || st.Status != live.Paused || st.Agents != 400 || st.Sampled != 400 {
		t.Fatalf("created %+v at %q", st, hdr.Get("Location"))
	}
	return st
}

// TestLiveAPI walks a session through its endpoints.
func TestLiveAPI(t *testing.T) {
	h, _ := newLive(t)
	st := createLive(t, h)
	base := "/api/v1/live/" + st.ID
	var g live.Graph
	status, b, _ := do(t, h, "GET", base+"/graph", "")
	if status != 200 || json.Unmarshal(b, &g) != nil || len(g.IDs) != 400 || len(g.Edges) == 0 {
		t.Fatalf("graph: %d %.200s", status, b)
	}
	for range 3 {
		if status, b, _ = do(t, h, "POST", base+"/control", `{"action":"step"}`); status != 200 {
			t.Fatalf("step: %d %s", status, b)
		}
	}
	json.Unmarshal(b, &st)
	if st.Step != 3 || st.Status != live.Paused {
		t.Errorf("after 3 steps: %+v", st)
	}
	var v live.AgentView
	status, b, _ = do(t, h, "GET", base+"/agents/7?partner=2", "")
	if status != 200 || json.Unmarshal(b, &v) != nil || v.ID != 7 || v.Step != 3 || v.Partner != 2 || v.Decision == nil || len(v.Partners) != 4 {
		t.Fatalf("agent 7: %d %.300s", status, b)
	}
	status, b, _ = do(t, h, "GET", "/api/v1/live", "")
	if status != 200 || !strings.Contains(string(b), st.ID) {
		t.Errorf("list: %d %s", status, b)
	}
	for _, tc := range []struct {
		method, path, body string
		status             int
		field, substr      string
	}{
		{"POST", base + "/control", `{"action":"jump"}`, 400, "action", "must be play, pause, step, speed or stop"},
		{"POST", base + "/control", `{"action":"speed","speed":2000}`, 400, "speed", "[0.1, 1000]"},
		{"POST", base + "/control", `{"action":"play","speed":"fast"}`, 400, "speed", "want a number"},
		{"POST", base + "/control", `{"action":"play","rate":1}`, 400, "rate", "unknown field"},
		{"GET", base + "/agents/400", "", 400, "agent", "[0, 399]"},
		{"GET", base + "/agents/x", "", 400, "agent", "not an agent id"},
		{"GET", base + "/agents/1?partner=-2", "", 400, "partner", "partner: -2"},
		{"GET", "/api/v1/live/nope/graph", "", 404, "", "no live session"},
		{"POST", "/api/v1/live", `{"scenario":"steps: 0"}`, 400, "", "steps"},
		{"POST", "/api/v1/live", `{"scenario":""}`, 400, "scenario", "required"},
	} {
		status, b, _ := do(t, h, tc.method, tc.path, tc.body)
		if status != tc.status {
			t.Errorf("%s %s %s: %d %s, want %d", tc.method, tc.path, tc.body, status, b, tc.status)
			continue
		}
		e := errorBody(t, b)
		if !strings.Contains(e.Message, tc.substr) {
			t.Errorf("%s %s %s: message %q, want %q", tc.method, tc.path, tc.body, e.Message, tc.substr)
		}
		if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
			t.Errorf("%s %s %s: fields %+v, want %s", tc.method, tc.path, tc.body, e.Fields, tc.field)
		}
	}
	if status, b, _ := do(t, h, "DELETE", base, ""); status != 204 {
		t.Errorf("delete: %d %s", status, b)
	}
	if status, _, _ := do(t, h, "GET", base, ""); status != 404 {
		t.Errorf("after delete: %d, want 404", status)
	}
	// Without a live manager: 501.
	if status, _, _ := do(t, newTest(t, Options{}), "GET", "/api/v1/live", ""); status != 501 {
		t.Errorf("no live manager: %d, want 501", status)
	}
	// The YAML body.
	if status, b, _ := do(t, h, "POST", "/api/v1/live", liveScenario, "Content-Type", "application/yaml"); status != 201 {
		t.Errorf("YAML body: %d %s", status, b)
	}
}

// TestLiveEvents reads the stream: the first update carries the header
// and the frame of step 0; steps arrive as rows; a stop ends the stream.
func TestLiveEvents(t *testing.T) {
	m := live.NewManager(live.Options{})
	defer m.Close()
	srv := New(Options{Ledger: fakeLedger{}, Live: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	ss, err := m.Create([]byte(liveScenario))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/live/"+ss.ID()+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	events := make(chan [2]string, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		var ev string
		for sc.Scan() {
			l := sc.Text()
			if e, ok := strings.CutPrefix(l, "event: "); ok {
				ev = e
			} else if d, ok := strings.CutPrefix(l, "data: "); ok {
				events <- [2]string{ev, d}
			}
		}
	}()
	next := func() (string, live.Update) {
		t.Helper()
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			var u live.Update
			if err := json.Unmarshal([]byte(e[1]), &u); err != nil {
				t.Fatalf("event %s: %v", e[0], err)
			}
			return e[0], u
		case <-time.After(10 * time.Second):
			t.Fatal("no event in 10 s")
		}
		return "", live.Update{}
	}
	ev, u := next()
	if ev != "update" || len(u.Header) != 18 || u.Agents == nil || u.Agents.Step != 0 || len(u.Agents.Trait) != 400 || len(u.Rows) != 0 {
		t.Fatalf("first event %s: %+v", ev, u.State)
	}
	if _, err := ss.Control("step", nil); err != nil {
		t.Fatal(err)
	}
	ev, u = next()
	if ev != "update" || u.State.Step != 1 || len(u.Rows) != 1 || u.Rows[0].Step != 1 || u.Agents == nil || u.Agents.Step != 1 || u.Header != nil {
		t.Fatalf("after a step: %s %+v, %d rows", ev, u.State, len(u.Rows))
	}
	if err := m.Delete(ss.ID()); err != nil {
		t.Fatal(err)
	}
	for {
		ev, u = next()
		if ev == "end" {
			break
		}
	}
	if u.State.Status != live.Stopped {
		t.Errorf("end: status %s", u.State.Status)
	}
}

// FuzzLiveControlBody checks that no control body makes the endpoint fail
// with anything but a client error.
func FuzzLiveControlBody(f *testing.F) {
	for _, s := range []string{`{"action":"step"}`, `{"action":"speed","speed":5}`, `{"action":"play","speed":0}`,
		`{"action":"pause"}`, `{"action":"speed","speed":1e400}`, `{"action":""}`, `[]`, `null`, `{"action":"play","speed":-0}`} {
		f.Add(s)
	}
	h, _ := newLive(f)
	st := createLive(f, h)
	f.Fuzz(func(t *testing.T, body string) {
		if strings.Contains(body, "stop") {
			return // would end the session the other inputs need
		}
		status, b, _ := do(t, h, "POST", "/api/v1/live/"+st.ID+"/control", body)
		switch status {
		case 200:
			if !json.Valid(b) {
				t.Fatalf("status 200 with invalid JSON %q", b)
			}
		case 400, 409, 413:
			errorBody(t, b)
		default:
			t.Fatalf("body %q: status %d: %s", body, status, b)
		}
		do(t, h, "POST", "/api/v1/live/"+st.ID+"/control", `{"action":"pause"}`)
	})
}

// FuzzLiveBody checks the scenario body of POST /api/v1/live.
func FuzzLiveBody(f *testing.F) {
	for _, s := range []string{`{"scenario":"steps: 5"}`, `{"scenario":""}`, `{"scenario":"\ud800"}`, `{"Scenario":"x"}`,
		`{"scenario":"population: {size: 1e9}"}`} {
		f.Add(s)
	}
	m := live.NewManager(live.Options{MaxSessions: 1, MaxAgents: 5000})
	f.Cleanup(m.Close)
	h := newTest(f, Options{Live: m})
	f.Fuzz(func(t *testing.T, body string) {
		status, b, hdr := do(t, h, "POST", "/api/v1/live", body)
		switch status {
		case 201:
			var st live.State
			if json.Unmarshal(b, &st) != nil {
				t.Fatalf("status 201 with %q", b)
			}
			m.Delete(st.ID)
			_ = hdr
		case 400, 413, 422:
			e := errorBody(t, b)
			if status == 422 && e.Code != trustlab.ELIMIT {
				t.Fatalf("422 with code %s", e.Code)
			}
		default:
			t.Fatalf("body %q: status %d: %s", body, status, b)
		}
	})
}

// TestLiveOpenAPISchemas checks the live schemas against their Go types.
func TestLiveOpenAPISchemas(t *testing.T) {
	checkSchemas(t, map[string]any{
		"LiveState": live.State{}, "LiveControlInput": LiveControlInput{}, "LiveGraph": live.Graph{},
		"LiveRow": live.Row{}, "LiveFrame": live.Frame{}, "LiveUpdate": live.Update{},
		"LivePartner": live.Partner{}, "LiveAgent": live.AgentView{},
	})
}
