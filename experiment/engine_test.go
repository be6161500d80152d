package experiment_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/experiment"
	"github.com/trustlab/trustlab/fitrun"
	"github.com/trustlab/trustlab/sqlite"
)

const small = `name: t
game: {kind: investment, endowment: 10, multiplier: 3, rounds: 3}
participants: 2
bots:
  - {name: b, count: 2, trustee: {kind: probabilistic, w: 0.7}, trustor: {tau: 0.6}, delay: 2s}
timing: {round_timeout: 30s, dropout_after: 20s}
questionnaire:
  min: 1
  max: 5
  items:
    - {id: q1, text: "One"}
    - {id: q2, text: "Two", reverse: true}
`

func newManager(t *testing.T, clock *fakeClock) (*experiment.Manager, *sqlite.DB) {
	db, _ := openStore(t)
	m := experiment.NewManager(experiment.Options{Store: sqlite.NewExperimentStore(db), Clock: clock, NoLiveFits: true})
	t.Cleanup(m.Close)
	return m, db
}

// exportCSV returns the records of a session's export file name.
func exportCSV(t *testing.T, m *experiment.Manager, id, name string) [][]string {
	t.Helper()
	var b bytes.Buffer
	if _, err := m.Export(id, name, &b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// create opens a session of design on m.
func create(t *testing.T, m *experiment.Manager, design string) experiment.Created {
	t.Helper()
	c, err := m.Create(context.Background(), experiment.CreateInput{Design: []byte(design)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSessionPlaysToTheEnd(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	m, db := newManager(t, clock)
	seed := uint64(7)
	c, err := m.Create(ctx, experiment.CreateInput{Design: []byte(small), Seed: &seed})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Links) != 2 || len(c.Labels) != 4 {
		t.Fatalf("links %d labels %v", len(c.Links), c.Labels)
	}
	for k, l := range c.Links {
		v, err := m.View(ctx, l.Token)
		if err != nil || v.Status != "questionnaire" {
			t.Fatalf("view: %+v %v", v, err)
		}
		if _, err := m.Answer(ctx, l.Token, []int{1, 9}); trustlab.ErrorCode(err) != trustlab.EINVALID {
			t.Errorf("answer out of range: %v", err)
		}
		if _, err := m.Answer(ctx, l.Token, []int{4, 2 + k}); err != nil {
			t.Fatal(err)
		}
	}
	mo, _ := m.Monitor(c.ID)
	if mo.Status != "running" || mo.Round != 1 {
		t.Fatalf("monitor after questionnaires: %+v", mo.Summary)
	}
	// Play: whoever has a turn sends 5 or returns 1; bots answer after 2 s.
	for step := 0; step < 100; step++ {
		for _, l := range c.Links {
			v, _ := m.View(ctx, l.Token)
			if v.Turn == nil {
				continue
			}
			amount := 5
			if v.Turn.Role == experiment.RoleTrustee {
				amount = 1
			}
			if _, err := m.Choose(ctx, l.Token, v.Turn.Round, v.Turn.Max+1); trustlab.ErrorCode(err) != trustlab.EINVALID {
				t.Errorf("amount above the maximum: %v", err)
			}
			a, err := m.Choose(ctx, l.Token, v.Turn.Round, amount)
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.Choose(ctx, l.Token, v.Turn.Round, amount)
			if err != nil || !b.Duplicate || a.Duplicate {
				t.Fatalf("resend: %+v %v", b, err)
			}
			if _, err := m.Choose(ctx, l.Token, v.Turn.Round, amount+1); trustlab.ErrorCode(err) != trustlab.ECONFLICT {
				t.Errorf("another amount for a recorded turn: %v", err)
			}
		}
		clock.Advance(time.Second)
		if mo, _ := m.Monitor(c.ID); mo.Status == "finished" {
			break
		}
	}
	mo, _ = m.Monitor(c.ID)
	if mo.Status != "finished" || mo.Counts.Timeouts != 0 || len(mo.Rounds) != 3 {
		t.Fatalf("monitor: %+v", mo)
	}
	var trials bytes.Buffer
	if _, err := m.Export(c.ID, "trials.csv", &trials); err != nil {
		t.Fatal(err)
	}
	var spec bytes.Buffer
	m.Export(c.ID, "spec.yaml", &spec)
	sp, err := dataset.ParseSpec(&spec, "spec.yaml")
	if err != nil {
		t.Fatalf("spec: %v\n%s", err, spec.String())
	}
	subs, st, err := dataset.ReadAll(bytes.NewReader(trials.Bytes()), "trials.csv", sp)
	if err != nil {
		t.Fatalf("trials: %v\n%s", err, trials.String())
	}
	if st.Trials == 0 || len(subs) == 0 {
		t.Errorf("no trials: %+v\n%s", st, trials.String())
	}
	// The Parquet file holds the same rows.
	var pq bytes.Buffer
	if _, err := m.Export(c.ID, "trials.parquet", &pq); err != nil {
		t.Fatal(err)
	}
	prs, err := parquet.Read[experiment.TrialRow](bytes.NewReader(pq.Bytes()), int64(pq.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(trials.String(), "\n") - 1; len(prs) != n || n == 0 || prs[0].Subject != "p01" {
		t.Errorf("parquet: %d rows (%+v), csv %d", len(prs), prs, n)
	}
	// The same session replayed from the database gives the same export.
	m2 := experiment.NewManager(experiment.Options{Store: sqlite.NewExperimentStore(db), Clock: clock, NoLiveFits: true})
	defer m2.Close()
	if err := m2.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	m2.Export(c.ID, "trials.csv", &again)
	if again.String() != trials.String() {
		t.Errorf("replayed export differs:\n%s\nwant\n%s", again.String(), trials.String())
	}
	var q, key bytes.Buffer
	m.Export(c.ID, "questionnaire.csv", &q)
	m.Export(c.ID, "questionnaire_key.yaml", &key)
	k, err := dataset.ParseKey(&key, "questionnaire_key.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := dataset.ScoreQuestionnaire(k, &q, "questionnaire.csv")
	if err != nil {
		t.Fatal(err)
	}
	// p01 answered 4 and 2 (reversed: 4): mean 4, tau 0.75.
	if got := sc.Respondents[0].Tau; got != 0.75 {
		t.Errorf("p01 tau = %v, want 0.75", got)
	}
}

func TestTimeoutsAndReplacement(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	m, _ := newManager(t, clock)
	design := strings.Replace(small, "timing: {round_timeout: 30s, dropout_after: 20s}", "timing: {round_timeout: 30s, dropout_after: 20s, replace_after_timeouts: 2, default_send: 3}", 1)
	c := create(t, m, design)
	for _, l := range c.Links {
		if _, err := m.Answer(ctx, l.Token, []int{3, 3}); err != nil {
			t.Fatal(err)
		}
	}
	// p01 keeps its page open and plays; p02 never acts: two timeouts, then a bot.
	_, stop, _ := m.Subscribe(c.Links[0].Token)
	defer stop()
	_, stop2, _ := m.Subscribe(c.Links[1].Token)
	defer stop2()
	for range 200 {
		if v, _ := m.View(ctx, c.Links[0].Token); v.Turn != nil {
			m.Choose(ctx, c.Links[0].Token, v.Turn.Round, min(5, v.Turn.Max))
		}
		clock.Advance(time.Second)
	}
	mo, _ := m.Monitor(c.ID)
	if mo.Status != "finished" {
		t.Fatalf("not finished: %+v", mo.Summary)
	}
	var p02 experiment.SeatView
	for _, s := range mo.Seats {
		if s.Label == "p02" {
			p02 = s
		}
	}
	if p02.Replaced != "timeouts" || mo.Counts.Replaced != 1 || mo.Counts.Timeouts < 2 {
		t.Errorf("p02 %+v counts %+v", p02, mo.Counts)
	}
	v, _ := m.View(ctx, c.Links[1].Token)
	if v.Status != "replaced" {
		t.Errorf("p02 sees %q", v.Status)
	}
	recs := exportCSV(t, m, c.ID, "choices.csv")
	timeouts := 0
	for _, r := range recs[1:] {
		if r[9] == "1" {
			timeouts++
			if r[1] != "p02" {
				t.Errorf("timeout of %s", r[1])
			}
		}
	}
	if timeouts != 2 {
		t.Errorf("%d timeouts in choices.csv, want 2:\n%v", timeouts, recs)
	}
}

func TestParticipantIsolation(t *testing.T) {
	ctx := context.Background()
	m, _ := newManager(t, newClock())
	c := create(t, m, small)
	for _, bad := range []string{"", "x", strings.Repeat("A", 43), c.Links[0].Token[:42] + "B"} {
		if _, err := m.View(ctx, bad); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	v, _ := m.View(ctx, c.Links[0].Token)
	if v.Label != "p01" {
		t.Errorf("label %s", v.Label)
	}
	for i := range experiment.MaxStreams + 1 {
		_, stop, err := m.Subscribe(c.Links[0].Token)
		if i < experiment.MaxStreams && err != nil || i == experiment.MaxStreams && trustlab.ErrorCode(err) != trustlab.ELIMIT {
			t.Errorf("stream %d: %v", i+1, err)
		}
		if err == nil {
			defer stop()
		}
	}
	if c.Links[0].Token == c.Links[1].Token || len(c.Links[0].Token) != 43 {
		t.Errorf("tokens %q %q", c.Links[0].Token, c.Links[1].Token)
	}
}

func TestRoomCode(t *testing.T) {
	ctx := context.Background()
	m, _ := newManager(t, newClock())
	c, err := m.Create(ctx, experiment.CreateInput{Design: []byte(small), RoomCode: true})
	if err != nil || len(c.RoomCode) != 6 || len(c.Links) != 0 {
		t.Fatalf("%+v %v", c, err)
	}
	var labels []string
	for range 2 {
		l, err := m.Join(ctx, c.RoomCode)
		if err != nil {
			t.Fatal(err)
		}
		labels = append(labels, l.Label)
	}
	if fmt.Sprint(labels) != "[p01 p02]" {
		t.Errorf("labels %v", labels)
	}
	if _, err := m.Join(ctx, c.RoomCode); trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		t.Errorf("third join: %v", err)
	}
	if _, err := m.Join(ctx, "ZZZZZZ"); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		t.Errorf("unknown code: %v", err)
	}
}

// The monitor shows each participant's fitted tau, w_plus and w_minus as
// rounds complete.
func TestLiveFits(t *testing.T) {
	ctx := context.Background()
	db, _ := openStore(t)
	m := experiment.NewManager(experiment.Options{Store: sqlite.NewExperimentStore(db)})
	defer m.Close()
	design := strings.NewReplacer("delay: 2s", "delay: 0s", "rounds: 3", "rounds: 4").Replace(small)
	seed := uint64(3)
	c, err := m.Create(ctx, experiment.CreateInput{Design: []byte(design), Seed: &seed})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Links {
		m.Answer(ctx, l.Token, []int{3, 3})
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, l := range c.Links {
			if v, _ := m.View(ctx, l.Token); v.Turn != nil {
				m.Choose(ctx, l.Token, v.Turn.Round, v.Turn.Max/2)
			}
		}
		mo, _ := m.Monitor(c.ID)
		if f := mo.Seats[0].Fit; mo.Status == "finished" && f != nil && f.Trials == 4 {
			if f.Tau == nil || *f.Tau <= 0 || *f.Tau >= 1 || f.Error != "" {
				t.Errorf("fit %+v", f)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	mo, _ := m.Monitor(c.ID)
	t.Fatalf("no live fit of p01 after 4 rounds: %+v %+v", mo.Summary, mo.Seats[0])
}

// Every kind of design plays to the end with bots and its export reads
// with its spec into subjects the fit accepts.
func TestDesignsExportForFit(t *testing.T) {
	for _, tc := range []struct {
		name, design string
		check        func(t *testing.T, rows [][]string, mo experiment.Monitor)
	}{
		{"binary own feedback", `game: {kind: binary, endowment: 4, multiplier: 3, rounds: 6}
participants: 2
bots: [{count: 2, trustee: {kind: schedule, returns: [1, 0]}, delay: 1s}]
`, nil},
		{"binary full feedback", `game: {kind: binary, endowment: 4, multiplier: 3, rounds: 6}
participants: 2
bots: [{count: 2, trustee: {kind: con-artist, honours: 2}, delay: 1s}]
arms: [{name: full, feedback: full}]
`, func(t *testing.T, rows [][]string, mo experiment.Monitor) {
			for _, r := range rows[1:] {
				if r[11] == "NA" {
					t.Errorf("full feedback: every row has an outcome: %v", r)
				}
			}
		}},
		{"strangers with graduated stakes and two arms", `game: {kind: investment, endowment: 10, multiplier: 3, rounds: 5}
roles: {matching: strangers, switch_at: 3}
participants: 4
bots: [{count: 4, trustee: {kind: reciprocal, w: 0.5, slope: 1}, trustor: {tau: 0.7}, delay: 1s}]
arms:
  - {name: flat, feedback: own}
  - {name: rising, feedback: full, stakes: [2, 4, 6, 8, 10]}
`, func(t *testing.T, rows [][]string, mo experiment.Monitor) {
			arms := map[string]int{}
			for _, s := range mo.Seats {
				arms[s.Arm]++
			}
			if arms["flat"] != 4 || arms["rising"] != 4 {
				t.Errorf("arms %v: want 4 and 4", arms)
			}
			partners := map[string]map[string]bool{}
			for _, r := range rows[1:] {
				if partners[r[0]] == nil {
					partners[r[0]] = map[string]bool{}
				}
				partners[r[0]][r[1]] = true
			}
			rematched := false
			for _, p := range partners {
				rematched = rematched || len(p) > 1
			}
			if !rematched {
				t.Errorf("strangers: no one met a second partner: %v", partners)
			}
			for _, r := range rows[1:] {
				if r[4] == "rising" && r[6] != fmt.Sprint(2*atoi(r[3])) {
					t.Errorf("graduated stakes: round %s endowment %s", r[3], r[6])
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			clock := newClock()
			m, _ := newManager(t, clock)
			seed := uint64(11)
			c, err := m.Create(ctx, experiment.CreateInput{Design: []byte("name: x\n" + tc.design), Seed: &seed})
			if err != nil {
				t.Fatal(err)
			}
			for step := 0; step < 500; step++ {
				for k, l := range c.Links {
					v, _ := m.View(ctx, l.Token)
					if v.Turn == nil {
						continue
					}
					amount := (v.Turn.Round + k) % (v.Turn.Max + 1)
					if v.Turn.Options != nil {
						amount = v.Turn.Options[(v.Turn.Round+k)%2]
					}
					if _, err := m.Choose(ctx, l.Token, v.Turn.Round, amount); err != nil {
						t.Fatal(err)
					}
				}
				clock.Advance(500 * time.Millisecond)
				if mo, _ := m.Monitor(c.ID); mo.Status == "finished" {
					break
				}
			}
			mo, _ := m.Monitor(c.ID)
			if mo.Status != "finished" || mo.Counts.Timeouts != 0 {
				t.Fatalf("%+v %+v", mo.Summary, mo.Counts)
			}
			var trials, spec bytes.Buffer
			m.Export(c.ID, "trials.csv", &trials)
			m.Export(c.ID, "spec.yaml", &spec)
			rows, _ := csv.NewReader(bytes.NewReader(trials.Bytes())).ReadAll()
			sp, err := dataset.ParseSpec(&spec, "spec.yaml")
			if err != nil {
				t.Fatalf("%v\n%s", err, spec.String())
			}
			subs, _, err := dataset.ReadAll(bytes.NewReader(trials.Bytes()), "trials.csv", sp)
			if err != nil || len(subs) == 0 {
				t.Fatalf("%v\n%s", err, trials.String())
			}
			for _, s := range subs {
				if _, err := fitrun.FromSubject(s, sp); err != nil {
					t.Errorf("fit: %v", err)
				}
			}
			if tc.check != nil {
				tc.check(t, rows, mo)
			}
		})
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// A participant replaced after choosing in a round keeps that choice;
// the bot plays from the next round.
func TestReplacementKeepsTheChoiceMade(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	m, _ := newManager(t, clock)
	c := create(t, m, small)
	for _, l := range c.Links {
		m.Answer(ctx, l.Token, []int{3, 3})
	}
	p01 := c.Links[0].Token // the trustor of its pair in every round
	if _, err := m.Choose(ctx, p01, 1, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Replace(ctx, c.ID, "p01"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Replace(ctx, c.ID, "p01"); trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		t.Errorf("second replacement: %v", err)
	}
	for range 100 {
		if v, _ := m.View(ctx, c.Links[1].Token); v.Turn != nil {
			m.Choose(ctx, c.Links[1].Token, v.Turn.Round, 0)
		}
		clock.Advance(time.Second)
	}
	rows := exportCSV(t, m, c.ID, "trials.csv")
	var p01rows []string
	for _, r := range rows[1:] {
		if r[0] == "p01" {
			p01rows = append(p01rows, r[3]+":"+r[9])
		}
	}
	if fmt.Sprint(p01rows) != "[1:7]" {
		t.Errorf("p01's rows %v, want its round-1 choice only", p01rows)
	}
	if mo, _ := m.Monitor(c.ID); mo.Status != "finished" {
		t.Errorf("the bot did not finish the session: %+v", mo.Summary)
	}
}

// Bot trustors follow the pyramid model: deterministic, a trusting bot
// (tau 0.9) trusts an honest partner and a distrusting one (tau 0.1) keeps;
// the roles swap at round 3.
func TestBotTrustorsFollowTheModel(t *testing.T) {
	clock := newClock()
	m, _ := newManager(t, clock)
	design := `name: bots
game: {kind: binary, endowment: 5, multiplier: 3, rounds: 4}
roles: {switch_at: 3}
participants: 0
bots:
  - {name: truster, trustee: {kind: probabilistic, w: 1}, trustor: {tau: 0.9, params: {deterministic: true}}, delay: 1s}
  - {name: doubter, trustee: {kind: probabilistic, w: 1}, trustor: {tau: 0.1, params: {deterministic: true}}, delay: 1s}
`
	c := create(t, m, design)
	clock.Advance(time.Minute)
	recs := exportCSV(t, m, c.ID, "choices.csv")
	var got []string
	for _, r := range recs[1:] {
		got = append(got, fmt.Sprintf("%s r%s %s %s", r[1], r[5], r[6], r[8]))
	}
	want := "[b01 r1 trustor 5 b02 r1 trustee 8 b01 r2 trustor 5 b02 r2 trustee 8 b02 r3 trustor 0 b02 r4 trustor 0]"
	if fmt.Sprint(got) != want {
		t.Errorf("choices\n%v\nwant\n%s", got, want)
	}
}

// A new link for a seat: the old link stops working at once, the new one
// opens the same seat, and after a restart (the events replayed from the
// database) the new link still works and the old one still does not.
// Bots have no link to reissue.
func TestRelink(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	m, db := newManager(t, clock)
	c := create(t, m, small)
	old := c.Links[0]
	if _, err := m.View(ctx, old.Token); err != nil {
		t.Fatal(err)
	}
	l, err := m.Relink(ctx, c.ID, old.Label)
	if err != nil || l.Label != old.Label || len(l.Token) != 43 || l.Token == old.Token || l.Path != "/play/"+l.Token {
		t.Fatalf("relink: %+v %v", l, err)
	}
	if _, err := m.View(ctx, old.Token); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		t.Errorf("the old link still works: %v", err)
	}
	if v, err := m.View(ctx, l.Token); err != nil || v.Label != old.Label {
		t.Errorf("the new link: %+v %v", v, err)
	}
	if _, err := m.Relink(ctx, c.ID, "nobody"); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		t.Errorf("unknown seat: %v", err)
	}
	l2, err := m.Relink(ctx, c.ID, old.Label) // a second reissue has its own event
	if err != nil {
		t.Fatal(err)
	}
	m2 := experiment.NewManager(experiment.Options{Store: sqlite.NewExperimentStore(db), Clock: clock, NoLiveFits: true})
	defer m2.Close()
	if err := m2.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{old.Token, l.Token} {
		if _, err := m2.View(ctx, tok); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
			t.Errorf("after a restart an old link works: %v", err)
		}
	}
	if v, err := m2.View(ctx, l2.Token); err != nil || v.Label != old.Label {
		t.Errorf("after a restart the newest link: %+v %v", v, err)
	}
}
