package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"wavebot/commands"
	"wavebot/internal/catalog"
	"wavebot/internal/clock"
	"wavebot/storage/redis/redistest"
)

// TestSentinelFailover: a stream of commands runs against a Sentinel URL
// (one master, one replica, one sentinel) and the master is killed in the
// middle of it. While the sentinel fails over, commands answer that
// storage is unavailable (or that a change may have been saved), never
// something else; once the replica is promoted they work again, in the
// same process. Every wave whose creation was answered is on the new
// master: how many acknowledged writes the failover lost is logged.
func TestSentinelFailover(t *testing.T) {
	sen := redistest.StartSentinel(t, time.Second, nil)
	cfg, err := loadConfig(env("WAVEBOT_REDIS_URL="+sen.URL(), "WAVEBOT_REDIS_PREFIX="+redistest.Prefix(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := openStore(ctx, cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	d, err := commands.New(commands.Config{Store: store, Clock: clock.System{}, Calendar: cfg.Calendar, Template: cfg.Template,
		Forvaltninger: cfg.Forvaltninger, BootstrapAdmin: true, Policy: cfg.Policy, Lang: "da"})
	if err != nil {
		t.Fatal(err)
	}
	ask := func(text string) commands.Reply {
		return d.Handle(ctx, commands.Request{Caller: commands.Caller{ID: "anna"}, Text: text})
	}
	if r := ask("wave create b0 2027-02-01"); r.Refused {
		t.Fatalf("before the failover: %v", r.Lines)
	}
	unavailable, maybe := catalog.StorageUnavailable.In("da"), catalog.StorageMaybeChanged.In("da")
	var acked []string
	var killed, back time.Time
	failures, okInARow := 0, 0
	tick := time.NewTicker(20 * time.Millisecond) // the pace of the stream
	defer tick.Stop()
	giveUp := time.After(60 * time.Second)
	for i := 1; okInARow < 10 || back.IsZero(); i++ {
		if i == 20 {
			sen.Master.Stop()
			killed = time.Now()
		}
		id := fmt.Sprintf("w%d", i)
		r := ask("wave create " + id + " 2027-02-01")
		switch {
		case !r.Refused:
			acked = append(acked, id)
			okInARow++
			if !killed.IsZero() && back.IsZero() {
				back = time.Now()
			}
		case len(r.Lines) == 1 && (r.Lines[0] == unavailable || r.Lines[0] == maybe):
			failures++
			okInARow = 0
		default:
			t.Fatalf("command %d during the failover answered %q", i, r.Lines)
		}
		select {
		case <-tick.C:
		case <-giveUp:
			t.Fatalf("commands did not work again within a minute of the master's death (%d failed)", failures)
		}
	}
	if failures == 0 {
		t.Error("no command noticed the failover")
	}
	lost := 0
	for _, id := range acked {
		if _, err := store.Wave(ctx, id); err != nil {
			lost++
		}
	}
	t.Logf("failover: commands failed for %v (%d commands), %d of %d acknowledged waves lost", back.Sub(killed).Round(time.Millisecond), failures, lost, len(acked))
}
