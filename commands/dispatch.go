package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"wavebot/catalog"
	"wavebot/clock"
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
	Lang   string
	Logger *slog.Logger
}

// Dispatcher parses command lines, checks permissions, runs handlers and
// turns every outcome, including failures, into a Reply.
type Dispatcher struct {
	cfg  Config
	cmds []*Command
}

// New returns a dispatcher with the full command set; it fails when two
// commands share a name or alias.
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
	d := &Dispatcher{cfg: cfg}
	d.cmds = d.commands()
	setPaths(d.cmds, "")
	if err := checkNames(d.cmds, ""); err != nil {
		return nil, err
	}
	return d, nil
}

// userError is a refusal meant for the person: a catalog message and its
// arguments. It travels through storage updates wrapped, so errors.As finds it.
type userError struct {
	msg  catalog.Message
	args []any
}

func (e *userError) Error() string { return e.msg.In(catalog.English, e.args...) }

func refuse(m catalog.Message, args ...any) error { return &userError{msg: m, args: args} }

// Handle runs one request and always answers; a refused or failed command
// changes nothing.
func (d *Dispatcher) Handle(ctx context.Context, req Request) Reply {
	lang := d.cfg.Lang
	words := strings.Fields(req.Text)
	if len(words) == 0 {
		return d.Handle(ctx, Request{Caller: req.Caller, Text: "help"})
	}
	me, err := d.caller(ctx, req.Caller)
	if err != nil {
		return d.failure(lang, nil, err)
	}
	if me.Lang != "" {
		lang = me.Lang
	}
	cmd, consumed := d.resolve(words)
	if cmd == nil {
		return d.failure(lang, nil, refuse(catalog.UnknownCommand, words[0]))
	}
	reply := d.run(ctx, cmd, me, lang, words, consumed, req.Text)
	reply.Command = cmd.path
	return reply
}

// run runs the command resolved from the request's words, checking the
// permissions it declares.
func (d *Dispatcher) run(ctx context.Context, cmd *Command, me wave.Person, lang string, words []string, consumed int, text string) Reply {
	if cmd.Run == nil {
		// A group named without a valid subcommand: show its usages.
		return d.failure(lang, cmd, refuse(catalog.UnknownSubcommand, strings.Join(words[:consumed], " ")))
	}
	if (cmd.Perm == AdminOnly || cmd.Perm == KSOnly) && !cmd.Perm.allows(me, "") {
		return d.failure(lang, cmd, refuse(catalog.NotAllowed, cmd.Perm.who().In(lang)))
	}
	in := Input{Me: me, Args: words[consumed:], Now: d.cfg.Clock.Now(), Lang: lang, line: afterWords(text, consumed)}
	reply, err := cmd.Run(ctx, in)
	if err != nil {
		return d.failure(lang, cmd, err)
	}
	return reply
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
		line = ue.msg.In(lang, ue.args...)
	case errors.Is(err, storage.ErrUnavailable):
		d.cfg.Logger.Warn("storage unavailable", "err", err)
		line = catalog.StorageUnavailable.In(lang)
	case errors.Is(err, storage.ErrConflict):
		line = catalog.Busy.In(lang)
	default:
		d.cfg.Logger.Error("command failed", "err", err)
		line = catalog.InternalError.In(lang)
	}
	r := Reply{Refused: true, Lines: []string{line}}
	if cmd != nil && ue != nil {
		for _, c := range leaves([]*Command{cmd}) {
			r.Lines = append(r.Lines, catalog.Usage.In(lang, c.Usage))
		}
	}
	return r
}

// caller loads the person behind a request, creating them on first contact.
func (d *Dispatcher) caller(ctx context.Context, c Caller) (wave.Person, error) {
	if !validPersonID(c.ID) {
		return wave.Person{}, refuse(catalog.BadPerson, c.ID)
	}
	p := wave.Person{ID: c.ID, Name: c.Name, Role: wave.RoleViewer}
	admin := slices.Contains(d.cfg.Admins, c.ID)
	if admin {
		p.Role = wave.RoleAdmin
	}
	p, err := d.cfg.Store.EnsurePerson(ctx, p, wave.Event{At: d.cfg.Clock.Now(), Actor: c.ID, Action: actPersonCreate, Item: c.ID}, d.cfg.BootstrapAdmin)
	if err == nil {
		p, err = d.acting(ctx, c.ID, p)
	}
	if err != nil {
		return wave.Person{}, fmt.Errorf("load caller %s: %w", c.ID, err)
	}
	admin = admin || slices.Contains(d.cfg.Admins, p.ID)
	if admin && p.Role != wave.RoleAdmin {
		return d.setRole(ctx, c.ID, p.ID, wave.RoleAdmin, "")
	}
	return p, nil
}

// validPersonID accepts ids of up to 64 printable characters without spaces.
func validPersonID(id string) bool {
	if id == "" || len(id) > 64 || strings.HasPrefix(id, "@") {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == '/' || r == 0x7f {
			return false
		}
	}
	return true
}

// mention resolves "@name" to a person id, creating the person (viewer) the
// first time they are mentioned. Ids without a platform prefix are plain
// names and case-insensitive.
func (d *Dispatcher) mention(ctx context.Context, actor, word string, now time.Time) (wave.Person, error) {
	id, ok := strings.CutPrefix(word, "@")
	if !ok {
		return wave.Person{}, refuse(catalog.NotAMention, word)
	}
	if !strings.Contains(id, ":") {
		id = strings.ToLower(id)
	}
	if !validPersonID(id) {
		return wave.Person{}, refuse(catalog.BadPerson, word)
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
