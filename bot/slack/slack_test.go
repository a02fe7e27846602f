package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wavebot/bot/slack/fakeslack"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// TestSlashCommands: a signed slash command runs as the Slack user and is
// answered in the response: privately, except a status asked in a channel.
func TestSlashCommands(t *testing.T) {
	f := newFixture(t)
	m := f.command("UMARIA", "C1", "done b3/BUF info")
	if m.ResponseType != "ephemeral" || !strings.Contains(m.texts(), "b3/BUF: »Informationsmøde i forvaltningen for brugere« har nu status færdig.") {
		t.Errorf("done: %+v", m)
	}
	if w, _ := f.store.Wave(context.Background(), "b3"); mustEnrolment(t, w, "BUF").Activities[1].Status != wave.StatusDone {
		t.Errorf("the store did not change")
	}
	for _, tc := range []struct{ channel, want string }{{"C1", "in_channel"}, {"G1", "in_channel"}, {"D1", "ephemeral"}} {
		if m := f.command("UVERA", tc.channel, "status b3/BUF"); m.ResponseType != tc.want {
			t.Errorf("status in %s: %s, want %s", tc.channel, m.ResponseType, tc.want)
		}
	}
	if m := f.command("UVERA", "C1", "status b9"); m.ResponseType != "ephemeral" {
		t.Errorf("a refused status went to the channel: %+v", m)
	}
	// Unknown text gets the reason and the help, not an error.
	m = f.command("UVERA", "C1", "dance")
	wantIn(t, m.texts(), "Ukendt kommando »dance«", "wavebot – kommandoer", "status [alle | ID | FV | ID/FV]")
	// A mention in the text is the person; the caller becomes a person
	// by their Slack id, with no admin rights for being first.
	f.command("UANNA", "C1", "contact b3/SUF <@UKIM|kim>")
	wantIn(t, f.command("UNEW", "D1", "status b3/SUF").texts(), "<@UKIM>")
	m = f.command("UNEW", "D1", "wave create b9 2027-03-01")
	wantIn(t, m.texts(), "✗ Det må du ikke")
	// Display names are looked up once per person and kept.
	f.bot.Wait()
	f.command("UMARIA", "D1", "my")
	f.bot.Wait()
	looked := map[string]int{}
	for _, c := range f.api.Calls("users.info") {
		looked[c.Form.Get("user")]++
	}
	for _, u := range []string{"UMARIA", "UVERA", "UANNA", "UKIM", "UNEW"} {
		if looked[u] != 1 {
			t.Errorf("users.info for %s %d times, want once: %v", u, looked[u], looked)
		}
	}
	if n, _ := f.cmds.Name(context.Background(), "slack:UMARIA"); n != "Maria Holm" {
		t.Errorf("maria's name is %q", n)
	}
}

func mustEnrolment(t *testing.T, w wave.Wave, fv string) *wave.Enrolment {
	t.Helper()
	e, err := w.Enrolment(fv)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// slowStore is a store whose wave reads wait until released.
type slowStore struct {
	storage.Store
	slow    chan struct{}
	release chan struct{}
}

func (s *slowStore) Wave(ctx context.Context, id string) (wave.Wave, error) {
	select {
	case <-s.slow:
		<-s.release
	default:
	}
	return s.Store.Wave(ctx, id)
}

// TestSlowStoreAnswersThroughResponseURL: a command that outlasts the
// budget is acknowledged with an empty 200 that closes the connection,
// and its answer goes to the response_url when it is ready; one in time
// is answered in the response, its length given up front.
func TestSlowStoreAnswersThroughResponseURL(t *testing.T) {
	store, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	slow := &slowStore{Store: store, slow: make(chan struct{}), release: make(chan struct{})}
	f2 := newFixtureOn(t, slow, func(c *Config) { c.Budget = 50 * time.Millisecond })
	// A test that fails with the command held up still lets it end, so
	// the server can close.
	release := sync.OnceFunc(func() { close(slow.release) })
	t.Cleanup(release)
	f := newFixture(t) // a budget no command outlasts
	resp, body := f.exchange("/slack/commands", fakeslack.SlashCommand("UMARIA", "C1", "status b3/BUF", f.api.ResponseURL("late")), true)
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) || resp.TransferEncoding != nil || !strings.Contains(body, "b3/BUF – Bølge 3") {
		t.Fatalf("answer in time: %d, length %d, %v, %q", resp.StatusCode, resp.ContentLength, resp.TransferEncoding, body)
	}
	// Slack shows an answer of any other type as text, JSON and all.
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("answer in time of type %q, want application/json", ct)
	}
	close(slow.slow)
	resp, body = f2.exchange("/slack/commands", fakeslack.SlashCommand("UMARIA", "C1", "status b3/BUF", f2.api.ResponseURL("late")), true)
	if resp.StatusCode != 200 || body != "" || !resp.Close {
		t.Fatalf("acknowledgement: %d %q, closing the connection: %v", resp.StatusCode, body, resp.Close)
	}
	if calls := f2.api.Calls("response:late"); len(calls) != 0 {
		t.Fatalf("answered before the store did")
	}
	release()
	late := receivedJSON(t, f2.api.Wait(t, "response:late", 1)[0].Body)
	if late.ResponseType != "in_channel" || !strings.Contains(late.texts(), "b3/BUF – Bølge 3") {
		t.Errorf("late answer: %+v", late)
	}
}

// panicStore is a store whose wave reads panic once armed: a bug in a
// command.
type panicStore struct {
	storage.Store
	armed atomic.Bool
}

func (s *panicStore) Wave(ctx context.Context, id string) (wave.Wave, error) {
	if s.armed.Load() {
		panic("a bug in a command")
	}
	return s.Store.Wave(ctx, id)
}

// TestPanickingCommandLeavesNoTimer: a command that panics ends its
// request (the server recovers it) without leaving the budget's timer to
// write to the finished response later, which crashed the process.
// Another command's timer, started after it and so due after it, firing
// and its late answer arriving shows the first timer's moment passed.
func TestPanickingCommandLeavesNoTimer(t *testing.T) {
	store, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	panicking := &panicStore{Store: store}
	slow := &slowStore{Store: panicking, slow: make(chan struct{}), release: make(chan struct{})}
	f := newFixtureOn(t, slow, func(c *Config) { c.Budget = 50 * time.Millisecond })
	panicking.armed.Store(true)
	body := fakeslack.SlashCommand("UMARIA", "C1", "status b3/BUF", f.api.ResponseURL("panic"))
	req, _ := http.NewRequest("POST", f.srv.URL+"/slack/commands", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fakeslack.Sign(req, secret, f.clock.Now(), body)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a panicking command answered %d", resp.StatusCode)
	}
	panicking.armed.Store(false)
	close(slow.slow)
	resp, out := f.exchange("/slack/commands", fakeslack.SlashCommand("UMARIA", "C1", "status b3/BUF", f.api.ResponseURL("late")), true)
	if resp.StatusCode != 200 || out != "" {
		t.Fatalf("acknowledgement: %d %q", resp.StatusCode, out)
	}
	close(slow.release)
	f.api.Wait(t, "response:late", 1)
	if calls := f.api.Calls("response:panic"); len(calls) != 0 {
		t.Errorf("the panicking command answered through its response_url: %v", calls)
	}
}

// TestWaitCoversLateCommands: Wait, which a server calls before it
// closes the store, returns only once a command answered late has run
// and posted its answer.
func TestWaitCoversLateCommands(t *testing.T) {
	store, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	slow := &slowStore{Store: store, slow: make(chan struct{}), release: make(chan struct{})}
	f := newFixtureOn(t, slow, func(c *Config) { c.Budget = 50 * time.Millisecond })
	close(slow.slow)
	if code, out := f.post("/slack/commands", fakeslack.SlashCommand("UMARIA", "C1", "status b3/BUF", f.api.ResponseURL("late")), true); code != 200 || out != "" {
		t.Fatalf("acknowledgement: %d %q", code, out)
	}
	answered := make(chan int)
	go func() {
		f.bot.Wait()
		answered <- len(f.api.Calls("response:late"))
	}()
	close(slow.release)
	if n := <-answered; n != 1 {
		t.Fatalf("Wait returned with %d late answers posted, want 1", n)
	}
}

// TestRejectedRequests: forged, stale, unsigned and oversized requests are
// refused before anything is parsed; nothing runs and nothing is stored.
func TestRejectedRequests(t *testing.T) {
	var mu sync.Mutex
	reasons := map[string]int{}
	f := newFixture(t, func(c *Config) {
		c.Rejected = func(reason string) { mu.Lock(); reasons[reason]++; mu.Unlock() }
	})
	before := f.snapshot()
	cmd := fakeslack.SlashCommand("UANNA", "C1", "wave create b9 2027-03-01", f.api.ResponseURL("r"))
	event := fakeslack.Event("Ev1", map[string]any{"type": "app_mention", "user": "UANNA", "text": "<@UWAVEBOT> wave create b9 2027-03-01", "channel": "C1", "ts": "1.1"})
	press := fakeslack.BlockAction("UANNA", "wavebot.0", "x", "wave create b9 2027-03-01", f.api.ResponseURL("r"))
	huge := append(append([]byte{}, cmd...), []byte("&pad="+strings.Repeat("a", 2<<20))...)
	stale := f.clock.Now().Add(-MaxSkew - time.Second).Unix()
	for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactions"} {
		body := map[string][]byte{"/slack/commands": cmd, "/slack/events": event, "/slack/interactions": press}[path]
		for _, tc := range []struct {
			name    string
			body    []byte
			signed  bool
			headers []string
			want    int
		}{
			{"unsigned", body, false, nil, 401},
			{"forged", body, true, []string{"X-Slack-Signature", fakeslack.Signature("not the secret", "0", body)}, 401},
			{"forged with the right timestamp", body, false, []string{"X-Slack-Request-Timestamp", unix(f.clock.Now().Unix()), "X-Slack-Signature", fakeslack.Signature("not the secret", unix(f.clock.Now().Unix()), body)}, 401},
			{"stale", body, false, []string{"X-Slack-Request-Timestamp", unix(stale), "X-Slack-Signature", fakeslack.Signature(secret, unix(stale), body)}, 401},
			{"no signature", body, true, []string{"X-Slack-Signature", ""}, 401},
			{"no timestamp", body, true, []string{"X-Slack-Request-Timestamp", ""}, 401},
			{"2 MiB", huge, true, nil, 413},
		} {
			if code, _ := f.post(path, tc.body, tc.signed, tc.headers...); code != tc.want {
				t.Errorf("%s %s: %d, want %d", path, tc.name, code, tc.want)
			}
		}
	}
	f.bot.Wait()
	if after := f.snapshot(); after != before {
		t.Errorf("a rejected request changed the store:\n%s\n%s", before, after)
	}
	if calls := f.api.Methods(); len(calls) != 0 {
		t.Errorf("a rejected request reached Slack: %v", calls)
	}
	// Each refusal is counted by its reason, for the metrics.
	want := map[string]int{RejectMissingHeaders: 9, RejectBadSignature: 6, RejectStale: 3, RejectTooLarge: 3}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(reasons) != fmt.Sprint(want) {
		t.Errorf("rejections %v, want %v", reasons, want)
	}
}

func unix(s int64) string { return strconv.FormatInt(s, 10) }

// TestVerifier checks the example Slack publishes in its request-signing
// documentation, and what must fail.
func TestVerifier(t *testing.T) {
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	const ts, sig = "1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	at := func(d time.Duration) verifier {
		return verifier{secret: []byte(secret), clock: fixedClock(time.Unix(1531420618, 0).Add(d))}
	}
	for _, tc := range []struct {
		name      string
		v         verifier
		ts, sig   string
		body      []byte
		wantError error
	}{
		{"Slack's example", at(time.Minute), ts, sig, body, nil},
		{"five minutes late", at(MaxSkew), ts, sig, body, nil},
		{"stale", at(MaxSkew + time.Second), ts, sig, body, errBadTimestamp},
		{"from the future", at(-MaxSkew - time.Second), ts, sig, body, errBadTimestamp},
		{"body changed", at(0), ts, sig, append([]byte("x"), body...), errBadSignature},
		{"other secret", verifier{secret: []byte("other"), clock: fixedClock(time.Unix(1531420618, 0))}, ts, sig, body, errBadSignature},
		{"timestamp changed", at(0), "1531420619", sig, body, errBadSignature},
		{"no v0", at(0), ts, strings.TrimPrefix(sig, "v0="), body, errBadSignature},
		{"v1", at(0), ts, "v1=" + strings.TrimPrefix(sig, "v0="), body, errBadSignature},
		{"not hex", at(0), ts, "v0=zz", body, errBadSignature},
		{"short", at(0), ts, sig[:20], body, errBadSignature},
		{"not a number", at(0), "soon", sig, body, errBadTimestamp},
		{"no timestamp", at(0), "", sig, body, errMissingHeaders},
		{"no signature", at(0), ts, "", body, errMissingHeaders},
		{"no secret configured", verifier{clock: fixedClock(time.Unix(1531420618, 0))}, ts, fakeslack.Signature("", ts, body), body, errBadSignature},
	} {
		if err := tc.v.check(tc.ts, tc.sig, tc.body); !errors.Is(err, tc.wantError) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.wantError)
		}
	}
	if got := fakeslack.Signature(secret, ts, body); got != sig {
		t.Errorf("the fake signs %s, Slack %s", got, sig)
	}
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// TestEvents: mentions and direct messages run the command language and
// are answered in the same place, in the thread they came from; bots,
// wavebot itself and edits are ignored; a retried event runs once.
func TestEvents(t *testing.T) {
	f := newFixture(t)
	code, body := f.post("/slack/events", []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`), true)
	if code != 200 || body != `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`+"\n" {
		t.Errorf("url_verification: %d %s", code, body)
	}
	send := func(id string, inner map[string]any, headers ...string) {
		t.Helper()
		if code, body := f.post("/slack/events", fakeslack.Event(id, inner), true, headers...); code != 200 {
			t.Fatalf("event %s: %d %s", id, code, body)
		}
	}
	send("Ev1", map[string]any{"type": "app_mention", "user": "UMARIA", "text": "<@UWAVEBOT> done b3/BUF info", "channel": "C1", "ts": "1.1", "event_ts": "1.1"})
	send("Ev1", map[string]any{"type": "app_mention", "user": "UMARIA", "text": "<@UWAVEBOT> done b3/BUF info", "channel": "C1", "ts": "1.1", "event_ts": "1.1"}, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	send("Ev2", map[string]any{"type": "app_mention", "user": "UVERA", "text": "<@UWAVEBOT|wavebot> status b3/BUF", "channel": "C1", "ts": "2.2", "thread_ts": "1.0"})
	send("Ev3", map[string]any{"type": "message", "channel_type": "im", "user": "UVERA", "text": "my", "channel": "DVERA", "ts": "3.3"})
	// Ignored: a bot, wavebot itself, an edit, a mention edited, a
	// message in a channel (mentions come as app_mention), another event.
	send("Ev4", map[string]any{"type": "message", "channel_type": "im", "subtype": "bot_message", "bot_id": "B1", "text": "status", "channel": "DVERA", "ts": "4.4"})
	send("Ev5", map[string]any{"type": "message", "channel_type": "im", "user": "UWAVEBOT", "bot_id": "B0", "text": "status", "channel": "DVERA", "ts": "5.5"})
	send("Ev6", map[string]any{"type": "message", "channel_type": "im", "subtype": "message_changed", "channel": "DVERA", "ts": "6.6",
		"message": map[string]any{"user": "UVERA", "text": "status", "ts": "3.3"}})
	send("Ev7", map[string]any{"type": "app_mention", "user": "UVERA", "text": "<@UWAVEBOT> status", "channel": "C1", "ts": "7.7", "edited": map[string]any{"user": "UVERA", "ts": "7.8"}})
	send("Ev8", map[string]any{"type": "message", "channel_type": "channel", "user": "UVERA", "text": "status", "channel": "C1", "ts": "8.8"})
	send("Ev9", map[string]any{"type": "reaction_added", "user": "UVERA", "reaction": "tada", "item": map[string]any{"type": "message", "channel": "C1", "ts": "1.1"}})
	send("Ev10", map[string]any{"type": "message", "channel_type": "im", "user": "UWAVEBOT", "text": "status", "channel": "DVERA", "ts": "10.1"})
	f.bot.Wait()
	posts := f.api.Calls("chat.postMessage")
	if len(posts) != 3 {
		t.Fatalf("%d messages posted, want 3: %v", len(posts), f.api.Methods())
	}
	byChannel := map[string]received{}
	for _, c := range posts {
		byChannel[c.Form.Get("channel")+"/"+c.Form.Get("thread_ts")] = receivedPost(t, c)
	}
	wantIn(t, byChannel["C1/"].texts(), "b3/BUF: »Informationsmøde i forvaltningen for brugere« har nu status færdig.")
	wantIn(t, byChannel["C1/1.0"].texts(), "b3/BUF – Bølge 3")
	wantIn(t, byChannel["DVERA/"].texts(), "Åbne opgaver for <@UVERA>")
	if byChannel["C1/"].Text == "" {
		t.Errorf("no fallback text")
	}
	events, _ := f.store.Events(context.Background(), "b3", "BUF", 100)
	n := 0
	for _, ev := range events {
		if ev.Item == "info" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the retried event ran %d times", n)
	}
}

// TestButtons: a press runs its command as the presser, with their
// permissions; the message is replaced by what happened and by whom, and
// a refused press is answered privately and changes nothing.
func TestButtons(t *testing.T) {
	f := newFixture(t)
	press := func(user, label, command, responseURL string) {
		t.Helper()
		if code, body := f.post("/slack/interactions", fakeslack.BlockAction(user, "wavebot.0", label, command, f.api.ResponseURL(responseURL)), true); code != 200 {
			t.Fatalf("press: %d %s", code, body)
		}
	}
	before := f.snapshot()
	press("UVERA", "Marker som færdig", "done b3/BUF info", "refused")
	refused := receivedJSON(t, f.api.Wait(t, "response:refused", 1)[0].Body)
	if refused.ReplaceOriginal || refused.ResponseType != "ephemeral" || !strings.Contains(refused.texts(), "✗") {
		t.Errorf("refused press: %+v", refused)
	}
	f.bot.Wait()
	if f.snapshot() != before {
		t.Errorf("a refused press changed the store")
	}
	press("UMARIA", "Marker som færdig", "done b3/BUF info", "done")
	done := receivedJSON(t, f.api.Wait(t, "response:done", 1)[0].Body)
	if !done.ReplaceOriginal {
		t.Errorf("the message was not replaced: %+v", done)
	}
	wantIn(t, done.texts(), "b3/BUF: »Informationsmøde i forvaltningen for brugere« har nu status færdig.", "✓ <@UMARIA> · Marker som færdig")
	w, _ := f.store.Wave(context.Background(), "b3")
	if a, _ := mustEnrolment(t, w, "BUF").Activity("info"); a.Status != wave.StatusDone || a.ChangedBy != "slack:UMARIA" {
		t.Errorf("info: %+v", a)
	}
	// Buttons wavebot did not render, and other interactions, run nothing.
	f.post("/slack/interactions", fakeslack.BlockAction("UANNA", "other.0", "x", "wave create b9 2027-03-01", f.api.ResponseURL("other")), true)
	f.bot.Wait()
	if _, err := f.store.Wave(context.Background(), "b9"); err == nil {
		t.Errorf("a foreign button ran its value")
	}
	// A button that opens a page has no value: Slack reports the press,
	// and nothing runs.
	before = f.snapshot()
	press("UMARIA", "Åbn autorisationslisten", "", "link")
	f.bot.Wait()
	if f.snapshot() != before {
		t.Errorf("pressing a link button changed the store")
	}
}

// TestAppHome: opening App Home publishes the person's tasks and
// enrolments with buttons; a press there publishes it again with the outcome.
func TestAppHome(t *testing.T) {
	f := newFixture(t)
	f.do("UANNA: auth request b3/BUF 2027-02-15")
	f.post("/slack/events", fakeslack.Event("EvH", map[string]any{"type": "app_home_opened", "user": "UMARIA", "channel": "DMARIA", "tab": "home", "event_ts": "1.1"}), true)
	f.post("/slack/events", fakeslack.Event("EvM", map[string]any{"type": "app_home_opened", "user": "UMARIA", "channel": "DMARIA", "tab": "messages", "event_ts": "1.2"}), true)
	views := f.api.Wait(t, "views.publish", 1)
	var req struct {
		UserID string `json:"user_id"`
		View   struct {
			Type   string           `json:"type"`
			Blocks []map[string]any `json:"blocks"`
		} `json:"view"`
	}
	views[0].JSON(t, "", &req)
	if req.UserID != "UMARIA" || req.View.Type != "home" {
		t.Errorf("published %+v", req)
	}
	wantIn(t, strings.Join(fakeslack.Texts(req.View.Blocks), "\n"), "Åbne opgaver for <@UMARIA>", "giv tilbagemelding på autorisationerne", "b3/BUF – Bølge 3")
	if got := fakeslack.Buttons(t, req.View.Blocks); got["Vis status – b3/BUF"] != "status b3/BUF" {
		t.Errorf("buttons %v", got)
	}
	payload := fakeslack.BlockAction("UMARIA", "wavebot.0", "Bekræft autorisationerne", "auth ok b3/BUF", "")
	payload = []byte(strings.Replace(string(payload), "%22type%22%3A%22message%22", "%22type%22%3A%22view%22", 1))
	f.post("/slack/interactions", payload, true)
	views = f.api.Wait(t, "views.publish", 2)
	views[1].JSON(t, "", &req)
	wantIn(t, strings.Join(fakeslack.Texts(req.View.Blocks), "\n"), "b3/BUF: Tak, autorisationerne er bekræftet")
	f.bot.Wait()
	if n := len(f.api.Calls("views.publish")); n != 2 {
		t.Errorf("%d publishes; the messages tab publishes nothing", n)
	}
}

// TestNotifier: a reminder opens the direct message once and posts blocks,
// buttons and a fallback; Slack's answers become what delivery needs.
func TestNotifier(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	digest := notify.Digest{Recipient: "slack:UMARIA", Reminders: []notify.Reminder{{Key: "k", Kind: notify.AuthOverdue, Wave: "b3", FV: "BUF",
		Due: wave.Date{Year: 2027, Month: 2, Day: 15}, Recipient: "slack:UMARIA"}}}
	if err := f.bot.Notify(ctx, digest); err != nil {
		t.Fatal(err)
	}
	if err := f.bot.Notify(ctx, digest); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.api.Methods(), " "); got != "conversations.open chat.postMessage chat.postMessage" {
		t.Errorf("calls: %s", got)
	}
	open := f.api.Calls("conversations.open")[0]
	post := f.api.Calls("chat.postMessage")[0]
	if open.Form.Get("users") != "UMARIA" || post.Form.Get("channel") != "DUMARIA" || post.Token != "xoxb-test" {
		t.Errorf("open %v, post %v", open.Form, post.Form)
	}
	m := receivedPost(t, post)
	wantIn(t, m.Text, "Fristen for tilbagemelding på autorisationerne er overskredet")
	if b := fakeslack.Buttons(t, m.Blocks); b["Bekræft autorisationerne"] != "auth ok b3/BUF" || b["Udsæt 1 arbejdsdag"] != "remind snooze b3/BUF 1d" {
		t.Errorf("buttons %v", b)
	}
	for _, tc := range []struct {
		name    string
		replies []fakeslack.Reply
		check   func(error) bool
	}{
		{"rate limited", []fakeslack.Reply{{Status: 429, RetryAfter: 7}}, func(err error) bool {
			rl, ok := errors.AsType[*notify.RateLimitError](err)
			return ok && rl.RetryAfter == 7*time.Second
		}},
		{"deactivated", []fakeslack.Reply{{Error: "user_disabled"}}, func(err error) bool { return errors.Is(err, notify.ErrUndeliverable) }},
		{"missing scope", []fakeslack.Reply{{Error: "missing_scope"}}, func(err error) bool { return errors.Is(err, notify.ErrUndeliverable) }},
		{"slack trouble", []fakeslack.Reply{{Error: "internal_error"}}, func(err error) bool { return err != nil && !errors.Is(err, notify.ErrUndeliverable) }},
		{"server error", []fakeslack.Reply{{Status: 503}}, func(err error) bool { return err != nil && !errors.Is(err, notify.ErrUndeliverable) }},
	} {
		f.api.Then("chat.postMessage", tc.replies...)
		if err := f.bot.Notify(ctx, digest); !tc.check(err) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// The kept channel is gone: the direct message is opened again.
	f.api.Then("chat.postMessage", fakeslack.Reply{Error: "channel_not_found"})
	if err := f.bot.Notify(ctx, digest); err != nil {
		t.Errorf("after channel_not_found: %v", err)
	}
	if n := len(f.api.Calls("conversations.open")); n != 2 {
		t.Errorf("conversations.open %d times", n)
	}
	// Opening a direct message with a deactivated user never works.
	f.api.Then("conversations.open", fakeslack.Reply{Error: "user_disabled"})
	if err := f.bot.Notify(ctx, notify.Digest{Recipient: "slack:UGONE", Reminders: digest.Reminders}); !errors.Is(err, notify.ErrUndeliverable) {
		t.Errorf("deactivated user: %v", err)
	}
	if err := f.bot.Notify(ctx, notify.Digest{Recipient: "teams:x", Reminders: digest.Reminders}); !errors.Is(err, notify.ErrUndeliverable) {
		t.Errorf("not a Slack person: %v", err)
	}
}
