package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The web UI's chart style (web/static/js/chartstyle.js) is this
// package's: the file is Style().JS() byte for byte (-update rewrites it).
func TestChartStyleMirrored(t *testing.T) {
	path := filepath.Join("..", "web", "static", "js", "chartstyle.js")
	want := Style().JS()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from report.Style() (go test ./report -run TestChartStyleMirrored -update rewrites it)\n--- file\n%s\n--- Style\n%s", path, got, want)
	}
}

// Style is what the charts draw with: the series colours, dashes and
// widths of Color, dashes and lineWidth.
func TestStyleIsTheCharts(t *testing.T) {
	s := Style()
	if len(s.Palette) != 8 || s.Palette[0] != "#0072b2" || s.Palette[1] != "#d55e00" || len(s.Dashes) != 4 || len(s.Dashes[0]) != 0 ||
		len(s.Dashes[1]) != 2 || s.Dashes[1][0] != 6 || s.LineWidth != 1.6 || s.BandAlpha != bandAlpha || s.Markers[0] != "circle" || s.ScreenPxPerPt != 2.5/1.6 {
		t.Errorf("style %+v", s)
	}
	for i := range 8 {
		c := Color(i)
		if got := s.Palette[i]; got != hexRGB(c.R, c.G, c.B) {
			t.Errorf("palette[%d] = %s, Color(%d) = %v", i, got, i, c)
		}
	}
}

func hexRGB(r, g, b uint8) string {
	const d = "0123456789abcdef"
	return string([]byte{'#', d[r>>4], d[r&15], d[g>>4], d[g&15], d[b>>4], d[b&15]})
}

// The web UI's series colours (app.css's --s0 ... --s7, the classes
// s0 ... s7 of its charts and legends) are this package's palette.
func TestChartPaletteInCSS(t *testing.T) {
	css, err := os.ReadFile(filepath.Join("..", "web", "static", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range Style().Palette {
		re := regexp.MustCompile(fmt.Sprintf(`--s%d:\s*(#[0-9a-fA-F]{6});`, i))
		m := re.FindSubmatch(css)
		if m == nil || string(bytes.ToLower(m[1])) != c {
			t.Errorf("app.css --s%d = %q, want %s (report.Style().Palette[%d])", i, m, c, i)
		}
	}
}
