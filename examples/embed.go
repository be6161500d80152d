// Package examples holds trustlab's example scenario files (*.yaml), the
// data specs of the shipped data sets (data/*.yaml), the example sweeps
// (sweeps/*.yaml) and experiment designs, embedded so that the
// server can offer them without reading the disk.
package examples

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed *.yaml data/*.yaml experiments/*.yaml sweeps/*.yaml
var files embed.FS

// File is one example file.
type File struct {
	Name        string `json:"name"`        // the file name without .yaml, e.g. "trust-trap"
	Description string `json:"description"` // the file's leading comment, as text
	Text        string `json:"text"`        // the whole file
}

// Scenarios lists the example scenarios, by name.
func Scenarios() []File { return list(".") }

// Specs lists the data specs of the shipped data sets, by name.
func Specs() []File { return list("data") }

// Sweeps lists the example sweep files (sweeps/*.yaml), whose base
// scenarios are inline.
func Sweeps() []File { return list("sweeps") }

// Experiments lists the example experiment designs (experiments/*.yaml).
func Experiments() []File { return list("experiments") }

func list(dir string) []File {
	ents, err := fs.ReadDir(files, dir)
	if err != nil {
		panic(err) // the embedded folders are part of the build
	}
	var out []File
	for _, e := range ents {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		b, err := fs.ReadFile(files, path.Join(dir, e.Name()))
		if err != nil {
			panic(err)
		}
		text := string(b)
		out = append(out, File{Name: strings.TrimSuffix(e.Name(), ".yaml"), Description: leadingComment(text), Text: text})
	}
	return out
}

// leadingComment joins the comment lines at the top of a YAML file.
func leadingComment(text string) string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "#") {
			break
		}
		lines = append(lines, strings.TrimSpace(strings.TrimPrefix(t, "#")))
	}
	return strings.Join(lines, " ")
}
