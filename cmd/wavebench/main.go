// Command wavebench measures a whole wavebot endpoint under load on this
// machine: the handler serve runs, on a Redis store, next to a bare
// handler that only checks what the platform signs and answers a
// constant, in the same run. For each it reports the throughput at
// saturation, and the median and 99th percentile latency at a fixed
// rate. Everything it starts listens on the loopback interface, and it
// stops by itself.
//
//	go run ./cmd/wavebench -mode slack
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"
)

// mode is one chat platform's endpoint under load. Teams joins as one
// more mode.
type mode interface {
	// describe names the request and the endpoint.
	describe() string
	// real starts the handler serve would run, with its data in place,
	// on the Redis at redisURL; close releases it.
	real(ctx context.Context, redisURL string) (h http.Handler, close func(), err error)
	// bare is a handler that only verifies the request and answers a constant.
	bare() http.Handler
	// request is a new request, signed now, to the endpoint at base.
	request(base string) *http.Request
	// ok reports whether an answer is the one expected.
	ok(status int, body []byte) bool
}

var modes = map[string]func() mode{
	"slack": newSlackMode,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wavebench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("wavebench", flag.ContinueOnError)
	modeName := fs.String("mode", "slack", "the endpoint to load: "+strings.Join(slices.Sorted(mapsKeys(modes)), ", "))
	redisURL := fs.String("redis-url", "", "the Redis to use (keys under a wavebench prefix); empty: a throwaway redis-server")
	conns := fs.Int("conns", 16, "connections at saturation")
	satFor := fs.Duration("saturate", 5*time.Second, "how long each handler is driven at saturation")
	rate := fs.Int("rate", 500, "requests a second of the fixed-rate run")
	rateFor := fs.Duration("for", 10*time.Second, "how long the fixed-rate run lasts")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole process during wavebot's saturation run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	newMode, ok := modes[*modeName]
	if !ok {
		return fmt.Errorf("-mode %q: choose one of %s", *modeName, strings.Join(slices.Sorted(mapsKeys(modes)), ", "))
	}
	if *conns < 1 || *rate < 1 || *satFor <= 0 || *rateFor <= 0 || *satFor > 10*time.Minute || *rateFor > 10*time.Minute {
		return errors.New("-conns and -rate must be positive, -saturate and -for between 0 and 10m")
	}
	m := newMode()
	if *redisURL == "" {
		srv, err := startRedis()
		if err != nil {
			return err
		}
		defer srv.stop()
		*redisURL = srv.url
	}
	realHandler, closeReal, err := m.real(ctx, *redisURL)
	if err != nil {
		return err
	}
	defer closeReal()
	targets := []struct {
		name string
		h    http.Handler
	}{{"bare", m.bare()}, {"wavebot", realHandler}}
	fmt.Fprintf(out, "wavebench %s: %s\nRedis %s, GOMAXPROCS %d, %d connections at saturation for %v, then %d req/s for %v\n\n",
		*modeName, m.describe(), *redisURL, runtime.GOMAXPROCS(0), *conns, *satFor, *rate, *rateFor)
	fmt.Fprintf(out, "%-8s %12s %9s %9s   %9s %9s %9s %8s\n", "handler", "sat. req/s", "sat. p50", "sat. p99", "p50", "p99", "max", "errors")
	var results []result
	for _, tg := range targets {
		base, stopServer, err := serveOnLoopback(tg.h)
		if err != nil {
			return err
		}
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conns + 64, MaxIdleConns: *conns + 64}}
		newReq := func() *http.Request { return m.request(base) }
		saturate(ctx, client, newReq, m.ok, *conns, time.Second) // warm-up
		stopProfile, err := profile(*cpuProfile, tg.name == "wavebot")
		if err != nil {
			return err
		}
		sat := saturate(ctx, client, newReq, m.ok, *conns, *satFor)
		stopProfile()
		fixed := paced(ctx, client, newReq, m.ok, *rate, *rateFor)
		client.CloseIdleConnections()
		stopServer()
		r := result{name: tg.name, sat: sat, fixed: fixed}
		results = append(results, r)
		fmt.Fprintf(out, "%-8s %12.0f %9s %9s   %9s %9s %9s %8d\n", r.name, sat.throughput(), ms(sat.quantile(0.5)), ms(sat.quantile(0.99)),
			ms(fixed.quantile(0.5)), ms(fixed.quantile(0.99)), ms(fixed.quantile(1)), sat.errors+fixed.errors)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	bare, real := results[0], results[1]
	ratio := real.sat.throughput() / bare.sat.throughput()
	fmt.Fprintf(out, "\nwavebot/bare throughput %.2f (goal ≥ 0.50): %s; wavebot p99 at %d req/s %s (goal < 2 ms): %s\n",
		ratio, verdict(ratio >= 0.5), *rate, ms(real.fixed.quantile(0.99)), verdict(real.fixed.quantile(0.99) < 2*time.Millisecond))
	if real.sat.errors+real.fixed.errors+bare.sat.errors+bare.fixed.errors > 0 {
		return errors.New("some requests failed; the figures above do not count them")
	}
	return nil
}

type result struct {
	name       string
	sat, fixed outcome
}

// profile starts a CPU profile into file when on, and returns how to stop it.
func profile(file string, on bool) (func(), error) {
	if file == "" || !on {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// serveOnLoopback serves h on a free loopback port as serve would, and
// returns its address and how to stop it.
func serveOnLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
