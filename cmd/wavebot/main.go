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
	"wavebot/internal/catalog"
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
	if words := strings.Fields(strings.TrimPrefix(*as, "@")); !ok && len(words) > 1 {
		if id, ok := commands.PersonID(strings.Join(words, ".")); ok {
			return fmt.Errorf("--as %q: a name is one word, such as --as %s", *as, id)
		}
	}
	if !ok {
		return fmt.Errorf("--as %q: a name is letters, digits, '.', '-' and '_', at most %d characters", *as, commands.MaxPersonName)
	}
	var day wave.Date
	if *start != "" {
		if day, err = wave.ParseDate(*start); err != nil {
			return fmt.Errorf("--now: %w", err)
		}
	}
	// On the embedded store the simulated clock is kept beside it, so a
	// later run goes on where this one stops. Redis may be shared with a
	// server, whose time is the real one: there the console keeps none.
	var kept *keptClock
	if cfg.RedisURL == "" {
		k := newKeptClock(cfg.DataDir)
		kept = &k
	}
	now, refused, err := consoleStart(kept, day, cfg.Calendar)
	if err != nil {
		return err
	}
	clk := clock.NewFake(now)
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
	if refused {
		lang := d.Lang(ctx, person)
		return fmt.Errorf("--now %s: %s", *start, catalog.ConsoleNowBackwards.In(lang, catalog.Moment(lang, now.In(cfg.Calendar.Location())), kept.path))
	}
	interactive := isTerminal(stdin)
	c := &console.Console{Commands: d, Clock: clk, Calendar: cfg.Calendar, As: person, Out: stdout,
		Echo: !interactive, Prompt: interactive, Files: *files}
	if kept != nil {
		if err := kept.keep(now); err != nil {
			return err
		}
		c.KeepClock = kept.keep
	}
	// The console prints; it needs no pacing or retries.
	delivery := notify.NewDelivery(c, store, clk)
	delivery.Pace, delivery.Attempts, delivery.Workers, delivery.AttemptTimeout, delivery.Logger = 0, 1, 1, time.Minute, logger
	c.Reminders = &notify.Sweeper{Store: store, Policy: cfg.Policy, Delivery: delivery, Clock: clk,
		Batch: sweepBatch, MaxRounds: sweepRounds, Logger: logger}
	return c.Run(ctx, stdin)
}

// consoleStart is when the console's simulated clock starts: on day at
// 12:00 when --now gives one, else where the kept clock stopped, else now.
// A day earlier than the kept clock's is refused (refused is set, and the
// time returned is the kept one); on the kept day itself the clock goes on
// from the kept time, as it never goes backwards.
func consoleStart(kept *keptClock, day wave.Date, cal *wave.Calendar) (at time.Time, refused bool, err error) {
	var last time.Time
	haveLast := false
	if kept != nil {
		if last, haveLast, err = kept.load(); err != nil {
			return time.Time{}, false, err
		}
	}
	switch {
	case day.IsZero() && haveLast:
		return last, false, nil
	case day.IsZero():
		return time.Now(), false, nil
	case !haveLast:
		return cal.At(day, 12, 0), false, nil
	case day.Before(cal.Today(last)):
		return last, true, nil
	}
	if noon := cal.At(day, 12, 0); noon.After(last) {
		return noon, false, nil
	}
	return last, false, nil
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
