package console

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/commands"
	"wavebot/internal/clock"
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
		{"a link", commands.Reply{Title: "Autorisationsliste – b3/BUF", Actions: []commands.Action{{Label: "Åbn autorisationslisten", URL: "https://wavebot.example.dk/p/t.s"}}},
			"Autorisationsliste – b3/BUF\n  [Åbn autorisationslisten] → https://wavebot.example.dk/p/t.s\n"},
		{"sections", commands.Reply{Title: "b3", Sections: []commands.Section{{Title: "b3/BUF", Lines: []string{"x"}}}},
			"b3\n  ▸ b3/BUF\n    x\n"},
		{"a field of several lines", commands.Reply{Title: "Rapport", Sections: []commands.Section{{Title: "b3/BUF", Fields: []commands.Field{{Label: "Møder", Value: "5. februar\n12. februar"}}}}},
			"Rapport\n  ▸ b3/BUF\n    Møder: 5. februar\n      12. februar\n"},
		{"done, skipped and open", commands.Reply{Progress: &commands.Progress{Done: 3, Skipped: 1, Total: 9, Text: "3 færdige, 1 sprunget over, 5 åbne"}},
			"  [###=------] 3 færdige, 1 sprunget over, 5 åbne\n"},
	} {
		var b strings.Builder
		Render(&b, tc.reply)
		if b.String() != tc.want {
			t.Errorf("%s:\n%q\nwant\n%q", tc.name, b.String(), tc.want)
		}
	}
}

// fakeCommands answers every command with its text and every reminder
// with one line and one button. Everyone speaks English, except the
// people in danish; a notice waits for each person in waiting.
type fakeCommands struct{ danish, waiting []string }

func (fakeCommands) Handle(_ context.Context, req commands.Request) commands.Reply {
	return commands.Reply{Lines: []string{req.Caller.ID + " ran " + shorten(req.Text, 20)}}
}

func (f fakeCommands) Lang(_ context.Context, person string) string {
	if slices.Contains(f.danish, person) {
		return "da"
	}
	return "en"
}

func (f fakeCommands) Whoami(ctx context.Context, c commands.Caller) (commands.Presence, error) {
	return commands.Presence{ID: c.ID, Lang: f.Lang(ctx, c.ID), Role: "admin"}, nil
}

func (f fakeCommands) Waiting(_ context.Context, person string) (commands.Reply, bool) {
	if !slices.Contains(f.waiting, person) {
		return commands.Reply{}, false
	}
	return commands.Reply{Title: "Waiting for " + person, Lines: []string{"a welcome"}}, true
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
	c := &Console{Commands: fakeCommands{}, Clock: clk, Calendar: cal, As: "Anna", Out: &out}
	first, second, later := cal.At(d("2027-02-11"), 9, 0), cal.At(d("2027-02-11"), 13, 5), cal.At(d("2027-03-01"), 9, 0)
	s := &schedule{clk: clk, c: c, due: []time.Time{first, second, later}}
	c.Reminders = s
	if err := c.Run(context.Background(), strings.NewReader("clock 2027-02-12\nstatus\n")); err != nil {
		t.Fatal(err)
	}
	want := "You are anna (admin). The simulated clock says Wednesday 10 February 2027 at 12:00. Type help to see the commands.\n" +
		"⏰ 2027-02-11 09:00 → @maria: about b3/BUF\n   ↳ done b3/BUF\n" +
		"⏰ 2027-02-11 13:05 → @maria: about b3/BUF\n   ↳ done b3/BUF\n" +
		"The clock is now Friday 12 February 2027 at 12:00.\n" +
		"anna ran status\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if len(s.seen) != 2 || !s.seen[0].Equal(first) || !s.seen[1].Equal(second) {
		t.Errorf("swept at %v, want at %v and %v", s.seen, first, second)
	}
}

// newConsole is a console on the fake commands at noon on 12 February
// 2027, acting as anna, echoing what it reads.
func newConsole(danish ...string) (*Console, *strings.Builder) {
	cal := wave.Copenhagen()
	var out strings.Builder
	c := &Console{Commands: fakeCommands{danish: danish}, Clock: clock.NewFake(cal.At(wave.Date{Year: 2027, Month: 2, Day: 12}, 12, 0)),
		Calendar: cal, As: "anna", Out: &out, Echo: true}
	return c, &out
}

// TestLinesOfAnyLength: a line longer than a command may be is refused,
// however long, and the console goes on with the next line.
func TestLinesOfAnyLength(t *testing.T) {
	for _, n := range []int{maxLineBytes - 1, maxLineBytes + 1, 70 * 1024, 1 << 20} {
		c, out := newConsole()
		long := strings.Repeat("x", n)
		if err := c.Run(context.Background(), strings.NewReader("status\ndone b3/BUF info "+long+"\nmy\n"+long)); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		got := out.String()
		refusals := strings.Count(got, "✗ The command is too long: at most 2000 characters. Nothing was done.")
		// A line short enough reaches the commands, which judge it.
		want := 0
		if n+len("done b3/BUF info \n") > maxLineBytes {
			want++
		}
		if n > maxLineBytes {
			want++
		}
		if refusals != want || !strings.Contains(got, "anna ran status") || !strings.Contains(got, "anna ran my") {
			t.Errorf("%d bytes: %d refusals, want %d:\n%s", n, refusals, want, shorten(got, 2000))
		}
		if strings.Contains(got, long[:200]) {
			t.Errorf("%d bytes: the long line was echoed whole", n)
		}
	}
}

// TestQuit: quit, exit and afslut end the console; nothing after them runs.
func TestQuit(t *testing.T) {
	for _, word := range []string{"quit", "exit", "afslut", "QUIT"} {
		c, out := newConsole()
		if err := c.Run(context.Background(), strings.NewReader("status\n"+word+"\nmy\n")); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); !strings.Contains(got, "anna ran status") || strings.Contains(got, "ran my") || strings.Contains(got, "ran "+word) {
			t.Errorf("%s:\n%s", word, got)
		}
	}
}

// TestClockNeverGoesBack: the clock is refused a time before its own, and
// says how it counted when it moves on.
func TestClockNeverGoesBack(t *testing.T) {
	c, out := newConsole("anna")
	start := c.Clock.Now()
	if err := c.Run(context.Background(), strings.NewReader("clock 2020-01-01\nur 2027-02-12\nclock +0d\nclock -3d\n")); err != nil {
		t.Fatal(err)
	}
	want := "Du er anna (admin). Det simulerede ur står på fredag 12. februar 2027 kl. 12.00. Skriv hjælp for at se kommandoerne.\n" +
		"\nanna> clock 2020-01-01\n" +
		"✗ Uret kan ikke gå baglæns: det er allerede fredag 12. februar 2027 kl. 12.00. Intet er ændret.\n" +
		"  Brug: clock [+3d | +4h | ÅÅÅÅ-MM-DD]\n" +
		"\nanna> ur 2027-02-12\nUret er nu fredag 12. februar 2027 kl. 12.00.\n" +
		"\nanna> clock +0d\nUret er flyttet 0 kalenderdage frem og er nu fredag 12. februar 2027 kl. 12.00.\n" +
		"\nanna> clock -3d\n✗ »-3d« er ikke et tidspunkt, uret kan flyttes til.\n  Brug: clock [+3d | +4h | ÅÅÅÅ-MM-DD]\n"
	if out.String() != want || !c.Clock.Now().Equal(start) {
		t.Errorf("clock at %v, output:\n%s\nwant:\n%s", c.Clock.Now(), out.String(), want)
	}
}

// TestConsoleSpeaksThePersonsLanguage: the console's own messages follow
// the language of the person at the keyboard, and "as" takes only names a
// person can have.
func TestConsoleSpeaksThePersonsLanguage(t *testing.T) {
	c, out := newConsole("anna")
	if err := c.Run(context.Background(), strings.NewReader("clock +1d\nas @Bob\nclock +3h\nas maria!\nas\nas bob kim\nas anna\nstatus\n")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Uret er flyttet 1 kalenderdag frem og er nu lørdag 13. februar 2027 kl. 12.00.",
		"anna> as @Bob\nYou are now signed in as bob.",
		"The clock moved 3 hours on and is now Saturday 13 February 2027 at 15:00.",
		"✗ “maria!” cannot be a name: use letters, digits, ., - and _ (at most 32 characters).\n  Usage: as NAME",
		"✗ NAME is missing.\n  Usage: as NAME",
		"✗ A name is one word: type as bob.kim.\n  Usage: as NAME",
		"Du er nu logget ind som anna.",
		"anna ran status",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestGreeting: the console starts with one line in the person's language
// saying who they are, their role, the simulated time and how to get help,
// before the first prompt.
func TestGreeting(t *testing.T) {
	for _, tc := range []struct {
		danish []string
		prompt bool
		want   string
	}{
		{[]string{"anna"}, false, "Du er anna (admin). Det simulerede ur står på fredag 12. februar 2027 kl. 12.00. Skriv hjælp for at se kommandoerne.\n\nanna> status\nanna ran status\n"},
		{nil, true, "You are anna (admin). The simulated clock says Friday 12 February 2027 at 12:00. Type help to see the commands.\nanna> anna ran status\nanna> \n"},
	} {
		c, out := newConsole(tc.danish...)
		c.Echo, c.Prompt = !tc.prompt, tc.prompt
		if err := c.Run(context.Background(), strings.NewReader("status\n")); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("output:\n%q\nwant:\n%q", out.String(), tc.want)
		}
	}
}

// TestNameIsOneWord: a name of several words is refused with the name it
// could be, written with the command word the person used; nobody is
// switched to.
func TestNameIsOneWord(t *testing.T) {
	c, out := newConsole("anna")
	if err := c.Run(context.Background(), strings.NewReader("as Søren Ærø\nsom @Søren  Ærø\nas søren ærø!\nstatus\n")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"anna> as Søren Ærø\n✗ Et navn er ét ord: skriv as søren.ærø.\n  Brug: as NAVN\n",
		"anna> som @Søren  Ærø\n✗ Et navn er ét ord: skriv som søren.ærø.\n  Brug: as NAVN\n",
		// No name can be made of these words: what is too much is named.
		"anna> as søren ærø!\n✗ Kommandoen kan ikke bruge »ærø!«.\n",
		"anna ran status",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if c.As != "anna" {
		t.Errorf("switched to %q", c.As)
	}
}

// TestClockIsKept: every time the clock moves, KeepClock hears the new
// time; a refused move keeps nothing.
func TestClockIsKept(t *testing.T) {
	c, _ := newConsole()
	var kept []time.Time
	c.KeepClock = func(t time.Time) error { kept = append(kept, t); return nil }
	start := c.Clock.Now()
	if err := c.Run(context.Background(), strings.NewReader("clock +1d\nclock 2020-01-01\nclock +2h\n")); err != nil {
		t.Fatal(err)
	}
	want := []time.Time{start.AddDate(0, 0, 1), start.AddDate(0, 0, 1).Add(2 * time.Hour)}
	if !slices.EqualFunc(kept, want, time.Time.Equal) {
		t.Errorf("kept %v, want %v", kept, want)
	}
}

// TestWaitingNoticesAreShown: the notices that wait for a person show
// after the greeting and after "as" makes someone that person.
func TestWaitingNoticesAreShown(t *testing.T) {
	c, out := newConsole()
	c.Commands = fakeCommands{waiting: []string{"anna", "teams:P1"}}
	if err := c.Run(context.Background(), strings.NewReader("as teams:P1\nas bob\n")); err != nil {
		t.Fatal(err)
	}
	want := "You are anna (admin). The simulated clock says Friday 12 February 2027 at 12:00. Type help to see the commands.\n" +
		"Waiting for anna\n  a welcome\n" +
		"\nanna> as teams:P1\nYou are now signed in as teams:P1.\nWaiting for teams:P1\n  a welcome\n" +
		"\nteams:P1> as bob\nYou are now signed in as bob.\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestNotifyReachesConsolePeopleOnly: the console prints what goes to a
// person of the console and to its channel; a person on Slack or Teams is
// not here, so their digest is undeliverable and nothing is printed.
func TestNotifyReachesConsolePeopleOnly(t *testing.T) {
	c, out := newConsole()
	ctx := context.Background()
	digest := func(to string) notify.Digest {
		return notify.Digest{Recipient: to, Reminders: []notify.Reminder{{At: c.Clock.Now(), Wave: "b3", FV: "BUF", Recipient: to}}}
	}
	for _, to := range []string{"teams:p1", "slack:U1"} {
		if err := c.Notify(ctx, digest(to)); !errors.Is(err, notify.ErrUndeliverable) {
			t.Errorf("%s: %v, want undeliverable", to, err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out.String())
	}
	for _, to := range []string{"maria", Channel.ID} {
		if err := c.Notify(ctx, digest(to)); err != nil {
			t.Errorf("%s: %v", to, err)
		}
	}
	if got := out.String(); !strings.Contains(got, "→ @maria: about b3/BUF") || !strings.Contains(got, "→ #konsol: about b3/BUF") {
		t.Errorf("printed %q", got)
	}
}
