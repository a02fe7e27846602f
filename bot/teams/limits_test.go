package teams

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/bot/teams/faketeams"
	"wavebot/commands"
	"wavebot/commands/commandstest"
	"wavebot/internal/catalog"
	"wavebot/wave"
)

// crowdedWaves is how many open waves the size tests run on.
const crowdedWaves = 60

// crowdedContact is the Teams account of a contact of commandstest.Crowded:
// "BUF" is BUF's contact in every wave, "BUF.7" BUF's own contact in
// wave w7. Ids are GUIDs and names are long, as Teams' are.
func crowdedContact(name string) account {
	fv, nth, own := strings.Cut(name, ".")
	i := slices.Index(wave.DefaultForvaltninger, fv)
	if !own {
		aad := fmt.Sprintf("c0000000-0000-4000-8000-%012d", i)
		return account{"29:" + aad, "Karen-Margrethe Østergaard-Bøgh (" + fv + ")", aad}
	}
	aad := fmt.Sprintf("c%07s-0000-4000-8000-%012d", nth, i)
	return account{"29:" + aad, "Søren Kierkegaard-Mikkelsen (" + fv + ", bølge " + nth + ")", aad}
}

// newCrowdedEnv is the bot after commandstest.Crowded(crowdedWaves):
// anna leads, and everyone has their Teams name.
func newCrowdedEnv(t *testing.T) *env {
	t.Helper()
	e := newEnvIn(t, commandstest.StoreDir(t))
	ctx := context.Background()
	lead := "teams:" + annaAAD
	people := map[string]string{lead: "Anna Holm Bøgelund-Rasmussen"}
	for _, step := range commandstest.Crowded(crowdedWaves) {
		if step.Who == "clock" {
			day, _ := wave.ParseDate(step.Text)
			e.clock.Set(cph.At(day, 12, 0))
			continue
		}
		who := lead
		if step.Who != "lead" {
			who = "teams:" + crowdedContact(step.Who).aad
		}
		text := commandstest.Mentions(step.Text, func(name string) string {
			a := crowdedContact(name)
			people["teams:"+a.aad] = a.name
			return "@teams:" + a.aad
		})
		if r := e.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: who}, Text: text}); r.Refused {
			t.Fatalf("%s: %v", text, r.Lines)
		}
	}
	for id, name := range people {
		if err := e.cmds.SetName(ctx, id, name); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// sent is what the connector received for one kind of reply: how many
// activities, the largest in bytes, and whether any was cut.
type sent struct {
	activities, largest int
	cut                 bool
}

func (s *sent) add(t *testing.T, r faketeams.Request) {
	t.Helper()
	s.activities++
	s.largest = max(s.largest, len(r.Raw))
	s.cut = s.cut || strings.Contains(string(r.Raw), catalog.ReplyCut.In("da"))
	if len(r.Raw) > faketeams.MaxActivity {
		t.Errorf("%s %s: %d bytes, over Teams' %d", r.Method, r.Path, len(r.Raw), faketeams.MaxActivity)
	}
	c := cardOf(t, r)
	if fallback, _ := c["fallbackText"].(string); len([]rune(fallback)) > maxSummary {
		t.Errorf("a fallback of %d characters: %.200s…", len([]rune(fallback)), fallback)
	}
}

// activities are the activities the connector received since the first
// n requests.
func (e *env) activities(n int) []faketeams.Request {
	var out []faketeams.Request
	for _, r := range e.conn.Requests()[n:] {
		if (r.Method == "POST" || r.Method == "PUT") && strings.Contains(r.Path, "/activities") {
			out = append(out, r)
		}
	}
	return out
}

// nextPage is the command of a card's next-page button; "" when it has none.
func nextPage(card map[string]any) string {
	actions, _ := card["actions"].([]any)
	for _, a := range actions {
		a := a.(map[string]any)
		if a["title"] == catalog.ButtonNextPage.In("da") {
			return a["data"].(map[string]any)["command"].(string)
		}
	}
	return ""
}

// press sends a press of the button that runs command, on the card
// replyTo, as a.
func (e *env) press(a account, command, replyTo string) {
	e.t.Helper()
	act := e.message(a, "")
	delete(act, "text")
	act["value"] = map[string]any{"command": command}
	act["replyToId"] = replyTo
	if code := e.post(act, e.token()); code != 200 {
		e.t.Fatalf("pressing %q answered %d", command, code)
	}
}

// TestRepliesFitTeams: on a lead's sixty waves of seven forvaltninger,
// with long names and notes (commandstest.Crowded), every kind of reply
// goes to the fake Bot Connector, every next-page button is followed (the
// card is updated in place), and the reminders of a morning are swept:
// every activity the connector received is within Teams' size as sent,
// its fallback a short summary, and none had to be cut. With -v it logs
// the largest activity of each kind.
func TestRepliesFitTeams(t *testing.T) {
	e := newCrowdedEnv(t)
	anna := account{anna.id, "Anna Holm Bøgelund-Rasmussen", annaAAD}
	contact := crowdedContact("BUF")
	kinds := []struct {
		name    string
		who     account
		command string
	}{
		{"my (KS lead)", anna, "my"},
		{"my (contact in every wave)", contact, "my"},
		{"status of all waves", anna, "status"},
		{"status of a wave", anna, "status w1"},
		{"status of a closed wave", anna, "status w0"},
		{"status of an enrolment", anna, "status w1/BUF"},
		{"status of a forvaltning", anna, "status BUF"},
		{"overview", anna, "overview"},
		{"overdue", anna, "overdue"},
		{"overdue of a forvaltning", anna, "overdue BUF"},
		{"auth pending", anna, "auth pending"},
		{"wave list --all", anna, "wave list --all"},
		{"wave show", anna, "wave show w1"},
		{"wave report", anna, "wave report w0"},
		{"remind list (KS lead)", anna, "remind list"},
		{"help", anna, "help"},
		{"log", anna, "log w0/BUF"},
		{"timeline (a link)", anna, "timeline w1"},
	}
	table := map[string]*sent{}
	var order []string
	for _, k := range kinds {
		s := &sent{}
		table[k.name], order = s, append(order, k.name)
		n := len(e.conn.Requests())
		e.say(k.who, k.command)
		for page := 1; ; page++ {
			got := e.activities(n)
			if len(got) != 1 {
				t.Fatalf("%s, page %d: the connector received %d activities", k.name, page, len(got))
			}
			s.add(t, got[0])
			next := nextPage(cardOf(t, got[0]))
			if next == "" {
				break
			}
			if page > 500 {
				t.Fatalf("%s: more than 500 pages", k.name)
			}
			n = len(e.conn.Requests())
			e.press(k.who, next, "card-"+k.command)
		}
	}

	// In a channel the answer goes to the message's thread.
	s := &sent{}
	table["status of a wave, in a channel"], order = s, append(order, "status of a wave, in a channel")
	n := len(e.conn.Requests())
	if code := e.post(e.channelMessage(anna, "<at>wavebot</at> status w1"), e.token()); code != 200 {
		t.Fatalf("channel message answered %d", code)
	}
	for _, r := range e.activities(n) {
		s.add(t, r)
	}

	// The next working morning's reminders, to everyone at once.
	s = &sent{}
	table["reminders (a morning's digests)"], order = s, append(order, "reminders (a morning's digests)")
	n = len(e.conn.Requests())
	e.sweepAt(cph.At(commandstest.Day.AddDays(1), 9, 0))
	for _, r := range e.activities(n) {
		s.add(t, r)
	}
	if s.activities < 2*len(wave.DefaultForvaltninger) {
		t.Errorf("%d reminders sent", s.activities)
	}
	if n := table["my (KS lead)"].activities; n < 10 {
		t.Errorf("the lead's my has %d pages: the world is not crowded", n)
	}

	t.Logf("Teams, %d open waves of %d forvaltninger (commandstest.Crowded), largest activity as sent (limit %d bytes):",
		crowdedWaves, len(wave.DefaultForvaltninger), faketeams.MaxActivity)
	for _, name := range order {
		s := table[name]
		t.Logf("  %-34s %4d activities  largest %6d bytes", name, s.activities, s.largest)
		if s.cut {
			t.Errorf("%s: an activity was cut; its pages should have held it", name)
		}
	}
}

// oversized answers "huge" with a reply no activity holds, and pictures
// without a signed address, as where the web pages are not set up;
// everything else as the real dispatcher does.
type oversized struct{ dispatcher }

func (o oversized) Handle(ctx context.Context, req commands.Request) commands.Reply {
	if req.Text != "huge" {
		r := o.dispatcher.Handle(ctx, req)
		if r.Image != nil {
			r.Image.URL = ""
		}
		return r
	}
	r := commands.Reply{Title: "Stort svar", Lang: "en", Actions: []commands.Action{{Label: "Next page", Command: "my 2"}}}
	for i := range 100 {
		r.Sections = append(r.Sections, commands.Section{Title: fmt.Sprintf("w%d @teams:%s", i, mariaAAD), Lines: []string{strings.Repeat("æøå ", 200)}})
	}
	// The second section alone is larger than an activity; the third,
	// cut off, mentions someone the others do not.
	r.Sections = append(r.Sections[:1], commands.Section{Title: "big", Lines: slices.Repeat([]string{strings.Repeat("æ", 500) + " @teams:" + peterAAD}, 100)},
		commands.Section{Title: "end @teams:" + annaAAD})
	return r
}

// TestRepliesAreCutAsALastResort: a reply no activity holds, though the
// commands page what they know to be long, is cut to Teams' size where it
// stops fitting, inside a section if need be, with a line saying so in
// the reply's language; its buttons stay, a mention cut off loses its
// entity, and the cut is logged.
func TestRepliesAreCutAsALastResort(t *testing.T) {
	e := newEnv(t)
	var log strings.Builder
	bot, err := New(Config{AppID: appID, AppPassword: appPassword, TenantID: tenantID, OpenIDMetadataURL: e.auth.MetadataURL(),
		TokenURL: e.auth.TokenURL(), ServiceURL: e.conn.ServiceURL(), Clock: e.clock, Logger: slog.New(slog.NewJSONHandler(&log, nil))}, oversized{e.cmds})
	if err != nil {
		t.Fatal(err)
	}
	e.bot = bot
	ctx := context.Background()
	e.cmds.SetName(ctx, "teams:"+mariaAAD, maria.name)
	e.cmds.SetName(ctx, "teams:"+peterAAD, peter.name)
	e.cmds.SetName(ctx, "teams:"+annaAAD, anna.name)
	n := len(e.conn.Requests())
	e.say(maria, "huge")
	got := e.activities(n)
	if len(got) != 1 {
		t.Fatalf("%d activities", len(got))
	}
	var s sent
	s.add(t, got[0])
	card := cardOf(t, got[0])
	text := cardText(card)
	body := card["body"].([]any)
	last := body[len(body)-1].(map[string]any)
	if last["text"] != catalog.ReplyCut.In("en") || nextPage(card) != "" {
		t.Errorf("the card ends %v", last)
	}
	if actions := card["actions"].([]any); len(actions) != 1 || actions[0].(map[string]any)["data"].(map[string]any)["command"] != "my 2" {
		t.Errorf("actions %v", actions)
	}
	// Cut inside the big section: its title and some of its lines stay.
	if !strings.Contains(text, `"text":"big"`) || !strings.Contains(text, "<at>Peter Lund</at>") || len(got[0].Raw) < faketeams.MaxActivity-2000 {
		t.Errorf("cut too early: %d bytes", len(got[0].Raw))
	}
	if strings.Contains(text, annaAAD) {
		t.Errorf("the mention of a person cut off stays")
	}
	for _, m := range card["msteams"].(map[string]any)["entities"].([]any) {
		if mt := m.(map[string]any)["text"].(string); strings.Count(text, mt) < 2 {
			t.Errorf("an entity for %s, not in the text", mt)
		}
	}
	wantIn(t, log.String(), `"msg":"teams: a reply too large for one activity was cut"`)
	// A mention goes out as written, a byte a bracket.
	wantIn(t, string(got[0].Raw), "<at>Peter Lund</at>")
	// A pressed button's answer replaces the card within the size too.
	n = len(e.conn.Requests())
	e.press(maria, "huge", "card-1")
	if got = e.activities(n); len(got) != 1 || got[0].Method != "PUT" {
		t.Fatalf("the press: %v", got)
	}
	s.add(t, got[0])

	// A picture goes inline when the activity stays within the size: a
	// timeline is too large for that, and the card says so instead.
	e.say(anna, "wave create b3 2027-02-01")
	e.say(anna, "wave enroll b3 BUF")
	n = len(e.conn.Requests())
	e.say(anna, "timeline b3")
	got = e.activities(n)
	s.add(t, got[0])
	if atts := got[0].Body["attachments"].([]any); len(atts) != 1 || !strings.Contains(cardText(cardOf(t, got[0])), catalog.PictureTooLarge.In("da")) {
		t.Errorf("the picture: %d attachments, card %s", len(atts), cardText(cardOf(t, got[0])))
	}
	wantIn(t, log.String(), `"msg":"teams: a picture too large to send inline was left out"`)
	small, _, err := fit(schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{attachment(render(commands.Reply{Title: "t"}, nil)),
		{ContentType: "image/png", ContentURL: "data:image/png;base64,iVBORw0KGgo="}}}, maxActivity)
	if err != nil || !strings.Contains(string(small), "data:image/png;base64,iVBORw0KGgo=") {
		t.Errorf("a small picture is left out: %s %v", small, err)
	}
}

func wantIn(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("lacks %q:\n%.2000s", w, got)
		}
	}
}
