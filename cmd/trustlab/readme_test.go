package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// inlineCmd matches a whole command given inline in the README's text.
var inlineCmd = regexp.MustCompile("`((?:go run ./cmd/)?trustlab [a-z]+ [^`]*--out [^`]*)`")

// readmeBlock is one fenced block of the README: its info string ("sh",
// "text", "" ...), its first line number and its lines.
type readmeBlock struct {
	lang  string
	line  int
	lines []string
}

// readmeBlocks returns the fenced blocks of a Markdown file in order.
func readmeBlocks(t *testing.T, path string) []readmeBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	var para []string // the paragraph so far, outside blocks
	paraLine := 0
	endPara := func() {
		// Whole commands given inline, as `go run ./cmd/trustlab run ...`
		// (a span may wrap onto the next line), run in their place too.
		text := strings.Join(para, " ")
		for _, m := range inlineCmd.FindAllStringSubmatch(text, -1) {
			blocks = append(blocks, readmeBlock{lang: "inline", line: paraLine, lines: []string{m[1]}})
		}
		para = nil
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if cur == nil && !strings.HasPrefix(line, "```") {
			if strings.TrimSpace(line) == "" {
				endPara()
			} else {
				if para == nil {
					paraLine = n
				}
				para = append(para, line)
			}
			continue
		}
		endPara()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{lang: strings.TrimSpace(strings.TrimPrefix(line, "```")), line: n + 1}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// TestREADME runs the README's command blocks in order, as a newcomer
// would, in a scratch folder that holds the examples and ../shared like a
// clone: sh and bare blocks must succeed line by line, and a text block's
// "$ command" lines must print the lines that follow them. Skipped: blocks
// that start the server (serve listens on port 8080, and the curl lines
// need it), the test command itself, Go code. go build and go install
// lines are done by the test (the binary goes where the README puts it,
// bin/ on PATH); "go run ./cmd/trustlab" runs that binary.
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every README command (about a minute): not with -short")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	work := filepath.Join(root, "trustlab")
	bin := filepath.Join(work, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(buildBinary(t, "runs every README command (about a minute): not with -short"), filepath.Join(bin, "trustlab")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"examples", "docs"} {
		if err := os.Symlink(filepath.Join(repo, name), filepath.Join(work, name)); err != nil {
			t.Fatal(err)
		}
	}
	shared := filepath.Join(repo, "..", "shared")
	haveShared := true
	if _, err := os.Stat(shared); err != nil {
		haveShared = false
	} else if err := os.Symlink(shared, filepath.Join(root, "shared")); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	sh := func(cmdline string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a guard, not an assertion
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", cmdline)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	skipBlock := func(b readmeBlock) string {
		text := strings.Join(b.lines, "\n")
		switch {
		case b.lang == "go":
			return "Go code"
		case strings.Contains(text, "trustlab serve"):
			return "starts the server"
		case strings.Contains(text, "scripts/test.sh"):
			return "the test command itself"
		}
		return ""
	}
	ran := 0
	for _, b := range readmeBlocks(t, filepath.Join(repo, "README.md")) {
		if why := skipBlock(b); why != "" {
			t.Logf("README.md:%d: skipped (%s)", b.line, why)
			continue
		}
		switch b.lang {
		case "text":
			// "$ command" then its output, up to the next "$ " or the end.
			for i := 0; i < len(b.lines); i++ {
				cmdline, ok := strings.CutPrefix(b.lines[i], "$ ")
				if !ok {
					continue
				}
				j := i + 1
				for j < len(b.lines) && !strings.HasPrefix(b.lines[j], "$ ") {
					j++
				}
				want := strings.TrimRight(strings.Join(b.lines[i+1:j], "\n"), "\n ")
				got, _ := sh(cmdline) // the output says whether it failed
				if got = strings.TrimRight(got, "\n "); got != want {
					t.Errorf("README.md:%d: %s\n--- printed\n%s\n--- the README shows\n%s", b.line+i, cmdline, got, want)
				}
				ran++
				i = j - 1
			}
		case "sh", "", "inline":
			for i, line := range b.lines {
				cmdline := strings.TrimSpace(line)
				switch {
				case cmdline == "" || strings.HasPrefix(cmdline, "#"):
					continue
				case strings.HasPrefix(cmdline, "go build "):
					// Done above: the binary is in bin/. The README must put
					// it there and that folder on PATH.
					if !strings.Contains(cmdline, "-o bin/trustlab ") || !strings.Contains(strings.Join(b.lines, "\n"), `export PATH="$PWD/bin:$PATH"`) {
						t.Errorf("README.md:%d: %s: want go build -o bin/trustlab followed by export PATH=\"$PWD/bin:$PATH\", so that the examples find trustlab", b.line+i, cmdline)
					}
					continue
				case strings.HasPrefix(cmdline, "export PATH="):
					continue
				case strings.Contains(cmdline, "../shared/") && !haveShared:
					t.Logf("README.md:%d: skipped (no ../shared data beside the repository)", b.line+i)
					continue
				}
				cmdline = strings.ReplaceAll(cmdline, "go run ./cmd/trustlab", "trustlab")
				if out, err := sh(cmdline); err != nil {
					t.Errorf("README.md:%d: %s: %v\n%s", b.line+i, cmdline, err, out)
				}
				ran++
			}
		}
	}
	if ran < 10 {
		t.Errorf("ran %d README commands, want at least 10 (did the README's blocks change shape?)", ran)
	}
}
