// Command wavebench measures a whole wavebot endpoint under load on this
// machine: the handler serve runs, on a Redis store, next to a bare
// handler that only checks what the platform signs and answers a
// constant, in the same run, in turns over several rounds. For each it
// reports the throughput at saturation, and the median and 99th
// percentile latency at a fixed rate, from when each request is sent
// (and, for comparison, the 99th percentile from when it was due, which
// adds the sender's own timer lateness of up to a millisecond).
//
// The handlers run in a process of their own, the measured process,
// which wavebench starts from its own executable ("wavebench serve"):
// it shares no collector or scheduler with the load. The load generator
// stays in wavebench's process with everything that stands for the
// platform's side (for Teams, Microsoft's key set, token endpoint and Bot
// Connector; for Slack, its Web API), as the platform is not on
// wavebot's machine either. Everything listens on the loopback
// interface, and it stops by itself.
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
	"slices"
	"strings"
	"syscall"
	"time"

	"wavebot/internal/gcpolicy"
)

// load is the platform's side of a mode, in the load generator's
// process: the requests, and what makes an answer right.
type load interface {
	// describe names the request and the endpoint.
	describe() string
	// p99Goal is the most the 99th percentile of wavebot's latency at the
	// fixed rate may be.
	p99Goal() time.Duration
	// request is a new request, signed now, to the endpoint at base.
	request(base string) *http.Request
	// ok reports whether an answer is the one expected.
	ok(status int, body []byte) bool
	// check is told, after each run of a handler, how many requests ok
	// accepted, and reports what it finds amiss with the answers that
	// did not come back in the responses.
	check(answered int) error
}

// mode is one chat platform's endpoint under load: the platform's side
// (the load and the stand-ins of the platform's servers), in the load
// generator's process, and wavebot's side (the handlers), in the
// measured process.
type mode interface {
	load
	// start brings up the stand-ins of the platform's servers, in the load
	// generator's process, and says where they listen; stop ends them.
	start() (platform, error)
	stop()
	// setup gives wavebot's handler at base, once it runs, the data the
	// requests read, through the endpoint itself.
	setup(base string) error
	// handlers builds, in the measured process, the bare handler and the
	// one serve runs, on the Redis at redisURL, talking to the
	// platform's stand-ins at p; close releases them.
	handlers(ctx context.Context, redisURL string, p platform) (bare, real http.Handler, close func(), err error)
}

// platform is where the stand-ins of a platform's servers listen: what
// the load generator tells the measured process.
type platform struct {
	// apiURL is Slack's Web API, or the Bot Connector's service URL.
	apiURL string
	// metadataURL and tokenURL are Microsoft's OpenID metadata (which
	// leads to its key set) and token endpoint.
	metadataURL, tokenURL string
}

var modes = map[string]func() mode{
	"slack": newSlackMode,
	"teams": newTeamsMode,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var err error
	if len(os.Args) > 1 && os.Args[1] == serveCommand {
		err = serve(ctx, os.Args[2:], os.Stdin, os.Stdout)
	} else {
		err = run(ctx, os.Args[1:], os.Stdout)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wavebench:", err)
		os.Exit(1)
	}
}

// settings are the load every mode is put under.
type settings struct {
	conns, rounds   int
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
	fs.IntVar(&cfg.rounds, "rounds", 5, "rounds of both handlers in turn")
	fs.DurationVar(&cfg.satFor, "saturate", 3*time.Second, "how long each handler is driven at saturation in a round")
	fs.IntVar(&cfg.rate, "rate", 500, "requests a second of the fixed-rate runs")
	fs.DurationVar(&cfg.rateFor, "for", 5*time.Second, "how long each fixed-rate run lasts")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured process during each mode's first wavebot saturation run to this file, .MODE appended")
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
	if cfg.conns < 1 || cfg.rate < 1 || cfg.rounds < 1 || cfg.rounds > 20 || cfg.satFor <= 0 || cfg.rateFor <= 0 || cfg.satFor > 10*time.Minute || cfg.rateFor > 10*time.Minute {
		return errors.New("-conns and -rate must be positive, -rounds between 1 and 20, -saturate and -for between 0 and 10m")
	}
	redisPID := 0 // the Redis given by -redis-url is not measured
	if *redisURL == "" {
		srv, err := startRedis()
		if err != nil {
			return err
		}
		defer srv.stop()
		*redisURL, redisPID = srv.url, srv.cmd.Process.Pid
	}
	// The load generator's collector runs as the measured process's does:
	// rarely, so that its pauses add little to the latencies it measures.
	gcpolicy.Apply(os.LookupEnv)
	fmt.Fprintf(out, "wavebench: Redis %s, GOMAXPROCS %d; %d rounds of each handler: %d connections at saturation for %v, then %d req/s for %v\n",
		*redisURL, runtime.GOMAXPROCS(0), cfg.rounds, cfg.conns, cfg.satFor, cfg.rate, cfg.rateFor)
	var failed []error
	for _, name := range names {
		if err := bench(ctx, out, name, modes[name](), *redisURL, redisPID, cfg); err != nil {
			if ctx.Err() != nil {
				return err
			}
			failed = append(failed, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(failed...)
}

// bench measures mode m: the platform's stand-ins and the load in this
// process, the handlers in a measured process of their own.
func bench(ctx context.Context, out io.Writer, name string, m mode, redisURL string, redisPID int, cfg settings) error {
	p, err := m.start()
	if err != nil {
		return err
	}
	defer m.stop()
	proc, err := startMeasured(ctx, name, redisURL, p)
	if err != nil {
		return err
	}
	defer proc.stop()
	if err := m.setup(proc.wavebot); err != nil {
		return fmt.Errorf("set up the data: %w", err)
	}
	var profile func() (func() error, error)
	if cfg.cpuProfile != "" {
		profile = proc.profiler(ctx, cfg.cpuProfile+"."+name)
	}
	fmt.Fprintf(out, "\n%s: %s\nmeasured process %d (GOGC %s), load generator %d\n", name, m.describe(), proc.pid, proc.gogc, os.Getpid())
	procs := []process{{"measured process", proc.pid}, {"load generator", os.Getpid()}}
	if redisPID != 0 {
		procs = slices.Insert(procs, 1, process{"Redis", redisPID})
	}
	return measure(ctx, out, m, []string{proc.bare, proc.wavebot}, procs, profile, cfg)
}

// measure runs the bare handler and wavebot's, at bases[0] and bases[1],
// in turns, round after round, and reports each round and all of them;
// profile, when set, profiles wavebot's first saturation run into the
// file it names. A shared virtual machine speeds up and slows down by a
// third from minute to minute; handlers measured side by side in each
// round see the same machine, so the comparison is the median of the
// rounds' ratios, and the latencies at the fixed rate are pooled over
// the rounds.
func measure(ctx context.Context, out io.Writer, m load, bases []string, procs []process, profile func() (stop func() error, err error), cfg settings) error {
	targets := []*target{{name: "bare"}, {name: "wavebot"}}
	for i, base := range bases {
		tg := targets[i]
		tg.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.conns + 64, MaxIdleConns: cfg.conns + 64}}
		defer tg.client.CloseIdleConnections()
		tg.newReq = func() *http.Request { return m.request(base) }
		tg.record(m, saturate(ctx, tg.client, tg.newReq, m.ok, cfg.conns, time.Second)) // warm up
	}
	fmt.Fprintf(out, "\n%-6s %-8s %12s %9s %9s   %9s %9s %9s %11s %8s\n", "round", "handler", "sat. req/s", "sat. p50", "sat. p99", "p50", "p99", "max", "p99 if due", "errors")
	var ratios []float64
	for round := range cfg.rounds {
		for _, tg := range targets {
			stopProfile := func() error { return nil }
			if profile != nil && round == 0 && tg.name == "wavebot" {
				var err error
				if stopProfile, err = profile(); err != nil {
					return err
				}
			}
			before := cpuNow(procs)
			sat := tg.record(m, saturate(ctx, tg.client, tg.newReq, m.ok, cfg.conns, cfg.satFor))
			tg.cpu = append(tg.cpu, perRequest(before, cpuNow(procs), len(sat.latencies)))
			if err := stopProfile(); err != nil {
				return err
			}
			fixed := tg.record(m, paced(ctx, tg.client, tg.newReq, m.ok, cfg.rate, cfg.rateFor))
			tg.sat = append(tg.sat, sat)
			tg.fixed.latencies = append(tg.fixed.latencies, fixed.latencies...)
			tg.fixed.fromDue = append(tg.fixed.fromDue, fixed.fromDue...)
			fmt.Fprintf(out, "%-6d %-8s %12.0f %9s %9s   %9s %9s %9s %11s %8d\n", round+1, tg.name, sat.throughput(), ms(sat.quantile(0.5)), ms(sat.quantile(0.99)),
				ms(fixed.quantile(0.5)), ms(fixed.quantile(0.99)), ms(fixed.quantile(1)), ms(quantile(fixed.fromDue, 0.99)), sat.errors+fixed.errors)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		ratios = append(ratios, targets[1].sat[round].throughput()/targets[0].sat[round].throughput())
	}
	var wrong []error
	for _, tg := range targets {
		fmt.Fprintf(out, "%-6s %-8s %12.0f %9s %9s   %9s %9s %9s %11s %8d\n", "all", tg.name, median(tg.throughputs()), "", "",
			ms(tg.fixed.quantile(0.5)), ms(tg.fixed.quantile(0.99)), ms(tg.fixed.quantile(1)), ms(quantile(tg.fixed.fromDue, 0.99)), tg.errors)
		if tg.wrong != nil {
			wrong = append(wrong, fmt.Errorf("%s: %w", tg.name, tg.wrong))
		}
		if tg.errors > 0 {
			wrong = append(wrong, fmt.Errorf("%s: some requests failed; the figures above do not count them", tg.name))
		}
	}
	ratio, p99, goal := median(ratios), targets[1].fixed.quantile(0.99), m.p99Goal()
	fmt.Fprintf(out, "\nwavebot/bare throughput %.2f, the median of %s (goal ≥ 0.50): %s; wavebot p99 at %d req/s %s over all rounds (goal ≤ %s): %s\n%s\n",
		ratio, twoPlaces(ratios), verdict(ratio >= 0.5), cfg.rate, ms(p99), ms(goal), verdict(p99 <= goal), cpuReport(procs, targets[0].cpu, targets[1].cpu))
	return errors.Join(wrong...)
}

// target is one handler's server under load, and what its rounds
// measured: each saturation run, the fixed-rate runs pooled, the failed
// requests of all its runs and what the mode's check found amiss.
type target struct {
	name   string
	client *http.Client
	newReq func() *http.Request
	sat    []outcome
	// cpu is what a request of each saturation run cost each process.
	cpu    []cpuSpent
	fixed  outcome
	errors int
	wrong  error
}

// record adds a run's failures, and what m's check finds amiss with its
// answers, to the target's, and returns the run.
func (tg *target) record(m load, o outcome) outcome {
	tg.errors += o.errors
	if err := m.check(len(o.latencies)); err != nil && tg.wrong == nil {
		tg.wrong = err
	}
	return o
}

func (tg *target) throughputs() []float64 {
	var t []float64
	for _, o := range tg.sat {
		t = append(t, o.throughput())
	}
	return t
}

// median is the middle value, or the mean of the two middle ones.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func twoPlaces(v []float64) string {
	var parts []string
	for _, x := range v {
		parts = append(parts, fmt.Sprintf("%.2f", x))
	}
	return strings.Join(parts, ", ")
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
