package sweep

import (
	"math"
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want Shard
		err  string
	}{
		{"0/1", Shard{0, 1}, ""},
		{"2/3", Shard{2, 3}, ""},
		{" 0/4 ", Shard{0, 4}, ""},
		{"3/3", Shard{}, `"3/3": the shard index I must be a whole number in [0, 2] (shards are numbered from 0)`},
		{"-1/3", Shard{}, "the shard index I must be a whole number in [0, 2]"},
		{"1/0", Shard{}, "the number of shards N must be a whole number in [1, 1000000]"},
		{"1", Shard{}, `"1": want I/N`},
		{"a/b", Shard{}, "the number of shards N must be"},
	}
	for _, tt := range tests {
		got, err := ParseShard(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseShard(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseShard(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		count int
		want  Shard
		err   string
	}{
		{"none", nil, 0, Shard{}, ""},
		{"slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, Shard{2, 4}, ""},
		{"slurm from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, 0, Shard{3, 4}, ""},
		{"slurm with step", map[string]string{"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "5", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, 0, Shard{3, 5}, ""},
		{"slurm wins over k8s", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2", "JOB_COMPLETION_INDEX": "0"}, 0, Shard{1, 2}, ""},
		{"slurm with max", map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "8"}, 0, Shard{7, 8}, ""},
		{"slurm list", map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "5"}, 0, Shard{}, "the job array is not a contiguous range (SLURM_ARRAY_TASK_MIN=3, SLURM_ARRAY_TASK_MAX=5, SLURM_ARRAY_TASK_COUNT=2): to re-run some shards of an array, give --shard 5/N with the original N"},
		{"slurm without count", map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, 0, Shard{}, "SLURM_ARRAY_TASK_ID=1 is set but SLURM_ARRAY_TASK_COUNT is not"},
		{"slurm out of range", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, Shard{}, "SLURM_ARRAY_TASK_ID=4 does not fit the array SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_STEP=1, SLURM_ARRAY_TASK_COUNT=4: use a contiguous array such as --array=0-3"},
		{"slurm not a number", map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, Shard{}, `SLURM_ARRAY_TASK_ID="x": not a whole number >= 0`},
		{"k8s with flag", map[string]string{"JOB_COMPLETION_INDEX": "3"}, 5, Shard{3, 5}, ""},
		{"k8s with variable", map[string]string{"JOB_COMPLETION_INDEX": "0", "TRUSTLAB_SHARDS": "2"}, 0, Shard{0, 2}, ""},
		{"k8s flag wins", map[string]string{"JOB_COMPLETION_INDEX": "2", "TRUSTLAB_SHARDS": "2"}, 3, Shard{2, 3}, ""},
		{"k8s without count", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 0, Shard{}, "give --shards N or set TRUSTLAB_SHARDS"},
		{"k8s out of range", map[string]string{"JOB_COMPLETION_INDEX": "5", "TRUSTLAB_SHARDS": "5"}, 0, Shard{}, "JOB_COMPLETION_INDEX=5 out of range [0, 4] for 5 shards (TRUSTLAB_SHARDS)"},
		{"k8s bad count", map[string]string{"JOB_COMPLETION_INDEX": "0", "TRUSTLAB_SHARDS": "0"}, 0, Shard{}, "TRUSTLAB_SHARDS=0: the number of shards must be in [1, 1000000]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src, err := ShardFromEnv(func(k string) string { return tt.env[k] }, tt.count)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %v (%s), %v, want %v", got, src, err, tt.want)
			}
			if (tt.env == nil) != (src == "") {
				t.Errorf("source %q", src)
			}
		})
	}
}

func TestShardPartition(t *testing.T) {
	// Every run belongs to exactly one shard, for any N.
	for n := 1; n <= 7; n++ {
		for i := range 50 {
			k := 0
			for s := range n {
				if (Shard{s, n}).Has(i) {
					k++
				}
			}
			if k != 1 {
				t.Fatalf("run %d is in %d of %d shards", i, k, n)
			}
		}
	}
}

func TestMeanCI(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		xs   []float64
		want Interval
	}{
		// Reference values: Python's statistics module with
		// t(0.975, 3) = 3.182446305284263 and t(0.975, 1) = 12.706204736174707.
		{[]float64{1, 2, 3, 4}, Interval{4, 2.5, 1.2909944487358056, 0.445739743239121, 4.5542602567608785}},
		{[]float64{0.2, nan, 0.5}, Interval{2, 0.35, 0.21213203435596426, -1.555930710426206, 2.255930710426206}},
		{[]float64{3, 3, 3}, Interval{3, 3, 0, 3, 3}},
		{[]float64{7}, Interval{1, 7, nan, nan, nan}},
		{[]float64{nan}, Interval{0, nan, nan, nan, nan}},
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) < 1e-12 }
	for _, tt := range tests {
		got := MeanCI(tt.xs)
		if got.N != tt.want.N || !same(got.Mean, tt.want.Mean) || !same(got.SD, tt.want.SD) || !same(got.Low, tt.want.Low) || !same(got.High, tt.want.High) {
			t.Errorf("MeanCI(%v) = %+v, want %+v", tt.xs, got, tt.want)
		}
	}
}
