package testfs

import (
	"encoding/csv"
	"os"
	"os/exec"
	"testing"
)

// ReadOnly makes dir (which fill has filled while writable) read-only
// until the test ends. As root, dir is a tmpfs mount, filled, then
// remounted read-only; otherwise its mode is 0555 and its files' 0444.
func ReadOnly(t testing.TB, dir string, fill func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		fill()
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !e.IsDir() {
				os.Chmod(dir+"/"+e.Name(), 0o444)
			}
		}
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot make a read-only folder as root: mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	fill()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot make a read-only folder as root: remount ro: %v %s", err, out)
	}
}

// Undeletable makes the entries of dir impossible to remove or rename
// (and no new ones can be made) until undo is called or the test ends:
// chattr +i on dir as root, mode 0555 otherwise.
func Undeletable(t testing.TB, dir string) (undo func()) {
	t.Helper()
	undo = func() { os.Chmod(dir, 0o755) }
	if os.Geteuid() != 0 {
		os.Chmod(dir, 0o555)
	} else {
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
			t.Skipf("cannot make a folder undeletable as root: chattr +i: %v %s", err, out)
		}
		undo = func() { exec.Command("chattr", "-i", dir).Run() }
	}
	t.Cleanup(undo)
	return undo
}

// ReadCSV returns the records of the CSV file at path (a test's output).
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TinyScenario is a scenario of 50 agents in two groups over 5 steps, for
// tests of the plumbing around runs (jobs, the server, the CLI) rather
// than of the simulation.
const TinyScenario = `seed: 3
steps: 5
population:
  size: 50
  groups:
    - {name: a, share: 0.5, trait: 0.8}
    - {name: b, share: 0.5, trait: 0.2, behaviour: betray}
network: {kind: k-out, k: 3}
outputs: {plots: false}
`
