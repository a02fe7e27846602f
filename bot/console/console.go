// Package console is the terminal adapter: it reads one command per line,
// runs it as the current person and prints the reply as text. Two commands
// exist only here: "as NAME" switches person and "clock" moves the
// simulated time.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"wavebot/catalog"
	"wavebot/clock"
	"wavebot/commands"
	"wavebot/notify"
	"wavebot/wave"
)

// handler is what the console needs of the command language: replies to
// commands, and the message of a digest of reminders.
type handler interface {
	Handle(ctx context.Context, req commands.Request) commands.Reply
	Digest(ctx context.Context, d notify.Digest) commands.Reply
}

// sweeper sends the reminders due at the clock's time and tells when the
// next falls due.
type sweeper interface {
	Sweep(ctx context.Context) (int, error)
	NextDue(ctx context.Context) (time.Time, bool, error)
}

// Console drives wavebot from a terminal or a pipe.
type Console struct {
	Commands handler
	Clock    *clock.Fake
	Calendar *wave.Calendar
	// As is the person commands run as.
	As  string
	Out io.Writer
	// Echo prints each command before its reply, for piped input.
	Echo bool
	// Prompt prints a prompt before each line, for a terminal.
	Prompt bool
	// Lang is the language of the console's own messages.
	Lang string
	// Reminders, when set, is swept at every moment a reminder falls due
	// as the clock moves; its reminders come back through Notify.
	Reminders sweeper
}

// Notify prints a digest with its time, its recipient, what it says and
// the commands its buttons would run.
func (c *Console) Notify(ctx context.Context, d notify.Digest) error {
	msg := c.Commands.Digest(ctx, d)
	at := d.Reminders[0].At
	for _, r := range d.Reminders {
		if r.At.After(at) {
			at = r.At
		}
	}
	lines := msg.Lines
	for _, s := range msg.Sections {
		lines = append(lines, s.Lines...)
	}
	fmt.Fprintf(c.Out, "⏰ %s → @%s: %s\n", at.In(c.Calendar.Location()).Format("2006-01-02 15:04"), d.Recipient, strings.Join(lines, "\n   "))
	var acts []string
	for _, a := range msg.Actions {
		acts = append(acts, a.Command)
	}
	if len(acts) > 0 {
		fmt.Fprintf(c.Out, "   ↳ %s\n", strings.Join(acts, " | "))
	}
	return nil
}

// Run reads commands until the end of in or until ctx is done.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	c.As = personName(c.As)
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 64*1024), 64*1024)
	for {
		if c.Prompt {
			fmt.Fprintf(c.Out, "%s> ", c.As)
		}
		if !lines.Scan() {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(lines.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if c.Echo {
			fmt.Fprintf(c.Out, "\n%s> %s\n", c.As, line)
		}
		c.run(ctx, line)
	}
	if c.Prompt {
		fmt.Fprintln(c.Out)
	}
	if err := lines.Err(); err != nil {
		return fmt.Errorf("read commands: %w", err)
	}
	return nil
}

func (c *Console) run(ctx context.Context, line string) {
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "as", "som":
		if rest == "" || strings.ContainsAny(rest, " \t") {
			fmt.Fprintln(c.Out, "✗ "+catalog.ConsoleAsUsage.In(c.Lang))
			return
		}
		c.As = personName(rest)
		fmt.Fprintln(c.Out, catalog.ConsoleAs.In(c.Lang, c.As))
	case "clock", "ur":
		c.moveClock(ctx, rest)
	default:
		Render(c.Out, c.Commands.Handle(ctx, commands.Request{Caller: commands.Caller{ID: c.As, Name: c.As}, Text: line}))
	}
}

// personName makes a console name a person id: plain names are case-insensitive.
func personName(s string) string { return strings.ToLower(strings.TrimPrefix(s, "@")) }

func (c *Console) moveClock(ctx context.Context, arg string) {
	to, err := c.clockTarget(arg)
	if err != nil {
		fmt.Fprintln(c.Out, "✗ "+catalog.ConsoleClockUsage.In(c.Lang))
		return
	}
	// Stop at each moment a reminder falls due on the way, so they fire in
	// order and at their time.
	for c.Reminders != nil {
		next, ok, err := c.Reminders.NextDue(ctx)
		if err != nil {
			fmt.Fprintln(c.Out, "✗ "+err.Error())
			break
		}
		if !ok || next.After(to) {
			break
		}
		if next.After(c.Clock.Now()) {
			c.Clock.Set(next)
		}
		c.sweep(ctx)
		// A wave still due at the clock's time could not be delivered now;
		// it is tried again when the clock moves on.
		if again, ok, _ := c.Reminders.NextDue(ctx); ok && !again.After(c.Clock.Now()) {
			break
		}
	}
	c.Clock.Set(to)
	c.sweep(ctx)
	fmt.Fprintln(c.Out, catalog.ConsoleClock.In(c.Lang, to.In(c.Calendar.Location()).Format("2006-01-02 15:04 Mon")))
}

func (c *Console) sweep(ctx context.Context) {
	if c.Reminders == nil {
		return
	}
	if _, err := c.Reminders.Sweep(ctx); err != nil {
		fmt.Fprintln(c.Out, "✗ "+err.Error())
	}
}

// clockTarget reads "+3d", "+4h", "YYYY-MM-DD" (that day at 12:00 local
// time) or nothing (stay).
func (c *Console) clockTarget(arg string) (time.Time, error) {
	now := c.Clock.Now().In(c.Calendar.Location())
	if arg == "" {
		return now, nil
	}
	if n, ok := strings.CutPrefix(arg, "+"); ok && len(n) >= 2 {
		v, err := strconv.Atoi(n[:len(n)-1])
		if err != nil || v < 0 || v > 3660 {
			return time.Time{}, fmt.Errorf("bad clock step %q", arg)
		}
		switch n[len(n)-1] {
		case 'd':
			return now.AddDate(0, 0, v), nil
		case 'h':
			return now.Add(time.Duration(v) * time.Hour), nil
		case 'm':
			return now.Add(time.Duration(v) * time.Minute), nil
		}
		return time.Time{}, fmt.Errorf("bad clock unit in %q", arg)
	}
	d, err := wave.ParseDate(arg)
	if err != nil {
		return time.Time{}, err
	}
	return c.Calendar.At(d, 12, 0), nil
}
