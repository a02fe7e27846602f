package wave

import (
	"slices"
	"testing"
	"time"
)

func TestReplacePerson(t *testing.T) {
	t0 := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	w := Wave{ID: "b3", Lead: "teams:X", Enrolments: []Enrolment{
		{FV: "BUF", Contacts: []string{"teams:X", "maria"}, ContactSince: map[string]time.Time{"teams:X": t0}},
		{FV: "SUF", Contacts: []string{"kim"}},
		{FV: "SOF", Contacts: []string{"maria", "teams:X"}},
	}, Snoozes: []Snooze{
		{FV: "BUF", Person: "teams:X", Until: t0.Add(48 * time.Hour)},
		{FV: "BUF", Person: "maria", Until: t0.Add(24 * time.Hour)},
		{FV: "SUF", Activity: "pc", Person: "teams:X", Until: t0},
		{FV: "SOF", Person: "kim", Until: t0},
	}}
	if !w.ReplacePerson("teams:X", "maria") {
		t.Fatal("nothing replaced")
	}
	if w.Lead != "maria" {
		t.Errorf("lead %q", w.Lead)
	}
	for fv, want := range map[string][]string{"BUF": {"maria"}, "SUF": {"kim"}, "SOF": {"maria"}} {
		e, _ := w.Enrolment(fv)
		if !slices.Equal(e.Contacts, want) {
			t.Errorf("%s contacts %v, want %v", fv, e.Contacts, want)
		}
	}
	// maria was a contact of BUF already: she keeps her own welcome, none.
	if buf, _ := w.Enrolment("BUF"); len(buf.ContactSince) != 0 {
		t.Errorf("BUF welcomes %v", buf.ContactSince)
	}
	w2 := Wave{Enrolments: []Enrolment{{FV: "BUF", Contacts: []string{"teams:X"}, ContactSince: map[string]time.Time{"teams:X": t0}}}}
	w2.ReplacePerson("teams:X", "maria")
	if !w2.Enrolments[0].ContactSince["maria"].Equal(t0) {
		t.Errorf("the welcome did not move to maria: %v", w2.Enrolments[0].ContactSince)
	}
	// One snooze per person and subject, the later one kept.
	if until, _ := w.SnoozedUntil("BUF", "", "maria"); !until.Equal(t0.Add(48*time.Hour)) || len(w.Snoozes) != 3 {
		t.Errorf("snoozes %+v", w.Snoozes)
	}
	if _, ok := w.SnoozedUntil("SUF", "pc", "maria"); !ok {
		t.Errorf("the pc snooze did not move: %+v", w.Snoozes)
	}
	if w.ReplacePerson("teams:X", "maria") {
		t.Error("a second replacement changed something")
	}
}

func TestAbsorb(t *testing.T) {
	p := Person{ID: "maria", Role: RoleContact, Addresses: map[string]string{"slack": "D1"}}
	p.Absorb(Person{ID: "teams:M", Name: "Maria Jensen", Role: RoleKS, Lang: "en",
		Addresses: map[string]string{"teams": "ref", "slack": "D2"}})
	if p.Role != RoleKS || p.Name != "Maria Jensen" || p.Lang != "en" ||
		p.Addresses["slack"] != "D1" || p.Addresses["teams"] != "ref" {
		t.Errorf("after absorbing: %+v", p)
	}
	admin := Person{ID: "anna", Role: RoleAdmin, Lang: "da"}
	admin.Absorb(Person{ID: "teams:A", Role: RoleViewer, Lang: "en"})
	if admin.Role != RoleAdmin || admin.Lang != "da" {
		t.Errorf("a weaker record weakened the person: %+v", admin)
	}
}
