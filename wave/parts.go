package wave

import (
	"slices"
	"time"
)

// Confirmation is one side's word that its part is done.
type Confirmation struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Parts hold each side's confirmation of work it owns. Work that KS and the
// forvaltning share (a kick-off, a go-live, the presentation of KØR
// workflow) is done when both have confirmed their part; work of one party
// when that party has.
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

// Has reports whether side has confirmed its part.
func (p Parts) Has(side Party) bool { return *p.of(side) != nil }

// Missing lists the sides of owner that have not confirmed.
func (p Parts) Missing(owner Party) []Party {
	return slices.DeleteFunc(owner.Sides(), p.Has)
}

// confirm records the confirmation of the sides of owner that by speaks
// for and that have not confirmed yet. Work of one party is confirmed for
// it by whoever may change it; shared work only side by side. It reports
// whether it recorded anything.
func (p *Parts) confirm(owner Party, sides []Party, by string, at time.Time) bool {
	if owner != PartyBoth {
		sides = owner.Sides()
	}
	recorded := false
	for _, side := range sides {
		if slices.Contains(owner.Sides(), side) && !p.Has(side) {
			*p.of(side) = &Confirmation{By: by, At: at}
			recorded = true
		}
	}
	return recorded
}
