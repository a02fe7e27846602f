package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"wavebot/bot/slack/fakeslack"
	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/internal/pagelink"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// secret is the signing secret of Slack's request-signing documentation.
const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// start is the fixture's time: 2027-01-20 12:00 in Copenhagen.
var start = time.Date(2027, 1, 20, 11, 0, 0, 0, time.UTC)

// fixture is the Slack adapter on a bolt store, behind an HTTP server,
// talking to a fake Web API. UANNA is admin; wave b3 starts 2027-03-01
// with BUF and SUF enrolled and UMARIA as BUF's contact; UVERA has only
// looked.
type fixture struct {
	t     testing.TB
	api   *fakeslack.API
	bot   *Bot
	cmds  *commands.Dispatcher
	store storage.Store
	clock *clock.Fake
	srv   *httptest.Server
}

type fixtureOption func(*Config)

func newFixture(t testing.TB, opts ...fixtureOption) *fixture {
	t.Helper()
	s, err := bolt.Open(t.TempDir(), dueFunc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newFixtureOn(t, s, opts...)
}

// dueFunc keeps the due index as serve's store does, for the default policy.
var dueFunc = notify.DefaultPolicy(wave.Copenhagen())

func newFixtureOn(t testing.TB, s storage.Store, opts ...fixtureOption) *fixture {
	t.Helper()
	f := newBareFixtureOn(t, s, opts...)
	for _, line := range []string{"UANNA: wave create b3 2027-03-01 Bølge 3", "UANNA: wave enroll b3 BUF SUF", "UANNA: contact b3/BUF @slack:UMARIA", "UVERA: help"} {
		f.do(line)
	}
	return f
}

// newBareFixtureOn is the fixture on s with nothing done yet.
func newBareFixtureOn(t testing.TB, s storage.Store, opts ...fixtureOption) *fixture {
	t.Helper()
	clk := clock.NewFake(start)
	links, err := pagelink.New("https://wavebot.example.dk", "the secret of the Slack tests' page links", clk)
	if err != nil {
		t.Fatal(err)
	}
	d, err := commands.New(commands.Config{
		Store: s, Clock: clk, Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Admins: []string{"slack:UANNA"}, Lang: "da", Links: links,
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, api: fakeslack.New(t), cmds: d, store: s, clock: clk}
	f.api.Names["UANNA"], f.api.Names["UMARIA"] = "Anna Berg", "Maria Holm"
	// The tests read a command's answer in the response: on a machine
	// busy with the whole suite under -race, drawing a timeline outlasts
	// Slack's two seconds, and the answer would go to the response_url.
	// TestSlowStoreAnswersThroughResponseURL sets a budget of its own.
	cfg := Config{Commands: d, BotToken: "xoxb-test", SigningSecret: secret, TeamID: fakeslack.Team, APIURL: f.api.URL(), Clock: clk,
		HTTPClient: onlyTo(f.api.URL()), Budget: backgroundTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	f.bot = New(cfg)
	mux := http.NewServeMux()
	f.bot.Routes(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	t.Cleanup(f.bot.Wait)
	return f
}

// onlyTo is an HTTP client that reaches the fake and nothing else, so no
// response_url a test or the fuzzer writes sends anything off this machine.
func onlyTo(fake string) *http.Client {
	u, _ := url.Parse(fake)
	dialer := &net.Dialer{Timeout: time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr != u.Host {
				return nil, fmt.Errorf("tests reach only the fake Slack, not %s", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}}
}

// do runs "USER: command" through the dispatcher, bypassing Slack.
func (f *fixture) do(line string) commands.Reply {
	f.t.Helper()
	who, text, _ := strings.Cut(line, ": ")
	r := f.cmds.Handle(context.Background(), commands.Request{Caller: commands.Caller{ID: person(who)}, Text: text})
	if r.Refused {
		f.t.Fatalf("%s: refused: %v", line, r.Lines)
	}
	return r
}

// post sends body to path, signed at the fixture clock's time when signed
// is set, and returns the status and the response body.
func (f *fixture) post(path string, body []byte, signed bool, headers ...string) (int, string) {
	f.t.Helper()
	resp, out := f.exchange(path, body, signed, headers...)
	return resp.StatusCode, out
}

// exchange is post, returning the whole response with its body read.
func (f *fixture) exchange(path string, body []byte, signed bool, headers ...string) (*http.Response, string) {
	f.t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signed {
		fakeslack.Sign(req, secret, f.clock.Now(), body)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// command sends a signed slash command and reads the answer.
func (f *fixture) command(user, channel, text string) received {
	f.t.Helper()
	code, body := f.post("/slack/commands", fakeslack.SlashCommand(user, channel, text, f.api.ResponseURL("cmd")), true)
	if code != 200 {
		f.t.Fatalf("/wave %s: %d %s", text, code, body)
	}
	return receivedJSON(f.t, []byte(body))
}

// received is what Slack received as a message: its text, block texts and buttons.
type received struct {
	ResponseType    string `json:"response_type"`
	ReplaceOriginal bool   `json:"replace_original"`
	ThreadTS        string `json:"thread_ts"`
	Text            string `json:"text"`
	Blocks          []map[string]any
}

func (r received) texts() string { return strings.Join(fakeslack.Texts(r.Blocks), "\n") }

// receivedJSON reads a message posted as JSON (an answer, a response_url post).
func receivedJSON(t testing.TB, body []byte) received {
	t.Helper()
	var r received
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("not a message: %v\n%s", err, body)
	}
	return r
}

// receivedPost reads a chat.postMessage call.
func receivedPost(t testing.TB, c fakeslack.Call) received {
	t.Helper()
	r := received{Text: c.Form.Get("text"), ThreadTS: c.Form.Get("thread_ts")}
	c.JSON(t, "blocks", &r.Blocks)
	return r
}

// snapshot is everything the store holds that a request could change.
// Display names are left out: they are Slack's facts, learnt on contact.
func (f *fixture) snapshot() string {
	f.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	waves, err := f.store.Waves(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	enc.Encode(waves)
	for _, id := range []string{"", "b3"} {
		evs, _ := f.store.Events(ctx, id, "", 10000)
		enc.Encode(evs)
	}
	for _, p := range []string{"UANNA", "UMARIA", "UVERA", "UKIM", "UNEW"} {
		someone, _ := f.store.Person(ctx, person(p))
		someone.Name = ""
		enc.Encode(someone)
	}
	return b.String()
}

func wantIn(t testing.TB, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("lacks %q:\n%s", w, got)
		}
	}
}
