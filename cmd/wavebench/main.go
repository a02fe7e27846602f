// Command wavebench measures a whole wavebot endpoint under load on this
// machine: the handler serve runs, on a Redis store, next to a bare
// handler that only checks what the platform signs and answers a
// constant, in the same run. For each it reports the throughput at
// saturation, and the median and 99th percentile latency at a fixed
// rate. Everything it starts listens on the loopback interface, and it
// stops by itself.
//
//	go run ./cmd/wavebench                # Slack, then Teams
//	go run ./cmd/wavebench -mode teams
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
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

// mode is one chat platform's endpoint under load.
type mode interface {
	// describe names the request and the endpoint.
	describe() string
	// real starts the handler serve would run, with its data in place,
	// on the Redis at redisURL; close releases it. It is called before
	// the other methods.
	real(ctx context.Context, redisURL string) (h http.Handler, close func(), err error)
	// bare is a handler that only verifies the request and answers a constant.
	bare() http.Handler
	// request is a new request, signed now, to the endpoint at base.
	request(base string) *http.Request
	// ok reports whether an answer is the one expected.
	ok(status int, body []byte) bool
	// check is told, after a handler's runs, how many requests ok
	// accepted, and reports what it finds amiss with the answers that
	// did not come back in the responses.
	check(answered int) error
}

var modes = map[string]func() mode{
	"slack": newSlackMode,
	"teams": newTeamsMode,
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

// settings are the load every mode is put under.
type settings struct {
	conns           int
	satFor, rateFor time.Duration
	rate            int
	cpuProfile      string
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("wavebench", flag.ContinueOnError)
	known := strings.Join(slices.Sorted(maps.Keys(modes)), ",")
	modeNames := fs.String("mode", known, "the endpoints to load, one after the other: any of "+known+", comma-separated")
	redisURL := fs.String("redis-url", "", "the Redis to use (keys under a wavebench prefix); empty: a throwaway redis-server")
	var cfg settings
	fs.IntVar(&cfg.conns, "conns", 16, "connections at saturation")
	fs.DurationVar(&cfg.satFor, "saturate", 5*time.Second, "how long each handler is driven at saturation")
	fs.IntVar(&cfg.rate, "rate", 500, "requests a second of the fixed-rate run")
	fs.DurationVar(&cfg.rateFor, "for", 10*time.Second, "how long the fixed-rate run lasts")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole process during each mode's wavebot saturation run to this file, .MODE appended")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		// -h asked for the flags, which the flag set has printed.
		return nil
	case err != nil:
		return err
	}
	names := strings.Split(*modeNames, ",")
	for _, name := range names {
		if _, ok := modes[name]; !ok {
			return fmt.Errorf("-mode %q: choose among %s", name, known)
		}
	}
	if cfg.conns < 1 || cfg.rate < 1 || cfg.satFor <= 0 || cfg.rateFor <= 0 || cfg.satFor > 10*time.Minute || cfg.rateFor > 10*time.Minute {
		return errors.New("-conns and -rate must be positive, -saturate and -for between 0 and 10m")
	}
	if *redisURL == "" {
		srv, err := startRedis()
		if err != nil {
			return err
		}
		defer srv.stop()
		*redisURL = srv.url
	}
	fmt.Fprintf(out, "wavebench: Redis %s, GOMAXPROCS %d, %d connections at saturation for %v, then %d req/s for %v\n",
		*redisURL, runtime.GOMAXPROCS(0), cfg.conns, cfg.satFor, cfg.rate, cfg.rateFor)
	var failed []error
	for _, name := range names {
		if err := measure(ctx, out, name, modes[name](), *redisURL, cfg); err != nil {
			if ctx.Err() != nil {
				return err
			}
			failed = append(failed, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(failed...)
}

// measure runs the bare handler and wavebot's of mode m, one after the
// other, and reports them.
func measure(ctx context.Context, out io.Writer, name string, m mode, redisURL string, cfg settings) error {
	realHandler, closeReal, err := m.real(ctx, redisURL)
	if err != nil {
		return err
	}
	defer closeReal()
	targets := []struct {
		name string
		h    http.Handler
	}{{"bare", m.bare()}, {"wavebot", realHandler}}
	fmt.Fprintf(out, "\n%s: %s\n\n", name, m.describe())
	fmt.Fprintf(out, "%-8s %12s %9s %9s   %9s %9s %9s %8s\n", "handler", "sat. req/s", "sat. p50", "sat. p99", "p50", "p99", "max", "errors")
	var results []result
	var wrong []error
	for _, tg := range targets {
		base, stopServer, err := serveOnLoopback(tg.h)
		if err != nil {
			return err
		}
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.conns + 64, MaxIdleConns: cfg.conns + 64}}
		newReq := func() *http.Request { return m.request(base) }
		warm := saturate(ctx, client, newReq, m.ok, cfg.conns, time.Second)
		stopProfile, err := profile(cfg.cpuProfile, name, tg.name == "wavebot")
		if err != nil {
			stopServer()
			return err
		}
		sat := saturate(ctx, client, newReq, m.ok, cfg.conns, cfg.satFor)
		stopProfile()
		fixed := paced(ctx, client, newReq, m.ok, cfg.rate, cfg.rateFor)
		client.CloseIdleConnections()
		stopServer()
		if err := m.check(len(warm.latencies) + len(sat.latencies) + len(fixed.latencies)); err != nil {
			wrong = append(wrong, fmt.Errorf("%s: %w", tg.name, err))
		}
		r := result{name: tg.name, sat: sat, fixed: fixed}
		results = append(results, r)
		fmt.Fprintf(out, "%-8s %12.0f %9s %9s   %9s %9s %9s %8d\n", r.name, sat.throughput(), ms(sat.quantile(0.5)), ms(sat.quantile(0.99)),
			ms(fixed.quantile(0.5)), ms(fixed.quantile(0.99)), ms(fixed.quantile(1)), warm.errors+sat.errors+fixed.errors)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	bare, real := results[0], results[1]
	ratio := real.sat.throughput() / bare.sat.throughput()
	fmt.Fprintf(out, "\nwavebot/bare throughput %.2f (goal ≥ 0.50): %s; wavebot p99 at %d req/s %s (goal < 2 ms): %s\n",
		ratio, verdict(ratio >= 0.5), cfg.rate, ms(real.fixed.quantile(0.99)), verdict(real.fixed.quantile(0.99) < 2*time.Millisecond))
	if real.sat.errors+real.fixed.errors+bare.sat.errors+bare.fixed.errors > 0 {
		wrong = append(wrong, errors.New("some requests failed; the figures above do not count them"))
	}
	return errors.Join(wrong...)
}

type result struct {
	name       string
	sat, fixed outcome
}

// profile starts a CPU profile of mode into file.MODE when on, and
// returns how to stop it.
func profile(file, mode string, on bool) (func(), error) {
	if file == "" || !on {
		return func() {}, nil
	}
	f, err := os.Create(file + "." + mode)
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
