package experiment

import (
	"context"
	"sync"

	"github.com/trustlab/trustlab"
)

// MemoryStore is a Store in memory: sessions end with the process. For
// tests and demonstrations; the server uses the SQLite store.
type MemoryStore struct {
	mu       sync.Mutex
	sessions []SessionRecord
	events   map[string][]Event
	keys     map[string]bool
	seq      int64
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{events: map[string][]Event{}, keys: map[string]bool{}}
}

// CreateSession stores a session.
func (s *MemoryStore) CreateSession(ctx context.Context, rec SessionRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.sessions {
		if r.ID == rec.ID {
			return trustlab.Errorf(trustlab.ECONFLICT, "session %s exists", rec.ID)
		}
	}
	s.sessions = append(s.sessions, rec)
	return nil
}

// Append stores an event unless its key is stored.
func (s *MemoryStore) Append(ctx context.Context, ev Event) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := ev.Session + "\x00" + ev.Key
	if s.keys[k] {
		return 0, trustlab.Errorf(trustlab.ECONFLICT, "event %s of session %s is already stored", ev.Key, ev.Session)
	}
	s.keys[k] = true
	s.seq++
	ev.Seq = s.seq
	s.events[ev.Session] = append(s.events[ev.Session], ev)
	return ev.Seq, nil
}

// Sessions lists the sessions.
func (s *MemoryStore) Sessions(ctx context.Context) ([]SessionRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SessionRecord(nil), s.sessions...), nil
}

// Events lists a session's events.
func (s *MemoryStore) Events(ctx context.Context, id string) ([]Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events[id]...), nil
}
