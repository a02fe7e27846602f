package slack

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wavebot/bot/slack/fakeslack"
	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestSubscribeInAChannel: /wave subscribe typed in a channel stores the
// channel's id and name with the subscription; in a direct message it is
// refused and nothing changes.
func TestSubscribeInAChannel(t *testing.T) {
	f := newFixture(t)
	before := f.snapshot()
	got := f.command("UANNA", "DUANNA", "subscribe b3")
	if !strings.Contains(got.texts(), "Skriv kommandoen i den kanal") || f.snapshot() != before {
		t.Errorf("subscribe in a direct message: %s", got.texts())
	}
	got = f.command("UANNA", "C0WAVE", "subscribe b3")
	if !strings.Contains(got.texts(), "#wave følger nu bølge b3.") || got.ResponseType != ephemeral {
		t.Errorf("subscribe in a channel: %+v", got)
	}
	w, _ := f.store.Wave(context.Background(), "b3")
	if s, ok := w.Subscription("slack:#C0WAVE"); !ok || s.Address != "C0WAVE" || s.Name != "#wave" || s.By != "slack:UANNA" {
		t.Errorf("subscription %+v", w.Subscriptions)
	}
}

// TestTimelineIsUploaded: /wave timeline uploads the picture to the
// channel through Slack's external upload, the PNG's bytes as they were
// drawn; where the bot may not post, it goes to the person's direct
// message and the answer says so.
func TestTimelineIsUploaded(t *testing.T) {
	f := newFixture(t)
	got := f.command("UVERA", "C0WAVE", "timeline b3")
	wantIn(t, got.texts(), "Tidslinje – b3 – Bølge 3")
	complete := f.api.Calls("files.completeUploadExternal")
	if len(complete) != 1 || complete[0].Form.Get("channel_id") != "C0WAVE" {
		t.Fatalf("upload: %v", f.api.Methods())
	}
	ask := f.api.Calls("files.getUploadURLExternal")[0]
	sent := f.api.Calls("upload:F1")
	if len(sent) != 1 {
		t.Fatalf("the bytes were not sent to the upload address: %v", f.api.Methods())
	}
	bytes := sent[0].File(t)
	if ask.Form.Get("filename") != "tidslinje-b3.png" || ask.Form.Get("length") != strconv.Itoa(len(bytes)) || string(bytes[1:4]) != "PNG" {
		t.Errorf("the upload: %v, %d bytes starting %q", ask.Form, len(bytes), bytes[:8])
	}
	f.api.Then("files.completeUploadExternal", fakeslack.Reply{Error: "not_in_channel"})
	got = f.command("UVERA", "C0ELSEWHERE", "tidslinje b3")
	wantIn(t, got.texts(), "Billedet kunne ikke lægges her, så det er sendt til dig som direkte besked.")
	complete = f.api.Calls("files.completeUploadExternal")
	if len(complete) != 3 || complete[2].Form.Get("channel_id") != "DUVERA" {
		t.Errorf("the fallback to the direct message: %v", f.api.Methods())
	}
}

// replica is one wavebot process on the shared Redis: its own store
// client, dispatcher, Slack adapter and reminder engine, as serve wires
// them.
type replica struct {
	cmds    *commands.Dispatcher
	sweeper *notify.Sweeper
}

func newReplica(t *testing.T, url, prefix string, api *fakeslack.API, clk *clock.Fake) replica {
	t.Helper()
	policy := notify.DefaultPolicy(wave.Copenhagen())
	s, err := redis.Open(context.Background(), url, prefix, policy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d, err := commands.New(commands.Config{Store: s, Clock: clk, Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Admins: []string{"slack:UANNA"}, Lang: "da", Policy: policy})
	if err != nil {
		t.Fatal(err)
	}
	bot := New(Config{Commands: d, BotToken: "xoxb-test", SigningSecret: secret, TeamID: fakeslack.Team, APIURL: api.URL(), Clock: clk, HTTPClient: onlyTo(api.URL())})
	t.Cleanup(bot.Wait)
	delivery := notify.NewDelivery(notify.LastUsed{People: d, Next: notify.Router{"slack": bot}}, s, clk)
	delivery.Pace, delivery.Attempts = 0, 1
	return replica{cmds: d, sweeper: &notify.Sweeper{Store: s, Policy: policy, Delivery: delivery, Clock: clk, Batch: 100, MaxRounds: 10,
		Logger: slog.New(slog.DiscardHandler)}}
}

// sweepAll runs the three replicas' sweeps at once and waits for them.
func sweepAll(t *testing.T, rs []replica) {
	t.Helper()
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Go(func() {
			if _, err := r.sweeper.Sweep(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// posts are the chat.postMessage calls to channel.
func posts(api *fakeslack.API, channel string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range api.Calls("chat.postMessage") {
		if c.Form.Get("channel") == channel {
			out = append(out, c)
		}
	}
	return out
}

// TestChannelNewsOnceAcrossReplicas: three replicas on one Redis sweep at
// the same moment; the channel that follows the wave gets the morning's
// news once, as one message. When Slack then says wavebot was removed
// from the channel, that one failure drops the subscription, nothing is
// tried there again, and the KS lead hears of it once.
func TestChannelNewsOnceAcrossReplicas(t *testing.T) {
	api := fakeslack.New(t)
	clk := clock.NewFake(start)
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	var rs []replica
	for range 3 {
		rs = append(rs, newReplica(t, url, prefix, api, clk))
	}
	ctx := context.Background()
	do := func(r replica, who, text string, channel *commands.Channel) {
		t.Helper()
		if reply := r.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: "slack:" + who}, Text: text, Channel: channel}); reply.Refused {
			t.Fatalf("%s: %v", text, reply.Lines)
		}
	}
	do(rs[0], "UANNA", "wave create b3 2027-03-01 Bølge 3", nil)
	do(rs[1], "UANNA", "wave enroll b3 BUF SUF", nil)
	do(rs[2], "UANNA", "subscribe b3", channelOf("C0WAVE", "bølge-3"))
	do(rs[0], "UANNA", "done b3 pc", nil)
	do(rs[1], "UANNA", "auth request b3 2027-02-15", nil)

	cph := wave.Copenhagen()
	clk.Set(cph.At(wave.Date{Year: 2027, Month: 1, Day: 21}, 9, 0))
	sweepAll(t, rs)
	clk.Advance(3 * time.Minute) // past any lease a replica held when another took the channel
	sweepAll(t, rs)
	news := posts(api, "C0WAVE")
	if len(news) != 1 {
		t.Fatalf("%d messages to the channel, want one: %v", len(news), api.Methods())
	}
	m := receivedPost(t, news[0])
	wantIn(t, m.texts(), "Nyt fra bølgerne", "b3/BUF: »Sikre korrekt opsætning af PC'er« er færdig.",
		"b3/SUF: KS har bedt forvaltningen om tilbagemelding på autorisationerne senest 15. februar 2027.")

	// wavebot is removed from the channel.
	api.ThenIn("chat.postMessage", "C0WAVE", fakeslack.Reply{Error: "not_in_channel"})
	do(rs[2], "UANNA", "done b3 support", nil)
	clk.Set(cph.At(wave.Date{Year: 2027, Month: 1, Day: 22}, 9, 0))
	for range 3 {
		sweepAll(t, rs)
		clk.Advance(3 * time.Minute)
	}
	if got := posts(api, "C0WAVE"); len(got) != 2 {
		t.Errorf("%d posts to the channel in all, want the news and the one failed try", len(got))
	}
	if w, err := rs[0].sweeper.Store.Wave(ctx, "b3"); err != nil || len(w.Subscriptions) != 0 || len(w.DeliveryFailures) != 1 {
		t.Errorf("after the failure: subscriptions %+v, failures %+v (%v)", w.Subscriptions, w.DeliveryFailures, err)
	}
	toLead := posts(api, "DUANNA")
	var told int
	for _, c := range toLead {
		if strings.Contains(c.Form.Get("text"), "Kanalen #bølge-3 kan ikke længere nås") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the lead was told %d times of the dropped channel, want once: %v", told, api.Methods())
	}
	do(rs[0], "UANNA", "done b3 loadtest", nil)
	clk.Set(cph.At(wave.Date{Year: 2027, Month: 1, Day: 25}, 9, 0))
	sweepAll(t, rs)
	if got := posts(api, "C0WAVE"); len(got) != 2 {
		t.Errorf("a dropped channel got %d posts, want none after the failure", len(got)-2)
	}
}
