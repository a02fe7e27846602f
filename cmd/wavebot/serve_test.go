package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"wavebot/bot/slack/fakeslack"
	"wavebot/internal/gcpolicy"
	"wavebot/internal/metrics"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

// syncBuffer collects a server's log, written while the test reads it,
// and signals each write on written.
type syncBuffer struct {
	mu      sync.Mutex
	b       strings.Builder
	written chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{written: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.written <- struct{}{}:
	default: // a signal is pending already
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a running "wavebot serve".
type server struct {
	base   string
	log    *syncBuffer
	stop   context.CancelFunc
	exited chan int
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs wavebot serve with vars and waits until it answers.
func startServe(t *testing.T, vars ...string) *server {
	t.Helper()
	return startServeArgs(t, nil, vars...)
}

// startServeArgs runs wavebot serve with args and vars and waits until it
// answers.
func startServeArgs(t *testing.T, args []string, vars ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{base: "http://" + addr, log: newSyncBuffer(), stop: cancel, exited: make(chan int, 1)}
	go func() {
		s.exited <- run(ctx, append([]string{"serve"}, args...), env(append(vars, "WAVEBOT_LISTEN="+addr)...), strings.NewReader(""), io.Discard, s.log)
	}()
	t.Cleanup(func() {
		cancel()
		<-s.exited
	})
	s.waitFor(t, "listening")
	return s
}

// waitFor waits until the server's log holds text, or the server exits.
// It gives up after 20 seconds, so a broken server fails the test instead
// of hanging it.
func (s *server) waitFor(t *testing.T, text string) {
	t.Helper()
	giveUp := time.After(20 * time.Second)
	for !strings.Contains(s.log.String(), text) {
		select {
		case code := <-s.exited:
			s.exited <- code
			t.Fatalf("serve exited with %d before logging %q:\n%s", code, text, s.log.String())
		case <-giveUp:
			t.Fatalf("serve has not logged %q:\n%s", text, s.log.String())
		case <-s.log.written:
		}
	}
}

func (s *server) get(t *testing.T, method, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeEndpointsAndShutdown: the health endpoints answer, wrong
// methods and paths are refused, and the server stops cleanly when told.
func TestServeEndpointsAndShutdown(t *testing.T) {
	s := startServe(t, "WAVEBOT_DATA_DIR="+t.TempDir())
	for _, tc := range []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/healthz", 200, "ok\n"},
		{"GET", "/readyz", 200, "ready\n"},
		{"GET", "/metrics", 200, ""},
		{"POST", "/healthz", 405, ""},
		{"GET", "/nope", 404, ""},
	} {
		code, body := s.get(t, tc.method, tc.path)
		if code != tc.code || (tc.body != "" && body != tc.body) {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, code, body, tc.code, tc.body)
		}
	}
	s.stop()
	if code := <-s.exited; code != 0 {
		t.Errorf("exit code %d after shutdown:\n%s", code, s.log.String())
	}
	s.exited <- 0
	if !strings.Contains(s.log.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", s.log.String())
	}
	if !strings.Contains(s.log.String(), `"gogc":"400"`) {
		t.Errorf("the collector is not set for a service:\n%s", s.log.String())
	}
	if gc := debug.SetGCPercent(100); gc != gcpolicy.Percent {
		t.Errorf("collector at %d%%, want %d%%", gc, gcpolicy.Percent)
	}
}

// TestServeTakesData: serve keeps its store where --data says, like the
// console, over WAVEBOT_DATA_DIR.
func TestServeTakesData(t *testing.T) {
	flagDir, envDir := t.TempDir(), t.TempDir()
	s := startServeArgs(t, []string{"--data", flagDir}, "WAVEBOT_DATA_DIR="+envDir)
	if code, _ := s.get(t, "GET", "/readyz"); code != 200 {
		t.Errorf("readyz: %d", code)
	}
	if _, err := os.Stat(filepath.Join(flagDir, bolt.FileName)); err != nil {
		t.Errorf("no store in the --data directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(envDir, bolt.FileName)); err == nil {
		t.Error("serve opened WAVEBOT_DATA_DIR although --data was given")
	}
}

func TestServeBadListenAddress(t *testing.T) {
	var errOut strings.Builder
	code := run(context.Background(), []string{"serve"}, env("WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_LISTEN=localhost:http-ish"),
		strings.NewReader(""), io.Discard, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "wavebot: WAVEBOT_LISTEN:") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

// TestServeWarnsWithoutAChatPlatform: a serve that no chat platform
// reaches starts (its web pages and reminders may still be wanted) and
// says at start that nobody can send it a command; with a platform it
// says nothing of the kind.
func TestServeWarnsWithoutAChatPlatform(t *testing.T) {
	const warning = `"level":"WARN","msg":"no chat platform is configured`
	alone := startServe(t, "WAVEBOT_DATA_DIR="+t.TempDir())
	if !strings.Contains(alone.log.String(), warning) {
		t.Errorf("no warning without a chat platform:\n%s", alone.log.String())
	}
	api := fakeslack.New(t)
	inSlack := startServe(t, slackEnv(api, "WAVEBOT_DATA_DIR="+t.TempDir())...)
	if strings.Contains(inSlack.log.String(), "no chat platform") {
		t.Errorf("a warning with Slack configured:\n%s", inSlack.log.String())
	}
}

// TestServeReadyzSaysRedisIsFull: readiness fails, saying why, while
// Redis is full, counts it apart, and returns when Redis has room.
func TestServeReadyzSaysRedisIsFull(t *testing.T) {
	r := redistest.Start(t, "--maxmemory-policy", "noeviction")
	s := startServe(t, "WAVEBOT_REDIS_URL="+r.URL(), "WAVEBOT_REDIS_PREFIX="+redistest.Prefix(t))
	r.ConfigSet(t, "maxmemory", "1")
	if code, body := s.get(t, "GET", "/readyz"); code != 503 || body != "storage full: no change can be saved\n" {
		t.Errorf("readyz with Redis full: %d %q", code, body)
	}
	if _, body := s.get(t, "GET", "/metrics"); !strings.Contains(body, `wavebot_store_errors_total{kind="full",operation="ping"} 1`) {
		t.Errorf("the full store is not counted apart:\n%s", body)
	}
	r.ConfigSet(t, "maxmemory", "0")
	if code, body := s.get(t, "GET", "/readyz"); code != 200 {
		t.Errorf("readyz with room again: %d %q", code, body)
	}
}

// TestServeReadyzFollowsRedis: readiness fails while Redis is down and
// returns with it.
func TestServeReadyzFollowsRedis(t *testing.T) {
	r := redistest.Start(t)
	s := startServe(t, "WAVEBOT_REDIS_URL="+r.URL(), "WAVEBOT_REDIS_PREFIX="+redistest.Prefix(t))
	if code, _ := s.get(t, "GET", "/readyz"); code != 200 {
		t.Errorf("readyz with Redis up: %d", code)
	}
	r.Stop()
	if code, body := s.get(t, "GET", "/readyz"); code != 503 || !strings.Contains(body, "storage unavailable") {
		t.Errorf("readyz with Redis down: %d %q", code, body)
	}
	if code, _ := s.get(t, "GET", "/healthz"); code != 200 {
		t.Errorf("healthz with Redis down: %d", code)
	}
	if _, body := s.get(t, "GET", "/metrics"); !strings.Contains(body, `wavebot_store_errors_total{kind="unavailable",operation="ping"} 1`) {
		t.Errorf("the failed ping is not counted:\n%s", body)
	}
	// Redis comes back: so does readiness, without a restart of serve.
	r.Restart(t)
	err := redistest.Eventually(10*time.Second, func() error {
		if code, body := s.get(t, "GET", "/readyz"); code != 200 {
			return fmt.Errorf("readyz %d %q", code, body)
		}
		return nil
	})
	if err != nil {
		t.Errorf("after Redis returned: %v", err)
	}
	// The outage is logged once, and its end.
	log := s.log.String()
	if strings.Count(log, "redis unreachable") != 1 || !strings.Contains(log, `"msg":"redis answers again"`) {
		t.Errorf("the outage in the log:\n%s", log)
	}
	// Stopped is the last line, as the image's check reads it: the store
	// closes before it, so nothing of Redis follows.
	s.stop()
	if code := <-s.exited; code != 0 {
		t.Errorf("exit code %d after shutdown:\n%s", code, s.log.String())
	}
	s.exited <- 0
	lines := strings.Split(strings.TrimSpace(s.log.String()), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, `"msg":"stopped"`) {
		t.Errorf("the log ends with %s, want stopped:\n%s", last, s.log.String())
	}
}

// TestServeSweepsReminders: serve's sweeper finds a wave whose
// authorization feedback is overdue on the real clock. No chat platform is
// configured, so each reminder is logged as undeliverable with its key
// and recorded, not retried.
func TestServeSweepsReminders(t *testing.T) {
	dir := t.TempDir()
	cal := wave.Copenhagen()
	today := cal.Today(time.Now())
	// Set up forty days ago: the wave started five business days ago, the
	// feedback was due five business days before that.
	start, due := cal.AddBusinessDays(today, -5), cal.AddBusinessDays(today, -10)
	runConsoleSession(t, env("WAVEBOT_DATA_DIR="+dir), []string{"--as", "anna", "--now", today.AddDays(-40).String()},
		fmt.Sprintf("wave create b3 %s\nwave enroll b3 BUF\ncontact b3/BUF @maria\nauth request b3/BUF %s\n", start, due))
	s := startServe(t, "WAVEBOT_DATA_DIR="+dir, "WAVEBOT_SWEEP_INTERVAL=1s")
	// The sweeper was never run on this wave: maria hears only the latest,
	// that the feedback is overdue, not also that it was due soon.
	prefix := `"msg":"reminder undeliverable","key":"b3/BUF|auth-overdue|`
	s.waitFor(t, prefix)
	log := s.log.String()
	rest := log[strings.Index(log, prefix)+len(prefix)-len("b3/BUF|auth-overdue|"):]
	key := rest[:strings.Index(rest, `"`)]
	if !strings.HasSuffix(key, "|maria") || strings.Contains(log, "auth-soon") {
		t.Errorf("key %s, log:\n%s", key, log)
	}
	s.stop()
	<-s.exited
	s.exited <- 0
	store, err := bolt.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c, err := store.ClaimRecipient(context.Background(), storage.LaneRequest{Recipient: "maria", Token: "t", Lease: time.Minute, Keys: []string{key}})
	if err != nil || c.States[0].Outcome != storage.Undeliverable {
		t.Errorf("ledger has %s as %+v %v, want recorded undeliverable", key, c, err)
	}
}

// pingResult is a store whose ping answers err.
type pingResult struct{ err error }

func (p pingResult) Ping(context.Context) error { return p.err }

// FuzzRoutes sends arbitrary requests to the endpoints: nothing panics,
// and only reads of the health endpoints and the metrics say yes.
func FuzzRoutes(f *testing.F) {
	for _, seed := range []struct{ method, path, body string }{
		{"GET", "/healthz", ""}, {"GET", "/readyz", ""}, {"GET", "/metrics", ""}, {"POST", "/metrics", "x"}, {"POST", "/readyz", "x"}, {"GET", "/healthz/../readyz", ""},
		{"DELETE", "/", ""}, {"GET", "/%zz", ""}, {"PUT", "/healthz", strings.Repeat("a", 1<<16)},
	} {
		f.Add(seed.method, seed.path, seed.body)
	}
	m := metrics.New().Handler()
	up, down := routes(pingResult{}, m), routes(pingResult{errors.New("down")}, m)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		req, err := http.NewRequest(method, "http://wavebot"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		for _, h := range []http.Handler{up, down} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code == http.StatusOK && req.Method != "GET" && req.Method != "HEAD" {
				t.Errorf("%s %s answered 200", method, path)
			}
		}
	})
}
