package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// Docker and Kubernetes cannot run here, so these tests check what can be
// checked: the manifests parse and agree with each other. The Slurm
// scripts run on a real Slurm cluster in TestSlurmCluster (slurm_test.go);
// here only what needs none: they parse, and submit.sh checks its options
// and passes them to sbatch (a stand-in that records its arguments).

type k8sDoc struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string   `yaml:"completionMode"`
		Completions    int      `yaml:"completions"`
		Parallelism    int      `yaml:"parallelism"`
		AccessModes    []string `yaml:"accessModes"`
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Image string   `yaml:"image"`
					Args  []string `yaml:"args"`
					Env   []struct {
						Name, Value string
					} `yaml:"env"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

func readK8s(t *testing.T, path string) []k8sDoc {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []k8sDoc
	for {
		var d k8sDoc
		if err := dec.Decode(&d); err != nil {
			if err.Error() == "EOF" {
				return docs
			}
			t.Fatalf("%s: %v", path, err)
		}
		docs = append(docs, d)
	}
}

func TestKubernetesManifests(t *testing.T) {
	sweepDocs := readK8s(t, "../../deploy/k8s/sweep.yaml")
	mergeDocs := readK8s(t, "../../deploy/k8s/merge.yaml")
	if len(sweepDocs) != 2 || sweepDocs[0].Kind != "PersistentVolumeClaim" || sweepDocs[1].Kind != "Job" {
		t.Fatalf("sweep.yaml: want a PersistentVolumeClaim and a Job, got %d documents", len(sweepDocs))
	}
	pvc, job := sweepDocs[0], sweepDocs[1]
	if !cmp.Equal(pvc.Spec.AccessModes, []string{"ReadWriteMany"}) {
		t.Errorf("PVC access modes %v: the shards' pods write at once, so ReadWriteMany", pvc.Spec.AccessModes)
	}
	if job.Spec.CompletionMode != "Indexed" || job.Spec.Completions < 1 || job.Spec.Parallelism < 1 {
		t.Errorf("sweep Job: completionMode %q, completions %d, parallelism %d", job.Spec.CompletionMode, job.Spec.Completions, job.Spec.Parallelism)
	}
	c := job.Spec.Template.Spec.Containers[0]
	shards := ""
	for _, e := range c.Env {
		if e.Name == "TRUSTLAB_SHARDS" {
			shards = e.Value
		}
	}
	if shards != fmt.Sprint(job.Spec.Completions) {
		t.Errorf("TRUSTLAB_SHARDS = %q, but completions = %d: they must agree", shards, job.Spec.Completions)
	}
	merge := mergeDocs[0].Spec.Template.Spec
	mc := merge.Containers[0]
	if len(c.Args) < 4 || c.Args[0] != "sweep" || c.Args[2] != "--out" || mc.Args[0] != "merge" || mc.Args[1] != c.Args[3] {
		t.Errorf("sweep args %q, merge args %q: merge must read the sweep's --out", c.Args, mc.Args)
	}
	if c.Image != mc.Image {
		t.Errorf("images differ: %s and %s", c.Image, mc.Image)
	}
	claim := func(s k8sDoc) string { return s.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName }
	if claim(job) != pvc.Metadata.Name || claim(mergeDocs[0]) != pvc.Metadata.Name {
		t.Errorf("claims %q and %q, PVC %q", claim(job), claim(mergeDocs[0]), pvc.Metadata.Name)
	}
	if job.Spec.Template.Spec.RestartPolicy != "Never" || merge.RestartPolicy != "Never" {
		t.Errorf("restart policies %q and %q: Indexed Jobs with backoffLimitPerIndex need Never", job.Spec.Template.Spec.RestartPolicy, merge.RestartPolicy)
	}
	// The sweep args parse as a trustlab command line.
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append(c.Args[:1:1], "-h"), nil, &stdout, &stderr)
	if exitCode(err, &stderr) != 0 {
		t.Errorf("trustlab %s -h: %v", c.Args[0], err)
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FROM golang:1.26 AS build", "CGO_ENABLED=0", "./cmd/trustlab", "COPY --from=build /out/trustlab", "ENTRYPOINT"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// buildCLI builds trustlab into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "trustlab")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestSlurmScripts(t *testing.T) {
	for _, s := range []string{"sweep.sbatch", "merge.sbatch", "submit.sh"} {
		if out, err := exec.Command("bash", "-n", "../../deploy/slurm/"+s).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", s, err, out)
		}
	}
	root := t.TempDir()

	// submit.sh's arguments with a stand-in sbatch that records them (what
	// a real cluster does with them: TestSlurmCluster).
	fake := t.TempDir()
	logFile := filepath.Join(fake, "calls")
	os.WriteFile(filepath.Join(fake, "sbatch"), []byte("#!/bin/bash\necho \"$*\" >> "+logFile+"\necho 4242\n"), 0o755)
	for _, tc := range []struct {
		args        []string
		code        int
		array, both []string // in the array's sbatch call; in both calls
		msg         string
	}{
		{args: []string{"s.yaml", "OUT", "5"}, array: []string{"--array=0-4", "SWEEP=s.yaml", "--cpus-per-task=1", "--mem=2G", "--time=02:00:00"}},
		{args: []string{"--cpus", "2", "--mem", "3G", "--time=30", "--partition", "short", "s.yaml", "OUT"},
			array: []string{"--array=0-7", "--cpus-per-task=2", "--mem=3G", "--time=30"}, both: []string{"--partition=short"}},
		{args: []string{"--cpus", "0", "s.yaml", "OUT"}, code: 2, msg: "--cpus must be a whole number >= 1, got 0"},
		{args: []string{"--mem", "lots", "s.yaml", "OUT"}, code: 2, msg: "--mem must be a size"},
		{args: []string{"--time", "soon", "s.yaml", "OUT"}, code: 2, msg: "--time must be a Slurm time"},
		{args: []string{"--partition", "a b", "s.yaml", "OUT"}, code: 2, msg: "--partition must be a partition name"},
		{args: []string{"--cpus"}, code: 2, msg: "--cpus needs a value"},
		{args: []string{"--gpus", "1", "s.yaml", "OUT"}, code: 2, msg: "unknown option --gpus"},
		{args: []string{"s.yaml"}, code: 2, msg: "usage:"},
	} {
		os.Remove(logFile)
		args := append([]string{"../../deploy/slurm/submit.sh"}, tc.args...)
		for i, a := range args {
			if a == "OUT" {
				args[i] = filepath.Join(root, "sub")
			}
		}
		cmd := exec.Command("bash", args...)
		cmd.Env = append(os.Environ(), "PATH="+fake+":"+os.Getenv("PATH"))
		b, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != tc.code || !strings.Contains(string(b), tc.msg) {
			t.Errorf("submit.sh %q: exit %d (%v), want %d with %q:\n%s", tc.args, code, err, tc.code, tc.msg, b)
			continue
		}
		if tc.code != 0 {
			continue
		}
		calls, _ := os.ReadFile(logFile)
		lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
		if len(lines) != 2 || !strings.Contains(lines[1], "--dependency=afterok:4242") || !strings.HasSuffix(lines[1], "merge.sbatch") {
			t.Errorf("submit.sh %q: sbatch calls:\n%s", tc.args, calls)
			continue
		}
		for _, w := range append(tc.array, tc.both...) {
			if !strings.Contains(lines[0], " "+w) && !strings.Contains(lines[0], ","+w) {
				t.Errorf("submit.sh %q: the array's sbatch call lacks %q: %s", tc.args, w, lines[0])
			}
		}
		for _, w := range tc.both {
			if !strings.Contains(lines[1], w) {
				t.Errorf("submit.sh %q: the merge's sbatch call lacks %q: %s", tc.args, w, lines[1])
			}
		}
	}
}
