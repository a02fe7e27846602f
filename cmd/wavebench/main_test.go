package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestRun runs the load generator briefly, with its own redis-server: both
// handlers answer every request right, and the report has both rows and
// the comparison.
func TestRun(t *testing.T) {
	var out strings.Builder
	err := run(context.Background(), []string{"-saturate", "200ms", "-for", "200ms", "-rate", "100", "-conns", "2"}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"\nbare ", "\nwavebot ", "wavebot/bare throughput", "p99 at 100 req/s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
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
	if err := run(context.Background(), []string{"-mode", "irc"}, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "-mode") {
		t.Errorf("unknown mode: %v", err)
	}
}
