package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"wavebot/commands"
	"wavebot/notify"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// scrape returns what /metrics serves, one series a line.
func scrape(m *Metrics) string {
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// has reports whether the scrape holds each line.
func has(t *testing.T, m *Metrics, lines ...string) {
	t.Helper()
	got := scrape(m)
	for _, l := range lines {
		if !strings.Contains(got, "\n"+l+"\n") {
			t.Errorf("/metrics lacks %s", l)
		}
	}
}

// count counts the series of a name.
func count(m *Metrics, name string) int {
	return strings.Count(scrape(m), "\n"+name+"{")
}

// TestStoreErrors: a store's failures are counted by operation and kind;
// answers (not found) and an update's own refusal are not failures.
func TestStoreErrors(t *testing.T) {
	m := New()
	ctx := context.Background()
	b, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s := m.Store(b)
	s.Wave(ctx, "b3")
	refused := errors.New("the person may not")
	s.UpdatePerson(ctx, "anna", func(*wave.Person) ([]wave.Event, error) { return nil, refused })
	srv := redistest.Start(t)
	r, err := redis.Open(ctx, srv.URL(), redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	down := m.Store(r)
	srv.Stop()
	down.Wave(ctx, "b3")
	down.Ping(ctx)
	down.Ping(ctx)
	// A full Redis is counted apart: its refusals are neither the
	// update's own nor an outage.
	fullSrv := redistest.Start(t, "--maxmemory-policy", "noeviction")
	fr, err := redis.Open(ctx, fullSrv.URL(), redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	full := m.Store(fr)
	if err := full.CreateWave(ctx, wave.Wave{ID: "b3", Name: "b3"}, wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	fullSrv.ConfigSet(t, "maxmemory", "1")
	full.CreateWave(ctx, wave.Wave{ID: "b4", Name: "b4"}, wave.Event{Wave: "b4"})
	full.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) { w.Name = "x"; return nil, nil })
	has(t, m, `wavebot_store_errors_total{kind="unavailable",operation="wave"} 1`,
		`wavebot_store_errors_total{kind="unavailable",operation="ping"} 2`,
		`wavebot_store_errors_total{kind="full",operation="create_wave"} 1`,
		`wavebot_store_errors_total{kind="full",operation="update_wave"} 1`,
		`wavebot_store_operation_duration_seconds_count{operation="update_person"} 1`,
		`wavebot_store_operation_duration_seconds_count{operation="wave"} 2`)
	if n := count(m, "wavebot_store_errors_total"); n != 4 {
		t.Errorf("%d series of store errors, want the four above", n)
	}
}

// TestHTTPRoutes: requests are counted by the pattern that matched them,
// never by their path, with the status the handler wrote.
func TestHTTPRoutes(t *testing.T) {
	m := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /w/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := m.HTTP(mux)
	for _, path := range []string{"/w/maria", "/w/anna", "/nowhere/anna"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	has(t, m, `wavebot_http_requests_total{code="418",route="GET /w/{id}"} 2`,
		`wavebot_http_requests_total{code="404",route="unmatched"} 1`)
	if got := scrape(m); strings.Contains(got, "anna") || strings.Contains(got, "maria") {
		t.Error("a path made it into a label")
	}
}

// TestCommandsAndSweeps: commands are counted by name and outcome (an
// unrecognised one as unknown), sweeps by what became of the reminders.
func TestCommandsAndSweeps(t *testing.T) {
	m := New()
	ctx := context.Background()
	m.Command(ctx, commands.Observation{Actor: "teams:x", Command: "auth ok", Outcome: commands.OK, Took: time.Millisecond})
	m.Command(ctx, commands.Observation{Actor: "teams:x", Outcome: commands.Refused})
	m.Swept(notify.SweepReport{Took: time.Second, Due: 7, Sent: 3, Retried: 1, Undeliverable: 1, Held: 2, Oldest: time.Hour})
	m.Swept(notify.SweepReport{Due: 1, Sent: 1})
	m.Rejected("teams")("unauthenticated")
	has(t, m, `wavebot_commands_total{command="auth ok",outcome="ok"} 1`,
		`wavebot_commands_total{command="unknown",outcome="refused"} 1`,
		`wavebot_reminders_total{outcome="due"} 8`,
		`wavebot_reminders_total{outcome="sent"} 4`,
		`wavebot_reminders_total{outcome="retried"} 1`,
		`wavebot_reminders_total{outcome="undeliverable"} 1`,
		`wavebot_reminders_total{outcome="held"} 2`,
		`wavebot_reminders_total{outcome="failed"} 0`,
		`wavebot_reminders_due 1`,
		`wavebot_reminder_oldest_due_age_seconds 0`,
		`wavebot_sweep_duration_seconds_count 2`,
		`wavebot_platform_requests_rejected_total{platform="teams",reason="unauthenticated"} 1`)
	if n := count(m, "wavebot_commands_total"); n != 2 {
		t.Errorf("%d command series", n)
	}
}

// TestObserveCommands: each command is a log line with who, which, how
// it ended and how long it took, never what was typed, and it is counted.
func TestObserveCommands(t *testing.T) {
	m := New()
	var log strings.Builder
	observe := m.ObserveCommands(slog.New(slog.NewJSONHandler(&log, nil)))
	observe(context.Background(), commands.Observation{Actor: "slack:U1", Command: "status", Outcome: commands.OK, Took: 1500 * time.Microsecond})
	var line map[string]any
	if err := json.Unmarshal([]byte(log.String()), &line); err != nil {
		t.Fatalf("%v: %q", err, log.String())
	}
	want := map[string]any{"level": "INFO", "msg": "command", "actor": "slack:U1", "command": "status", "outcome": "ok", "duration_ms": 1.5}
	delete(line, "time")
	if !reflect.DeepEqual(line, want) {
		t.Errorf("logged %v, want %v", line, want)
	}
	has(t, m, `wavebot_commands_total{command="status",outcome="ok"} 1`)
}
