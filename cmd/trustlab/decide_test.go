package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
)

func TestDecideGolden(t *testing.T) {
	runGolden(t, []cliCase{
		{name: "decide-issue-example", args: []string{"decide", "--trait", "0.3", "--belief", "3,1", "--gain", "1", "--loss", "2"}},
		{name: "decide-issue-example-json", args: []string{"decide", "--trait", "0.3", "--belief", "3,1", "--gain", "1", "--loss", "2", "--json"}},
		{name: "decide-stranger", args: []string{"decide", "--trait", "0.8"}},
		{name: "decide-certainty", args: []string{"decide", "--p", "0.9", "--n", "10", "--loss", "0"}},
		{name: "decide-control", args: []string{"decide", "--p", "0.3", "--n", "4", "--control-cost", "0.1", "--control-loss", "0.2"}},
		{name: "decide-control-json", args: []string{"decide", "--p", "0.3", "--n", "4", "--control-cost", "0.1", "--control-loss", "0.2", "--json"}},
		{name: "decide-investment", args: []string{"decide", "--game", "investment", "--p", "0.4", "--n", "5"}},
		{name: "decide-investment-json", args: []string{"decide", "--game", "investment", "--endowment", "8", "--multiplier", "3", "--belief", "2,2", "--json"}},
		{name: "decide-ambiguity", args: []string{"decide", "--belief", "2,1", "--zeta", "1", "--deterministic"}},
		{name: "decide-stdin", args: []string{"decide", "--in", "-", "--json"},
			stdin: `{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"game":"binary","gain":1,"loss":2},"params":{"beta":2}}`},
		{name: "decide-help", args: []string{"decide", "-h"}},
		// Bad input: exit 2, one line naming the flag, the value and the range.
		{name: "decide-bad-trait", args: []string{"decide", "--trait", "1.5"}},
		{name: "decide-bad-gain", args: []string{"decide", "--gain", "-1"}},
		{name: "decide-bad-number", args: []string{"decide", "--loss", "lots"}},
		{name: "decide-bad-belief", args: []string{"decide", "--belief", "3"}},
		{name: "decide-bad-belief-range", args: []string{"decide", "--belief", "0,1"}},
		{name: "decide-bad-multiplier", args: []string{"decide", "--game", "investment", "--multiplier", "1"}},
		{name: "decide-bad-endowment", args: []string{"decide", "--game", "investment", "--endowment", "0.5"}},
		{name: "decide-bad-gamma", args: []string{"decide", "--gamma", "0"}},
		{name: "decide-bad-w-minus", args: []string{"decide", "--w-minus", "-2"}},
		{name: "decide-bad-beta", args: []string{"decide", "--beta", "NaN"}},
		{name: "decide-bad-control", args: []string{"decide", "--control-cost", "-0.1"}},
		{name: "decide-bad-game", args: []string{"decide", "--game", "poker"}},
		{name: "decide-bad-flag", args: []string{"decide", "--trust", "1"}},
		{name: "decide-bad-mixed", args: []string{"decide", "--game", "investment", "--gain", "2"}},
		{name: "decide-bad-both-beliefs", args: []string{"decide", "--belief", "1,1", "--p", "0.5"}},
		{name: "decide-bad-stdin-json", args: []string{"decide", "--in", "-"}, stdin: `{"trait": "high"}`},
		{name: "decide-bad-stdin-field", args: []string{"decide", "--in", "-"}, stdin: `{"trait":0.5,"situation":{"gain":1,"loss":-3}}`},
		{name: "decide-bad-stdin-unknown", args: []string{"decide", "--in", "-"}, stdin: `{"trust":0.5}`},
		{name: "decide-bad-stdin-trailing", args: []string{"decide", "--in", "-"}, stdin: `{"trait":0.5} {"trait":0.9}`},
		{name: "decide-bad-stdin-null", args: []string{"decide", "--in", "-"}, stdin: "null\n"},
		{name: "decide-bad-stdin-empty", args: []string{"decide", "--in", "-"}, stdin: ""},
		{name: "decide-bad-stdin-array", args: []string{"decide", "--in", "-"}, stdin: `[{"trait":0.5}]`},
		{name: "decide-bad-stdin-binary", args: []string{"decide", "--in", "-"}, stdin: "\x00\x01\xff\xfe{"},
		{name: "decide-bad-stdin-too-large", args: []string{"decide", "--in", "-"}, stdin: `{"trait":0.5,"x":"` + strings.Repeat("a", 2<<20) + `"}`},
		{name: "decide-stdin-bom", args: []string{"decide", "--in", "-", "--json"}, stdin: "\ufeff" + `{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`},
		// Inputs in range whose results overflow: exit 2 naming the inputs, never a JSON encoder error.
		{name: "decide-overflow-json", args: []string{"decide", "--gain", "1e308", "--loss", "1e308", "--trait", "0", "--json"}},
		{name: "decide-overflow-stdin", args: []string{"decide", "--in", "-", "--json"}, stdin: `{"trait":0,"situation":{"gain":1e308,"loss":1e308}}`},
	})
}

// TestDecideJSONAcceptance checks the core issue's acceptance example
// numerically, and the investment identity through the CLI.
func TestDecideJSONAcceptance(t *testing.T) {
	var out map[string]any
	decodeRun(t, &out, "decide", "--trait", "0.3", "--belief", "3,1", "--gain", "1", "--loss", "2", "--json")
	lambda := math.Exp(0.4)
	balance := 0.75 - 0.5*lambda
	want := map[string]float64{"p": 0.75, "expectation": 0.75, "risk": 0.5, "lambda": lambda, "balance": balance,
		"probability": 1 / (1 + math.Exp(-5*balance))}
	for k, v := range want {
		if got := out[k].(float64); math.Abs(got-v) > 1e-15 {
			t.Errorf("%s = %.17g, want %.17g", k, got, v)
		}
	}
	if out["kind"] != "trust" {
		t.Errorf("kind = %v", out["kind"])
	}
	keys := []string{}
	for k := range out {
		keys = append(keys, k)
	}
	wantKeys := "balance expectation kind lambda n p params probability risk situation trait"
	if got := strings.Join(sorted(keys), " "); got != wantKeys {
		t.Errorf("fields = %s, want exactly %s", got, wantKeys)
	}

	var inv map[string]any
	decodeRun(t, &inv, "decide", "--game", "investment", "--endowment", "10", "--multiplier", "4", "--belief", "2.5,3.5", "--json")
	p := inv["p"].(float64)
	if d := inv["expectation"].(float64) - inv["risk"].(float64) - (4*p - 1); math.Abs(d) > 1e-9 {
		t.Errorf("investment: E1 - R1 - (m p - 1) = %g", d)
	}
	for _, k := range []string{"fraction", "expected_amount"} {
		if _, ok := inv[k]; !ok {
			t.Errorf("investment output lacks %s", k)
		}
	}
}

func decodeRun(t *testing.T, v any, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	if err := json.Unmarshal(stdout.Bytes(), v); err != nil {
		t.Fatal(err)
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// FuzzDecideStdin: no JSON body panics the decide command; bad input is a
// usage error (exit 2).
func FuzzDecideStdin(f *testing.F) {
	f.Add(`{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`)
	f.Add(`{"situation":{"game":"investment","endowment":10,"multiplier":3},"p":0.2,"n":3}`)
	f.Add(`{"situation":{"control":{"cost":1}},"params":{"kappa":0,"deterministic":true}}`)
	f.Add(`{"p":0.5}`)
	f.Fuzz(func(t *testing.T, body string) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"decide", "--in", "-", "--json"}, strings.NewReader(body), &stdout, &stderr)
		if code := exitCode(err, &stderr); code != 0 && code != 2 {
			t.Fatalf("exit %d for %q: %v", code, body, err)
		}
	})
}

// FuzzReadDecideInput: any standard input is either refused with a usage
// error (exit 2) or gives one decoded object; it never panics.
func FuzzReadDecideInput(f *testing.F) {
	for _, s := range []string{`{"trait":0.3}`, "null", "", "\ufeff{}", `{} {}`, `{"trait":0.3} x`, "[1]", "\x00", `{"situation":{"gain":1e308,"loss":1e308}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var req trustlab.DecideInput
		err := readDecideInput(strings.NewReader(in), &req)
		if err != nil && exitCode(err, io.Discard) != 2 {
			t.Fatalf("input %q: error %v is not a usage error", in, err)
		}
	})
}
