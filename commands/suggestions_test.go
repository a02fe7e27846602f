package commands

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/internal/catalog"
	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// Every suggestion is allowed for its reader (issue 21, point 11): for
// each kind of reader, in each state of a wave's life, every reply the
// command table gives, every reminder and digest, and the home page are
// read for the commands they suggest, in words ("Svar med …", "Udpeg en
// med: …", "(bølge luk b3)") or as a button, and each is run as that
// reader in the state the reply was given in: none may be refused for
// want of permission. The replies come from running every command of the
// table with the values its placeholders stand for; nothing here lists
// what the replies suggest.

// walkReaders are the kinds of reader: an admin who leads nothing, the
// wave's KS lead with the role ks only, other KS staff, a contact of one
// enrolment, and a viewer; ole and vera read English.
var walkReaders = []string{"anna", "kim", "ole", "maria", "vera"}

// walkStates are the states of a wave's life the walk reads, each the
// commands that lead to it from the one before, on its day.
var walkStates = []struct {
	name, day string
	lines     []string
}{
	{"before any wave", "2027-01-20", []string{
		"anna: role @kim ks", "anna: role @ole ks", "vera: help", "maria: help",
		// Other KS staff and the viewer read English, the rest Danish.
		"ole: lang en", "vera: lang en",
	}},
	{"under way", "2027-01-20", []string{
		"kim: wave create b3 2027-02-01 Bølge 3", "kim: wave enroll b3 BUF SUF", "kim: contact b3/BUF @maria",
		"maria: contact b3/BUF @jens", "kim: auth request b3/BUF 2027-01-27", "kim: done b3/BUF pc",
		"kim: skip b3/BUF kickoff holdt med bølge 2", "kim: due b3/SUF golive 2027-01-22",
		"maria: units b3/BUF add Husum Skole, Ungdomsskolen, Sundhedsplejen", "maria: info b3/BUF 2027-01-21 Husum Skole",
		"maria: due b3/BUF training 2027-01-26", "clock: 2027-01-29",
	}},
	{"ready to close", "2027-01-29", []string{
		"kim: contact b3/SUF @sofie", "sofie: due b3/SUF info 2027-02-01", "kim: due b3/SUF training 2027-02-02", "maria: skip b3/BUF kickoff enig", "maria: auth ok b3/BUF", "kim: auth applied b3/BUF",
		"maria: training b3/BUF nej", "kim: done b3/SUF pc", "kim: due b3/SUF golive 2027-02-01", "kim: auth request b3/SUF 2027-01-29",
		"sofie: auth ok b3/SUF", "kim: auth applied b3/SUF", "kim: done b3 golive", "maria: done b3/BUF golive",
		"sofie: done b3/SUF golive", "kim: done b3/BUF evaluation", "maria: done b3/BUF evaluation",
		"kim: skip b3/SUF evaluation holdes i bølge 4", "sofie: skip b3/SUF evaluation enig",
	}},
	{"closed", "2027-01-29", []string{"kim: wave close b3", "maria: eval note b3/BUF god proces"}},
}

// walkWorld is a state of the walk, kept as the bytes of its bolt file:
// each run opens a copy of it, so no run changes what the next one sees.
type walkWorld struct {
	t    *testing.T
	file []byte
	now  time.Time
	// d reads the command table and the template; it never runs.
	d *Dispatcher
	// read, when set, is shown every reply the walk reads: what the
	// commands and the suggestions answer, the home page and the digests.
	read func(what string, r Reply)
}

// walkDir holds the copies: memory when the machine has it, as the walk
// opens thousands and a disk's sync would take most of its time.
var walkDir = func() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		return "/dev/shm"
	}
	return ""
}()

// open is a dispatcher on a fresh copy of the state; close ends it and
// returns the state as it left it.
func (w walkWorld) open() (d *Dispatcher, close func() []byte) {
	w.t.Helper()
	dir, err := os.MkdirTemp(walkDir, "walk")
	if err != nil {
		w.t.Fatal(err)
	}
	path := filepath.Join(dir, bolt.FileName)
	if w.file != nil {
		if err := os.WriteFile(path, w.file, 0o600); err != nil {
			w.t.Fatal(err)
		}
	}
	s, err := bolt.Open(dir, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	d, err = New(Config{Store: s, Clock: clock.NewFake(w.now), Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Lang: "da", BootstrapAdmin: true})
	if err != nil {
		w.t.Fatal(err)
	}
	return d, func() []byte {
		s.Close()
		b, _ := os.ReadFile(path)
		os.RemoveAll(dir)
		return b
	}
}

// play runs "person: command" lines, which must succeed, from day on
// ("clock: DATE" moves the clock) and returns the state they lead to.
func (w walkWorld) play(day string, lines []string) walkWorld {
	w.t.Helper()
	date, err := wave.ParseDate(day)
	if err != nil {
		w.t.Fatal(err)
	}
	w.now = wave.Copenhagen().At(date, 12, 0)
	d, close := w.open()
	for _, line := range lines {
		who, text, _ := strings.Cut(line, ": ")
		if who == "clock" {
			date, err := wave.ParseDate(text)
			if err != nil {
				w.t.Fatal(err)
			}
			w.file, w.now = close(), wave.Copenhagen().At(date, 12, 0)
			d, close = w.open()
			continue
		}
		if r := d.Handle(context.Background(), Request{Caller: Caller{ID: who}, Text: text}); r.Refused {
			w.t.Fatalf("%s: %v", line, r.Lines)
		}
	}
	w.file = close()
	return w
}

// walkContext is what a reply or reminder is about, for the suggestions
// that leave it to the reader ("Marker aktiviteten som færdig",
// "autorisation ok").
type walkContext struct {
	wave, fv, activity string
	step               bool
}

// ref is the enrolment the context is about.
func (c walkContext) ref() string {
	fv := c.fv
	if fv == "" {
		fv = "BUF"
	}
	return c.wave + "/" + fv
}

// TestEverySuggestionIsAllowedForItsReader walks the states and readers.
func TestEverySuggestionIsAllowedForItsReader(t *testing.T) {
	table, err := New(Config{Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(), Forvaltninger: wave.DefaultForvaltninger})
	if err != nil {
		t.Fatal(err)
	}
	w := walkWorld{t: t, d: table}
	checked := 0
	for _, st := range walkStates {
		w = w.play(st.day, st.lines)
		for _, reader := range walkReaders {
			t.Run(st.name+"/"+reader, func(t *testing.T) {
				w := w
				w.t = t
				checked += w.walk(reader)
			})
		}
	}
	t.Logf("%d suggestions checked", checked)
	// A check that finds nothing to check passes nothing.
	if checked < 300 {
		t.Errorf("only %d suggestions checked", checked)
	}
}

// walk reads every reply, reminder and digest reader gets in this state,
// checks what each suggests, and returns how many suggestions it ran.
func (w walkWorld) walk(reader string) int {
	ctx := context.Background()
	checked := 0
	read := func(what string, r Reply) {
		if w.read != nil {
			w.read(what, r)
		}
	}
	run := func(d *Dispatcher, text string) (Reply, error) {
		r, err := d.handle(ctx, Request{Caller: Caller{ID: reader}, Text: text, Channel: channelFor(text)})
		read(text, r)
		return r, err
	}
	// A state's answers are kept: a suggestion is run once in each.
	seen := map[string]map[string]bool{}
	// check runs what r suggests as reader in state s, each on a copy of
	// s that no run has changed: on d, an open copy of it, while the runs
	// change nothing. It returns d, or nil when it had to let it go.
	check := func(s walkWorld, d *Dispatcher, close func() []byte, what string, r Reply, c walkContext) (*Dispatcher, func() []byte) {
		known := seen[string(s.file)]
		if known == nil {
			known = map[string]bool{}
			seen[string(s.file)] = known
		}
		for _, sug := range suggestions(w.d, r, c, w.now) {
			if _, ok := known[sug]; ok {
				continue
			}
			if d == nil {
				d, close = s.open()
			}
			_, err := run(d, sug)
			checked++
			ue, refused := errors.AsType[*userError](err)
			known[sug] = !refused || !ue.forbidden
			if refused && ue.forbidden {
				w.t.Errorf("%s suggests %q to %s, who may not: %s\n%s", what, sug, reader, ue.Error(), text(r))
			}
			if outcomeOf(err) == OK {
				close() // it may have changed the state
				d = nil
			}
		}
		return d, close
	}
	d, close := w.open()
	for _, p := range probes(w.d, w.now) {
		if d == nil {
			d, close = w.open()
		}
		r, err := run(d, p.text)
		if outcomeOf(err) != OK {
			// Refused or unchanged: the state is as it was.
			d, close = check(w, d, close, p.text, r, p.context)
			continue
		}
		after := w
		after.file = close()
		d = nil
		if a, done := check(after, nil, nil, p.text, r, p.context); a != nil {
			done()
		}
	}
	if d == nil {
		d, close = w.open()
	}
	home := d.Home(ctx, Caller{ID: reader})
	read("the home page", home)
	var digests []Reply
	var about []walkContext
	for _, dg := range digestsOf(d, reader, w.now) {
		r := dg.Reminders[0]
		digests = append(digests, d.Digest(ctx, dg))
		read("a reminder", digests[len(digests)-1])
		about = append(about, walkContext{wave: r.Wave, fv: r.FV, activity: r.Activity, step: isStep(r)})
	}
	d, close = check(w, d, close, "the home page", home, walkContext{wave: "b3"})
	for i, r := range digests {
		d, close = check(w, d, close, "a reminder", r, about[i])
	}
	if d != nil {
		close()
	}
	return checked
}

// channelFor is the channel a command is typed in: subscribe and
// unsubscribe are typed in one, the rest in a direct message.
func channelFor(text string) *Channel {
	if f := strings.Fields(text); len(f) > 0 && (f[0] == "subscribe" || f[0] == "unsubscribe" || f[0] == "abonner" || f[0] == "afmeld") {
		return &Channel{ID: "console:#konsol", Name: "#konsol"}
	}
	return nil
}

// isStep reports whether a reminder is about a KØR workflow step.
func isStep(r notify.Reminder) bool { return r.Kind == notify.StepSoon || r.Kind == notify.StepOverdue }

// digestsOf are the reminders reader gets in the next three months, from
// the state as it stands, one at a time and as the digests of each
// sending time.
func digestsOf(d *Dispatcher, reader string, now time.Time) []notify.Digest {
	waves, _ := d.waves(context.Background())
	at := map[time.Time][]notify.Reminder{}
	var out []notify.Digest
	for _, w := range waves {
		for from := now.Add(-time.Hour); from.Before(now.AddDate(0, 3, 0)); from = from.Add(24 * time.Hour) {
			for _, r := range d.cfg.Policy.Due(w, from, from.Add(24*time.Hour)) {
				if r.Recipient == reader {
					at[r.At] = append(at[r.At], r)
					out = append(out, notify.Digest{Recipient: reader, Reminders: []notify.Reminder{r}})
				}
			}
		}
	}
	for _, rs := range at {
		if len(rs) > 1 {
			out = append(out, notify.Digest{Recipient: reader, Reminders: rs})
		}
	}
	return out
}

// probe is a command line of the table, with what it is about.
type probe struct {
	text    string
	context walkContext
}

// probes are every runnable command of the table with each value its
// arguments' placeholders stand for in the walk's wave, and each
// optional argument left out and given.
func probes(d *Dispatcher, now time.Time) []probe {
	date := wave.Copenhagen().NextBusinessDay(wave.Copenhagen().Today(now).AddDays(1)).String()
	var keys []string
	for _, a := range d.cfg.Template.Activities {
		keys = append(keys, a.Key)
	}
	values := map[catalog.Message][]string{
		catalog.ArgID: {"b3", "b5"}, catalog.ArgDate: {date}, catalog.ArgName: {"Navn"}, catalog.ArgFV: {"BUF", "KFF"},
		catalog.ArgFVs: {"KFF"}, catalog.ArgPerson: {"@vera", "@maria", "@ny"}, catalog.ArgIdentity: {"slack:U9"},
		catalog.ArgContacts: {"@ny", "fjern @jens", "@kim"}, catalog.ArgRef: {"b3/BUF", "b3/SUF"},
		catalog.ArgWaveRef: {"b3/BUF", "b3/SUF", "b3"}, catalog.ArgWaveOrRef: {"b3", "BUF", "b3/BUF", "b3/SUF", "KFF"},
		catalog.ArgLogRef: {"b3", "b3/BUF", "BUF"}, catalog.ArgFVOrRef: {"BUF", "KFF", "b3/BUF"}, catalog.ArgActivity: keys,
		catalog.ArgNote: {"tekst"}, catalog.ArgStepChange: {"done group", "done presentation", "due group " + date, "template"},
		catalog.ArgReason: {"tekst"}, catalog.ArgTraining: {"nej", "ja " + date}, catalog.ArgSubject: {"b3/BUF", "b3", "b3/BUF/info"},
		catalog.ArgDuration: {"1d"}, catalog.ArgRole: {"ks", "viewer", "contact BUF"}, catalog.ArgLang: {"en"},
		catalog.ArgPage: {"1", "2"}, catalog.ArgAll: {"--alle"}, catalog.ArgCommand: {"done"},
		catalog.ArgEval: {"b3/BUF " + date, "note b3/BUF tekst"}, catalog.ArgCalendar: {"nulstil"},
		catalog.ArgMeetingUnits: {"Husum Skole, Valby Skole", "alle", "fjern"}, catalog.ArgUnitChange: {"tilføj Valby Skole", "fjern Sundhedsplejen", "2"},
	}
	var out []probe
	for _, c := range leaves(d.cmds) {
		lines := []string{c.path}
		for _, a := range c.Args {
			if a.Optional && a.Rest && a.Name != catalog.ArgEval && a.Name != catalog.ArgMeetingUnits && a.Name != catalog.ArgUnitChange {
				break // a note or a name changes no reply's shape
			}
			var next []string
			for _, l := range lines {
				if a.Optional {
					next = append(next, l)
				}
				vs := values[a.Name]
				if len(vs) == 0 {
					panic("the walk has no value for " + a.Name.In(catalog.English))
				}
				for _, v := range vs {
					next = append(next, l+" "+v)
				}
			}
			lines = next
		}
		for _, l := range lines {
			out = append(out, probe{l, contextOf(d, l)})
		}
	}
	return out
}

// contextOf reads what a command line is about: its wave, enrolment and
// activity.
func contextOf(d *Dispatcher, line string) walkContext {
	c := walkContext{wave: "b3"}
	for _, word := range strings.Fields(line) {
		if w, fv, ok := strings.Cut(word, "/"); ok && w == "b3" {
			c.fv, _, _ = strings.Cut(fv, "/")
		}
		if _, err := d.activityKey(word); err == nil && c.activity == "" {
			c.activity = word
		}
	}
	return c
}

// leadIns are the words after which a reply names a command to run.
var leadIns = []string{"med:", "with:", "med", "with", "Skriv", "skriv", "Type", "type", "Write", "write", "fx", "e.g.", "først:", "first:"}

// stops end a suggested command: the words that join it to what follows.
var stops = []string{"eller", "or", "og", "and", "for", "når", "when", "once", "så", "then", "til", "to", "–"}

// wordsOnly are suggestions made in words only, without the command:
// they mean the command named, about what the reply is about.
var wordsOnly = map[string][]string{
	"marker aktiviteten som færdig, eller spring den over": {"done", "skip"}, "mark it done or skip it": {"done", "skip"},
	"marker aktiviteten som færdig, når": {"done"}, "marker trinnet som færdigt": {"done"}, "mark it done when": {"done"},
}

// suggestions are the command lines reply r suggests, in words or as
// buttons, with their placeholders given values and what they leave out
// taken from c, what r is about.
func suggestions(d *Dispatcher, r Reply, c walkContext, now time.Time) []string {
	var texts []string
	add := func(s ...string) { texts = append(texts, s...) }
	add(r.Title)
	add(r.Lines...)
	for _, f := range r.Fields {
		add(f.Value)
	}
	for _, s := range r.Sections {
		add(s.Title)
		add(s.Lines...)
		for _, f := range s.Fields {
			add(f.Value)
		}
	}
	var out []string
	for _, a := range r.Actions {
		if a.Command != "" {
			out = append(out, a.Command)
		}
	}
	for _, t := range texts {
		if strings.HasPrefix(strings.TrimSpace(t), catalog.Usage.In(catalog.Danish, "")) || strings.HasPrefix(strings.TrimSpace(t), catalog.Usage.In(catalog.English, "")) {
			continue // a usage line shows the command refused, not a suggestion
		}
		for phrase, names := range wordsOnly {
			if strings.Contains(strings.ToLower(t), phrase) && c.activity != "" {
				for _, name := range names {
					out = append(out, complete(d, []string{name}, c, now))
				}
			}
		}
		words := strings.Fields(t)
		end := -1 // where the last suggestion of t ended
		for i := 0; i < len(words); i++ {
			word := strings.TrimLeft(words[i], "(»“")
			// After a lead-in, in brackets, or joined to the suggestion
			// before ("autorisation ok eller autorisation ret").
			led := (i > 0 && slices.Contains(leadIns, words[i-1])) || strings.HasPrefix(words[i], "(") ||
				(i > 0 && i-1 == end && slices.Contains(stops, words[i-1]))
			if !led || lookup(d.cmds, word) == nil {
				continue
			}
			cmd := []string{word}
			end = i + 1
			for j := i + 1; j < len(words); j++ {
				if slices.Contains(stops, words[j]) {
					end = j
					break
				}
				w := strings.TrimRight(words[j], ".,;)«”")
				cmd = append(cmd, w)
				end = j + 1
				if w != words[j] {
					break
				}
			}
			if len(cmd) == 1 && strings.TrimRight(words[i], ".,;)") != words[i] {
				cmd = []string{strings.TrimRight(word, ".,;)")}
			}
			out = append(out, complete(d, cmd, c, now))
		}
	}
	out = slices.DeleteFunc(out, func(s string) bool { return s == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

// complete gives a suggested command's placeholders values, and its
// missing arguments those of what the reply is about.
func complete(d *Dispatcher, words []string, c walkContext, now time.Time) string {
	date := wave.Copenhagen().Today(now).String()
	var out []string
	for _, w := range words {
		switch {
		case strings.HasPrefix(w, "[") || strings.HasSuffix(w, "]"):
			continue // optional
		case w == "ÅÅÅÅ-MM-DD" || w == "YYYY-MM-DD":
			w = date
		case w == "@person" || w == "@person …":
			w = "@ny"
		case slices.Contains([]string{"TEKST", "TEXT", "NOTE", "BEGRUNDELSE", "REASON", "NAVN", "NAME", "…"}, w):
			w = "tekst"
		case w == "ID/FV" || strings.HasSuffix(w, "/FV"):
			w = c.ref()
		case strings.HasPrefix(w, "ID/"):
			w = c.wave + strings.TrimPrefix(w, "ID")
		case w == "ID":
			w = c.wave
		case w == "EMNE" || w == "SUBJECT":
			w = c.ref()
		case w == "AKTIVITET" || w == "ACTIVITY":
			w = c.activity
		case w == "KOMMANDO" || w == "COMMAND":
			w = "status"
		}
		out = append(out, w)
	}
	cmd, n := d.resolve(out)
	if cmd == nil || cmd.Run == nil {
		return strings.Join(out, " ")
	}
	// Words that are prose, not arguments ("spring den over"), give way
	// to what the reply is about.
	args := out[n:]
	if len(cmd.Args) > 0 && len(args) > 0 && isRefArg(cmd.Args[0].Name) && !strings.Contains(args[0], "/") && !strings.HasPrefix(args[0], "b3") && args[0] != "BUF" {
		args = nil
	}
	for i := len(args); i < len(cmd.Args); i++ {
		a := cmd.Args[i]
		if a.Optional {
			break
		}
		switch {
		case isRefArg(a.Name):
			args = append(args, c.ref())
		case a.Name == catalog.ArgActivity && c.activity == "":
			return "" // about no one activity: nothing to run
		case a.Name == catalog.ArgActivity:
			args = append(args, c.activity)
		case a.Name == catalog.ArgStepChange:
			args = append(args, "done "+c.activity)
		case a.Name == catalog.ArgDate:
			args = append(args, date)
		case a.Name == catalog.ArgID:
			args = append(args, c.wave)
		case a.Name == catalog.ArgTraining:
			args = append(args, "nej")
		default:
			args = append(args, "tekst")
		}
	}
	if c.step && cmd.Name == "done" {
		return "workflow " + c.ref() + " done " + c.activity
	}
	return strings.Join(append(out[:n:n], args...), " ")
}

// isRefArg reports whether an argument names an enrolment or a wave.
func isRefArg(name catalog.Message) bool {
	return name == catalog.ArgRef || name == catalog.ArgWaveRef || name == catalog.ArgWaveOrRef || name == catalog.ArgFVOrRef || name == catalog.ArgSubject
}
