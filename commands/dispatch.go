package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"wavebot/internal/catalog"
	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/wave"
)

// Config is what the dispatcher needs from its surroundings.
type Config struct {
	Store    storage.Store
	Clock    clock.Clock
	Calendar *wave.Calendar
	Template wave.Template
	// Forvaltninger are the codes that may be enrolled.
	Forvaltninger []string
	// Admins are person ids that are admin from their first command on.
	Admins []string
	// BootstrapAdmin makes the first person to use a fresh store its admin:
	// the console's rule. A server leaves it off and names its admins.
	BootstrapAdmin bool
	// Policy is the reminder policy, for remind list and snooze; the
	// default policy on Calendar when its Calendar is nil.
	Policy notify.Policy
	// Lang is the language of people who have not chosen one.
	Lang string
	// Local are the commands an adapter answers itself, such as the
	// console's as and clock: help lists and explains them, and their
	// names may not clash with the command language's.
	Local  []*Command
	Logger *slog.Logger
	// Links makes the links to the web pages; nil when they are not set up.
	Links Links
	// Observe, when set, hears of every request Handle answered: for
	// logs and metrics. It never gets the text of the request.
	Observe func(ctx context.Context, o Observation)
}

// Observation is one request as the dispatcher answered it.
type Observation struct {
	// Actor is the caller's id as the adapter gave it.
	Actor string
	// Command is the command's name ("auth ok"); empty when none was
	// recognised.
	Command string
	Outcome Outcome
	Took    time.Duration
}

// Outcome is how a request ended.
type Outcome string

// Outcomes of a request.
const (
	OK Outcome = "ok"
	// Unchanged: the command would have changed nothing, and said so.
	Unchanged Outcome = "unchanged"
	// Refused: the person's mistake, or a permission they lack.
	Refused Outcome = "refused"
	// Unavailable: the store could not be reached or kept losing races.
	Unavailable Outcome = "unavailable"
	// Full: the store had no room for the change.
	Full Outcome = "full"
	// Failed: something went wrong that is not the person's doing.
	Failed Outcome = "error"
)

// outcomeOf classifies the error a request failed with, as failure
// answers it.
func outcomeOf(err error) Outcome {
	var ue *userError
	var same *unchangedError
	switch {
	case err == nil:
		return OK
	case errors.As(err, &same):
		return Unchanged
	case errors.As(err, &ue):
		return Refused
	case errors.Is(err, storage.ErrFull):
		return Full
	case errors.Is(err, storage.ErrUnavailable), errors.Is(err, storage.ErrConflict):
		return Unavailable
	}
	return Failed
}

// Dispatcher parses command lines, checks permissions, runs handlers and
// turns every outcome, including failures, into a Reply.
type Dispatcher struct {
	cfg  Config
	cmds []*Command
}

// New returns a dispatcher with the full command set; it fails when two
// commands share a name or alias or declare their arguments out of order.
func New(cfg Config) (*Dispatcher, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Policy.Calendar == nil {
		cfg.Policy = notify.DefaultPolicy(cfg.Calendar)
	}
	if !catalog.SupportedLang(cfg.Lang) {
		cfg.Lang = catalog.Danish
	}
	// Admins are named as people are: Anna is anna, slack:u1 is slack:U1.
	cfg.Admins = slices.Clone(cfg.Admins)
	for i, a := range cfg.Admins {
		if id, ok := PersonID(a); ok {
			cfg.Admins[i] = id
		}
	}
	d := &Dispatcher{cfg: cfg}
	d.cmds = d.commands()
	setPaths(d.cmds, "")
	if err := checkCommands(d.cmds, "", false); err != nil {
		return nil, err
	}
	if err := checkCommands(cfg.Local, "", true); err != nil {
		return nil, err
	}
	for _, c := range cfg.Local {
		if lookup(d.cmds, c.Name) != nil || slices.ContainsFunc(c.Aliases, func(a string) bool { return lookup(d.cmds, a) != nil }) {
			return nil, fmt.Errorf("local command %s clashes with a command of the same name", c.Name)
		}
	}
	return d, nil
}

// Limits on what people type, the same on every platform.
const (
	// MaxLine is the longest command line, in characters.
	MaxLine = 2000
	// MaxPersonName is the longest plain person name (not a platform id).
	MaxPersonName = wave.MaxPersonName
	maxPlatformID = wave.MaxPlatformID
	maxNote       = 1000
	maxWaveName   = 100
	// quoteMax is how much of a person's input a reply quotes back.
	quoteMax = 40
)

// userError is a refusal meant for the person: a catalog message and its
// arguments. It travels through storage updates wrapped, so errors.As finds
// it. Arguments that are catalog messages are rendered in the reader's
// language.
type userError struct {
	msg  catalog.Message
	args []any
	// forbidden is set when the person may not do what they asked, as
	// opposed to asking it wrongly.
	forbidden bool
}

func (e *userError) Error() string {
	return e.msg.In(catalog.English, localize(catalog.English, e.args)...)
}

func refuse(m catalog.Message, args ...any) error { return &userError{msg: m, args: args} }

// forbid refuses what the person may not do: their role or side does not
// allow it.
func forbid(m catalog.Message, args ...any) error {
	return &userError{msg: m, args: args, forbidden: true}
}

// localize renders the catalog messages among args in lang.
func localize(lang string, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case catalog.Message:
			out[i] = v.In(lang)
		case argName:
			out[i] = strings.TrimSuffix(catalog.Message(v).In(lang), " …")
		case dayArg:
			out[i] = day(lang, wave.Date(v))
		case weekdayArg:
			out[i] = catalog.Weekday(lang, time.Weekday(v))
		case listArg:
			out[i] = catalog.List(lang, v)
		case inLang:
			out[i] = v(lang)
		case *userError:
			out[i] = v.msg.In(lang, localize(lang, v.args)...)
		default:
			out[i] = a
		}
	}
	return out
}

// inLang is text in a refusal that the reader's language words, such as
// the names of the activities.
type inLang func(lang string) string

// listArg is a list in a refusal, joined as the reader's language does.
type listArg []string

// dayArg is a date in a refusal, written out in the reader's language.
type dayArg wave.Date

// weekdayArg is a day of the week in a refusal, named in the reader's
// language.
type weekdayArg time.Weekday

// unchangedError ends a command that would change nothing, such as marking
// a done activity done again: nothing is written, no event is logged, and
// the reply says so without being a refusal.
type unchangedError struct{ line string }

func (e *unchangedError) Error() string { return e.line }

func unchanged(line string) error { return &unchangedError{line: line} }

// typed returns input as the person typed it, for quoting in a reply:
// control characters show as '�', and past quoteMax characters it is
// cut with '…'.
func typed(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == quoteMax {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Handle runs one request and always answers; a refused or failed command
// changes nothing.
func (d *Dispatcher) Handle(ctx context.Context, req Request) Reply {
	start := time.Now()
	// A line break as Windows writes it is a line break.
	req.Text = strings.ReplaceAll(req.Text, "\r\n", "\n")
	reply, err := d.handle(ctx, req)
	if d.cfg.Observe != nil {
		d.cfg.Observe(ctx, Observation{Actor: req.Caller.ID, Command: reply.Command, Outcome: outcomeOf(err), Took: time.Since(start)})
	}
	return reply
}

// handle answers a request, and returns the error it was refused or
// failed with.
func (d *Dispatcher) handle(ctx context.Context, req Request) (Reply, error) {
	lang := d.cfg.Lang
	cmd, words, consumed := d.command(req.Text)
	if pureRead(cmd) {
		// Only a refusal or a pure read follows: nothing is decided on
		// what is read, so a replica's read cache may answer.
		ctx = storage.PureRead(ctx)
	}
	me, err := d.caller(ctx, req.Caller)
	if err != nil {
		return d.failure(lang, nil, err), err
	}
	if me.Lang != "" {
		lang = me.Lang
	}
	if utf8.RuneCountInString(req.Text) > MaxLine {
		err := refuse(catalog.LineTooLong, MaxLine)
		return d.failure(lang, nil, err), err
	}
	if r, bad := wave.UnsafeRune(req.Text, true); bad {
		err := refuse(catalog.UnsafeText, wave.RuneCode(r))
		return d.failure(lang, nil, err), err
	}
	if cmd == nil {
		err := refuse(catalog.UnknownCommand, typed(words[0]))
		return d.failure(lang, nil, err), err
	}
	reply, err := d.run(ctx, cmd, me, lang, words, consumed, req)
	reply.Command, reply.Lang = cmd.path, lang
	return reply, err
}

// PureRead reports whether the command line, run, only reads and
// decides nothing: a command such as status or help, or no command at
// all, which is refused. Run again, such a line answers as if asked
// again, and what it records of a caller met for the first time is
// recorded once however often it runs: an adapter whose platform may
// deliver a message twice need not claim it in the store to run it once.
func (d *Dispatcher) PureRead(line string) bool {
	cmd, _, _ := d.command(line)
	return pureRead(cmd)
}

// pureRead reports whether running cmd only reads; nil is no command.
func pureRead(cmd *Command) bool { return cmd == nil || cmd.PureRead }

// command resolves a command line: the command it names (nil for none),
// its words, and how many of them name the command. An empty line asks
// for help.
func (d *Dispatcher) command(line string) (*Command, []string, int) {
	words := strings.Fields(line)
	if len(words) == 0 {
		words = []string{"help"}
	}
	cmd, consumed := d.resolve(words)
	return cmd, words, consumed
}

// run runs the command resolved from the request's words, checking the
// permissions and arguments it declares.
func (d *Dispatcher) run(ctx context.Context, cmd *Command, me wave.Person, lang string, words []string, consumed int, req Request) (Reply, error) {
	if cmd.Run == nil {
		// A group named without a valid subcommand: show its usages.
		err := refuse(catalog.UnknownSubcommand, typed(strings.Join(words[:consumed], " ")))
		return d.failure(lang, cmd, err), err
	}
	if (cmd.Perm == AdminOnly || cmd.Perm == KSOnly) && !cmd.Perm.allows(me, nil) {
		err := forbid(catalog.NotAllowed, cmd.Perm.who())
		return d.failure(lang, cmd, err), err
	}
	args := words[consumed:]
	if err := cmd.checkArgs(args); err != nil {
		return d.failure(lang, cmd, err), err
	}
	in := Input{Me: me, Args: args, Now: d.cfg.Clock.Now(), Lang: lang, Channel: req.Channel, line: afterWords(req.Text, consumed)}
	reply, err := cmd.Run(ctx, in)
	var same *unchangedError
	if errors.As(err, &same) {
		return Reply{Lines: []string{same.line}}, err
	}
	if err != nil {
		return d.failure(lang, cmd, err), err
	}
	return reply, nil
}

// resolve finds the command the words name and how many words that took.
func (d *Dispatcher) resolve(words []string) (*Command, int) {
	cmd := lookup(d.cmds, words[0])
	n := 1
	for cmd != nil && len(cmd.Sub) > 0 {
		if n >= len(words) {
			return cmd, n
		}
		sub := lookup(cmd.Sub, words[n])
		if sub == nil {
			return cmd, n + 1
		}
		cmd, n = sub, n+1
	}
	return cmd, n
}

// afterWords drops the first n words of s.
func afterWords(s string, n int) string {
	return Input{line: s}.restAfter(n)
}

// failure turns an error into a refusal reply: the reason, then the usage of
// the command. Errors not meant for people are logged and answered with a
// generic line.
func (d *Dispatcher) failure(lang string, cmd *Command, err error) Reply {
	var ue *userError
	var line string
	switch {
	case errors.As(err, &ue):
		line = ue.msg.In(lang, localize(lang, ue.args)...)
	case errors.Is(err, storage.ErrFull):
		d.cfg.Logger.Error("storage full", "err", err)
		line = catalog.StorageFull.In(lang)
	case errors.Is(err, storage.ErrOutcomeUnknown):
		d.cfg.Logger.Warn("storage did not answer a change", "err", err)
		line = catalog.StorageMaybeChanged.In(lang)
	case errors.Is(err, storage.ErrUnavailable):
		d.cfg.Logger.Warn("storage unavailable", "err", err)
		line = catalog.StorageUnavailable.In(lang)
	case errors.Is(err, storage.ErrConflict):
		line = catalog.Busy.In(lang)
	default:
		d.cfg.Logger.Error("command failed", "err", err)
		line = catalog.InternalError.In(lang)
	}
	r := Reply{Refused: true, Lines: []string{line}, Lang: lang}
	if cmd != nil && ue != nil {
		for _, c := range leaves([]*Command{cmd}) {
			r.Lines = append(r.Lines, catalog.Usage.In(lang, c.Usage(lang)))
		}
	}
	return r
}

// caller loads the person behind a request, creating them on first contact.
func (d *Dispatcher) caller(ctx context.Context, c Caller) (wave.Person, error) {
	id, err := personID(c.ID)
	if err != nil {
		return wave.Person{}, err
	}
	p := wave.Person{ID: id, Name: c.Name, Role: wave.RoleViewer}
	if _, bad := wave.UnsafeRune(p.Name, false); bad {
		p.Name = "" // a name that cannot be shown safely is not kept; the id stands for it
	}
	admin := slices.Contains(d.cfg.Admins, id)
	if admin {
		p.Role = wave.RoleAdmin
	}
	p, err = d.cfg.Store.EnsurePerson(ctx, p, wave.Event{At: d.cfg.Clock.Now(), Actor: id, Action: actPersonCreate, Item: id}, d.cfg.BootstrapAdmin)
	if err == nil {
		p, err = d.acting(ctx, id, p)
	}
	if err != nil {
		return wave.Person{}, fmt.Errorf("load caller %s: %w", id, err)
	}
	d.wake(ctx, p)
	admin = admin || slices.Contains(d.cfg.Admins, p.ID)
	if admin && p.Role != wave.RoleAdmin {
		return d.setRole(ctx, id, id, wave.RoleAdmin)
	}
	return p, nil
}

// PersonID reads a person as typed without the @ and returns their id: a
// Slack id (slack:U123), a Teams id (teams:…), or a plain name of letters
// (æøå too), digits, '.', '-' and '_' that starts with a letter or digit,
// at most MaxPersonName characters. Plain names are case-insensitive.
// Adapters use it for the names people give themselves, such as the
// console's "as NAME".
func PersonID(s string) (string, bool) {
	id, err := personID(s)
	return id, err == nil
}

// personID is PersonID with a refusal that says what is wrong. The rule
// itself is the domain's (wave.ValidPersonID), which import checks too.
func personID(s string) (string, error) {
	if platform, rest, ok := strings.Cut(s, ":"); ok {
		platform = strings.ToLower(platform)
		if platform == "slack" {
			rest = strings.ToUpper(rest)
		}
		id := platform + ":" + rest
		if len(s) > maxPlatformID || !wave.ValidPersonID(id) {
			return "", refuse(catalog.BadPerson, typed("@"+s))
		}
		return id, nil
	}
	if utf8.RuneCountInString(s) > MaxPersonName {
		return "", refuse(catalog.PersonTooLong, typed("@"+s), MaxPersonName)
	}
	if s == "" {
		return "", refuse(catalog.BadPerson, "@")
	}
	id := strings.ToLower(s)
	if !wave.ValidPersonID(id) {
		return "", refuse(catalog.BadPerson, typed("@"+s))
	}
	return id, nil
}

// mentionID reads "@name" as a person id.
func mentionID(word string) (string, error) {
	s, ok := strings.CutPrefix(word, "@")
	if !ok {
		return "", refuse(catalog.NotAMention, typed(word))
	}
	return personID(s)
}

// mention resolves "@name" to a person, creating the person (viewer) the
// first time they are mentioned.
func (d *Dispatcher) mention(ctx context.Context, actor, word string, now time.Time) (wave.Person, error) {
	id, err := mentionID(word)
	if err != nil {
		return wave.Person{}, err
	}
	p, err := d.cfg.Store.EnsurePerson(ctx, wave.Person{ID: id, Role: wave.RoleViewer},
		wave.Event{At: now, Actor: actor, Action: actPersonCreate, Item: id}, false)
	if err == nil {
		p, err = d.follow(ctx, p)
	}
	if err != nil {
		return wave.Person{}, fmt.Errorf("resolve %s: %w", word, err)
	}
	return p, nil
}

// known loads the person "@name" names without creating them, following
// a linked identity to its person: someone wavebot has not met is a viewer.
func (d *Dispatcher) known(ctx context.Context, word string) (wave.Person, error) {
	id, err := mentionID(word)
	if err != nil {
		return wave.Person{}, err
	}
	p, err := d.person(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return wave.Person{ID: id, Role: wave.RoleViewer}, nil
	}
	if err != nil {
		return wave.Person{}, fmt.Errorf("look up %s: %w", word, err)
	}
	return p, nil
}
