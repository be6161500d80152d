package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// slurmRequired is the environment variable CI sets (.ci/run) so that a
// missing cluster fails TestSlurmCluster instead of skipping it.
const slurmRequired = "TRUSTLAB_SLURM"

// TestSlurmCluster submits the example sweep with deploy/slurm/submit.sh
// to a real Slurm cluster (deploy/slurm/testcluster/start.sh starts one on
// this machine) as a 3-task array with the merge job after it, waits for
// both, and compares the merged tables with the unsharded sweep byte for
// byte. Without a reachable cluster (sinfo fails) it skips, unless
// TRUSTLAB_SLURM=1 (set in CI), when it fails.
func TestSlurmCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a sweep on Slurm")
	}
	if out, err := exec.Command("sinfo", "-h", "-o", "%T").CombinedOutput(); err != nil || strings.TrimSpace(string(out)) == "" {
		msg := fmt.Sprintf("no Slurm cluster reachable (sinfo: %v %s): start one with deploy/slurm/testcluster/start.sh (as root, after apt-get install slurm-wlm munge)", err, strings.TrimSpace(string(out)))
		if os.Getenv(slurmRequired) != "" {
			t.Fatal(msg + "; " + slurmRequired + " is set, so the cluster is required")
		}
		t.Skip(msg)
	}
	bin := buildCLI(t)
	root := t.TempDir()
	sweep, err := filepath.Abs("../../examples/sweeps/exploiters.yaml")
	if err != nil {
		t.Fatal(err)
	}
	submit, _ := filepath.Abs("../../deploy/slurm/submit.sh")
	whole := filepath.Join(root, "whole")
	cli(t, context.Background(), "sweep", sweep, "--out", whole, "--quiet", "--no-plots")

	out := filepath.Join(root, "slurm")
	start := time.Now()
	cmd := exec.Command("bash", submit, "--cpus", "1", "--mem", "1G", "--time", "00:20:00", sweep, out, "3")
	cmd.Dir = root // the jobs' logs go here
	cmd.Env = append(os.Environ(), "TRUSTLAB="+bin)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("submit.sh: %v\n%s", err, b)
	}
	m := regexp.MustCompile(`job array (\d+) .*merge: job (\d+)`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("submit.sh output:\n%s", b)
	}
	array, merge := m[1], m[2]
	t.Cleanup(func() { exec.Command("scancel", array, merge).Run() })

	// Wait until neither job is in the queue; a merge pending on a
	// dependency that can no longer be met means a task failed.
	deadline := time.Now().Add(10 * time.Minute)
	for {
		q, err := exec.Command("squeue", "-h", "-j", array+","+merge, "-o", "%i %T %r").CombinedOutput()
		if err != nil && !strings.Contains(string(q), "Invalid job id") {
			t.Fatalf("squeue: %v\n%s", err, q)
		}
		lines := strings.TrimSpace(string(q))
		if lines == "" || strings.Contains(string(q), "Invalid job id") {
			break
		}
		if strings.Contains(lines, "DependencyNeverSatisfied") || strings.Contains(lines, "PartitionConfig") {
			t.Fatalf("the jobs cannot run:\n%s\n%s", lines, slurmLogs(root))
		}
		if time.Now().After(deadline) {
			t.Fatalf("still queued after 10 minutes:\n%s\n%s", lines, slurmLogs(root))
		}
		time.Sleep(time.Second)
	}
	t.Logf("Slurm round trip (submit, 3 tasks, merge): %.1f s", time.Since(start).Seconds())
	if _, err := os.Stat(filepath.Join(out, "summary.csv")); err != nil {
		t.Fatalf("no merged tables: %v\n%s", err, slurmLogs(root))
	}
	logs, _ := filepath.Glob(filepath.Join(root, "trustlab-sweep-"+array+"_*.log"))
	if len(logs) != 3 {
		t.Errorf("want 3 task logs, got %v", logs)
	}
	want, got := readTables(t, whole), readTables(t, out)
	for name := range want {
		if want[name] != got[name] {
			t.Errorf("%s merged from the Slurm array differs from the unsharded sweep:\n%s", name, cmp.Diff(want[name], got[name]))
		}
	}
}

// slurmLogs returns the jobs' logs in dir, for a failure message.
func slurmLogs(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "trustlab-*.log"))
	var sb strings.Builder
	for _, f := range files {
		b, _ := os.ReadFile(f)
		fmt.Fprintf(&sb, "== %s\n%s\n", filepath.Base(f), b)
	}
	return sb.String()
}
