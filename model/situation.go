package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Game is the kind of situation.
type Game int

const (
	// Binary: trust is honoured (+Gain) or betrayed (-Loss).
	Binary Game = iota
	// Investment: the trust game of Berg et al. (1995); the trustor sends
	// x of an endowment, it is multiplied, and the trustee returns a fraction.
	Investment
)

// String returns "binary" or "investment".
func (g Game) String() string { return enumString(g, "Game", gameNames) }

// ParseGame parses "binary" (or "") and "investment".
func ParseGame(s string) (Game, error) { return parseEnum[Game]("game", s, true, gameNames) }

// MarshalText implements encoding.TextMarshaler.
func (g Game) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (g *Game) UnmarshalText(b []byte) error {
	v, err := ParseGame(string(b))
	*g = v
	return err
}

// Control is a safeguard: it costs Cost, after which trust honoured brings
// Gain and betrayed brings the residual Loss.
type Control struct {
	Cost float64 `json:"cost" yaml:"cost"`
	Gain float64 `json:"gain" yaml:"gain"`
	Loss float64 `json:"loss" yaml:"loss"`
}

// Situation is one occasion to trust.
type Situation struct {
	Game Game `json:"game" yaml:"game"`

	// Binary situations.
	Gain    float64  `json:"gain,omitempty" yaml:"gain,omitempty"`       // benefit when honoured, >= 0
	Loss    float64  `json:"loss,omitempty" yaml:"loss,omitempty"`       // damage when betrayed, >= 0
	Outside float64  `json:"outside,omitempty" yaml:"outside,omitempty"` // value of abstaining (u0)
	Control *Control `json:"control,omitempty" yaml:"control,omitempty"` // optional safeguard

	// Investment game.
	Endowment  float64 `json:"endowment,omitempty" yaml:"endowment,omitempty"`   // whole units, >= 1
	Multiplier float64 `json:"multiplier,omitempty" yaml:"multiplier,omitempty"` // m > 1, usually 3
}

// MarshalJSON writes only the fields that apply to the game, zeros
// included: binary situations echo gain, loss, outside and control; the
// investment game echoes endowment and multiplier.
func (s Situation) MarshalJSON() ([]byte, error) {
	if s.Game == Investment {
		return json.Marshal(struct {
			Game       Game    `json:"game"`
			Endowment  float64 `json:"endowment"`
			Multiplier float64 `json:"multiplier"`
		}{s.Game, s.Endowment, s.Multiplier})
	}
	return json.Marshal(struct {
		Game    Game     `json:"game"`
		Gain    float64  `json:"gain"`
		Loss    float64  `json:"loss"`
		Outside float64  `json:"outside"`
		Control *Control `json:"control,omitempty"`
	}{s.Game, s.Gain, s.Loss, s.Outside, s.Control})
}

// Validate checks every field that applies to the game.
func (s Situation) Validate() error {
	switch s.Game {
	case Binary:
		errs := []error{
			nonNegative("gain", s.Gain),
			nonNegative("loss", s.Loss),
			real("outside", s.Outside),
		}
		if s.Control != nil {
			errs = append(errs,
				nonNegative("control.cost", s.Control.Cost),
				nonNegative("control.gain", s.Control.Gain),
				nonNegative("control.loss", s.Control.Loss))
		}
		return errors.Join(errs...)
	case Investment:
		var errs []error
		if err := check("endowment", s.Endowment, 1, 1e6, false, false); err != nil {
			errs = append(errs, err)
		} else if s.Endowment != math.Trunc(s.Endowment) {
			errs = append(errs, &RangeError{Field: "endowment", Value: s.Endowment, Range: "whole numbers [1, 1e6]"})
		}
		errs = append(errs, check("multiplier", s.Multiplier, 1, 1e6, true, false))
		if s.Control != nil {
			errs = append(errs, errors.New("control: a control option applies to binary situations only"))
		}
		if s.Outside != 0 {
			errs = append(errs, &RangeError{Field: "outside", Value: s.Outside, Range: "[0, 0] (the investment game's outside option is keeping the endowment)"})
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("game = %d: must be binary or investment", int(s.Game))
}

// LossPossible reports whether engaging without a safeguard can lose
// anything, which is what makes an engagement trust rather than certainty.
func (s Situation) LossPossible() bool {
	if s.Game == Investment {
		return true
	}
	return s.Loss > 0
}

// Confirmed reports whether an outcome r in [0, 1] confirms trust: the
// trustor did not lose. Binary: honoured (r >= 0.5, outcomes are 1 or 0).
// Investment: multiplier*r >= 1.
func (s Situation) Confirmed(r float64) bool {
	if s.Game == Investment {
		return s.Multiplier*r >= 1
	}
	return r >= 0.5
}
