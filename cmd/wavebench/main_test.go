package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"

	"wavebot/bot/teams/faketeams"
)

// TestMain runs the tests, or, in the measured process a test's run
// started from the test binary ("serve" first), wavebench itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == serveCommand {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestRun runs the load generator briefly, with its own redis-server, in
// every mode: both handlers answer every request right, in a process
// other than the load generator's, which the CPU profile is of, and the
// report has each mode's rows and comparison.
func TestRun(t *testing.T) {
	// A second at saturation gives the profile, sampled a hundred times
	// a second, enough samples on a busy machine.
	var out strings.Builder
	profile := filepath.Join(t.TempDir(), "cpu")
	err := run(context.Background(), []string{"-saturate", "1s", "-for", "200ms", "-rate", "100", "-conns", "2", "-rounds", "2", "-cpuprofile", profile}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, section := range []string{"\nslack: ", "\nteams: "} {
		_, report, found := strings.Cut(out.String(), section)
		var measured, generator int
		if _, err := fmt.Sscanf(report[strings.Index(report, "\nmeasured process ")+1:], "measured process %d (GOGC 400), load generator %d", &measured, &generator); err != nil ||
			generator != os.Getpid() || measured == generator || measured <= 0 {
			t.Errorf("%q: measured process %d, load generator %d (this test %d), %v", section, measured, generator, os.Getpid(), err)
		}
		name := strings.Trim(section, "\n: ")
		checkProfile(t, profile+"."+name, name)
		report, _, _ = strings.Cut(report, "\n\n"+"wavebot/bare")
		for _, round := range []string{"1", "2", "all"} {
			for _, handler := range []string{"bare", "wavebot"} {
				if row := fmt.Sprintf("\n%-6s %-8s ", round, handler); !found || strings.Count(report, row) != 1 {
					t.Errorf("report lacks %q with the row %q:\n%s", section, row, out.String())
				}
			}
		}
	}
	if n := strings.Count(out.String(), "p99 at 100 req/s"); n != 2 {
		t.Errorf("report compares %d modes, want 2:\n%s", n, out.String())
	}
	sections := strings.Split(out.String(), "\n\n")
	for i, section := range sections[:len(sections)-1] {
		if strings.HasPrefix(section, "round ") {
			checkFigures(t, section, sections[i+1])
			checkCPU(t, sections[i+1])
		}
	}
}

// checkCPU checks a mode's line of CPU per request: each handler's total
// is the sum of what the measured process, Redis and the load generator
// spent, the first and last more than nothing, and the ratio is the
// totals'.
func checkCPU(t *testing.T, verdict string) {
	t.Helper()
	_, line, _ := strings.Cut(verdict, "CPU per request at saturation, the median of the rounds: ")
	var bt, bm, br, bg, wt, wm, wr, wg, ratio float64
	_, err := fmt.Sscanf(line, "bare %f µs (measured process %f, Redis %f, load generator %f); wavebot %f µs (measured process %f, Redis %f, load generator %f): bare/wavebot %f",
		&bt, &bm, &br, &bg, &wt, &wm, &wr, &wg, &ratio)
	if err != nil {
		t.Fatalf("no CPU per request in %q: %v", verdict, err)
	}
	for _, h := range [][4]float64{{bt, bm, br, bg}, {wt, wm, wr, wg}} {
		if math.Abs(h[0]-(h[1]+h[2]+h[3])) > 1.5 || h[1] <= 0 || h[3] <= 0 || h[2] < 0 {
			t.Errorf("CPU per request %v in %q: want a total that is its parts' sum, and work in the measured process and the generator", h, line)
		}
	}
	if math.Abs(ratio-bt/wt) > 0.01 {
		t.Errorf("CPU ratio %v, want %v / %v", ratio, bt, wt)
	}
}

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		line string
		want time.Duration
		ok   bool
	}{
		{"4242 (wavebench) S 1 4242 4242 0 -1 4194560 3000 0 0 0 150 25 0 0 20 0 8 0 100 0 0", 1750 * time.Millisecond, true},
		{"7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 0 0", 30 * time.Millisecond, true},
		{"7 (x) R 1 7 7 0 -1 0 0 0 0 0 1", 0, false},
		{"7 (x) R 1 7 7 0 -1 0 0 0 0 0 u 2 0", 0, false},
		{"no parenthesis", 0, false},
	} {
		if got, ok := parseStat(tc.line); got != tc.want || ok != tc.ok {
			t.Errorf("parseStat(%q) = %v, %v; want %v, %v", tc.line, got, ok, tc.want, tc.ok)
		}
	}
	if spent, ok := cpuTime(os.Getpid()); !ok || spent <= 0 {
		t.Errorf("this process's CPU time = %v, %v", spent, ok)
	}
}

// checkProfile checks that file is a CPU profile of the measured
// process: its samples are in the platform's adapter (package), none in
// the load generator's sending.
func checkProfile(t *testing.T, file, pkg string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	// A profile names the functions of its samples in plain text.
	if !bytes.Contains(b, []byte("wavebot/bot/"+pkg+".(*Bot)")) || bytes.Contains(b, []byte("main.send")) {
		t.Errorf("%s is not a profile of the measured process's %s handler", file, pkg)
	}
}

// checkFigures checks that a mode's table of two rounds, and the verdict
// after it, agree with each other: the "all" rows pool the rounds'
// fixed-rate latencies and take the median of their throughputs, and
// the verdict compares wavebot with bare round by round and quotes
// wavebot's pooled p99.
func checkFigures(t *testing.T, table, verdict string) {
	t.Helper()
	// row["2 wavebot"] is the figures of that row: sat. req/s, then the
	// fixed-rate p50, p99, max and p99 if due, in ms.
	row := map[string][]float64{}
	for line := range strings.Lines(table) {
		f := strings.Fields(line)
		if len(f) < 8 || (f[1] != "bare" && f[1] != "wavebot") {
			continue
		}
		var figures []float64
		for i, s := range append([]string{f[2]}, f[len(f)-5:len(f)-1]...) {
			v, err := strconv.ParseFloat(strings.TrimSuffix(s, "ms"), 64)
			if err != nil {
				t.Fatalf("row %q, figure %d: %v", line, i, err)
			}
			figures = append(figures, v)
		}
		row[f[0]+" "+f[1]] = figures
	}
	for _, h := range []string{"bare", "wavebot"} {
		r1, r2, all := row["1 "+h], row["2 "+h], row["all "+h]
		if r1 == nil || r2 == nil || all == nil {
			t.Fatalf("rows of %s missing:\n%s", h, table)
		}
		if want := (r1[0] + r2[0]) / 2; math.Abs(all[0]-want) > 1 {
			t.Errorf("%s: throughput of all rounds %v, want the median %v", h, all[0], want)
		}
		if all[3] != max(r1[3], r2[3]) {
			t.Errorf("%s: maximum of all rounds %v, rounds %v and %v", h, all[3], r1[3], r2[3])
		}
		for i, name := range map[int]string{1: "p50", 2: "p99", 4: "p99 if due"} {
			if all[i] < min(r1[i], r2[i]) || all[i] > max(r1[i], r2[i]) {
				t.Errorf("%s: %s of all rounds %v, not between the rounds' %v and %v", h, name, all[i], r1[i], r2[i])
			}
		}
	}
	var ratios [2]float64
	_, quoted, _ := strings.Cut(verdict, "the median of ")
	if _, err := fmt.Sscanf(quoted, "%f, %f ", &ratios[0], &ratios[1]); err != nil {
		t.Fatalf("verdict %q quotes no ratios of the rounds: %v", verdict, err)
	}
	for i, round := range []string{"1", "2"} {
		// The table's throughputs are rounded: the ratio agrees to a
		// hundredth.
		if want := row[round+" wavebot"][0] / row[round+" bare"][0]; math.Abs(ratios[i]-want) > 0.011 {
			t.Errorf("round %s: ratio %v, want wavebot/bare %v", round, ratios[i], want)
		}
	}
	if p99 := fmt.Sprintf(" %.2fms over all rounds", row["all wavebot"][2]); !strings.Contains(verdict, p99) {
		t.Errorf("verdict %q, want wavebot's p99 of all rounds, %q", verdict, p99)
	}
}

func TestQuantile(t *testing.T) {
	var o outcome
	for i := 100; i >= 1; i-- {
		o.latencies = append(o.latencies, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0: time.Millisecond} {
		if got := o.quantile(q); got != want {
			t.Errorf("quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if (outcome{}).quantile(0.5) != 0 {
		t.Error("quantile of nothing")
	}
}

// TestMedian: the rounds' ratios are compared by their median, whatever
// their order.
func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0.7}, 0.7},
		{[]float64{0.9, 0.5}, 0.7},
		{[]float64{0.9, 0.1, 0.5}, 0.5},
		{[]float64{0.4, 1.0, 0.2, 0.6}, 0.5},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestHelp: -h prints the flags and ends well, without a run.
func TestHelp(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-h"}, &out); err != nil {
		t.Errorf("-h: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("-h ran something:\n%s", out.String())
	}
}

// TestBadFlags: an unknown mode, or a load that is not positive or runs
// for longer than ten minutes, is refused before anything starts.
func TestBadFlags(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-mode", "irc"}, "-mode"},
		{[]string{"-mode", "slack,irc"}, "-mode"},
		{[]string{"-mode", ""}, "-mode"},
		{[]string{"-conns", "0"}, "-conns"},
		{[]string{"-rate", "0"}, "-rate"},
		{[]string{"-saturate", "0s"}, "-saturate"},
		{[]string{"-for", "-1s"}, "-for"},
		{[]string{"-saturate", "11m"}, "-saturate"},
		{[]string{"-for", "11m"}, "-for"},
		{[]string{"-rounds", "0"}, "-rounds"},
		{[]string{"-rounds", "21"}, "-rounds"},
	} {
		// A Redis that is not there: a refused flag must fail before it.
		args := append(tc.args, "-redis-url", "redis://127.0.0.1:1")
		if err := run(ctx, args, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v", tc.args, err)
		}
	}
}

// TestAnswerChecks: a Slack answer is right when it is a 200 with the
// wave; a Teams one when it is a 200 (its reply goes to the connector).
func TestAnswerChecks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		m      mode
		status int
		body   string
		ok     bool
	}{
		{"slack with the wave", newSlackMode(), http.StatusOK, `{"text":"b3/BUF"}`, true},
		{"slack refused", newSlackMode(), http.StatusOK, `{"text":"✗ Du har ikke adgang"}`, false},
		{"slack unauthorized", newSlackMode(), http.StatusUnauthorized, `b3/BUF`, false},
		{"teams accepted", newTeamsMode(), http.StatusOK, ``, true},
		{"teams unauthorized", newTeamsMode(), http.StatusUnauthorized, ``, false},
	} {
		if got := tc.m.ok(tc.status, []byte(tc.body)); got != tc.ok {
			t.Errorf("%s: ok = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

// failingMode is a load whose wavebot handler answers every request
// wrong, next to a bare one that answers right.
type failingMode struct{}

func (failingMode) describe() string { return "requests answered wrong" }

func (failingMode) p99Goal() time.Duration { return time.Second }

func (failingMode) ok(status int, _ []byte) bool { return status == http.StatusOK }

func (failingMode) request(base string) *http.Request {
	req, _ := http.NewRequest("POST", base+"/api/messages", nil)
	return req
}

func (failingMode) check(int) error { return nil }

// TestMeasureFailsOnErrors: requests that were answered wrong, every one
// or a single one, fail the run, even when each mode's own check finds
// nothing amiss.
func TestMeasureFailsOnErrors(t *testing.T) {
	bare := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer bare.Close()
	var once sync.Once
	for name, h := range map[string]http.HandlerFunc{
		"every request": func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", http.StatusInternalServerError) },
		"one request": func(w http.ResponseWriter, _ *http.Request) {
			once.Do(func() { http.Error(w, "down", http.StatusInternalServerError) })
		},
	} {
		real := httptest.NewServer(h)
		var out strings.Builder
		cfg := settings{conns: 1, rounds: 1, satFor: 50 * time.Millisecond, rate: 20, rateFor: 100 * time.Millisecond}
		err := measure(context.Background(), &out, failingMode{}, []string{bare.URL, real.URL}, nil, nil, cfg)
		if err == nil || !strings.Contains(err.Error(), "some requests failed") {
			t.Errorf("%s answered wrong: measure = %v\n%s", name, err, out.String())
		}
		real.Close()
	}
}

// checkingMode is failingMode whose check finds each of finds in turn.
type checkingMode struct {
	failingMode
	finds []error
}

func (m *checkingMode) check(int) error {
	err := m.finds[0]
	m.finds = m.finds[1:]
	return err
}

// TestRecordKeepsWhatWentWrongFirst: a handler's runs add up their
// failed requests, and the first thing a check finds amiss is kept.
func TestRecordKeepsWhatWentWrongFirst(t *testing.T) {
	first, second := errors.New("first"), errors.New("second")
	m := &checkingMode{finds: []error{nil, first, nil, second}}
	var tg target
	for range 4 {
		tg.record(m, outcome{errors: 1})
	}
	if tg.wrong != first || tg.errors != 4 {
		t.Errorf("recorded %v and %d failed requests, want %v and 4", tg.wrong, tg.errors, first)
	}
}

// TestTeamsCheck: a Teams answer travels to the connector, not in the
// response, so the mode counts what the connector received: a reply
// missing, or one without the wave, fails the run.
func TestTeamsCheck(t *testing.T) {
	m := &teamsMode{connector: newConnector([]byte("b3/BUF"))}
	defer m.connector.close()
	post := func(body string) {
		resp, err := http.Post(m.connector.serviceURL()+"v3/conversations/a:1/activities/1", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, tc := range []struct {
		name     string
		replies  []string
		answered int
		ok       bool
	}{
		{"every answer replied", []string{`{"text":"b3/BUF"}`, `{"text":"b3/BUF"}`}, 2, true},
		{"a reply missing", []string{`{"text":"b3/BUF"}`}, 2, false},
		{"a reply without the wave", []string{`{"text":"b3/BUF"}`, `{"text":"✗"}`}, 2, false},
		{"a reply too many", []string{`{"text":"b3/BUF"}`, `{"text":"b3/BUF"}`, `{"text":"✗"}`}, 2, false},
	} {
		for _, r := range tc.replies {
			post(r)
		}
		if err := m.check(tc.answered); (err == nil) != tc.ok {
			t.Errorf("%s: check = %v", tc.name, err)
		}
	}
}

// TestBareHandlersVerify: the bare handlers do the least a handler must,
// which includes turning away a request the platform did not sign; the
// Teams one checks the token with wavebot's own validator, against the
// key set of Microsoft's stand-in.
func TestBareHandlersVerify(t *testing.T) {
	slackMode := newSlackMode().(*slackMode)
	teamsMode := &teamsMode{}
	p, err := teamsMode.start()
	if err != nil {
		t.Fatal(err)
	}
	defer teamsMode.stop()
	forged := func(r *http.Request) {
		r.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
	}
	token := func(c jwt.MapClaims, kid string, key *rsa.PrivateKey) func(*http.Request) {
		return func(r *http.Request) {
			token, err := faketeams.Mint(c, kid, key)
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Authorization", "Bearer "+token)
		}
	}
	service := teamsMode.connector.serviceURL()
	expired := faketeams.Claims(benchAppID, service, time.Now().Add(-2*time.Hour))
	for _, tc := range []struct {
		name   string
		bare   http.Handler
		m      load
		spoil  func(*http.Request)
		status int
	}{
		{"slack signed", slackMode.bare(), slackMode, func(*http.Request) {}, http.StatusOK},
		{"slack forged", slackMode.bare(), slackMode, forged, http.StatusUnauthorized},
		{"teams signed", teamsMode.bare(p), teamsMode, func(*http.Request) {}, http.StatusOK},
		{"teams signed by another key", teamsMode.bare(p), teamsMode, token(faketeams.Claims(benchAppID, service, time.Now()), faketeams.KeyID, faketeams.OtherSigner()), http.StatusUnauthorized},
		{"teams for another bot", teamsMode.bare(p), teamsMode, token(faketeams.Claims("another-bot", service, time.Now()), faketeams.KeyID, faketeams.Signer()), http.StatusUnauthorized},
		{"teams from another service URL", teamsMode.bare(p), teamsMode, token(faketeams.Claims(benchAppID, "https://smba.example/", time.Now()), faketeams.KeyID, faketeams.Signer()), http.StatusUnauthorized},
		{"teams expired", teamsMode.bare(p), teamsMode, token(expired, faketeams.KeyID, faketeams.Signer()), http.StatusUnauthorized},
	} {
		req := tc.m.request("http://wavebot")
		tc.spoil(req)
		rec := httptest.NewRecorder()
		tc.bare.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s: answered %d, want %d", tc.name, rec.Code, tc.status)
		}
	}
}

// TestPacedMeasuresFromSendingAndFromDue: each answered request of a
// paced run has both latencies, the one from when it was due never the
// shorter, and a slow handler's answers count in both.
func TestPacedMeasuresFromSendingAndFromDue(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { time.Sleep(20 * time.Millisecond) })) // a slow answer under test
	defer srv.Close()
	newReq := func() *http.Request { req, _ := http.NewRequest("GET", srv.URL, nil); return req }
	o := paced(context.Background(), srv.Client(), newReq, func(status int, _ []byte) bool { return status == 200 }, 50, 200*time.Millisecond)
	if len(o.latencies) != 10 || len(o.fromDue) != 10 || o.errors != 0 {
		t.Fatalf("%d latencies, %d from due, %d errors; want 10, 10, 0", len(o.latencies), len(o.fromDue), o.errors)
	}
	for i := range o.latencies {
		if o.latencies[i] < 20*time.Millisecond || o.fromDue[i] < o.latencies[i] {
			t.Errorf("request %d: %v from sending, %v from due", i, o.latencies[i], o.fromDue[i])
		}
	}
}
