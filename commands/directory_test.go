package commands

import (
	"context"
	"slices"
	"testing"
	"time"

	"wavebot/notify"
	"wavebot/wave"
)

// TestDirectory: adapters store how to reach a person and their name; a
// person wavebot has not met is created as a viewer; the same fact again
// writes nothing.
func TestDirectory(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if addr, err := f.d.Address(ctx, "slack:U1", "slack"); err != nil || addr != "" {
		t.Errorf("address of an unknown person = %q, %v; want none", addr, err)
	}
	if err := f.d.SetAddress(ctx, "slack:U1", "slack", "D123"); err != nil {
		t.Fatal(err)
	}
	if err := f.d.SetName(ctx, "slack:U1", "Maria Hansen"); err != nil {
		t.Fatal(err)
	}
	p, err := f.store.Person(ctx, "slack:U1")
	if err != nil || p.Role != wave.RoleViewer || p.Name != "Maria Hansen" || p.Addresses["slack"] != "D123" {
		t.Fatalf("stored person = %+v, %v", p, err)
	}
	before := p
	if err := f.d.SetAddress(ctx, "slack:U1", "slack", "D123"); err != nil {
		t.Fatal(err)
	}
	if err := f.d.SetName(ctx, "slack:U1", "Maria Hansen"); err != nil {
		t.Fatal(err)
	}
	if addr, _ := f.d.Address(ctx, "slack:U1", "slack"); addr != "D123" {
		t.Errorf("address = %q", addr)
	}
	if after, _ := f.store.Person(ctx, "slack:U1"); after.Name != before.Name || len(after.Addresses) != 1 {
		t.Errorf("person after repeating the facts = %+v", after)
	}
	if err := f.d.SetAddress(ctx, "bad id", "slack", "D1"); err == nil {
		t.Error("an invalid person id was accepted")
	}
	for _, tc := range []struct {
		name, address string
		wantName      string
		refused       bool
	}{
		{"Maria B. Hansen", "D456", "Maria B. Hansen", false},
		{"", "D789", "Maria B. Hansen", false},
		{"Maria\u202eHansen", "D000", "Maria B. Hansen", true},
		{"Maria Hansen", "D000", "Maria Hansen", false},
		{"Maria Hansen", "D111", "Maria Hansen", false},
	} {
		err := f.d.SetContact(ctx, "slack:U1", tc.name, "slack", tc.address)
		p, _ := f.store.Person(ctx, "slack:U1")
		if (err != nil) != tc.refused || p.Name != tc.wantName || p.Addresses["slack"] != tc.address {
			t.Errorf("SetContact(%q, %q) = %v: name %q, address %q; want name %q, the address, refused %v",
				tc.name, tc.address, err, p.Name, p.Addresses["slack"], tc.wantName, tc.refused)
		}
	}
	first, err := f.d.Once(ctx, "slack:event:Ev1", time.Hour)
	again, _ := f.d.Once(ctx, "slack:event:Ev1", time.Hour)
	if err != nil || !first || again {
		t.Errorf("Once = %v then %v (%v); want true then false", first, again, err)
	}
}

// TestDigestOfSeveral: several reminders to one person read as one
// message, grouped by enrolment, most urgent first, with buttons for the
// first few.
func TestDigestOfSeveral(t *testing.T) {
	f := newFixture(t)
	due, _ := wave.ParseDate("2027-01-11")
	soon, _ := wave.ParseDate("2027-02-15")
	rs := []notify.Reminder{
		{Kind: notify.ActivitySoon, Wave: "b3", FV: "SUF", Activity: "pc", Due: soon, Recipient: "anna"},
		{Kind: notify.ActivityOverdue, Wave: "b3", FV: "BUF", Activity: "info", Due: due, Recipient: "anna"},
		{Kind: notify.AuthEscalate, Wave: "b3", FV: "SUF", Due: due, Recipient: "anna"},
		{Kind: notify.ActivityOverdue, Wave: "b3", FV: "BUF", Activity: "pc", Due: due, Recipient: "anna"},
		{Kind: notify.NoContact, Wave: "b3", FV: "SUF", Due: soon, Recipient: "anna"},
	}
	got := f.d.Digest(context.Background(), notify.Digest{Recipient: "anna", Reminders: rs})
	if got.Title != "Påmindelser (5)" || got.Command != "reminder" {
		t.Errorf("title %q command %q", got.Title, got.Command)
	}
	if len(got.Sections) != 2 || got.Sections[0].Title != "b3/SUF" || got.Sections[1].Title != "b3/BUF" {
		t.Fatalf("sections %+v; want b3/SUF (the escalation) before b3/BUF", got.Sections)
	}
	if len(got.Sections[0].Lines) != 3 || len(got.Sections[1].Lines) != 2 {
		t.Errorf("lines per section: %+v", got.Sections)
	}
	var buttons []string
	for _, a := range got.Actions {
		buttons = append(buttons, a.Command)
	}
	if want := []string{"status b3/SUF", "done b3/BUF info", "done b3/BUF pc"}; !slices.Equal(buttons, want) {
		t.Errorf("buttons %v, want %v", buttons, want)
	}

	// Two reminders whose buttons do the same get one button: the
	// escalation and the missing contact both ask to look at b3/SUF.
	got = f.d.Digest(context.Background(), notify.Digest{Recipient: "anna", Reminders: []notify.Reminder{rs[2], rs[4], rs[1]}})
	buttons = nil
	for _, a := range got.Actions {
		buttons = append(buttons, a.Command)
	}
	if want := []string{"status b3/SUF", "done b3/BUF info"}; !slices.Equal(buttons, want) {
		t.Errorf("buttons %v, want %v", buttons, want)
	}
}

// TestReplyNamesItsCommand: adapters learn which command answered, also
// when it refused.
func TestReplyNamesItsCommand(t *testing.T) {
	f := newFixture(t)
	for line, want := range map[string]string{
		"vera: status b3":           "status",
		"vera: auth ok b3/BUF":      "auth ok",
		"vera: wave":                "wave",
		"vera: nonsense":            "",
		"vera: ":                    "help",
		"maria: færdig b3/BUF info": "done",
	} {
		if got := f.do(line).Command; got != want {
			t.Errorf("%s: command %q, want %q", line, got, want)
		}
	}
}
