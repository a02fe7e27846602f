package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/internal/gcpolicy"
	"wavebot/internal/metrics"
	"wavebot/notify"
	"wavebot/storage"
)

// Limits of the service; the console's sweeper shares the batch.
const (
	shutdownGrace = 10 * time.Second
	readyTimeout  = 2 * time.Second
	// platformStart bounds what a chat platform does before serving
	// (Slack's auth.test).
	platformStart = 15 * time.Second
	// A sweep reads at most sweepRounds batches of sweepBatch due waves.
	sweepBatch  = 1000
	sweepRounds = 10
)

// runServe runs wavebot as a service: the HTTP endpoints and the reminder
// sweeper, until ctx ends.
func runServe(ctx context.Context, args []string, env func(string) (string, bool), stderr io.Writer) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory of the embedded store (overrides WAVEBOT_DATA_DIR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	gogc := gcpolicy.Apply(env)
	m := metrics.New()
	opened, err := openStore(ctx, cfg, nil, logger)
	if err != nil {
		return err
	}
	defer opened.Close()
	store := m.Store(opened)
	clk := clock.System{}
	links := cfg.Pages.links(clk)
	d, err := commands.New(commands.Config{
		Store: m.Store(cachedReads(opened)), Clock: clk, Calendar: cfg.Calendar, Template: cfg.Template, Forvaltninger: cfg.Forvaltninger,
		Admins: cfg.Admins, BootstrapAdmin: false, Policy: cfg.Policy, Lang: cfg.Lang, Logger: logger, Links: linksOf(links),
		Observe: m.ObserveCommands(logger),
	})
	if err != nil {
		return err
	}
	// Each chat platform delivers reminders to its people; a person no
	// platform reaches is logged as undeliverable and recorded, not retried.
	platforms, err := chats(cfg, d, logger, m.Rejected)
	if err != nil {
		return err
	}
	for _, c := range platforms {
		if c.start != nil {
			starting, cancel := context.WithTimeout(ctx, platformStart)
			err := c.start(starting)
			cancel()
			if err != nil {
				return err
			}
		}
	}
	if len(platforms) == 0 {
		logger.Warn("no chat platform is configured: nobody can send a command; set the WAVEBOT_SLACK_* or WAVEBOT_TEAMS_* variables")
	}
	notifiers := notify.Router{}
	for _, c := range platforms {
		notifiers[c.name] = c.notifier
	}
	// A person linked on two platforms hears each reminder once, where
	// they last wrote from.
	delivery := notify.NewDelivery(notify.LastUsed{People: d, Next: notifiers}, store, clk)
	delivery.Logger = logger
	sweeper := &notify.Sweeper{Store: store, Policy: cfg.Policy, Delivery: delivery, Clock: clk,
		Batch: sweepBatch, MaxRounds: sweepRounds, Logger: logger, Report: m.Swept}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("WAVEBOT_LISTEN: %w", err)
	}
	srv := &http.Server{
		Handler:           m.HTTP(withPages(routes(store, m.Handler(), platforms...), d, links, logger)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// Shutdown closes the listeners before it calls this: from the line
	// on, no new connection is taken, and the requests in flight finish.
	srv.RegisterOnShutdown(func() { logger.Info("stopping", "grace", shutdownGrace.String()) })
	logger.Info("listening", "addr", ln.Addr().String(), "sweep_interval", cfg.SweepInterval.String(), "chat", cfg.chatPlatforms(),
		"gogc", gogc, "version", version)
	// The sweeper and the platforms' own connections stop with the
	// service, also when the server or one of them fails.
	running, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	wg.Go(func() { sweeper.Run(running, cfg.SweepInterval) })
	failed := make(chan error, len(platforms)+1)
	go func() { failed <- srv.Serve(ln) }()
	for _, c := range platforms {
		if c.run != nil {
			wg.Go(func() {
				if err := c.run(running); err != nil {
					failed <- err
				}
			})
		}
	}
	select {
	case err = <-failed:
	case <-ctx.Done():
	}
	stop()
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if shutErr := srv.Shutdown(shutdown); err == nil {
		err = shutErr
	}
	wg.Wait()
	for _, c := range platforms {
		if c.wait != nil {
			c.wait()
		}
	}
	logger.Info("stopped")
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// cachedReads is the store commands read through: on Redis, one that
// answers reads of waves and people from the replica's memory while
// Redis reports their changes; the sweeper reads the store itself.
func cachedReads(s storage.Store) storage.Store {
	if c, ok := s.(interface{ CachedReads() storage.Store }); ok {
		return c.CachedReads()
	}
	return s
}

// pinger is what the readiness check needs of the store.
type pinger interface {
	Ping(ctx context.Context) error
}

// routes are the HTTP endpoints: liveness, readiness, the metrics and
// the chat platforms' own.
func routes(store pinger, metrics http.Handler, platforms ...chat) http.Handler {
	mux := http.NewServeMux()
	for _, c := range platforms {
		if c.routes != nil {
			c.routes(mux)
		}
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := store.Ping(ctx); errors.Is(err, storage.ErrFull) {
			http.Error(w, "storage full: no change can be saved", http.StatusServiceUnavailable)
			return
		} else if err != nil {
			http.Error(w, "storage unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", metrics)
	return mux
}
