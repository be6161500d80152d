package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard selects the cells of a sweep that one process executes: those
// whose index is Index modulo Count, with all their replications. The zero
// value is the whole sweep.
type Shard struct {
	Index, Count int
}

// Whole reports whether the shard is the whole sweep.
func (s Shard) Whole() bool { return s.Count <= 1 }

// String formats the shard as I/N.
func (s Shard) String() string {
	if s.Count == 0 {
		return "0/1"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Has reports whether cell index i belongs to the shard.
func (s Shard) Has(i int) bool { return s.Count <= 1 || i%s.Count == s.Index }

// MaxShards bounds the number of shards.
const MaxShards = 1_000_000

// ParseShard parses I/N with 0 <= I < N.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("%q: want I/N, the shard index I (from 0) and the number of shards N, e.g. 0/4", s)
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 || n > MaxShards {
		return Shard{}, fmt.Errorf("%q: the number of shards N must be a whole number in [1, %d]", s, MaxShards)
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("%q: the shard index I must be a whole number in [0, %d] (shards are numbered from 0)", s, n-1)
	}
	return Shard{Index: i, Count: n}, nil
}

// Environment variables read by ShardFromEnv.
const (
	EnvSlurmID    = "SLURM_ARRAY_TASK_ID"
	EnvSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	EnvSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	EnvSlurmStep  = "SLURM_ARRAY_TASK_STEP"
	EnvSlurmMax   = "SLURM_ARRAY_TASK_MAX"
	EnvK8sIndex   = "JOB_COMPLETION_INDEX"
	EnvShards     = "TRUSTLAB_SHARDS"
)

// ShardFromEnv derives the shard from a cluster scheduler's environment:
//
//   - Slurm job arrays: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; the
//     index counts from SLURM_ARRAY_TASK_MIN in steps of
//     SLURM_ARRAY_TASK_STEP, so --array=1-10 and --array=0-18:2 both give
//     shards 0..9 of 10.
//   - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, with the number of
//     shards from count (a flag; 0 if not given) or TRUSTLAB_SHARDS.
//
// Without either it returns the whole sweep. source describes where the
// shard came from, for logs; errors name the variables and their ranges.
func ShardFromEnv(getenv func(string) string, count int) (sh Shard, source string, err error) {
	if id := getenv(EnvSlurmID); id != "" {
		get := func(name string, def int) (int, error) {
			v := getenv(name)
			if v == "" {
				if def >= 0 {
					return def, nil
				}
				return 0, fmt.Errorf("%s=%s is set but %s is not: run as a Slurm job array (sbatch --array)", EnvSlurmID, id, name)
			}
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 {
				return 0, fmt.Errorf("%s=%q: not a whole number >= 0", name, v)
			}
			return n, nil
		}
		tid, err := get(EnvSlurmID, -1)
		if err != nil {
			return Shard{}, "", err
		}
		n, err := get(EnvSlurmCount, -1)
		if err != nil {
			return Shard{}, "", err
		}
		lo, err := get(EnvSlurmMin, 0)
		if err != nil {
			return Shard{}, "", err
		}
		step, err := get(EnvSlurmStep, 1)
		if err != nil {
			return Shard{}, "", err
		}
		if step < 1 {
			step = 1
		}
		if n < 1 || n > MaxShards {
			return Shard{}, "", fmt.Errorf("%s=%d: must be in [1, %d]", EnvSlurmCount, n, MaxShards)
		}
		// A list such as --array=3,5 (resubmitting some tasks) numbers its
		// tasks otherwise: refuse it rather than guess.
		if getenv(EnvSlurmMax) != "" {
			hi, err := get(EnvSlurmMax, -1)
			if err != nil {
				return Shard{}, "", err
			}
			if hi < lo || (hi-lo)/step+1 != n {
				return Shard{}, "", fmt.Errorf("the job array is not a contiguous range (%s=%d, %s=%d, %s=%d): to re-run some shards of an array, give --shard %d/N with the original N",
					EnvSlurmMin, lo, EnvSlurmMax, hi, EnvSlurmCount, n, tid)
			}
		}
		if tid < lo || (tid-lo)%step != 0 || (tid-lo)/step >= n {
			return Shard{}, "", fmt.Errorf("%s=%d does not fit the array %s=%d, %s=%d, %s=%d: use a contiguous array such as --array=0-%d (or --array=1-%d)",
				EnvSlurmID, tid, EnvSlurmMin, lo, EnvSlurmStep, step, EnvSlurmCount, n, n-1, n)
		}
		src := fmt.Sprintf("%s=%d, %s=%d", EnvSlurmID, tid, EnvSlurmCount, n)
		if lo != 0 || step != 1 {
			src += fmt.Sprintf(", %s=%d, %s=%d", EnvSlurmMin, lo, EnvSlurmStep, step)
		}
		return Shard{Index: (tid - lo) / step, Count: n}, src, nil
	}
	if v := getenv(EnvK8sIndex); v != "" {
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 {
			return Shard{}, "", fmt.Errorf("%s=%q: not a whole number >= 0", EnvK8sIndex, v)
		}
		src := "--shards"
		if count == 0 {
			s := getenv(EnvShards)
			if s == "" {
				return Shard{}, "", fmt.Errorf("%s=%d is set (a Kubernetes Indexed Job) but the number of shards is not: give --shards N or set %s to the Job's completions", EnvK8sIndex, i, EnvShards)
			}
			count, err = strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return Shard{}, "", fmt.Errorf("%s=%q: not a whole number", EnvShards, s)
			}
			src = EnvShards
		}
		if count < 1 || count > MaxShards {
			return Shard{}, "", fmt.Errorf("%s=%d: the number of shards must be in [1, %d]", src, count, MaxShards)
		}
		if i >= count {
			return Shard{}, "", fmt.Errorf("%s=%d out of range [0, %d] for %d shards (%s)", EnvK8sIndex, i, count-1, count, src)
		}
		return Shard{Index: i, Count: count}, fmt.Sprintf("%s=%d, %s=%d", EnvK8sIndex, i, src, count), nil
	}
	return Shard{}, "", nil
}
