package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"wavebot/storage"
	"wavebot/storage/backup"
)

// Stamped at build time (see the Dockerfile):
// -ldflags "-X main.version=1.4.0 -X main.commit=0123abc".
var (
	version = "dev"
	commit  = ""
)

// versionLine is what "wavebot version" prints: the version, the commit
// (stamped, or else the one the Go toolchain recorded) and the Go version.
func versionLine() string {
	c := commit
	if c == "" {
		c = "unknown"
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					c = s.Value
				}
			}
		}
	}
	return fmt.Sprintf("wavebot %s (commit %s, %s %s/%s)", version, c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// healthTimeout bounds "wavebot health"; a container's health check
// gives up after a few seconds.
const healthTimeout = 2 * time.Second

// runHealth asks the service on WAVEBOT_LISTEN (or --url) whether it is
// up: a container image without curl checks itself with its own binary.
func runHealth(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("url", "", "the address to ask (default: /healthz on WAVEBOT_LISTEN, on this host)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *target == "" {
		listen := orDefault(vars(lookupEnv).get("WAVEBOT_LISTEN"), ":8080")
		host, port, err := net.SplitHostPort(listen)
		if err != nil {
			return fmt.Errorf("WAVEBOT_LISTEN: %q: give host:port or :port", listen)
		}
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		*target = "http://" + net.JoinHostPort(host, port) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %s", *target, resp.Status)
	}
	return nil
}

// runConfig prints the effective configuration, secrets masked, or every
// problem with it.
func runConfig(args []string, env func(string) (string, bool), stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("config: unexpected argument %q", args[0])
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	for _, s := range cfg.settings() {
		fmt.Fprintf(stdout, "%s=%s\n", s[0], s[1])
	}
	return nil
}

// storeFlags reads the flags export and import share and opens the store.
func storeFlags(ctx context.Context, name string, args []string, lookupEnv func(string) (string, bool), stderr io.Writer) (*flag.FlagSet, storage.Store, error) {
	cfg, err := loadConfig(lookupEnv)
	if err != nil {
		return nil, nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory of the embedded store (overrides WAVEBOT_DATA_DIR)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	store, err := openStore(ctx, cfg, nil, logger)
	if err != nil {
		return nil, nil, err
	}
	return fs, store, nil
}

// runExport writes the whole state to stdout.
func runExport(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	fs, store, err := storeFlags(ctx, "export", args, env, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected argument %q; the document goes to standard output", fs.Arg(0))
	}
	return backup.Export(ctx, store, stdout)
}

// runImport loads a document, from a file or stdin, into an empty store.
func runImport(ctx context.Context, args []string, env func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) error {
	fs, store, err := storeFlags(ctx, "import", args, env, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	in := stdin
	switch fs.NArg() {
	case 0:
	case 1:
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		in = f
	default:
		return fmt.Errorf("import: unexpected argument %q; give one file, or none to read standard input", fs.Arg(1))
	}
	counts, err := backup.Import(ctx, in, store)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s\n", counts)
	return nil
}
