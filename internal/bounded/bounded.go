package bounded

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// TooLargeError is returned when an input is larger than its cap.
type TooLargeError struct {
	Name  string // the file name or a label such as "standard input"
	Size  int64  // the size when known from the file system, else -1
	Limit int64  // the cap in bytes
}

func (e *TooLargeError) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("%s: %s is larger than the %s allowed", e.Name, Bytes(e.Size), Bytes(e.Limit))
	}
	return fmt.Sprintf("%s: larger than the %s allowed", e.Name, Bytes(e.Limit))
}

// ReadFile reads the file at path, refusing one larger than limit bytes.
// A regular file is refused from its size, before any of it is read;
// anything else (a pipe, a device) is read up to limit+1 bytes. Errors
// from the file system are returned as they are (*os.PathError).
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, &TooLargeError{Name: path, Size: st.Size(), Limit: limit}
	}
	return ReadAll(f, path, limit)
}

// ReadAll reads r to the end, refusing more than limit bytes; name labels
// the error.
func ReadAll(r io.Reader, name string, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if n > limit {
		return nil, &TooLargeError{Name: name, Size: -1, Limit: limit}
	}
	return buf.Bytes(), nil
}

// UTF8BOM is the UTF-8 byte order mark that some editors and spreadsheet
// exports put at the start of a text file.
var UTF8BOM = []byte("\xef\xbb\xbf")

// TrimBOM drops a leading UTF-8 byte order mark.
func TrimBOM(b []byte) []byte { return bytes.TrimPrefix(b, UTF8BOM) }

// Bytes formats a byte count for people: "512 bytes", "4 MiB", "1.5 GiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB", "PiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), suffix)
	}
	return fmt.Sprintf("%.3g %s", v, suffix)
}

// LineTooLongError is returned by a Lines reader when a line is longer
// than its cap.
type LineTooLongError struct {
	Line  int // 1-based number of the line that is too long
	Limit int // the cap in bytes
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line %d is longer than %s", e.Line, Bytes(int64(e.Limit)))
}

// Lines returns a reader that passes r through but fails with a
// *LineTooLongError as soon as a line (the bytes between two '\n') is
// longer than maxLine bytes, so a reader such as encoding/csv never buffers
// a huge line (a 1 GB file without a newline).
func Lines(r io.Reader, maxLine int) io.Reader {
	return &lineReader{r: r, max: maxLine, line: 1}
}

type lineReader struct {
	r    io.Reader
	max  int
	cur  int // bytes of the current line so far
	line int
	err  error
}

func (l *lineReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			l.cur += n - i
			break
		}
		l.cur += j
		if l.cur > l.max {
			break
		}
		l.cur = 0
		l.line++
		i += j + 1
	}
	if l.cur > l.max {
		l.err = &LineTooLongError{Line: l.line, Limit: l.max}
		return 0, l.err
	}
	return n, err
}
