package sysinfo

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 3 << 30: "3.0 GiB", 1 << 62: "4096.0 PiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMemTotal(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		text string
		want int64
	}{
		{"MemTotal:       24684544 kB\nMemFree: 1 kB\n", 24684544 * 1024},
		{"MemFree: 1 kB\n", 0},
		{"MemTotal: lots kB\n", 0},
	} {
		p := filepath.Join(dir, "meminfo")
		os.WriteFile(p, []byte(tc.text), 0o644)
		if got := memTotal(p); got != tc.want {
			t.Errorf("memTotal(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	for text, want := range map[string]int64{"max\n": 0, "2147483648\n": 2 << 30, "9223372036854771712\n": 0} {
		p := filepath.Join(dir, "memory.max")
		os.WriteFile(p, []byte(text), 0o644)
		if got := cgroupLimit(p); got != want {
			t.Errorf("cgroupLimit(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestMachine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	if m := Memory(); m < 64<<20 {
		t.Errorf("Memory() = %d", m)
	}
	if d := FreeDisk(t.TempDir()); d <= 0 {
		t.Errorf("FreeDisk = %d", d)
	}
}

func FuzzParseMemInfo(f *testing.F) {
	f.Add("MemTotal:       24684544 kB\nMemFree: 1 kB\n")
	f.Add("MemTotal: 99999999999999999999 kB\n")
	f.Add("MemTotal:\n")
	f.Fuzz(func(t *testing.T, text string) {
		if v := parseMemInfo(strings.NewReader(text)); v < 0 || v%1024 != 0 {
			t.Fatalf("parseMemInfo(%q) = %d", text, v)
		}
	})
}
