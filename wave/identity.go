package wave

import (
	"maps"
	"slices"
	"strings"
)

// Platform is the chat platform of a person id: "slack" for "slack:U123";
// empty for a plain name.
func Platform(id string) string {
	p, _, ok := strings.Cut(id, ":")
	if !ok {
		return ""
	}
	return p
}

// Identities are the ids the person is known by: their own and their links.
func (p Person) Identities() []string {
	return append([]string{p.ID}, p.Links...)
}

// IdentityOn returns the person's identity on platform; false when they
// have none.
func (p Person) IdentityOn(platform string) (string, bool) {
	for _, id := range p.Identities() {
		if platform != "" && Platform(id) == platform {
			return id, true
		}
	}
	return "", false
}

var roleRank = map[Role]int{RoleViewer: 0, "": 0, RoleContact: 1, RoleKS: 2, RoleAdmin: 3}

// Absorb takes over what another record of the same human holds: the
// stronger role, and their name, language and addresses where this person
// has none. Contact duties move with the waves (ReplacePerson).
func (p *Person) Absorb(o Person) {
	if roleRank[o.Role] > roleRank[p.Role] {
		p.Role = o.Role
	}
	if p.Name == "" {
		p.Name = o.Name
	}
	if p.Lang == "" {
		p.Lang = o.Lang
	}
	for _, id := range o.Waiting {
		if !slices.Contains(p.Waiting, id) {
			p.Waiting = append(slices.Clone(p.Waiting), id)
		}
	}
	for platform, addr := range o.Addresses {
		if _, ok := p.Addresses[platform]; !ok {
			p.Addresses = maps.Clone(p.Addresses)
			if p.Addresses == nil {
				p.Addresses = map[string]string{}
			}
			p.Addresses[platform] = addr
		}
	}
}

// ReplacePerson puts person to in every place the wave names person from:
// its lead, its enrolments' contacts, its snoozes and the notices it holds.
// It reports whether anything changed. History (who did what) keeps the
// old id.
func (w *Wave) ReplacePerson(from, to string) bool {
	changed := false
	if w.Lead == from {
		w.Lead, changed = to, true
	}
	var held []HeldNotice
	for _, h := range w.Held {
		if h.Person == from {
			h.Person, changed = to, true
		}
		// The same notice held for both is held once.
		if !slices.ContainsFunc(held, h.same) {
			held = append(held, h)
		}
	}
	w.Held = held
	for i := range w.Enrolments {
		e := &w.Enrolments[i]
		if !e.HasContact(from) {
			continue
		}
		changed = true
		since := e.ContactSince[from]
		e.RemoveContact(from)
		e.AddContacts(since, to)
	}
	var kept, moved []Snooze
	for _, s := range w.Snoozes {
		if s.Person == from {
			s.Person = to
			moved = append(moved, s)
		} else {
			kept = append(kept, s)
		}
	}
	if len(moved) > 0 {
		changed, w.Snoozes = true, kept
		for _, s := range moved {
			if until, ok := w.SnoozedUntil(s.FV, s.Activity, to); ok && until.After(s.Until) {
				s.Until = until
			}
			w.Snooze(s)
		}
	}
	return changed
}
