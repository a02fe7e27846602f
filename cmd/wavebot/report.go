package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"wavebot/commands"
	"wavebot/internal/clock"
)

// runReport writes a wave's close-out report for the steering group to
// stdout: "wavebot report ID" as Markdown, with --csv as CSV that Danish
// Excel opens directly. It reads the store console and serve use.
func runReport(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory of the embedded store (overrides WAVEBOT_DATA_DIR)")
	csv := fs.Bool("csv", false, "write CSV instead of Markdown")
	lang := fs.String("lang", cfg.Lang, "the report's language: da or en")
	// The wave's id comes first, as in chat (wavebot report b3 --csv), but
	// flags before it are read too.
	var id string
	for rest := args; ; rest = fs.Args()[1:] {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		if id != "" {
			return fmt.Errorf("report: unexpected argument %q", fs.Arg(0))
		}
		id = fs.Arg(0)
	}
	if id == "" {
		return fmt.Errorf("report: name the wave: wavebot report ID [--csv] [--lang da|en] [--data DIR]")
	}
	if *lang != "da" && *lang != "en" {
		return fmt.Errorf("report: --lang %q: choose da or en", *lang)
	}
	store, err := openStore(ctx, cfg, nil, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})))
	if err != nil {
		return err
	}
	defer store.Close()
	d, err := commands.New(commands.Config{Store: store, Clock: clock.System{}, Calendar: cfg.Calendar, Template: cfg.Template,
		Forvaltninger: cfg.Forvaltninger, Policy: cfg.Policy, Lang: cfg.Lang, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	rep, err := d.CloseOut(ctx, id)
	if err != nil {
		return fmt.Errorf("report %s: %s", id, d.Refusal(*lang, err).Lines[0])
	}
	if *csv {
		return rep.CSV(stdout, *lang)
	}
	return rep.Markdown(stdout, *lang)
}
