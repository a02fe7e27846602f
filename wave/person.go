package wave

import (
	"slices"
	"strings"
)

// Role is what a person may do.
type Role string

// Roles, from most to least power.
const (
	RoleAdmin   Role = "admin"
	RoleKS      Role = "ks"
	RoleContact Role = "contact"
	RoleViewer  Role = "viewer"
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToLower(s))
	switch r {
	case RoleAdmin, RoleKS, RoleContact, RoleViewer:
		return r, true
	}
	return "", false
}

// Person is someone wavebot knows: KS staff, a forvaltning's contact or a
// viewer. ID is stable: a plain name in the console, a platform id such as
// "slack:U123" in chat.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	// ContactOf lists the forvaltninger the person is a contact for.
	ContactOf []string `json:"contact_of,omitempty"`
	Lang      string   `json:"lang,omitempty"`
	// Addresses say how to reach the person on each chat platform, as that
	// platform's adapter stored it: a Slack DM channel, a Teams
	// conversation reference. The domain never reads them.
	Addresses map[string]string `json:"addresses,omitempty"`
	// Links are the person's other platform identities ("teams:<id>"),
	// linked by an admin: they act as this person and are reminded as
	// this person. Each stays a Person of its own with LinkedTo set.
	Links []string `json:"links,omitempty"`
	// LinkedTo is set on a platform identity linked to another person:
	// that person's id. Whoever writes as this id acts as that person.
	LinkedTo string `json:"linked_to,omitempty"`
	// LastSeen is the identity, of the person's own id and Links, that
	// they last wrote from; reminders go there.
	LastSeen string `json:"last_seen,omitempty"`
}

// IsKS reports whether the person works for KS (admin or ks).
func (p Person) IsKS() bool { return p.Role == RoleAdmin || p.Role == RoleKS }

// IsContactOf reports whether the person is a contact for forvaltning fv.
func (p Person) IsContactOf(fv string) bool { return slices.Contains(p.ContactOf, fv) }

// MakeContactOf gives the person the contact duty for fv; a viewer becomes a
// contact, KS staff keep their role.
func (p *Person) MakeContactOf(fv string) {
	if !p.IsContactOf(fv) {
		p.ContactOf = append(p.ContactOf, fv)
		slices.Sort(p.ContactOf)
	}
	if p.Role == RoleViewer || p.Role == "" {
		p.Role = RoleContact
	}
}

// MayChange reports whether the person may change something that party is
// responsible for in forvaltning fv: KS may change everything, a contact of
// fv what the forvaltning is responsible for.
func (p Person) MayChange(party Party, fv string) bool {
	if p.IsKS() {
		return true
	}
	return party.IncludesFV() && p.IsContactOf(fv)
}

// DisplayName is the person's name, or the id when no name is known.
func (p Person) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}
