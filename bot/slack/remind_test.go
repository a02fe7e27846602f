package slack

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"wavebot/bot/slack/fakeslack"
	"wavebot/notify"
	"wavebot/wave"
)

// sweeper is the reminder engine as serve runs it, delivering through
// the bot, on the fixture's fake clock. It is the one place this
// package's tests set the engine up, so a change to its API changes one
// function. Pacing is off: the fake clock does not move by itself.
func (f *fixture) sweeper(logger *slog.Logger) *notify.Sweeper {
	delivery := notify.NewDelivery(f.bot, f.store, f.clock)
	delivery.Pace = 0
	return &notify.Sweeper{Store: f.store, Policy: notify.DefaultPolicy(wave.Copenhagen()), Delivery: delivery,
		Clock: f.clock, Batch: 100, MaxRounds: 10, Logger: logger}
}

// TestReminderFallsDue: when the authorization feedback falls due on the
// fake clock, the sweeper's delivery opens the contact's direct message
// once and posts the reminder with its buttons and a fallback text.
func TestReminderFallsDue(t *testing.T) {
	f := newFixture(t)
	// Each side gives its word to skip the shared ones; the information
	// meeting is the forvaltning's.
	for _, a := range []string{"kickoff", "golive", "evaluation"} {
		f.do("UANNA: skip b3/BUF " + a + " ikke relevant her")
		f.do("UMARIA: skip b3/BUF " + a + " ikke relevant her")
	}
	f.do("UMARIA: skip b3/BUF info ikke relevant her")
	f.do("UMARIA: training b3/BUF no")
	f.do("UANNA: auth request b3/BUF 2027-02-15")
	s := f.sweeper(slog.New(slog.DiscardHandler))
	ctx := context.Background()
	if n, err := s.Sweep(ctx); err != nil || len(f.api.Calls("chat.postMessage")) != 0 {
		t.Fatalf("reminders before they fall due: %d %v %v", n, err, f.api.Methods())
	}
	f.clock.Set(wave.Copenhagen().At(wave.Date{Year: 2027, Month: 2, Day: 11}, 9, 0)) // D-2 business days
	if _, err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	opened := map[string]int{}
	for _, c := range f.api.Calls("conversations.open") {
		opened[c.Form.Get("users")]++
	}
	var toMaria []received
	for _, c := range f.api.Calls("chat.postMessage") {
		if ch := c.Form.Get("channel"); opened[strings.TrimPrefix(ch, "D")] != 1 {
			t.Errorf("posted to %s, opened %v", ch, opened)
		}
		if c.Form.Get("channel") == "DUMARIA" {
			toMaria = append(toMaria, receivedPost(t, c))
		}
	}
	if len(toMaria) != 1 {
		t.Fatalf("%d messages to maria, want 1: %v", len(toMaria), f.api.Methods())
	}
	m := toMaria[0]
	wantIn(t, m.Text, "b3/BUF: KS skal have jeres tilbagemelding på autorisationerne senest 15. februar 2027")
	// Her welcome as a new contact comes in the same message: a digest.
	wantIn(t, m.texts(), "Påmindelser (2)", "Velkommen")
	want := map[string]string{"Bekræft autorisationerne – b3/BUF": "auth ok b3/BUF"}
	got := fakeslack.Buttons(t, m.Blocks)
	for label, command := range want {
		if got[label] != command {
			t.Errorf("button %q runs %q, want %q (all: %v)", label, got[label], command, got)
		}
	}
	// The next day's sweep reuses the direct message.
	f.clock.Set(wave.Copenhagen().At(wave.Date{Year: 2027, Month: 2, Day: 15}, 9, 0))
	if _, err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(f.api.Calls("conversations.open")); n != len(opened) {
		t.Errorf("conversations.open %d times for %d people", n, len(opened))
	}
	if n := len(f.api.Calls("chat.postMessage")); n <= len(toMaria) {
		t.Errorf("no reminder on the due day")
	}
}

// TestReminderToADeactivatedUser: Slack refuses to open the direct
// message; the reminder is given up at once, logged once and not tried
// again.
func TestReminderToADeactivatedUser(t *testing.T) {
	f := newFixture(t)
	// Each side gives its word to skip the shared ones; the information
	// meeting is the forvaltning's.
	for _, a := range []string{"kickoff", "golive", "evaluation"} {
		f.do("UANNA: skip b3/BUF " + a + " ikke relevant her")
		f.do("UMARIA: skip b3/BUF " + a + " ikke relevant her")
	}
	f.do("UMARIA: skip b3/BUF info ikke relevant her")
	f.do("UMARIA: training b3/BUF no")
	f.do("UANNA: auth request b3/BUF 2027-02-15")
	var log strings.Builder
	s := f.sweeper(slog.New(slog.NewTextHandler(&log, nil)))
	f.api.Then("conversations.open", fakeslack.Reply{Error: "user_disabled"})
	f.clock.Set(wave.Copenhagen().At(wave.Date{Year: 2027, Month: 2, Day: 11}, 9, 0))
	for range 2 {
		if _, err := s.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// The first person whose direct message was opened was refused.
	opens := f.api.Calls("conversations.open")
	if len(opens) == 0 {
		t.Fatal("no direct message opened")
	}
	refused := opens[0].Form.Get("users")
	tries := 0
	for _, c := range opens {
		if c.Form.Get("users") == refused {
			tries++
		}
	}
	// Each of that person's reminders is logged once, however many sweeps.
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		if !strings.Contains(l, `msg="reminder undeliverable"`) {
			continue
		}
		key, _, _ := strings.Cut(l[strings.Index(l, "key=")+4:], " ")
		if !strings.Contains(l, "recipient=slack:"+refused) ||
			!strings.Contains(l, "user_disabled") || seen[key] {
			t.Errorf("log line %q", l)
		}
		seen[key] = true
	}
	if tries != 1 || len(seen) == 0 {
		t.Errorf("%d tries to %s, %d reminders logged; log:\n%s", tries, refused, len(seen), log.String())
	}
}
