package wave

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Errors of the words on shared work. Callers read the parts for the
// details they name.
var (
	// ErrSamePerson refuses a person's word for one side of shared work
	// when they gave the other side's: the two words come from two people.
	ErrSamePerson = errors.New("wave: one person cannot give both sides' word on shared work")
	// ErrWordsDiffer refuses a side's word that the other side's
	// contradicts: shared work is done when both say done, skipped when
	// both say skip, never half of each.
	ErrWordsDiffer = errors.New("wave: the other side has given the other word")
)

// Confirmation is one side's word on work it owns: that its part is done,
// or, for shared work, that the work is to be skipped and why.
type Confirmation struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
	// Skip is set when the side's word is to skip the shared work;
	// Reason says why.
	Skip   bool   `json:"skip,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Parts hold each side's word on work it owns. Work that KS and the
// forvaltning share (a kick-off, a go-live, the presentation of KØR
// workflow) is done when both have confirmed their part, and skipped when
// both have said so; work of one party is done when that party has
// confirmed it.
type Parts struct {
	KS *Confirmation `json:"ks,omitempty"`
	FV *Confirmation `json:"fv,omitempty"`
}

func (p *Parts) of(side Party) **Confirmation {
	if side == PartyKS {
		return &p.KS
	}
	return &p.FV
}

// other is the side that shares work with side.
func other(side Party) Party {
	if side == PartyKS {
		return PartyFV
	}
	return PartyKS
}

// Word is side's word: its confirmation or its skip; nil when it has
// given none.
func (p Parts) Word(side Party) *Confirmation { return *p.of(side) }

// Has reports whether side has given its word, done or skip.
func (p Parts) Has(side Party) bool { return *p.of(side) != nil }

// Skips reports whether side's word is to skip.
func (p Parts) Skips(side Party) bool { return p.Has(side) && p.Word(side).Skip }

// Missing lists the sides of owner that have not given their word.
func (p Parts) Missing(owner Party) []Party {
	return slices.DeleteFunc(owner.Sides(), p.Has)
}

// skipped reports whether every side of owner has said to skip.
func (p Parts) skipped(owner Party) bool {
	return owner == PartyBoth && p.Skips(PartyKS) && p.Skips(PartyFV)
}

// confirm records that by has done the part of sides of owner that have
// not confirmed yet. Work of one party is confirmed for it by whoever may
// change it; shared work only side by side, by two people, and not
// against the other side's word to skip it. A side that said skip may
// change its word to done. It returns ErrConfirmed when nothing was left
// to confirm.
func (p *Parts) confirm(owner Party, sides []Party, by string, at time.Time) error {
	if owner != PartyBoth {
		sides = owner.Sides()
	}
	if owner == PartyBoth && len(sides) > 1 {
		return ErrSamePerson
	}
	recorded := false
	for _, side := range sides {
		if !slices.Contains(owner.Sides(), side) || (p.Has(side) && !p.Skips(side)) {
			continue
		}
		if owner == PartyBoth {
			if err := p.agrees(side, false, by); err != nil {
				return err
			}
		}
		*p.of(side) = &Confirmation{By: by, At: at}
		recorded = true
	}
	if !recorded {
		return ErrConfirmed
	}
	return nil
}

// agrees refuses by's word for side (skip or done) when by gave the other
// side's word, or the other side gave the other word.
func (p Parts) agrees(side Party, skip bool, by string) error {
	o := p.Word(other(side))
	switch {
	case o == nil:
		return nil
	case o.By == by:
		return ErrSamePerson
	case o.Skip != skip:
		return ErrWordsDiffer
	}
	return nil
}

// skip records side's word, given by by, to skip shared work, with the
// reason. A side that confirmed its part may change its word to skip;
// the same word again is ErrConfirmed.
func (p *Parts) skip(side Party, reason, by string, at time.Time) error {
	if w := p.Word(side); w != nil && w.Skip && w.Reason == reason {
		return ErrConfirmed
	}
	if err := p.agrees(side, true, by); err != nil {
		return err
	}
	*p.of(side) = &Confirmation{By: by, At: at, Skip: true, Reason: reason}
	return nil
}

// skipNote is the note of shared work both sides skipped: each side's
// reason, by its code ("KS: few users; FV: held with b2").
func (p Parts) skipNote() string {
	var out []string
	for _, side := range []Party{PartyKS, PartyFV} {
		if w := p.Word(side); w != nil && w.Reason != "" {
			out = append(out, fmt.Sprintf("%s: %s", side, w.Reason))
		}
	}
	return strings.Join(out, "; ")
}
