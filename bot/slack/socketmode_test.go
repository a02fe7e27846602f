package slack

import (
	"context"
	"testing"
	"time"

	"wavebot/bot/slack/fakeslack"
	"wavebot/storage/bolt"
)

// TestSocketMode runs the adapter against a local server speaking Socket
// Mode's envelope protocol: hello, a slash command, an event and a button
// press, each acknowledged at once (the command while the store is still
// busy) and answered through response_url or the Web API; then a
// requested disconnect and a dropped socket, each followed by a new
// connection that works.
func TestSocketMode(t *testing.T) {
	store, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	slow := &slowStore{Store: store, slow: make(chan struct{}), release: make(chan struct{})}
	f := newFixtureOn(t, slow, func(c *Config) { c.AppToken, c.SigningSecret = "xapp-test", "" })
	sock := f.api.Socket()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- f.bot.RunSocketMode(ctx) }()
	sock.WaitConnected(t, 1)

	close(slow.slow)
	id := sock.Send(t, "slash_commands", fakeslack.SlashCommandJSON("UVERA", "C1", "status b3/BUF", f.api.ResponseURL("sm1")))
	if ack := sock.Ack(t); ack.EnvelopeID != id {
		t.Errorf("acknowledged %s, want %s", ack.EnvelopeID, id)
	}
	close(slow.release)
	wantIn(t, receivedJSON(t, f.api.Wait(t, "response:sm1", 1)[0].Body).texts(), "b3/BUF – Bølge 3")

	id = sock.Send(t, "events_api", fakeslack.Event("EvS1", map[string]any{"type": "app_mention", "user": "UMARIA",
		"text": "<@UWAVEBOT> done b3/BUF info", "channel": "C1", "ts": "1.1", "thread_ts": "1.0"}))
	if ack := sock.Ack(t); ack.EnvelopeID != id {
		t.Errorf("acknowledged %s, want %s", ack.EnvelopeID, id)
	}
	post := f.api.Wait(t, "chat.postMessage", 1)[0]
	if post.Form.Get("channel") != "C1" || post.Form.Get("thread_ts") != "1.0" {
		t.Errorf("answered in %v", post.Form)
	}
	wantIn(t, receivedPost(t, post).texts(), "har nu status færdig")

	id = sock.Send(t, "interactive", fakeslack.BlockActionJSON("UMARIA", "wavebot.0", "Marker som færdig", "done b3/BUF kickoff", f.api.ResponseURL("sm2")))
	if ack := sock.Ack(t); ack.EnvelopeID != id {
		t.Errorf("acknowledged %s, want %s", ack.EnvelopeID, id)
	}
	if m := receivedJSON(t, f.api.Wait(t, "response:sm2", 1)[0].Body); !m.ReplaceOriginal {
		t.Errorf("press: %+v", m)
	}

	for n, reconnect := range []func(){func() { sock.Disconnect(t) }, sock.Drop} {
		reconnect()
		sock.WaitConnected(t, n+2)
		name := []string{"after-disconnect", "after-drop"}[n]
		sock.Send(t, "slash_commands", fakeslack.SlashCommandJSON("UVERA", "D1", "help", f.api.ResponseURL(name)))
		sock.Ack(t)
		wantIn(t, receivedJSON(t, f.api.Wait(t, "response:"+name, 1)[0].Body).texts(), "wavebot – kommandoer")
	}
	opens := f.api.Calls("apps.connections.open")
	if len(opens) != 3 || opens[0].Token != "xapp-test" {
		t.Errorf("apps.connections.open: %d calls, token %q", len(opens), opens[0].Token)
	}
	cancel()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode did not stop")
	}
}

// TestSocketModeRefusedToken: an app token Slack refuses stops Socket Mode
// with an error.
func TestSocketModeRefusedToken(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AppToken = "xapp-revoked" })
	f.api.Then("apps.connections.open", fakeslack.Reply{Error: "invalid_auth"})
	done := make(chan error, 1)
	go func() { done <- f.bot.RunSocketMode(context.Background()) }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("no error for a refused token")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode kept going with a refused token")
	}
}
