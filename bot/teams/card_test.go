package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/commands"
	"wavebot/commands/commandstest"
	"wavebot/notify"
	"wavebot/wave"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestCard renders the reply shapes people see as Adaptive Cards and
// compares each with testdata/TestCard/<shape>.golden.json: the status of
// a wave and of an enrolment, help, a refusal, reminders, my and log.
// Teams people are mentions, a Slack person is a name.
func TestCard(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mariaID, annaID := "teams:"+mariaAAD, "teams:"+annaAAD
	run := withWave(t, e, "Søren Berg",
		"wave create b3 2027-02-01 Bølge 3", "wave enroll b3 BUF SUF", "contact b3/BUF @"+mariaID+" @slack:U0SLACK1",
		"done b3/BUF kickoff", "auth request b3/BUF 2027-01-27")
	e.cmds.SetName(ctx, annaID, anna.name)
	due := wave.Date{Year: 2027, Month: time.February, Day: 15}
	reminder := notify.Reminder{Kind: notify.AuthSoon, Wave: "b3", FV: "BUF", Due: due, Recipient: mariaID}
	overdue := notify.Reminder{Kind: notify.ActivityOverdue, Wave: "b3", FV: "BUF", Activity: "info", Due: due.AddDays(-10), Recipient: mariaID}
	for _, tc := range []struct {
		name  string
		reply commands.Reply
	}{
		{"status_of_a_wave", run(mariaID, "status b3")},
		{"status_of_an_enrolment", run(mariaID, "status b3/BUF")},
		{"help", run(mariaID, "help")},
		{"refusal", run(mariaID, "done b3/BUF pc")},
		{"reminder", e.cmds.Digest(ctx, notify.Digest{Recipient: mariaID, Reminders: []notify.Reminder{reminder}})},
		{"digest", e.cmds.Digest(ctx, notify.Digest{Recipient: mariaID, Reminders: []notify.Reminder{reminder, overdue}})},
		{"my", run(mariaID, "my")},
		{"log", run(mariaID, "log b3/BUF")},
		{"link_to_a_page", run(mariaID, "auth list b3/BUF")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := e.bot.message(ctx, tc.reply)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, msg.Attachments[0])
			checkCard(t, msg.Attachments[0].Content.(card), tc.reply)
		})
	}
}

// withWave names Maria and the Slack person U0SLACK1 (slackName), has
// Anna run lines (a wave, its enrolments, contacts and what happened in
// it), and returns how a line is run as a person. A refused line stops
// the test.
func withWave(t *testing.T, e *env, slackName string, lines ...string) func(who, text string) commands.Reply {
	t.Helper()
	ctx := context.Background()
	e.cmds.SetName(ctx, "teams:"+mariaAAD, maria.name)
	e.cmds.SetName(ctx, "slack:U0SLACK1", slackName)
	run := func(who, text string) commands.Reply {
		return e.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: who}, Text: text})
	}
	for _, line := range lines {
		if r := run("teams:"+annaAAD, line); r.Refused {
			t.Fatalf("%s: %v", line, r.Lines)
		}
	}
	return run
}

// checkCard holds every card to what Teams needs, whatever the golden
// file says: each <at> in the text has its entity, each action is an
// Action.Submit carrying its command or an Action.OpenUrl carrying its
// link, and a refusal stands out.
func checkCard(t *testing.T, c card, r commands.Reply) {
	t.Helper()
	if c.Type != "AdaptiveCard" || c.Version != "1.5" || c.FallbackText == "" || strings.Contains(c.FallbackText, "<at>") {
		t.Errorf("card head %q %q, fallback %q", c.Type, c.Version, c.FallbackText)
	}
	b, _ := json.Marshal(c.Body)
	body := strings.ReplaceAll(string(b), `\u003c`, "<")
	body = strings.ReplaceAll(body, `\u003e`, ">")
	for _, m := range c.MSTeams.Entities {
		if !strings.Contains(body, m.Text) || m.Mentioned.ID == "" {
			t.Errorf("mention %+v not in the text", m)
		}
	}
	if strings.Count(body, "<at>") > 0 && len(c.MSTeams.Entities) == 0 {
		t.Error("<at> without a mention entity")
	}
	if len(c.Actions) != len(r.Actions) {
		t.Fatalf("%d actions for %d", len(c.Actions), len(r.Actions))
	}
	for i, a := range c.Actions {
		want := r.Actions[i]
		submits := a.Type == "Action.Submit" && a.Data != nil && a.Data.Command == want.Command && want.URL == "" && a.URL == ""
		opens := a.Type == "Action.OpenUrl" && a.Data == nil && a.URL == want.URL && want.URL != ""
		if !(submits || opens) || a.Title != want.Label {
			t.Errorf("action %+v for %+v", a, want)
		}
	}
	if r.Refused && (len(c.Body) == 0 || c.Body[0].Color != "Attention") {
		t.Errorf("refusal does not stand out: %+v", c.Body)
	}
}

// TestOverviewCards renders a KS lead's overviews of three waves of
// seven forvaltninger (commandstest.LeadsDay) as Adaptive Cards and
// compares each with testdata/TestOverviewCards/<command>.golden.json;
// each card stays under Teams' message size of about 28 KB.
func TestOverviewCards(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	lead := "teams:" + annaAAD
	contact := func(fv string) string {
		return "teams:contact-" + strconv.Itoa(slices.Index(wave.DefaultForvaltninger, fv))
	}
	for _, step := range commandstest.LeadsDay(3) {
		if step.Who == "clock" {
			day, _ := wave.ParseDate(step.Text)
			e.clock.Set(cph.At(day, 12, 0))
			continue
		}
		who := lead
		if step.Who != "lead" {
			who = contact(step.Who)
		}
		text := commandstest.Mentions(step.Text, func(fv string) string { return "@" + contact(fv) })
		if r := e.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: who}, Text: text}); r.Refused {
			t.Fatalf("%s: %v", text, r.Lines)
		}
	}
	for _, command := range []string{"overview", "status BUF", "auth pending", "overdue"} {
		t.Run(strings.ReplaceAll(command, " ", "_"), func(t *testing.T) {
			r := e.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: lead}, Text: command})
			msg, err := e.bot.message(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, msg.Attachments[0])
			whole, _ := json.Marshal(msg)
			if len(whole) > 28<<10 {
				t.Errorf("the message is %d bytes, over Teams' 28 KB", len(whole))
			}
			checkCard(t, msg.Attachments[0].Content.(card), r)
		})
	}
}

// checkGolden compares a card's attachment with the test's golden file,
// testdata/TEST.golden.json; -update rewrites it.
func checkGolden(t *testing.T, attachment schema.Attachment) {
	t.Helper()
	var got bytes.Buffer
	enc := json.NewEncoder(&got)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(attachment); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", t.Name()+".golden.json")
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("card differs from %s (run with -update to accept):\n%s", golden, got.String())
	}
}

func TestProgressShowsSkippedApart(t *testing.T) {
	tests := []struct {
		p    commands.Progress
		want string
	}{
		{commands.Progress{Done: 3, Skipped: 1, Total: 9, Text: "3 færdige, 1 sprunget over, 5 åbne"}, "▰▰▰▨▱▱▱▱▱▱ 3 færdige, 1 sprunget over, 5 åbne"},
		{commands.Progress{Skipped: 9, Total: 9}, "▨▨▨▨▨▨▨▨▨▨ 0/9"},
	}
	for _, tt := range tests {
		if got := progress(tt.p); got != tt.want {
			t.Errorf("progress(%+v) = %q; want %q", tt.p, got, tt.want)
		}
	}
}

func TestReplacePeople(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"ingen nævnt", "ingen nævnt"},
		{"@teams:abc", "[teams:abc]"},
		{"Tovholdere: @teams:a-1 og @slack:U0X.", "Tovholdere: [teams:a-1] og [slack:U0X]."},
		{"@@teams:x@slack:Y", "@[teams:x][slack:Y]"},
		{"@teams: og @mail:x og @teams", "@teams: og @mail:x og @teams"},
		{"mail@teams:æ", "mail@teams:æ"},
		{"(@teams:b2)", "([teams:b2])"},
	}
	for _, tt := range tests {
		if got := replacePeople(tt.in, func(m string) string { return "[" + m[1:] + "]" }); got != tt.want {
			t.Errorf("replacePeople(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
