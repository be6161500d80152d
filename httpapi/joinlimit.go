package httpapi

import (
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
)

// joinLimit bounds the wrong room codes one client may try: after
// joinFailures wrong codes within joinWindow, its joins are refused (429)
// until the window has passed, so that codes cannot be guessed. Right
// codes are never counted: a class behind one address joins freely.
type joinLimit struct {
	mu    sync.Mutex
	fails map[string][]time.Time // by client address: times of wrong codes within the window
	now   func() time.Time
}

const (
	joinFailures = 20
	joinWindow   = 10 * time.Minute
)

func newJoinLimit(now func() time.Time) *joinLimit {
	return &joinLimit{fails: map[string][]time.Time{}, now: now}
}

// client is the address a request comes from (the host of RemoteAddr).
func client(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// recent drops the failures older than the window and returns the rest.
func (l *joinLimit) recent(c string) []time.Time {
	cut := l.now().Add(-joinWindow)
	ts := l.fails[c]
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, c)
	} else {
		l.fails[c] = ts
	}
	return ts
}

// check refuses a client that has tried too many wrong codes.
func (l *joinLimit) check(c string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(c)
	if len(ts) >= joinFailures {
		wait := ts[0].Add(joinWindow).Sub(l.now()).Round(time.Second)
		return trustlab.Errorf(trustlab.ETOOMANY, "%d wrong room codes from this address within %v: try again in %v (ask the researcher for the code)", joinFailures, joinWindow, wait)
	}
	return nil
}

// failed records a wrong code; it also bounds the table's size.
func (l *joinLimit) failed(c string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > 100000 {
		for k := range l.fails {
			l.recent(k)
		}
	}
	l.fails[c] = append(l.recent(c), l.now())
}
