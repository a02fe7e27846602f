package commands

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"wavebot/notify"
	"wavebot/wave"
)

// TestLinkMakesOnePerson: after "link @maria teams:M1", whoever writes as
// teams:M1 acts as maria, mentions of teams:M1 name maria, what Teams
// stores about teams:M1 lands on maria, and reminders go where maria
// last wrote from.
func TestLinkMakesOnePerson(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	wantIn(t, f.ok("anna: link @maria teams:M1"), "@teams:M1 er nu knyttet til @maria")
	m, _ := f.store.Person(ctx, "maria")
	id, _ := f.store.Person(ctx, "teams:M1")
	if !slices.Equal(m.Links, []string{"teams:M1"}) || id.LinkedTo != "maria" {
		t.Fatalf("maria %+v, teams:M1 %+v", m, id)
	}
	// Maria writes from Teams: she is maria, a contact of BUF.
	f.refused("teams:M1: done b3/BUF pc", "KS")
	wantIn(t, f.ok("teams:M1: my"), "@maria")
	ids, _ := f.d.Identities(ctx, "maria")
	if !slices.Equal(ids, []string{"teams:M1", "maria"}) {
		t.Errorf("after writing from Teams: %v", ids)
	}
	f.ok("maria: my")
	ids, _ = f.d.Identities(ctx, "maria")
	if !slices.Equal(ids, []string{"maria", "teams:M1"}) {
		t.Errorf("after writing from the console: %v", ids)
	}
	// A mention of the identity names the person.
	f.ok("anna: contact b3/SUF @teams:M1")
	w, _ := f.store.Wave(ctx, "b3")
	suf, _ := w.Enrolment("SUF")
	if !slices.Equal(suf.Contacts, []string{"maria"}) {
		t.Errorf("SUF contacts %v", suf.Contacts)
	}
	// What the Teams adapter stores and reads about teams:M1 is maria's.
	if err := f.d.SetAddress(ctx, "teams:M1", "teams", "ref-1"); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.d.Address(ctx, "teams:M1", "teams"); a != "ref-1" {
		t.Errorf("address through the link %q", a)
	}
	if m, _ := f.store.Person(ctx, "maria"); m.Addresses["teams"] != "ref-1" {
		t.Errorf("maria's addresses %v", m.Addresses)
	}
	if tid, _, _ := f.d.Identity(ctx, "maria", "teams"); tid != "teams:M1" {
		t.Errorf("maria's Teams identity %q", tid)
	}
	// Her reminders speak her language, whichever identity they go to.
	f.ok("maria: lang en")
	r := f.d.Digest(ctx, notify.Digest{Recipient: "teams:M1", Reminders: []notify.Reminder{{Kind: notify.AuthSoon, Wave: "b3", FV: "BUF"}}})
	wantIn(t, text(r), "Reminder")
	// Linking again changes nothing and says so.
	before := f.snapshot()
	wantIn(t, f.ok("anna: link @maria @teams:M1"), "allerede samme person")
	if f.snapshot() != before {
		t.Error("linking again changed the store")
	}
}

// TestLinkTakesOverTheIdentity: an identity that already had duties
// (named contact, snoozed a reminder, made KS) hands them to the person,
// and the waves name the person instead, so nobody is reminded twice.
func TestLinkTakesOverTheIdentity(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.ok("anna: contact b3/SUF @teams:V1 @vera")
	// KS and a contact at once, as data from before one person, one side
	// could have it.
	f.setRole("teams:V1", wave.RoleKS)
	f.ok("anna: contact b3/SUF @teams:V1") // still contact: the data keeps the duty
	f.ok("teams:V1: remind snooze b3/SUF/info 3d")
	f.ok("anna: link @vera teams:V1")
	w, _ := f.store.Wave(ctx, "b3")
	suf, _ := w.Enrolment("SUF")
	if !slices.Equal(suf.Contacts, []string{"vera"}) {
		t.Errorf("SUF contacts %v", suf.Contacts)
	}
	if len(w.Snoozes) != 1 || w.Snoozes[0].Person != "vera" {
		t.Errorf("snoozes %+v", w.Snoozes)
	}
	v, _ := f.store.Person(ctx, "vera")
	if v.Role != wave.RoleKS {
		t.Errorf("vera %+v", v)
	}
	wantIn(t, f.ok("kim: log b3"), "@anna b3: knyttede identiteten @teams:V1: @vera")
	// One reminder per person: the wave's reminders name vera once.
	due := notify.DefaultPolicy(wave.Copenhagen()).Due(w, w.Reminded, w.Reminded.Add(60*24*time.Hour))
	for _, r := range due {
		if r.Recipient == "teams:V1" {
			t.Fatalf("a reminder still goes to the linked identity: %+v", r)
		}
	}
}

// TestLinkRefusals: only admins link, nobody links themselves or their
// own identities, an identity belongs to one person, a person has one
// identity per platform; every refusal changes nothing.
func TestLinkRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.ok("anna: role @kim admin")
	f.ok("kim: link @anna teams:A1") // another admin links anna's Teams identity
	f.ok("anna: link @maria slack:UM")
	people := []string{"anna", "maria", "kim", "vera", "teams:A1", "teams:Z", "slack:UM", "slack:UV", "teams:M2"}
	snapshot := func() string {
		s := f.snapshot()
		for _, id := range people {
			p, _ := f.store.Person(ctx, id)
			b, _ := json.Marshal(p)
			s += string(b)
		}
		return s
	}
	// Writing records where anna last wrote from, so her writing from
	// Teams goes before the snapshot, and her writing from here after it.
	f.refused("teams:A1: link @anna slack:UV", "dig selv")
	f.ok("anna: my")
	before := snapshot()
	for _, tc := range []struct{ line, reason string }{
		{"maria: link @vera teams:Z", "kun en administrator"},
		{"anna: link @anna teams:Z", "dig selv"},
		{"anna: link @vera teams:A1", "dig selv"},
		{"kim: link @vera slack:UM", "allerede knyttet til @maria"},
		{"kim: link @maria slack:UV", "har allerede identiteten @slack:UM"},
		{"kim: link @vera maria", "ikke en identitet"},
		{"kim: link @vera teams:", "ikke en identitet"},
		{"kim: link @vera discord:X", "ikke en identitet"},
		{"kim: link @vera teams:Z extra", "Kommandoen kan ikke bruge »extra«."},
		{"kim: link vera teams:Z", "@navn"},
	} {
		f.refused(tc.line, tc.reason)
	}
	if snapshot() != before {
		t.Error("a refused link changed the store")
	}
	// A mention of a linked identity names its person.
	wantIn(t, f.ok("kim: link @slack:UM teams:M2"), "@teams:M2 er nu knyttet til @maria")
	// An identity others are linked to is linked the other way round.
	f.ok("kim: link @slack:S1 teams:S2")
	f.refused("kim: link @vera slack:S1", "Andre identiteter er knyttet til @slack:S1")
}
