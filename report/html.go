package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path"
	"strconv"
	"strings"
)

// Page is a self-contained HTML report: one file with inline CSS and no
// network access, whose figures are image files next to it (written by
// Save). All strings are plain text and are escaped; Intro and
// Section.Text may hold several paragraphs separated by blank lines.
type Page struct {
	Title    string // page title and main heading; "trustlab report" if empty
	Lang     string // BCP 47 language of the text; "en" if empty
	Intro    string
	Sections []Section
	// Manifest, if not nil, is shown as indented JSON in a collapsible
	// block at the end (the run's settings, seed and versions, so that a
	// reader can reproduce it).
	Manifest any
	// Files are downloads (CSV data and the like) listed at the end.
	Files []Link
}

// Section is a part of a Page: heading (may be empty), text, figures, then
// tables.
type Section struct {
	Heading, Text string
	Figures       []Figure
	Tables        []Table
}

// Figure is an image in a Page. Figures and tables are numbered in page
// order ("Figure 1:", "Table 1:").
type Figure struct {
	File    string // image path relative to the page, normally the SVG
	PNG     string // optional PNG version, linked under the figure
	Caption string
	// Alt describes the figure for screen-reader users: what is plotted
	// and the main pattern. If empty, the caption is used; a figure with
	// neither is an error.
	Alt string
}

// NewFigure returns a Figure for the files returned by Save: the .svg file
// is shown and the .png file linked.
func NewFigure(files []string, caption, alt string) Figure {
	f := Figure{Caption: caption, Alt: alt}
	for _, name := range files {
		switch strings.ToLower(path.Ext(name)) {
		case ".svg":
			f.File = name
		case ".png":
			f.PNG = name
		}
	}
	if f.File == "" {
		f.File, f.PNG = f.PNG, ""
	}
	return f
}

// Table is a table of text cells. Columns of numbers (missing values
// written as "", NA, n/a, NaN or a dash) are right-aligned. When Header is
// set, every row must have as many cells.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// Link is a hyperlink; Text defaults to Href.
type Link struct {
	Href, Text string
}

// WriteHTML writes p as an HTML document to w. It checks the whole page
// first and writes nothing if p is invalid (a figure without file or
// text alternative, a table row of the wrong length, or a manifest that
// cannot be encoded as JSON).
func WriteHTML(w io.Writer, p Page) error {
	v, err := buildView(p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("report: page %q: %w", p.Title, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// The view types hold what the template shows, already checked, numbered
// and split into paragraphs.
type (
	pageView struct {
		Title, Lang string
		Intro       []string
		Sections    []sectionView
		TOC         bool
		Manifest    string
		Files       []Link
	}
	sectionView struct {
		ID, Heading string
		TOCText     string // Heading, or "Section n" for an untitled section
		Text        []string
		Figures     []figureView
		Tables      []tableView
	}
	figureView struct {
		Figure
		Num int
	}
	tableView struct {
		Caption string
		Num     int
		Header  []cellView
		Rows    [][]cellView
	}
	cellView struct {
		Text string
		Num  bool
	}
)

// buildView checks p and prepares it for the template.
func buildView(p Page) (pageView, error) {
	v := pageView{Title: p.Title, Lang: p.Lang, Intro: paragraphs(p.Intro), Files: p.Files}
	if strings.TrimSpace(v.Title) == "" {
		v.Title = "trustlab report"
	}
	if v.Lang == "" {
		v.Lang = "en"
	}
	for i := range v.Files {
		if v.Files[i].Text == "" {
			v.Files[i].Text = v.Files[i].Href
		}
	}
	nfig, ntab := 0, 0
	for i, s := range p.Sections {
		sv := sectionView{ID: "section-" + strconv.Itoa(i+1), Heading: s.Heading, TOCText: s.Heading, Text: paragraphs(s.Text)}
		if strings.TrimSpace(s.Heading) == "" {
			sv.TOCText = "Section " + strconv.Itoa(i+1)
		}
		where := fmt.Sprintf("report: page %q: section %d (%q)", p.Title, i+1, s.Heading)
		for j, f := range s.Figures {
			if f.File == "" {
				return v, fmt.Errorf("%s: figure %d has no File", where, j+1)
			}
			if strings.TrimSpace(f.Alt) == "" {
				f.Alt = f.Caption
			}
			if strings.TrimSpace(f.Alt) == "" {
				return v, fmt.Errorf("%s: figure %d (%s) has neither Alt nor Caption: screen-reader users need a text alternative", where, j+1, f.File)
			}
			nfig++
			sv.Figures = append(sv.Figures, figureView{f, nfig})
		}
		for j, t := range s.Tables {
			for k, row := range t.Rows {
				if len(t.Header) > 0 && len(row) != len(t.Header) {
					return v, fmt.Errorf("%s: table %d (%q): row %d has %d cells, header has %d", where, j+1, t.Caption, k+1, len(row), len(t.Header))
				}
			}
			num := numericColumns(t)
			tv := tableView{Caption: t.Caption}
			for c, text := range t.Header {
				tv.Header = append(tv.Header, cellView{text, num[c]})
			}
			for _, row := range t.Rows {
				cells := make([]cellView, len(row))
				for c, text := range row {
					cells[c] = cellView{text, c < len(num) && num[c]}
				}
				tv.Rows = append(tv.Rows, cells)
			}
			ntab++
			tv.Num = ntab
			sv.Tables = append(sv.Tables, tv)
		}
		v.Sections = append(v.Sections, sv)
	}
	v.TOC = len(v.Sections) >= 3
	if p.Manifest != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // the template escapes; keep the JSON readable
		enc.SetIndent("", "  ")
		if err := enc.Encode(p.Manifest); err != nil {
			return v, fmt.Errorf("report: page %q: manifest: %w", p.Title, err)
		}
		v.Manifest = strings.TrimSuffix(buf.String(), "\n")
	}
	return v, nil
}

// paragraphs splits text at blank lines, dropping empty paragraphs.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// numericColumns reports for each column whether it holds numbers: at
// least one cell is a number and every other cell is empty or a missing
// value marker (NA, n/a, NaN, -, –, —). Numeric columns are right-aligned.
func numericColumns(t Table) []bool {
	n := len(t.Header)
	for _, row := range t.Rows {
		n = max(n, len(row))
	}
	seen, other := make([]bool, n), make([]bool, n)
	for _, row := range t.Rows {
		for c, text := range row {
			switch text = strings.TrimSpace(text); {
			case isNumber(text):
				seen[c] = true
			case text == "", text == "NA", text == "n/a", text == "NaN", text == "-", text == "–", text == "—":
			default:
				other[c] = true
			}
		}
	}
	num := make([]bool, n)
	for c := range num {
		num[c] = seen[c] && !other[c]
	}
	return num
}

// isNumber reports whether s is a number, optionally a percentage.
func isNumber(s string) bool {
	if s == "" || s == "NaN" {
		return false
	}
	_, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	return err == nil
}

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="trustlab">
<title>{{.Title}}</title>
<style>
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4d4d4d; --link: #0b57a4; --rule: #c8ced6; --tint: #f3f5f7; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem 1rem 3rem; background: #fff; color: var(--fg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1.0625rem; line-height: 1.55; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.4rem; line-height: 1.3; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid var(--rule); }
p { margin: .75rem 0; max-width: 46rem; }
a { color: var(--link); }
a:focus-visible, summary:focus-visible, .table-wrap:focus-visible { outline: 3px solid #e69f00; outline-offset: 2px; }
nav ol { padding-left: 1.5rem; }
figure { margin: 1.75rem 0; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption, caption { font-size: .95rem; color: var(--muted); margin-top: .5rem; text-align: left; }
.label { font-weight: 600; color: var(--fg); }
.table-wrap { overflow-x: auto; margin: 1.75rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { caption-side: top; margin: 0 0 .5rem; }
th, td { padding: .35rem .8rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--fg); }
tbody tr:nth-child(even) { background: var(--tint); }
.num { text-align: right; }
ul.files { padding-left: 1.5rem; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: 600; }
pre { background: var(--tint); border: 1px solid var(--rule); padding: 1rem; overflow-x: auto; font-size: .875rem; line-height: 1.45; }
footer { margin-top: 3rem; font-size: .875rem; color: var(--muted); }
@media print { body { max-width: none; } figure, .table-wrap { break-inside: avoid; } a { color: inherit; } }
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{- range .Intro}}
<p>{{.}}</p>
{{- end}}
</header>
{{- if .TOC}}
<nav aria-label="Contents">
<ol>
{{- range .Sections}}
<li><a href="#{{.ID}}">{{.TOCText}}</a></li>
{{- end}}
</ol>
</nav>
{{- end}}
<main>
{{- range .Sections}}
{{- if .Heading}}
<section id="{{.ID}}" aria-labelledby="{{.ID}}-h">
<h2 id="{{.ID}}-h">{{.Heading}}</h2>
{{- else}}
<section id="{{.ID}}">
{{- end}}
{{- range .Text}}
<p>{{.}}</p>
{{- end}}
{{- range .Figures}}
<figure>
<img src="{{.File}}" alt="{{.Alt}}" loading="lazy">
<figcaption><span class="label">Figure {{.Num}}.</span>{{if .Caption}} {{.Caption}}{{end}}{{if .PNG}} Download: <a href="{{.PNG}}">PNG</a>, <a href="{{.File}}">SVG</a>.{{end}}</figcaption>
</figure>
{{- end}}
{{- range .Tables}}
<div class="table-wrap" role="region" tabindex="0" aria-label="Table {{.Num}}{{if .Caption}}: {{.Caption}}{{end}}">
<table>
<caption><span class="label">Table {{.Num}}.</span>{{if .Caption}} {{.Caption}}{{end}}</caption>
{{- if .Header}}
<thead><tr>{{range .Header}}<th scope="col"{{if .Num}} class="num"{{end}}>{{.Text}}</th>{{end}}</tr></thead>
{{- end}}
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td{{if .Num}} class="num"{{end}}>{{.Text}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
</section>
{{- end}}
{{- if .Files}}
<section id="downloads" aria-labelledby="downloads-h">
<h2 id="downloads-h">Data files</h2>
<ul class="files">
{{- range .Files}}
<li><a href="{{.Href}}" download>{{.Text}}</a></li>
{{- end}}
</ul>
</section>
{{- end}}
{{- if .Manifest}}
<section id="manifest" aria-labelledby="manifest-h">
<h2 id="manifest-h">Reproducibility</h2>
<details>
<summary>Manifest (settings, seed and versions)</summary>
<pre><code>{{.Manifest}}</code></pre>
</details>
</section>
{{- end}}
</main>
<footer>
<p>Made with trustlab.</p>
</footer>
</body>
</html>
`
