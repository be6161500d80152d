package report

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// samplePage is a page using every feature, for the golden file.
func samplePage() Page {
	return Page{
		Title: "Trust game: run r-42",
		Intro: "Simulation of 200 agents on a small-world network.\n\nAll values are means over 20 replications.",
		Sections: []Section{
			{
				Heading: "Trust over time",
				Text:    "Trust rises quickly under reciprocal partners.",
				Figures: []Figure{
					NewFigure([]string{"trust.svg", "trust.png"}, "Mean trust per round; bands are 95% intervals.",
						"Line chart: trust rises from 0.3 to 0.8 within 30 rounds."),
					{File: "hist.svg", Caption: "Distribution of final trust."},
				},
			},
			{
				Heading: "Estimates",
				Tables: []Table{{
					Caption: "Parameter estimates",
					Header:  []string{"Parameter", "Estimate", "SE"},
					Rows:    [][]string{{"alpha", "0.31", "0.04"}, {"beta", "1.2e-3", "n/a"}, {"gamma", "-2", "12%"}},
				}},
			},
			{Text: "An untitled closing remark."},
		},
		Files:    []Link{{Href: "data/trust.csv", Text: "Trust per round (CSV)"}, {Href: "data/agents.csv"}},
		Manifest: map[string]any{"seed": 42, "model": "pyramid", "params": map[string]float64{"alpha": 0.3}},
	}
}

func TestWriteHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, samplePage()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "page.golden.html")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("WriteHTML output differs from %s (run go test ./report -update if the change is intended):\n%s", golden, buf.String())
	}
}

func TestWriteHTMLStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, samplePage()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	has(t, out, []string{
		`<html lang="en">`,
		`<title>Trust game: run r-42</title>`,
		`<img src="trust.svg" alt="Line chart: trust rises from 0.3 to 0.8 within 30 rounds." loading="lazy">`,
		`<img src="hist.svg" alt="Distribution of final trust." loading="lazy">`, // caption as alt
		`<span class="label">Figure 2.</span>`,
		`<a href="trust.png">PNG</a>`,
		`<caption><span class="label">Table 1.</span> Parameter estimates</caption>`,
		`<th scope="col" class="num">Estimate</th>`,
		`<td class="num">1.2e-3</td>`,
		`<td class="num">n/a</td>`,
		`<td>alpha</td>`,
		`<td class="num">12%</td>`,
		`<a href="data/agents.csv" download>data/agents.csv</a>`,
		`&#34;seed&#34;: 42`, // html/template escapes quotes; browsers show "seed": 42
		`<li><a href="#section-3">Section 3</a></li>`,
		`max-width: 100%`,
		`<p>All values are means over 20 replications.</p>`,
	})
	lacks(t, out, "the page must be self-contained", "http://", "https://", "<script", "<link")
}

// has checks that out holds each of want.
func has(t *testing.T, out string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

// lacks checks that out holds none of unwanted (why says why not).
func lacks(t *testing.T, out, why string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(out, u) {
			t.Errorf("output contains %q: %s", u, why)
		}
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	evil := `<script>alert("x")</script> & 'q'`
	p := Page{
		Title: evil,
		Intro: evil,
		Sections: []Section{{
			Heading: evil,
			Text:    evil,
			Figures: []Figure{{File: `a"><script>.svg`, Caption: evil, Alt: evil}},
			Tables:  []Table{{Caption: evil, Header: []string{evil}, Rows: [][]string{{evil}}}},
		}},
		Files:    []Link{{Href: "javascript:alert(1)", Text: evil}},
		Manifest: map[string]string{"note": "</code></pre><script>alert(1)</script>"},
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, p); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script") {
		t.Errorf("unescaped <script in output:\n%s", out)
	}
	if strings.Contains(out, "javascript:") {
		t.Errorf("javascript: URL not neutralised")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;") {
		t.Errorf("escaped text missing:\n%s", out)
	}
}

func TestWriteHTMLErrors(t *testing.T) {
	tests := []struct {
		name string
		page Page
		want string
	}{
		{"no alt or caption", Page{Sections: []Section{{Figures: []Figure{{File: "a.svg"}}}}}, "neither Alt nor Caption"},
		{"no file", Page{Sections: []Section{{Figures: []Figure{{Alt: "x"}}}}}, "no File"},
		{"short row", Page{Sections: []Section{{Tables: []Table{{Header: []string{"a", "b"}, Rows: [][]string{{"1"}}}}}}}, "row 1 has 1 cells, header has 2"},
		{"manifest NaN", Page{Manifest: math.NaN()}, "manifest"},
		{"manifest func", Page{Manifest: func() {}}, "manifest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteHTML(&buf, tt.page)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

func TestWriteHTMLMinimal(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Page{Lang: "de"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	has(t, out, []string{`<html lang="de">`, `<title>trustlab report</title>`})
	lacks(t, out, "an empty page has no sections", "<nav", "Reproducibility", "Data files", "<section")
}

func TestNewFigure(t *testing.T) {
	tests := []struct {
		files     []string
		file, png string
	}{
		{[]string{"a.svg", "a.png"}, "a.svg", "a.png"},
		{[]string{"a.png"}, "a.png", ""},
		{[]string{"a.SVG"}, "a.SVG", ""},
		{nil, "", ""},
	}
	for _, tt := range tests {
		f := NewFigure(tt.files, "c", "a")
		if f.File != tt.file || f.PNG != tt.png || f.Caption != "c" || f.Alt != "a" {
			t.Errorf("NewFigure(%q) = %+v, want File %q PNG %q", tt.files, f, tt.file, tt.png)
		}
	}
}
