package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"wavebot/clock"
	"wavebot/commands"
	"wavebot/notify"
	"wavebot/wave"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply commands.Reply
		want  string
	}{
		{"lines only", commands.Reply{Lines: []string{"a", "b"}}, "a\nb\n"},
		{"refusal", commands.Reply{Refused: true, Lines: []string{"no", "Usage: x"}}, "✗ no\n  Usage: x\n"},
		{"title, progress, fields, actions", commands.Reply{
			Title: "b3/BUF", Progress: &commands.Progress{Done: 4, Total: 9},
			Fields:  []commands.Field{{Label: "Start", Value: "2027-02-01"}},
			Lines:   []string{"kickoff done"},
			Actions: []commands.Action{{Label: "OK", Command: "auth ok b3/BUF"}},
		}, "b3/BUF\n  [####------] 4/9\n  Start: 2027-02-01\n  kickoff done\n  [OK] → auth ok b3/BUF\n"},
		{"sections", commands.Reply{Title: "b3", Sections: []commands.Section{{Title: "b3/BUF", Lines: []string{"x"}}}},
			"b3\n  ▸ b3/BUF\n    x\n"},
	} {
		var b strings.Builder
		Render(&b, tc.reply)
		if b.String() != tc.want {
			t.Errorf("%s:\n%q\nwant\n%q", tc.name, b.String(), tc.want)
		}
	}
}

// fakeCommands answers every command with its text and every reminder
// with one line and one button.
type fakeCommands struct{}

func (fakeCommands) Handle(_ context.Context, req commands.Request) commands.Reply {
	return commands.Reply{Lines: []string{req.Caller.ID + " ran " + req.Text}}
}

func (fakeCommands) Digest(_ context.Context, d notify.Digest) commands.Reply {
	r := d.Reminders[0]
	return commands.Reply{Lines: []string{"about " + r.Subject()}, Actions: []commands.Action{{Label: "Done", Command: "done " + r.Subject()}}}
}

// schedule is a sweeper with reminders due at fixed times; each sweep
// sends those due by the clock through the console.
type schedule struct {
	clk  *clock.Fake
	c    *Console
	due  []time.Time
	seen []time.Time
}

func (s *schedule) NextDue(context.Context) (time.Time, bool, error) {
	if len(s.due) == 0 {
		return time.Time{}, false, nil
	}
	return s.due[0], true, nil
}

func (s *schedule) Sweep(ctx context.Context) (int, error) {
	n := 0
	for len(s.due) > 0 && !s.due[0].After(s.clk.Now()) {
		s.seen = append(s.seen, s.clk.Now())
		s.c.Notify(ctx, notify.Digest{Recipient: "maria", Reminders: []notify.Reminder{{At: s.due[0], Wave: "b3", FV: "BUF", Recipient: "maria"}}})
		s.due, n = s.due[1:], n+1
	}
	return n, nil
}

// TestClockFiresRemindersAtTheirTime: moving the clock stops at each
// reminder's time on the way, in order, and ends at the target.
func TestClockFiresRemindersAtTheirTime(t *testing.T) {
	cal := wave.Copenhagen()
	d := func(s string) wave.Date { v, _ := wave.ParseDate(s); return v }
	clk := clock.NewFake(cal.At(d("2027-02-10"), 12, 0))
	var out strings.Builder
	c := &Console{Commands: fakeCommands{}, Clock: clk, Calendar: cal, As: "Anna", Out: &out, Lang: "en"}
	first, second, later := cal.At(d("2027-02-11"), 9, 0), cal.At(d("2027-02-11"), 13, 5), cal.At(d("2027-03-01"), 9, 0)
	s := &schedule{clk: clk, c: c, due: []time.Time{first, second, later}}
	c.Reminders = s
	if err := c.Run(context.Background(), strings.NewReader("clock 2027-02-12\nstatus\n")); err != nil {
		t.Fatal(err)
	}
	want := "⏰ 2027-02-11 09:00 → @maria: about b3/BUF\n   ↳ done b3/BUF\n" +
		"⏰ 2027-02-11 13:05 → @maria: about b3/BUF\n   ↳ done b3/BUF\n" +
		"The clock is now 2027-02-12 12:00 Fri.\n" +
		"anna ran status\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if len(s.seen) != 2 || !s.seen[0].Equal(first) || !s.seen[1].Equal(second) {
		t.Errorf("swept at %v, want at %v and %v", s.seen, first, second)
	}
}
