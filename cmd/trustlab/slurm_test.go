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
// byte. Then, on the same cluster, it re-runs one shard by hand (it
// resumes: nothing to run) and runs the sweep as an array numbered from 1
// with sbatch directly, merged to the same tables. Without a reachable cluster (sinfo fails) it skips, unless
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

	partition := defaultPartition(t)
	out := filepath.Join(root, "slurm")
	start := time.Now()
	cmd := exec.Command("bash", submit, "--cpus", "1", "--mem", "1G", "--time", "00:20:00", "--partition", partition, sweep, out, "3")
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
	waitJobs(t, root, array, merge)
	t.Logf("Slurm round trip (submit, 3 tasks, merge): %.1f s", time.Since(start).Seconds())
	checkMerged(t, root, whole, out)
	logs, _ := filepath.Glob(filepath.Join(root, "trustlab-sweep-"+array+"_*.log"))
	if len(logs) != 3 {
		t.Errorf("want 3 task logs, got %v", logs)
	}
	for i, l := range logs {
		if b, _ := os.ReadFile(l); !strings.Contains(string(b), fmt.Sprintf("shard %d/3 (SLURM_ARRAY_TASK_ID=%d", i, i)) {
			t.Errorf("%s:\n%s", l, b)
		}
	}

	// One shard again by hand, as docs/deploy.md says to after a failure:
	// it resumes (nothing left to run).
	sbatch := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("sbatch", append([]string{"--parsable", "--partition=" + partition}, args...)...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "TRUSTLAB="+bin)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("sbatch %q: %v\n%s", args, err, b)
		}
		return strings.SplitN(strings.TrimSpace(string(b)), ";", 2)[0]
	}
	deploy, _ := filepath.Abs("../../deploy/slurm")
	again := sbatch("--array=1", "--export=ALL,SWEEP="+sweep+",OUT="+out+",SHARD=1/3", filepath.Join(deploy, "sweep.sbatch"))
	waitJobs(t, root, again)
	if b, _ := os.ReadFile(filepath.Join(root, "trustlab-sweep-"+again+"_1.log")); !strings.Contains(string(b), "0 run now") {
		t.Errorf("SHARD=1/3 again:\n%s", b)
	}

	// An array numbered from 1 (sbatch --array=1-3): trustlab numbers the
	// shards from SLURM_ARRAY_TASK_MIN; merged, the same tables.
	out1 := filepath.Join(root, "from1")
	a1 := sbatch("--array=1-3", "--export=ALL,SWEEP="+sweep+",OUT="+out1, filepath.Join(deploy, "sweep.sbatch"))
	m1 := sbatch("--dependency=afterok:"+a1, "--export=ALL,OUT="+out1, filepath.Join(deploy, "merge.sbatch"))
	waitJobs(t, root, a1, m1)
	checkMerged(t, root, whole, out1)
}

// defaultPartition is the cluster's default partition (sinfo marks it *).
func defaultPartition(t *testing.T) string {
	b, err := exec.Command("sinfo", "-h", "-o", "%P").Output()
	if err != nil {
		t.Fatal(err)
	}
	first := ""
	for _, p := range strings.Fields(string(b)) {
		if strings.HasSuffix(p, "*") {
			return strings.TrimSuffix(p, "*")
		}
		if first == "" {
			first = p
		}
	}
	return first
}

// waitJobs waits until none of the jobs is in the queue. A job pending on
// a dependency that can no longer be met, or on resources no node has,
// fails the test at once.
func waitJobs(t *testing.T, logDir string, ids ...string) {
	t.Helper()
	t.Cleanup(func() { exec.Command("scancel", ids...).Run() })
	list := strings.Join(ids, ",")
	deadline := time.Now().Add(10 * time.Minute)
	for {
		q, err := exec.Command("squeue", "-h", "-j", list, "-o", "%i %T %r").CombinedOutput()
		if err != nil && !strings.Contains(string(q), "Invalid job id") {
			t.Fatalf("squeue: %v\n%s", err, q)
		}
		lines := strings.TrimSpace(string(q))
		if lines == "" || strings.Contains(string(q), "Invalid job id") {
			return
		}
		if strings.Contains(lines, "DependencyNeverSatisfied") || strings.Contains(lines, "PartitionConfig") {
			t.Fatalf("the jobs cannot run:\n%s\n%s", lines, slurmLogs(logDir))
		}
		if time.Now().After(deadline) {
			t.Fatalf("still queued after 10 minutes:\n%s\n%s", lines, slurmLogs(logDir))
		}
		time.Sleep(time.Second)
	}
}

// checkMerged compares the merged tables in out with the unsharded sweep's
// in whole, byte for byte.
func checkMerged(t *testing.T, logDir, whole, out string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(out, "summary.csv")); err != nil {
		t.Fatalf("no merged tables in %s: %v\n%s", out, err, slurmLogs(logDir))
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
