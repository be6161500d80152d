package sysinfo

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Memory returns the memory available to this process in bytes: the
// physical memory (/proc/meminfo MemTotal), or a cgroup's memory limit
// when that is smaller; 0 when unknown (not Linux).
func Memory() int64 {
	total := memTotal("/proc/meminfo")
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if lim := cgroupLimit(p); lim > 0 && (total == 0 || lim < total) {
			total = lim
		}
	}
	return total
}

// memTotal reads MemTotal (in kB) from a meminfo file.
func memTotal(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseMemInfo(f)
}

// parseMemInfo parses MemTotal from /proc/meminfo's format, in bytes; 0
// if absent or malformed.
func parseMemInfo(r io.Reader) int64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			fs := strings.Fields(v)
			if len(fs) >= 1 {
				kb, err := strconv.ParseInt(fs[0], 10, 64)
				if err == nil && kb > 0 && kb < 1<<53 {
					return kb * 1024
				}
			}
		}
	}
	return 0
}

// cgroupLimit parses a cgroup memory limit file ("max" or a huge value:
// no limit, 0).
func cgroupLimit(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || v <= 0 || v >= 1<<62 {
		return 0
	}
	return v
}

// FormatBytes writes n in binary units, e.g. "1.5 GiB", "512 B".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		v /= unit
		if v < unit || u == "PiB" {
			return strconv.FormatFloat(v, 'f', 1, 64) + " " + u
		}
	}
	return ""
}

// CheckWritable checks that files can be created, written, synced and
// removed in dir (permissions, a read-only file system, a full disk), with
// a probe file that it removes.
func CheckWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".trustlab-write-test-*")
	if err != nil {
		return err
	}
	name := f.Name()
	_, err = f.Write([]byte("ok\n"))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}
