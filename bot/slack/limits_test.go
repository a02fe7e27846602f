package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"wavebot/bot/slack/fakeslack"
	"wavebot/commands"
	"wavebot/commands/commandstest"
	"wavebot/internal/catalog"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// crowdedWaves is how many open waves the size tests run on.
const crowdedWaves = 60

// crowdedUser is the Slack user of a contact of commandstest.Crowded:
// "BUF" is BUF's contact in every wave (UC0), "BUF.7" BUF's own contact
// in wave w7 (UC0W7).
func crowdedUser(name string) string {
	fv, nth, own := strings.Cut(name, ".")
	user := "UC" + strconv.Itoa(slices.Index(wave.DefaultForvaltninger, fv))
	if own {
		user += "W" + nth
	}
	return user
}

// newCrowdedFixture is the Slack fixture after
// commandstest.Crowded(crowdedWaves): UANNA leads.
func newCrowdedFixture(t *testing.T) *fixture {
	t.Helper()
	s, err := bolt.Open(commandstest.StoreDir(t), dueFunc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := newBareFixtureOn(t, s)
	ctx := context.Background()
	for _, step := range commandstest.Crowded(crowdedWaves) {
		if step.Who == "clock" {
			day, _ := wave.ParseDate(step.Text)
			f.clock.Set(wave.Copenhagen().At(day, 12, 0))
			continue
		}
		who := "UANNA"
		if step.Who != "lead" {
			who = crowdedUser(step.Who)
		}
		text := commandstest.Mentions(step.Text, func(name string) string { return "@slack:" + crowdedUser(name) })
		if r := f.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: person(who)}, Text: text}); r.Refused {
			t.Fatalf("%s: %v", text, r.Lines)
		}
	}
	return f
}

// blockKit is what Slack received as one message or view.
type blockKit struct {
	Text   string           `json:"text"`
	Blocks []map[string]any `json:"blocks"`
	// size is the message's text and blocks as JSON, in bytes.
	size int
}

// measured is what Slack received for one kind of reply.
type measured struct {
	messages, blocks, sectionText, bytes int
	cut                                  bool
}

// add holds a message to Block Kit's limits, maxBlocks blocks at most,
// and keeps its measures.
func (m *measured) add(t *testing.T, what string, k blockKit, maxBlocks int) {
	t.Helper()
	m.messages++
	m.blocks, m.bytes = max(m.blocks, len(k.Blocks)), max(m.bytes, k.size)
	if len(k.Blocks) > maxBlocks {
		t.Errorf("%s: %d blocks, over %d", what, len(k.Blocks), maxBlocks)
	}
	if n := utf8.RuneCountInString(k.Text); n > maxFallback {
		t.Errorf("%s: a fallback of %d characters", what, n)
	}
	over := func(kind, s string, limit int) {
		if n := utf8.RuneCountInString(s); n > limit {
			t.Errorf("%s: a %s of %d characters, over %d", what, kind, n, limit)
		}
	}
	for _, b := range k.Blocks {
		text := func(v any) string {
			s, _ := v.(map[string]any)["text"].(string)
			return s
		}
		switch b["type"] {
		case "header":
			over("header", text(b["text"]), maxHeader)
		case "section":
			if b["text"] != nil {
				s := text(b["text"])
				over("section text", s, maxSectionText)
				m.sectionText = max(m.sectionText, utf8.RuneCountInString(s))
			}
			fields, _ := b["fields"].([]any)
			if len(fields) > maxFields {
				t.Errorf("%s: %d fields", what, len(fields))
			}
			for _, f := range fields {
				over("field", text(f), maxField)
			}
		case "context":
			elems, _ := b["elements"].([]any)
			if len(elems) > maxContextParts {
				t.Errorf("%s: %d context elements", what, len(elems))
			}
			for _, e := range elems {
				over("context text", text(e), maxField)
			}
		case "actions":
			elems, _ := b["elements"].([]any)
			if len(elems) > maxButtons {
				t.Errorf("%s: %d buttons", what, len(elems))
			}
			for _, e := range elems {
				e := e.(map[string]any)
				over("button label", text(e["text"]), maxButtonLabel)
				v, _ := e["value"].(string)
				over("button value", v, maxButtonValue)
			}
		case "divider":
		default:
			t.Errorf("%s: a block of type %v", what, b["type"])
		}
	}
	// "…" alone is how messages were cut before they said so.
	m.cut = m.cut || slices.ContainsFunc(fakeslack.Texts(k.Blocks), func(s string) bool { return s == catalog.ReplyCut.In("da") || s == "…" })
}

// postedMessage is a chat.postMessage call as Slack received it.
func postedMessage(t *testing.T, c fakeslack.Call) blockKit {
	t.Helper()
	k := blockKit{Text: c.Form.Get("text"), size: len(c.Form.Get("text")) + len(c.Form.Get("blocks"))}
	c.JSON(t, "blocks", &k.Blocks)
	return k
}

// postedJSON is a message posted as JSON, to a response URL.
func postedJSON(t *testing.T, body []byte) blockKit {
	t.Helper()
	var k blockKit
	if err := json.Unmarshal(body, &k); err != nil {
		t.Fatalf("not a message: %v\n%s", err, body)
	}
	k.size = len(body)
	return k
}

// publishedView is a views.publish call's view.
func publishedView(t *testing.T, c fakeslack.Call) blockKit {
	t.Helper()
	var req struct {
		View blockKit `json:"view"`
	}
	c.JSON(t, "", &req)
	req.View.size = len(c.Body)
	return req.View
}

// TestRepliesFitSlack: on a lead's sixty waves of seven forvaltninger,
// with long names and notes (commandstest.Crowded), every kind of reply
// is asked for in a direct message and every next-page button is pressed
// (the message is replaced through its response URL); App Home is opened
// and paged, a status is asked in a channel and by slash command, and a
// morning's reminders are swept. Every message Slack received keeps
// Block Kit's limits (50 blocks, 100 in App Home, 3,000 characters a
// section text), and none had to be cut. With -v it logs the largest of
// each kind.
func TestRepliesFitSlack(t *testing.T) {
	f := newCrowdedFixture(t)
	contact := crowdedUser("BUF")
	kinds := []struct {
		name, user, command string
	}{
		{"my (KS lead)", "UANNA", "my"},
		{"my (contact in every wave)", contact, "my"},
		{"status of all waves", "UANNA", "status"},
		{"status of a wave", "UANNA", "status w1"},
		{"status of a closed wave", "UANNA", "status w0"},
		{"status of an enrolment", "UANNA", "status w1/BUF"},
		{"status of a forvaltning", "UANNA", "status BUF"},
		{"overview", "UANNA", "overview"},
		{"overdue", "UANNA", "overdue"},
		{"overdue of a forvaltning", "UANNA", "overdue BUF"},
		{"auth pending", "UANNA", "auth pending"},
		{"wave list --all", "UANNA", "wave list --all"},
		{"wave show", "UANNA", "wave show w1"},
		{"wave report", "UANNA", "wave report w0"},
		{"remind list (KS lead)", "UANNA", "remind list"},
		{"help", "UANNA", "help"},
		{"log", "UANNA", "log w0/BUF"},
	}
	table := map[string]*measured{}
	var order []string
	kind := func(name string) *measured {
		m := &measured{}
		table[name], order = m, append(order, name)
		return m
	}
	events := 0
	event := func(inner map[string]any) {
		t.Helper()
		events++
		if code, body := f.post("/slack/events", fakeslack.Event("Ev"+strconv.Itoa(events), inner), true); code != 200 {
			t.Fatalf("event: %d %s", code, body)
		}
	}
	presses := 0
	// press presses the button that runs command and returns what its
	// response URL received.
	press := func(user, label, command string) blockKit {
		t.Helper()
		presses++
		name := "press" + strconv.Itoa(presses)
		if code, body := f.post("/slack/interactions", fakeslack.BlockAction(user, "wavebot.0", label, command, f.api.ResponseURL(name)), true); code != 200 {
			t.Fatalf("press %q: %d %s", command, code, body)
		}
		return postedJSON(t, f.api.Wait(t, "response:"+name, 1)[0].Body)
	}
	next := catalog.ButtonNextPage.In("da")
	for _, k := range kinds {
		m := kind(k.name)
		posts := len(f.api.Calls("chat.postMessage"))
		event(map[string]any{"type": "message", "channel_type": "im", "user": k.user, "text": k.command, "channel": "D" + k.user, "ts": "1.1"})
		msg := postedMessage(t, f.api.Wait(t, "chat.postMessage", posts+1)[posts])
		for page := 1; ; page++ {
			m.add(t, fmt.Sprintf("%s, page %d", k.name, page), msg, maxMessageBlocks)
			command, ok := fakeslack.Buttons(t, msg.Blocks)[next]
			if !ok {
				break
			}
			if page > 500 {
				t.Fatalf("%s: more than 500 pages", k.name)
			}
			msg = press(k.user, next, command)
		}
	}

	m := kind("status of a wave, in a channel")
	posts := len(f.api.Calls("chat.postMessage"))
	event(map[string]any{"type": "app_mention", "user": "UANNA", "text": "<@UWAVEBOT> status w1", "channel": "C1", "ts": "2.2"})
	m.add(t, "status in a channel", postedMessage(t, f.api.Wait(t, "chat.postMessage", posts+1)[posts]), maxMessageBlocks)

	m = kind("status of all waves, by slash command")
	answer := f.command("UANNA", "C1", "status")
	body, _ := json.Marshal(answer)
	m.add(t, "slash command", blockKit{Text: answer.Text, Blocks: answer.Blocks, size: len(body)}, maxMessageBlocks)

	// App Home, and its next page: the answer above the home page.
	for _, user := range []string{"UANNA", contact} {
		m = kind("App Home of " + user)
		views := len(f.api.Calls("views.publish"))
		event(map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home", "event_ts": "1.1"})
		home := publishedView(t, f.api.Wait(t, "views.publish", views+1)[views])
		m.add(t, "App Home of "+user, home, maxHomeBlocks)
		command, ok := fakeslack.Buttons(t, home.Blocks)[next]
		if !ok {
			t.Fatalf("App Home of %s has no next page", user)
		}
		payload := fakeslack.BlockAction(user, "wavebot.0", next, command, "")
		payload = []byte(strings.Replace(string(payload), "%22type%22%3A%22message%22", "%22type%22%3A%22view%22", 1))
		f.post("/slack/interactions", payload, true)
		m.add(t, "App Home of "+user+" after a press", publishedView(t, f.api.Wait(t, "views.publish", views+2)[views+1]), maxHomeBlocks)
	}

	m = kind("reminders (a morning's digests)")
	posts = len(f.api.Calls("chat.postMessage"))
	f.clock.Set(wave.Copenhagen().At(commandstest.Day.AddDays(1), 9, 0))
	if _, err := f.sweeper(slog.New(slog.DiscardHandler)).Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.api.Calls("chat.postMessage")[posts:] {
		m.add(t, "a reminder to "+c.Form.Get("channel"), postedMessage(t, c), maxMessageBlocks)
	}
	if m.messages < 2*len(wave.DefaultForvaltninger) {
		t.Errorf("%d reminders sent", m.messages)
	}
	if n := table["my (KS lead)"].messages; n < 10 {
		t.Errorf("the lead's my has %d pages: the world is not crowded", n)
	}

	t.Logf("Slack, %d open waves of %d forvaltninger (commandstest.Crowded), the largest message of each kind (limits: %d blocks, %d in App Home, %d characters a section text):",
		crowdedWaves, len(wave.DefaultForvaltninger), maxMessageBlocks, maxHomeBlocks, maxSectionText)
	for _, name := range order {
		m := table[name]
		t.Logf("  %-38s %4d messages  largest: %3d blocks, a section text of %4d characters, %6d bytes of JSON", name, m.messages, m.blocks, m.sectionText, m.bytes)
		if m.cut {
			t.Errorf("%s: a message was cut; its pages should have held it", name)
		}
	}
}

// oversized answers "huge" with a reply no message holds, and everything
// else as the real dispatcher does: for the last line of defence.
type oversized struct{ dispatcher }

func (o oversized) Handle(ctx context.Context, req commands.Request) commands.Reply {
	if req.Text != "huge" {
		return o.dispatcher.Handle(ctx, req)
	}
	r := commands.Reply{Title: "Stort svar", Lang: "da", Actions: []commands.Action{{Label: "Næste side", Command: "my 2"}}}
	for i := range 200 {
		r.Sections = append(r.Sections, commands.Section{Title: "w" + strconv.Itoa(i), Lines: []string{strings.Repeat("æøå ", 800)}})
	}
	return r
}

// TestRepliesAreCutAsALastResort: a reply no Slack message holds, though
// the commands page what they know to be long, is cut to Block Kit's
// limits with a line saying so and its buttons kept, and the cut is
// logged.
func TestRepliesAreCutAsALastResort(t *testing.T) {
	var log strings.Builder
	f := newFixture(t, func(c *Config) {
		c.Commands = oversized{c.Commands}
		c.Logger = slog.New(slog.NewJSONHandler(&log, nil))
	})
	if code, body := f.post("/slack/events", fakeslack.Event("EvHuge", map[string]any{"type": "message", "channel_type": "im", "user": "UMARIA", "text": "huge", "channel": "DUMARIA", "ts": "1.1"}), true); code != 200 {
		t.Fatalf("event: %d %s", code, body)
	}
	got := postedMessage(t, f.api.Wait(t, "chat.postMessage", 1)[0])
	var m measured
	m.add(t, "huge", got, maxMessageBlocks)
	if !m.cut || len(got.Blocks) != maxMessageBlocks || fakeslack.Buttons(t, got.Blocks)["Næste side"] != "my 2" {
		t.Errorf("%d blocks, cut %v, buttons %v", len(got.Blocks), m.cut, fakeslack.Buttons(t, got.Blocks))
	}
	f.bot.Wait()
	wantIn(t, log.String(), `"msg":"slack: a reply too large for one message was cut"`)
}
