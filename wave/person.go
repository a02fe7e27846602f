package wave

import "strings"

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
// "slack:U123" in chat. Which enrolments a contact acts for is written on
// the enrolments, never here: the role only says that they are one.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	Lang string `json:"lang,omitempty"`
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
	// Calendar is the secret part of the address of the person's
	// calendar feed; empty until they ask for one. A new one ends the old.
	Calendar string `json:"calendar,omitempty"`
	// Waiting are the waves that hold notices for the person (Wave.Held):
	// when the person writes to wavebot, or is linked, those go out.
	Waiting []string `json:"waiting,omitempty"`
}

// IsKS reports whether the person works for KS (admin or ks).
func (p Person) IsKS() bool { return p.Role == RoleAdmin || p.Role == RoleKS }

// MakeContact gives a viewer the contact role when they are named contact
// of an enrolment; KS staff keep their role. It reports whether the role
// changed.
func (p *Person) MakeContact() bool {
	if p.Role != RoleViewer && p.Role != "" {
		return false
	}
	p.Role = RoleContact
	return true
}

// DisplayName is the person's name, or the id when no name is known.
func (p Person) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}
