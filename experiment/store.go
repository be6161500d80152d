package experiment

import (
	"context"
	"time"
)

// Store keeps sessions and their events durably. The session state is a
// function of its events: a restarted server replays them (Manager.Recover).
type Store interface {
	// CreateSession stores a new session with its seats.
	CreateSession(ctx context.Context, rec SessionRecord) error
	// Append stores one event; when it returns nil the event is durable.
	// An event whose Key is already stored in the session is refused with
	// an ECONFLICT error and not stored.
	Append(ctx context.Context, ev Event) (seq int64, err error)
	// Sessions lists every session, oldest first.
	Sessions(ctx context.Context) ([]SessionRecord, error)
	// Events lists the events of a session in the order they were stored.
	Events(ctx context.Context, session string) ([]Event, error)
}

// SessionRecord is what is stored about a session when it is opened.
type SessionRecord struct {
	ID        string
	Design    []byte // the experiment.yaml as given
	Seed      uint64
	RoomCode  string // "" without a room code
	CreatedAt time.Time
	Seats     []SeatRecord
}

// SeatRecord is one player's place in a session.
type SeatRecord struct {
	Index int
	Label string // p01... for people, b01... for bots
	Arm   int    // index into Design.Arms
	Bot   int    // index into Design.Bots, or -1 for a person
	// TokenHash is the SHA-256 of the participant's link token (people
	// with links; nil until joined with a room code, and for bots).
	TokenHash []byte
}

// Event kinds.
const (
	EvJoin    = "join"    // a participant opened their link (Data: the token hash with a room code)
	EvAnswers = "answers" // questionnaire answers (Data: JSON array of whole numbers)
	EvStart   = "start"   // the researcher started the session
	EvChoice  = "choice"  // an amount sent (role trustor) or returned (role trustee)
	EvReplace = "replace" // a bot took over a participant's seat (Data: the reason)
	EvFit     = "fit"     // a fit job of the session (Data: the job id)
	EvRelink  = "relink"  // the researcher issued a new link for a seat (Data: the new token hash); the old link stops working
)

// Event is one thing that happened in a session.
type Event struct {
	Session string
	Seq     int64
	Kind    string
	Seat    int
	Round   int
	Role    string // trustor or trustee (choices)
	Amount  int
	Timeout bool // a default choice made when the round timed out
	Bot     bool // made by a bot
	Data    []byte
	At      time.Time
	Key     string // unique in the session: the idempotency key
}

// Roles in a round.
const (
	RoleTrustor = "trustor"
	RoleTrustee = "trustee"
)
