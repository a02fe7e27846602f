// Package console is the terminal adapter: it reads one command per line,
// runs it as the current person and prints the reply as text. Three
// commands exist only here: "as NAME" switches person, "clock" moves the
// simulated time, and "quit" leaves.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wavebot/commands"
	"wavebot/internal/catalog"
	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/wave"
)

// handler is what the console needs of the command language: replies to
// commands, the message of a digest of reminders, who the person at the
// keyboard is and what waits for them, and their language for the
// console's own messages.
type handler interface {
	Handle(ctx context.Context, req commands.Request) commands.Reply
	Digest(ctx context.Context, d notify.Digest) commands.Reply
	Whoami(ctx context.Context, c commands.Caller) (commands.Presence, error)
	Waiting(ctx context.Context, person string) (commands.Reply, bool)
	Lang(ctx context.Context, person string) string
}

// sweeper sends the reminders due at the clock's time and tells when the
// next falls due.
type sweeper interface {
	Sweep(ctx context.Context) (int, error)
	NextDue(ctx context.Context) (time.Time, bool, error)
}

// The console's own commands, declared like the command language's so that
// help lists and explains them.
var (
	cmdAs    = &commands.Command{Name: "as", Aliases: []string{"som"}, Args: []commands.Arg{{Name: catalog.ArgAs}}, Summary: catalog.SumAs}
	cmdClock = &commands.Command{Name: "clock", Aliases: []string{"ur"}, Args: []commands.Arg{{Name: catalog.ArgClock, Optional: true}}, Summary: catalog.SumClock}
	cmdQuit  = &commands.Command{Name: "quit", Aliases: []string{"afslut", "exit"}, Summary: catalog.SumQuit}
)

// Commands are the console's own commands, for the dispatcher's help
// (commands.Config.Local).
func Commands() []*commands.Command { return []*commands.Command{cmdAs, cmdClock, cmdQuit} }

// maxLineBytes is the most of one input line the console holds: MaxLine
// characters of up to four bytes, and the line's end. The rest of a longer
// line is read and dropped.
const maxLineBytes = 4*commands.MaxLine + 2

// echoMax is how much of a line the console quotes back.
const echoMax = 80

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
	// Reminders, when set, is swept at every moment a reminder falls due
	// as the clock moves; its reminders come back through Notify.
	Reminders sweeper
	// Files is the directory pictures in replies are written to, such as
	// a timeline; the current directory when empty.
	Files string
	// KeepClock, when set, is told the clock's time each time it moves, so
	// that a later run can go on from there.
	KeepClock func(t time.Time) error
}

// Channel is the console's own channel: the terminal stands for a channel
// everyone reads, so "subscribe" works here and the channel's news
// prints like a reminder.
var Channel = commands.Channel{ID: "console:#konsol", Name: "#konsol"}

// Notify prints a digest with its time, its recipient, what it says and
// the commands its buttons would run. The terminal is every console
// person's screen and the console's channel; a person on Slack or Teams is
// not here, so what goes to them is undeliverable (and a notice waits for
// them).
func (c *Console) Notify(ctx context.Context, d notify.Digest) error {
	if p := wave.Platform(d.Recipient); p != "" && d.Recipient != Channel.ID {
		return fmt.Errorf("%w: the console does not reach %s on %s", notify.ErrUndeliverable, d.Recipient, p)
	}
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
	to := "@" + d.Recipient
	if d.Recipient == Channel.ID {
		to = Channel.Name
	}
	fmt.Fprintf(c.Out, "⏰ %s → %s: %s\n", at.In(c.Calendar.Location()).Format("2006-01-02 15:04"), to, strings.Join(lines, "\n   "))
	var acts []string
	for _, a := range msg.Actions {
		acts = append(acts, target(a))
	}
	if len(acts) > 0 {
		fmt.Fprintf(c.Out, "   ↳ %s\n", strings.Join(acts, " | "))
	}
	return nil
}

// Run reads commands until the end of in, until quit, or until ctx is
// done. Lines may be of any length: one longer than commands.MaxLine is
// refused and the console goes on with the next.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	if id, ok := commands.PersonID(c.As); ok {
		c.As = id
	}
	c.greet(ctx)
	r := bufio.NewReader(in)
	for {
		if c.Prompt {
			fmt.Fprintf(c.Out, "%s> ", c.As)
		}
		raw, long, err := readLine(r, maxLineBytes)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read commands: %w", err)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if line := strings.TrimSpace(string(raw)); line != "" && !strings.HasPrefix(line, "#") {
			if c.Echo {
				fmt.Fprintf(c.Out, "\n%s> %s\n", c.As, shorten(line, echoMax))
			}
			if long {
				Render(c.Out, commands.Reply{Refused: true, Lines: []string{catalog.LineTooLong.In(c.lang(ctx), commands.MaxLine)}})
			} else if c.run(ctx, line) {
				break
			}
		}
		if err != nil {
			break
		}
	}
	if c.Prompt {
		fmt.Fprintln(c.Out)
	}
	return nil
}

// greet says, in one line, who the person at the keyboard is, their role,
// the simulated time and how to get help; then what waits for them.
func (c *Console) greet(ctx context.Context) {
	me, err := c.Commands.Whoami(ctx, commands.Caller{ID: c.As, Name: c.As})
	if err != nil {
		fmt.Fprintln(c.Out, "✗ "+err.Error())
		return
	}
	when := catalog.Moment(me.Lang, c.Clock.Now().In(c.Calendar.Location()))
	fmt.Fprintln(c.Out, catalog.ConsoleGreeting.In(me.Lang, me.ID, me.Role, when))
	if waiting, ok := c.Commands.Waiting(ctx, me.ID); ok {
		Render(c.Out, waiting)
	}
}

// readLine reads one line of any length and returns at most limit bytes of
// it; long reports that more was read and dropped. At the end of the input
// it returns io.EOF with what the last line held.
func readLine(r *bufio.Reader, limit int) (line []byte, long bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if long || len(line)+len(chunk) > limit {
			long = true
		} else {
			line = append(line, chunk...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, long, err
		}
	}
}

// shorten cuts s after n characters, marking the cut with '…'.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// lang is the language of the person at the keyboard.
func (c *Console) lang(ctx context.Context) string { return c.Commands.Lang(ctx, c.As) }

// run runs one line and reports whether it was quit.
func (c *Console) run(ctx context.Context, line string) (quit bool) {
	word := strings.Fields(line)[0]
	rest := strings.TrimSpace(line[len(word):])
	switch {
	case cmdQuit.Named(word):
		return true
	case cmdAs.Named(word):
		c.switchPerson(ctx, word, rest)
	case cmdClock.Named(word):
		c.moveClock(ctx, rest)
	default:
		channel := Channel
		r := c.Commands.Handle(ctx, commands.Request{Caller: commands.Caller{ID: c.As, Name: c.As}, Text: line, Channel: &channel})
		Render(c.Out, r)
		if r.Image != nil {
			c.save(ctx, *r.Image)
		}
	}
	return false
}

// save writes a reply's picture to a file in Files and says where.
func (c *Console) save(ctx context.Context, img commands.Image) {
	lang := c.lang(ctx)
	path := filepath.Join(c.Files, filepath.Base(img.Name))
	if err := os.WriteFile(path, img.PNG, 0o644); err != nil {
		fmt.Fprintln(c.Out, "✗ "+catalog.ConsoleImageFail.In(lang, err))
		return
	}
	fmt.Fprintln(c.Out, "  "+catalog.ConsoleImage.In(lang, path))
}

// refuse prints why a console command was refused and its usage.
func (c *Console) refuse(lang string, cmd *commands.Command, reason string) {
	Render(c.Out, commands.Reply{Refused: true, Lines: []string{reason, catalog.Usage.In(lang, cmd.Usage(lang))}})
}

// switchPerson acts as the person arg names; word is how "as" was typed.
func (c *Console) switchPerson(ctx context.Context, word, arg string) {
	lang := c.lang(ctx)
	words := strings.Fields(arg)
	switch {
	case len(words) == 0:
		c.refuse(lang, cmdAs, catalog.MissingArg.In(lang, catalog.ArgAs.In(lang)))
		return
	case len(words) > 1:
		// "as Søren Ærø": the name it could be is one word.
		if id, ok := commands.PersonID(strings.TrimPrefix(strings.Join(words, "."), "@")); ok {
			c.refuse(lang, cmdAs, catalog.ConsoleNameOneWord.In(lang, strings.ToLower(word)+" "+id))
			return
		}
		c.refuse(lang, cmdAs, catalog.TooManyArgs.In(lang, shorten(strings.Join(words[1:], " "), echoMax)))
		return
	}
	id, ok := commands.PersonID(strings.TrimPrefix(words[0], "@"))
	if !ok {
		c.refuse(lang, cmdAs, catalog.ConsoleBadName.In(lang, shorten(words[0], echoMax), commands.MaxPersonName))
		return
	}
	c.As = id
	fmt.Fprintln(c.Out, catalog.ConsoleAs.In(c.lang(ctx), c.As))
	if waiting, ok := c.Commands.Waiting(ctx, c.As); ok {
		Render(c.Out, waiting)
	}
}

// moveClock moves the simulated clock forward, never back, firing each
// reminder that falls due on the way at its time.
func (c *Console) moveClock(ctx context.Context, arg string) {
	lang := c.lang(ctx)
	now := c.Clock.Now()
	to, span, err := c.clockTarget(lang, arg)
	if err != nil {
		c.refuse(lang, cmdClock, catalog.ConsoleBadClock.In(lang, shorten(arg, echoMax)))
		return
	}
	if to.Before(now) {
		c.refuse(lang, cmdClock, catalog.ConsoleClockBackwards.In(lang, catalog.Moment(lang, now.In(c.Calendar.Location()))))
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
	if c.KeepClock != nil {
		if err := c.KeepClock(to); err != nil {
			fmt.Fprintln(c.Out, "✗ "+err.Error())
		}
	}
	when := catalog.Moment(lang, to.In(c.Calendar.Location()))
	if span == "" {
		fmt.Fprintln(c.Out, catalog.ConsoleClock.In(lang, when))
		return
	}
	fmt.Fprintln(c.Out, catalog.ConsoleClockMoved.In(lang, span, when))
}

func (c *Console) sweep(ctx context.Context) {
	if c.Reminders == nil {
		return
	}
	if _, err := c.Reminders.Sweep(ctx); err != nil {
		fmt.Fprintln(c.Out, "✗ "+err.Error())
	}
}

// clockTarget reads "+3d" (calendar days), "+4h", "+30m", "YYYY-MM-DD"
// (that day at 12:00 local time) or nothing (stay). For a step it also
// says, in lang, how far: "3 kalenderdage".
func (c *Console) clockTarget(lang, arg string) (time.Time, string, error) {
	now := c.Clock.Now().In(c.Calendar.Location())
	if arg == "" {
		return now, "", nil
	}
	if n, ok := strings.CutPrefix(arg, "+"); ok && len(n) >= 2 {
		v, err := strconv.Atoi(n[:len(n)-1])
		if err != nil || v < 0 || v > 3660 {
			return time.Time{}, "", fmt.Errorf("bad clock step %q", arg)
		}
		switch strings.ToLower(n[len(n)-1:]) {
		case "d":
			return now.AddDate(0, 0, v), catalog.CalendarDays.In(lang, v, v), nil
		case "h":
			return now.Add(time.Duration(v) * time.Hour), catalog.Hours.In(lang, v, v), nil
		case "m":
			return now.Add(time.Duration(v) * time.Minute), catalog.Minutes.In(lang, v, v), nil
		}
		return time.Time{}, "", fmt.Errorf("bad clock unit in %q", arg)
	}
	d, err := wave.ParseDate(arg)
	if err != nil {
		return time.Time{}, "", err
	}
	return c.Calendar.At(d, 12, 0), "", nil
}
