// Command wavebot runs the wave bot: "wavebot console" drives it from a
// terminal on the embedded store, "wavebot serve" runs it as a service.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Copenhagen without a zone database, as in a slim container

	"wavebot/bot/console"
	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/storage/backup"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/wave"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  wavebot console [--as NAME] [--data DIR] [--now YYYY-MM-DD] [--out DIR]
                                                                drive wavebot from this terminal
  wavebot serve [--data DIR]                                    run the service: HTTP endpoints and reminders
  wavebot health [--url URL]                                    exit 0 when the service on WAVEBOT_LISTEN answers /healthz
  wavebot config                                                print the configuration, secrets masked
  wavebot version                                               print version, commit and Go version
  wavebot export [--data DIR] > FILE                            write the whole state as one JSON document
  wavebot import [--data DIR] [FILE]                            load such a document into an empty store
  wavebot report ID [--csv] [--lang da|en] [--data DIR]         a wave's close-out report as Markdown (or CSV)
Configuration comes from WAVEBOT_* environment variables; see README.md.`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, env func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "console":
		err = runConsole(ctx, args[1:], env, stdin, stdout, stderr)
	case "serve":
		err = runServe(ctx, args[1:], env, stderr)
	case "health":
		err = runHealth(ctx, args[1:], env, stderr)
	case "config":
		err = runConfig(args[1:], env, stdout)
	case "version":
		fmt.Fprintln(stdout, versionLine())
	case "export":
		err = runExport(ctx, args[1:], env, stdout, stderr)
	case "import":
		err = runImport(ctx, args[1:], env, stdin, stdout, stderr)
	case "report":
		err = runReport(ctx, args[1:], env, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "wavebot: unknown subcommand %q\n%s\n", args[0], usage)
		return 2
	}
	var cfgErr configError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &cfgErr):
		for _, line := range cfgErr {
			fmt.Fprintln(stderr, "wavebot:", line)
		}
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "wavebot:", err)
		return 1
	}
	return 0
}

func runConsole(ctx context.Context, args []string, env func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(stderr)
	as := fs.String("as", defaultPerson(env), "the person to act as")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory of the embedded store (overrides WAVEBOT_DATA_DIR)")
	start := fs.String("now", "", "start the simulated clock on this day at 12:00 (default: now)")
	files := fs.String("out", ".", "directory the pictures of replies (a timeline) are written to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("console: unexpected argument %q", fs.Arg(0))
	}
	person, ok := commands.PersonID(strings.TrimPrefix(*as, "@"))
	if !ok {
		return fmt.Errorf("--as %q: a name is letters, digits, '.', '-' and '_', at most %d characters", *as, commands.MaxPersonName)
	}
	clk := clock.NewFake(time.Now())
	if *start != "" {
		d, err := wave.ParseDate(*start)
		if err != nil {
			return fmt.Errorf("--now: %w", err)
		}
		clk.Set(cfg.Calendar.At(d, 12, 0))
	}
	// The console logs warnings and errors only, unless told otherwise.
	level := slog.LevelWarn
	if _, ok := env("WAVEBOT_LOG_LEVEL"); ok {
		level = cfg.LogLevel
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	// The console's simulated time judges the ledger's leases and waits too.
	store, err := openStore(ctx, cfg, clk, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	// The console's links expire by its clock, so a session on a fixed
	// --now prints the same links every time.
	d, err := commands.New(commands.Config{
		Store: store, Clock: clk, Calendar: cfg.Calendar, Template: cfg.Template,
		Forvaltninger: cfg.Forvaltninger, Admins: cfg.Admins, BootstrapAdmin: true, Policy: cfg.Policy, Lang: cfg.Lang,
		Local: console.Commands(), Logger: logger, Links: linksOf(cfg.Pages.links(clk)),
	})
	if err != nil {
		return err
	}
	interactive := isTerminal(stdin)
	c := &console.Console{Commands: d, Clock: clk, Calendar: cfg.Calendar, As: person, Out: stdout,
		Echo: !interactive, Prompt: interactive, Files: *files}
	// The console prints; it needs no pacing or retries.
	delivery := notify.NewDelivery(c, store, clk)
	delivery.Pace, delivery.Attempts, delivery.Workers, delivery.AttemptTimeout, delivery.Logger = 0, 1, 1, time.Minute, logger
	c.Reminders = &notify.Sweeper{Store: store, Policy: cfg.Policy, Delivery: delivery, Clock: clk,
		Batch: sweepBatch, MaxRounds: sweepRounds, Logger: logger}
	return c.Run(ctx, stdin)
}

// openStore opens Redis when WAVEBOT_REDIS_URL is set, else the bolt
// store in the data directory. Its due index holds each wave's next
// reminder after the sweeper's watermark. clk, when set, judges the
// ledger's leases and waits instead of the store's own clock. The Redis
// client's own complaints go to logger, once per outage.
func openStore(ctx context.Context, cfg config, clk clock.Clock, logger *slog.Logger) (storage.Store, error) {
	s, err := openStoreOnly(ctx, cfg, clk, logger)
	if err != nil {
		return nil, err
	}
	if err := moveTracks(ctx, s, clk, logger); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// moveTracks moves the KØR workflow tracks an older wavebot kept on the
// enrolments into one per forvaltning, once (storage.MoveTracks), and
// logs what it kept and dropped.
func moveTracks(ctx context.Context, s storage.Store, clk clock.Clock, logger *slog.Logger) error {
	now := time.Now()
	if clk != nil {
		now = clk.Now()
	}
	moves, err := storage.MoveTracks(ctx, s, now)
	for _, m := range moves {
		logger.Warn("KØR workflow tracks moved to one per forvaltning", "fv", m.FV, "kept", fmt.Sprintf("%d/%d steps done", m.Done, m.Total),
			"dropped", strings.Join(m.Dropped, ","), "report", backup.MoveText(m))
	}
	return err
}

func openStoreOnly(ctx context.Context, cfg config, clk clock.Clock, logger *slog.Logger) (storage.Store, error) {
	due := cfg.Policy
	if cfg.RedisURL == "" {
		s, err := bolt.Open(cfg.DataDir, due)
		if err != nil {
			return nil, err
		}
		s.Clock = clk
		return s, nil
	}
	redis.LogTo(logger)
	s, err := redis.Open(ctx, cfg.RedisURL, cfg.RedisPrefix, due)
	if err != nil {
		return nil, fmt.Errorf("WAVEBOT_REDIS_URL: %w", err)
	}
	s.Clock = clk
	return s, nil
}

// defaultPerson is the console's person when --as is not given: the login
// name, when it can be a person's name.
func defaultPerson(env func(string) (string, bool)) string {
	if u, ok := env("USER"); ok {
		if id, ok := commands.PersonID(u); ok {
			return id
		}
	}
	return "admin"
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
