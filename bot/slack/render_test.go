package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"wavebot/commands"
	"wavebot/commands/commandstest"
	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// TestRenderReplies renders every shape of reply the commands give, from
// a real dispatcher, and compares the Block Kit with
// testdata/TestRenderReplies.golden.json (go test -update rewrites it).
func TestRenderReplies(t *testing.T) {
	f := newFixture(t)
	f.do("UANNA: done b3/BUF kickoff")
	f.do("UANNA: auth request b3/BUF 2027-02-15")
	f.do("UMARIA: start b3/BUF info <markup> & a note to @here")
	ctx := context.Background()
	due := wave.Date{Year: 2027, Month: 2, Day: 15}
	reminder := notify.Reminder{Key: "k1", Kind: notify.AuthOverdue, Wave: "b3", FV: "BUF", Due: due, Recipient: "slack:UMARIA"}
	activity := notify.Reminder{Key: "k2", Kind: notify.ActivitySoon, Wave: "b3", FV: "BUF", Activity: "training", Due: due, Recipient: "slack:UMARIA"}
	ask := func(user, text string) commands.Reply {
		return f.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: person(user)}, Text: text})
	}
	shapes := []struct {
		name  string
		reply commands.Reply
	}{
		{"status of a wave", ask("UANNA", "status b3")},
		{"status of an enrolment", ask("UMARIA", "status b3/BUF")},
		{"status of all waves", ask("UANNA", "status")},
		{"help", ask("UVERA", "help")},
		{"refusal", ask("UMARIA", "done b3/SUF pc")},
		{"reminder", f.cmds.Digest(ctx, notify.Digest{Recipient: "slack:UMARIA", Reminders: []notify.Reminder{reminder}})},
		{"digest", f.cmds.Digest(ctx, notify.Digest{Recipient: "slack:UMARIA", Reminders: []notify.Reminder{activity, reminder}})},
		{"my", ask("UMARIA", "my")},
		{"log", ask("UANNA", "log b3/BUF")},
		{"home", f.cmds.Home(ctx, commands.Caller{ID: "slack:UMARIA"})},
		{"link to a page", ask("UMARIA", "auth list b3/BUF")},
	}
	got := map[string]message{}
	for _, s := range shapes {
		got[s.name] = render(s.reply, maxMessageBlocks)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	golden := filepath.Join("testdata", t.Name()+".golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(data)+"\n" {
		t.Errorf("Block Kit differs from %s (go test -update accepts it):\n%s", golden, data)
	}
	out := string(data)
	wantIn(t, out,
		`"type": "header"`, "`░░░░░░░░░░` 0 færdige, 9 åbne", // header and progress bar in words
		"<@UMARIA>",                            // people are mentions
		"&lt;markup&gt; &amp; a note to @here", // user text is escaped and taken verbatim
		`"verbatim": true`, `"value": "auth ok b3/BUF"`, `"style": "primary"`, `"type": "context"`,
		`"url": "https://wavebot.example.dk/p/`, // a link opens its page
	)
	for _, s := range shapes {
		m := got[s.name]
		if m.Text == "" || len(m.Blocks) == 0 || len(m.Blocks) > maxMessageBlocks {
			t.Errorf("%s: %d blocks, fallback %q", s.name, len(m.Blocks), m.Text)
		}
	}
}

// leadsDay is a dispatcher on a fresh store after a KS lead's day of
// three waves of seven forvaltninger (commandstest.LeadsDay): UANNA leads,
// UC0…UC6 are the forvaltninger's contacts.
func leadsDay(t *testing.T, waves int) *commands.Dispatcher {
	t.Helper()
	s, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	clk := clock.NewFake(commandstest.Start)
	d, err := commands.New(commands.Config{Store: s, Clock: clk, Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Admins: []string{"slack:UANNA"}, Lang: "da"})
	if err != nil {
		t.Fatal(err)
	}
	contact := func(fv string) string { return "slack:UC" + strconv.Itoa(slices.Index(wave.DefaultForvaltninger, fv)) }
	for _, step := range commandstest.LeadsDay(waves) {
		if step.Who == "clock" {
			day, _ := wave.ParseDate(step.Text)
			clk.Set(wave.Copenhagen().At(day, 12, 0))
			continue
		}
		who := "slack:UANNA"
		if step.Who != "lead" {
			who = contact(step.Who)
		}
		text := commandstest.Mentions(step.Text, func(fv string) string { return "@" + contact(fv) })
		if r := d.Handle(context.Background(), commands.Request{Caller: commands.Caller{ID: who}, Text: text}); r.Refused {
			t.Fatalf("%s: %v", text, r.Lines)
		}
	}
	return d
}

// TestRenderOverviews renders the overviews of three waves of seven
// forvaltninger, the size the issue asks to fit one Slack message, and
// compares them with testdata/TestRenderOverviews.golden.json: each fits
// one message, nothing cut.
func TestRenderOverviews(t *testing.T) {
	d := leadsDay(t, 3)
	got := map[string]message{}
	for _, command := range []string{"overview", "status BUF", "auth pending", "overdue", "overdue 2"} {
		r := d.Handle(context.Background(), commands.Request{Caller: commands.Caller{ID: "slack:UANNA"}, Text: command})
		if r.Refused {
			t.Fatalf("%s: %v", command, r.Lines)
		}
		m := render(r, maxMessageBlocks)
		if len(m.Blocks) > maxMessageBlocks || m.cut {
			t.Errorf("%s does not fit one message: %d blocks", command, len(m.Blocks))
		}
		got[command] = m
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", t.Name()+".golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("Block Kit differs from %s (go test -update accepts it):\n%s", golden, buf.Bytes())
	}
	wantIn(t, buf.String(), "<@UC1> (tovholder)", `"text": "Oversigt over aktive bølger"`, `"value": "overdue 2"`)
}

// TestRenderLimits: a reply too long for one message, even without its
// dividers, keeps its buttons and says in its own language where it was
// cut; long labels are cut to Slack's limits.
func TestRenderLimits(t *testing.T) {
	r := commands.Reply{Title: strings.Repeat("T", 200), Actions: []commands.Action{{Label: strings.Repeat("L", 100), Command: "status b3"}}, Lang: "en"}
	for range 80 {
		r.Sections = append(r.Sections, commands.Section{Title: "s", Lines: []string{strings.Repeat("x", 4000)}})
	}
	m := render(r, maxMessageBlocks)
	if len(m.Blocks) != maxMessageBlocks || !m.cut {
		t.Fatalf("%d blocks, cut %v", len(m.Blocks), m.cut)
	}
	out := mustJSON(t, m.Blocks)
	wantIn(t, out, `"text":"The answer is cut short here, as it is too long for one message."`, `"value":"status b3"`,
		strings.Repeat("T", 149)+"…", strings.Repeat("L", 74)+"…")
	if strings.Contains(out, strings.Repeat("T", 150)) || strings.Contains(out, strings.Repeat("x", maxSectionText+1)) {
		t.Errorf("texts over the limits")
	}
	if len([]rune(m.Text)) > maxFallback {
		t.Errorf("fallback of %d characters", len([]rune(m.Text)))
	}
	many := commands.Reply{Lines: []string{"x"}}
	for i := range 30 {
		many.Actions = append(many.Actions, commands.Action{Label: "b", Command: "status b" + strings.Repeat("3", i+1)})
	}
	if got := strings.Count(mustJSON(t, render(many, maxMessageBlocks)), `"type":"button"`); got != maxButtons {
		t.Errorf("%d buttons, want %d", got, maxButtons)
	}
}

// TestRenderKeepsLongTextsWhole: a line longer than a section text is
// split over sections where a word ends, never inside Slack's markup, and
// a field too long for one goes whole into the text below the fields.
func TestRenderKeepsLongTextsWhole(t *testing.T) {
	line := strings.Repeat("Brugerne på Østerbro & <KØR> skal være godkendere, @slack:U123 siger det. ", 100)
	field := strings.Repeat("rettelse & ", 250)
	r := commands.Reply{Title: "t", Fields: []commands.Field{{Label: "Kort", Value: "ja"}, {Label: "Lang", Value: field}}, Lines: []string{line}}
	m := render(r, maxMessageBlocks)
	if m.cut {
		t.Fatal("cut")
	}
	var texts []string
	for _, b := range m.Blocks {
		s, ok := b.(*slackgo.SectionBlock)
		if !ok || s.Text == nil {
			continue
		}
		if n := len([]rune(s.Text.Text)); n > maxSectionText {
			t.Errorf("a section text of %d characters", n)
		}
		if strings.HasSuffix(s.Text.Text, "&am") || strings.HasSuffix(s.Text.Text, "<@U1") || strings.HasSuffix(s.Text.Text, "…") {
			t.Errorf("cut inside markup or shortened: …%s", s.Text.Text[len(s.Text.Text)-20:])
		}
		for _, f := range s.Fields {
			if n := len([]rune(f.Text)); n > maxField {
				t.Errorf("a field of %d characters", n)
			}
		}
		texts = append(texts, s.Text.Text)
	}
	all := strings.Join(texts, " ")
	// Pieces end where words end: the line is whole, but for its spacing.
	if got, want := strings.Join(strings.Fields(all), " "), strings.Join(strings.Fields(mrkdwn(line)), " "); !strings.Contains(got, want) {
		t.Errorf("the line is not whole:\n%.300s\nwant\n%.300s", got, want)
	}
	wantIn(t, all, "*Lang*\n"+strings.TrimSpace(mrkdwn(field)))
	wantIn(t, mustJSON(t, m.Blocks), `"text":"*Kort*\nja"`)
	// Without a space to split at, a piece never ends inside an &amp;.
	m = render(commands.Reply{Lines: []string{"x" + strings.Repeat("&", 1000)}}, maxMessageBlocks)
	n := 0
	for _, b := range m.Blocks {
		text := b.(*slackgo.SectionBlock).Text.Text
		if strings.Count(text, "&") != strings.Count(text, "&amp;") || len([]rune(text)) > maxSectionText {
			t.Errorf("a piece of %d characters ends …%s", len([]rune(text)), text[max(len(text)-12, 0):])
		}
		n += strings.Count(text, "&amp;")
	}
	if n != 1000 {
		t.Errorf("%d of 1000 ampersands", n)
	}
}

// TestRenderCompactsBeforeCutting: a reply of more sections than fit with
// a divider each loses its dividers and shares sections of text, and
// keeps everything.
func TestRenderCompactsBeforeCutting(t *testing.T) {
	r := commands.Reply{Title: "t", Actions: []commands.Action{{Label: "Næste side", Command: "my 2"}}}
	for i := range 60 {
		r.Sections = append(r.Sections, commands.Section{Title: "w" + strconv.Itoa(i), Lines: []string{"én linje"}})
	}
	m := render(r, maxMessageBlocks)
	out := mustJSON(t, m.Blocks)
	if m.cut || len(m.Blocks) > maxMessageBlocks || strings.Contains(out, `"type":"divider"`) {
		t.Fatalf("%d blocks, cut %v:\n%s", len(m.Blocks), m.cut, out)
	}
	for i := range 60 {
		wantIn(t, out, "*w"+strconv.Itoa(i)+"*\\nén linje")
	}
	if few := render(commands.Reply{Sections: r.Sections[:3]}, maxMessageBlocks); !strings.Contains(mustJSON(t, few.Blocks), `"type":"divider"`) {
		t.Errorf("a reply that fits lost its dividers")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCut counts characters, not bytes: Danish letters take two bytes
// and a text of n of them is not cut to n.
func TestCut(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"æøå", 3, "æøå"},
		{"æøåæ", 3, "æø…"},
		{"blå", 4, "blå"},
		{"blåbær", 4, "blå…"},
	}
	for _, tt := range tests {
		if got := cut(tt.in, tt.n); got != tt.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestEncode: what Slack reads goes out with &, < and > as they are,
// since the text was escaped for Slack already.
func TestEncode(t *testing.T) {
	got, err := encode(map[string]string{"text": "&lt;b&gt; &amp; <@U1>"})
	if want := `{"text":"&lt;b&gt; &amp; <@U1>"}` + "\n"; err != nil || string(got) != want {
		t.Errorf("encode = %q, %v, want %q", got, err, want)
	}
}

func TestMrkdwn(t *testing.T) {
	for in, want := range map[string]string{
		"@slack:U123 and @slack:W9":    "<@U123> and <@W9>",
		"@maria, @teams:abc":           "@maria, @teams:abc",
		"<!channel> & <@U1>":           "&lt;!channel&gt; &amp; &lt;@U1&gt;",
		"@slack:U1,@slack:U2.":         "<@U1>,<@U2>.",
		"@slack:lowercase stays as is": "@slack:lowercase stays as is",
		"named slack:U7; noslack:U8":   "named <@U7>; noslack:U8",
		"Kanalen slack:#C0WAVE kan":    "Kanalen <#C0WAVE> kan",
	} {
		if got := mrkdwn(in); got != want {
			t.Errorf("mrkdwn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCommandText(t *testing.T) {
	for in, want := range map[string]string{
		"contact b3/BUF <@U123>":                "contact b3/BUF @slack:U123",
		"contact b3/BUF <@U123|maria> <@W456>":  "contact b3/BUF @slack:U123 @slack:W456",
		"done b3/BUF info a &lt;b&gt; &amp;amp": "done b3/BUF info a <b> &amp",
		"see <#C123|general> <https://x.dk|x>":  "see #general https://x.dk",
		"<!here> <!subteam^S1|@ks>":             "@here @ks",
		"  status b3  ":                         "status b3",
		"<@u123> <@>":                           "@u123 @",
	} {
		if got := commandText(in); got != want {
			t.Errorf("commandText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mentioned("a <@U1|x> <@W2> <#C3> <@bad>"); strings.Join(got, ",") != "U1,W2" {
		t.Errorf("mentioned = %v", got)
	}
	for _, tc := range []struct{ text, bot, want string }{
		{"<@UBOT> status b3", "UBOT", " status b3"},
		{"hey <@UBOT|wavebot> status", "UBOT", "hey  status"},
		{"<@UOTHER> status", "UBOT", "<@UOTHER> status"},
		{"<@UX> status", "", " status"},
		{"status <@UX>", "", "status <@UX>"},
	} {
		if got := withoutBot(tc.text, tc.bot); got != tc.want {
			t.Errorf("withoutBot(%q, %q) = %q, want %q", tc.text, tc.bot, got, tc.want)
		}
	}
	_ = time.Second
}

func TestBarShowsSkippedApart(t *testing.T) {
	tests := []struct {
		p    commands.Progress
		want string
	}{
		{commands.Progress{Done: 3, Skipped: 1, Total: 9, Text: "3 færdige, 1 sprunget over, 5 åbne"}, "`███▒░░░░░░` 3 færdige, 1 sprunget over, 5 åbne"},
		{commands.Progress{Done: 1, Total: 2, Text: "1 <færdig>"}, "`█████░░░░░` 1 &lt;færdig&gt;"},
		{commands.Progress{Skipped: 9, Total: 9}, "`▒▒▒▒▒▒▒▒▒▒` 0/9"},
	}
	for _, tt := range tests {
		if got := bar(tt.p); got != tt.want {
			t.Errorf("bar(%+v) = %q; want %q", tt.p, got, tt.want)
		}
	}
}
