package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/experiment"
)

const testDesign = `name: t
game: {kind: investment, endowment: 10, multiplier: 3, rounds: 2}
participants: 2
timing: {round_timeout: 60s}
questionnaire:
  min: 1
  max: 5
  items: [{id: q1, text: One}]
`

// expServer returns a server with an experiment manager in memory and a
// session opened on it.
func expServer(t testing.TB, token string) (http.Handler, experiment.Created) {
	t.Helper()
	m := experiment.NewManager(experiment.Options{Store: experiment.NewMemoryStore(), NoLiveFits: true})
	t.Cleanup(m.Close)
	h := newTest(t, Options{Jobs: &fakeJobs{}, Experiments: m, Token: token})
	body, _ := json.Marshal(SessionCreateInput{Design: testDesign})
	hdr := []string{}
	if token != "" {
		hdr = []string{"Authorization", "Bearer " + token}
	}
	status, b, _ := do(t, h, "POST", "/api/v1/experiments/sessions", string(body), hdr...)
	if status != 201 {
		t.Fatalf("create: %d %s", status, b)
	}
	var c experiment.Created
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return h, c
}

func TestExperimentRoutesSecurity(t *testing.T) {
	h, c := expServer(t, "s3cret")
	p1, p2 := c.Links[0].Token, c.Links[1].Token
	bearer := []string{"Authorization", "Bearer s3cret"}
	for _, tc := range []struct {
		name, method, path, body string
		hdr                      []string
		want                     int
	}{
		{"researcher route without the token", "GET", "/api/v1/experiments/sessions/" + c.ID, "", nil, 401},
		{"export without the token", "GET", "/api/v1/experiments/sessions/" + c.ID + "/export/trials.csv", "", nil, 401},
		{"researcher route with a participant token as bearer", "GET", "/api/v1/experiments/sessions", "", []string{"Authorization", "Bearer " + p1}, 401},
		{"researcher route with the token", "GET", "/api/v1/experiments/sessions/" + c.ID, "", bearer, 200},
		{"participant page without the researcher token", "GET", "/api/v1/play/" + p1, "", nil, 200},
		{"unknown link", "GET", "/api/v1/play/" + strings.Repeat("x", 43), "", nil, 404},
		{"short link", "GET", "/api/v1/play/abc", "", nil, 404},
		{"escape from the play prefix", "GET", "/api/v1/play/..%2fexperiments%2fsessions", "", nil, 404},
		{"dot segments are redirected, not served", "GET", "/api/v1/play/../experiments/sessions", "", nil, 307},
		{"questionnaire out of range", "POST", "/api/v1/play/" + p1 + "/questionnaire", `{"answers":[9]}`, nil, 400},
		{"questionnaire", "POST", "/api/v1/play/" + p1 + "/questionnaire", `{"answers":[4]}`, nil, 200},
		{"questionnaire again", "POST", "/api/v1/play/" + p1 + "/questionnaire", `{"answers":[4]}`, nil, 200},
		{"questionnaire changed", "POST", "/api/v1/play/" + p1 + "/questionnaire", `{"answers":[3]}`, nil, 409},
		{"questionnaire 2", "POST", "/api/v1/play/" + p2 + "/questionnaire", `{"answers":[2]}`, nil, 200},
		{"amount above the endowment", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":11}`, nil, 400},
		{"negative amount", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":-1}`, nil, 400},
		{"not a whole number", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":2.5}`, nil, 400},
		{"unknown field", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":2,"seat":"p02"}`, nil, 400},
		{"not JSON", "POST", "/api/v1/play/" + p1 + "/choice", `round=1`, []string{"Content-Type", "text/plain"}, 415},
		{"cross-site", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":2}`, []string{"Origin", "https://evil.example"}, 403},
		{"not the partner's turn", "POST", "/api/v1/play/" + p2 + "/choice", `{"round":1,"amount":2}`, nil, 409},
		{"send", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":4}`, nil, 200},
		{"double click", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":4}`, nil, 200},
		{"changed mind", "POST", "/api/v1/play/" + p1 + "/choice", `{"round":1,"amount":5}`, nil, 409},
		{"return more than received", "POST", "/api/v1/play/" + p2 + "/choice", `{"round":1,"amount":13}`, nil, 400},
		{"return", "POST", "/api/v1/play/" + p2 + "/choice", `{"round":1,"amount":6}`, nil, 200},
		{"a round not begun", "POST", "/api/v1/play/" + p2 + "/choice", `{"round":2,"amount":1}`, nil, 409},
		{"unknown export", "GET", "/api/v1/experiments/sessions/" + c.ID + "/export/passwd", "", bearer, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, b, _ := do(t, h, tc.method, tc.path, tc.body, tc.hdr...)
			if status != tc.want {
				t.Fatalf("status %d, want %d: %s", status, tc.want, b)
			}
			if status >= 400 && status != 307 {
				e := errorBody(t, b)
				if status == 400 && tc.name == "amount above the endowment" && (len(e.Fields) != 1 || e.Fields[0].Range != "[0, 10]") {
					t.Errorf("fields %+v", e.Fields)
				}
			}
		})
	}
	// A participant's page holds only their own data.
	_, b, _ := do(t, h, "GET", "/api/v1/play/"+p1, "")
	if strings.Contains(string(b), "p02") || !strings.Contains(string(b), `"label":"p01"`) {
		t.Errorf("p01's page: %s", b)
	}
	// The resend recorded once: one decision in the export.
	_, csv, _ := do(t, h, "GET", "/api/v1/experiments/sessions/"+c.ID+"/export/trials.csv", "", bearer...)
	if n := strings.Count(string(csv), "\np01,"); n != 1 {
		t.Errorf("%d rows of p01:\n%s", n, csv)
	}
}

func TestExperimentDesignCheck(t *testing.T) {
	h, _ := expServer(t, "")
	status, b, _ := do(t, h, "POST", "/api/v1/experiments/check", `{"design":"game: {endowment: 0, rounds: 2}\nparticipants: 2\n"}`)
	var out CheckOutput
	json.Unmarshal(b, &out)
	if status != 200 || out.OK || len(out.Errors) != 1 || out.Errors[0].Line != 1 || out.Errors[0].Field != "game.endowment" {
		t.Errorf("%d %s", status, b)
	}
	status, b, _ = do(t, h, "POST", "/api/v1/experiments/sessions", `{"design":"participants: 1"}`)
	if status != 400 {
		t.Errorf("invalid design: %d %s", status, b)
	}
}

// fuzzExperimentBody is fuzzBody for the experiment routes; path receives
// the session.
func fuzzExperimentBody(f *testing.F, path func(experiment.Created) string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	h, c := expServer(f, "")
	p := path(c)
	f.Fuzz(func(t *testing.T, body string) {
		status, b, _ := do(t, h, "POST", p, body)
		fuzzAnswer(t, body, status, b)
	})
}

func FuzzChoiceBody(f *testing.F) {
	fuzzExperimentBody(f, func(c experiment.Created) string { return "/api/v1/play/" + c.Links[0].Token + "/choice" },
		`{"round":1,"amount":4}`, `{"round":0,"amount":-1}`, `{"round":1e9,"amount":1}`, `{"amount":null}`, `[]`)
}

func FuzzAnswersBody(f *testing.F) {
	fuzzExperimentBody(f, func(c experiment.Created) string { return "/api/v1/play/" + c.Links[1].Token + "/questionnaire" },
		`{"answers":[3]}`, `{"answers":[]}`, `{"answers":[1,2,3]}`, `{"answers":"x"}`)
}

func FuzzJoinBody(f *testing.F) {
	fuzzExperimentBody(f, func(experiment.Created) string { return "/api/v1/play/join" }, `{"code":"ABCDEF"}`, `{"code":""}`, `{}`)
}

func FuzzSessionCreateBody(f *testing.F) {
	fuzzExperimentBody(f, func(experiment.Created) string { return "/api/v1/experiments/sessions" },
		fmt.Sprintf(`{"design":%q,"seed":3}`, testDesign), `{"design":"participants: 2\ngame: {endowment: 5, rounds: 1}","room_code":true}`, `{"design":""}`, `{"seed":-1}`)
}

func FuzzDesignCheckBody(f *testing.F) {
	fuzzExperimentBody(f, func(experiment.Created) string { return "/api/v1/experiments/check" },
		fmt.Sprintf(`{"design":%q}`, testDesign), `{"design":"bots: [{count: 2, trustee: {kind: schedule}}]"}`, `{"design":1}`)
}

// Room codes cannot be guessed: after 20 wrong codes from one address
// within 10 minutes, that address gets 429 (even for a right code) until
// the window has passed; right codes are never counted. The relink route
// needs the researcher's token and returns a new working link.
func TestRoomCodeGuessingAndRelink(t *testing.T) {
	l := newJoinLimit(nil)
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	for i := range joinFailures {
		if err := l.check("10.0.0.1"); err != nil {
			t.Fatalf("failure %d refused early: %v", i, err)
		}
		l.failed("10.0.0.1")
		now = now.Add(time.Second)
	}
	if err := l.check("10.0.0.1"); trustlab.ErrorCode(err) != trustlab.ETOOMANY {
		t.Errorf("after %d wrong codes: %v", joinFailures, err)
	}
	if err := l.check("10.0.0.2"); err != nil {
		t.Errorf("another address refused: %v", err)
	}
	now = now.Add(joinWindow)
	if err := l.check("10.0.0.1"); err != nil {
		t.Errorf("after the window: %v", err)
	}

	h, c := expServer(t, "s3cret")
	for i := range joinFailures {
		if st, b, _ := do(t, h, "POST", "/api/v1/play/join", `{"code":"ZZZZZZ"}`); st != 404 {
			t.Fatalf("wrong code %d: %d %s", i, st, b)
		}
	}
	if st, b, _ := do(t, h, "POST", "/api/v1/play/join", `{"code":"ZZZZZZ"}`); st != 429 || !strings.Contains(string(b), "wrong room codes") {
		t.Errorf("guessing: %d %s", st, b)
	}
	path := "/api/v1/experiments/sessions/" + c.ID + "/seats/" + c.Links[0].Label + "/link"
	if st, _, _ := do(t, h, "POST", path, ""); st != 401 {
		t.Errorf("relink without the token: %d", st)
	}
	st, b, _ := do(t, h, "POST", path, "", "Authorization", "Bearer s3cret")
	var link experiment.Link
	if st != 200 || json.Unmarshal(b, &link) != nil || link.Token == c.Links[0].Token {
		t.Fatalf("relink: %d %s", st, b)
	}
	if st, _, _ := do(t, h, "GET", "/api/v1/play/"+c.Links[0].Token, ""); st != 404 {
		t.Errorf("the old link: %d", st)
	}
	if st, _, _ := do(t, h, "GET", "/api/v1/play/"+link.Token, ""); st != 200 {
		t.Errorf("the new link: %d", st)
	}
}
