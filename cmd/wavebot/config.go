package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"wavebot/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

// config is wavebot's configuration, read from WAVEBOT_* environment variables.
type config struct {
	DataDir       string
	RedisURL      string
	RedisPrefix   string
	Admins        []string
	Lang          string
	Calendar      *wave.Calendar
	Template      wave.Template
	Forvaltninger []string
	// Policy is the reminder policy.
	Policy notify.Policy
	// Listen is the address of wavebot serve.
	Listen string
	// SweepInterval is how often wavebot serve looks for due reminders.
	SweepInterval time.Duration
}

// Bounds of WAVEBOT_SWEEP_INTERVAL: reminders go out at whole minutes, and
// a sweep is cheap when nothing is due.
const (
	minSweepInterval = time.Second
	maxSweepInterval = time.Hour
)

// loadConfig reads the environment through lookupEnv (os.LookupEnv in
// production). An error names the variable that is wrong.
func loadConfig(lookupEnv func(string) (string, bool)) (config, error) {
	getenv := func(name string) string { v, _ := lookupEnv(name); return v }
	c := config{
		DataDir:     orDefault(getenv("WAVEBOT_DATA_DIR"), "./data"),
		RedisURL:    getenv("WAVEBOT_REDIS_URL"),
		RedisPrefix: orDefault(getenv("WAVEBOT_REDIS_PREFIX"), "wavebot:"),
		Admins:      list(getenv("WAVEBOT_ADMINS")),
		Lang:        orDefault(getenv("WAVEBOT_LANG"), catalog.Danish),
		Template:    wave.DefaultTemplate(),
		Listen:      orDefault(getenv("WAVEBOT_LISTEN"), ":8080"),
	}
	interval, err := time.ParseDuration(orDefault(getenv("WAVEBOT_SWEEP_INTERVAL"), "1m"))
	if err != nil || interval < minSweepInterval || interval > maxSweepInterval {
		return config{}, fmt.Errorf("WAVEBOT_SWEEP_INTERVAL=%q: give a duration from %v to %v, e.g. 1m", getenv("WAVEBOT_SWEEP_INTERVAL"), minSweepInterval, maxSweepInterval)
	}
	c.SweepInterval = interval
	if !catalog.SupportedLang(c.Lang) {
		return config{}, fmt.Errorf("WAVEBOT_LANG=%q: choose da or en", c.Lang)
	}
	loc, err := time.LoadLocation(orDefault(getenv("WAVEBOT_TZ"), "Europe/Copenhagen"))
	if err != nil {
		return config{}, fmt.Errorf("WAVEBOT_TZ: %w", err)
	}
	closed := wave.DefaultClosedDays
	if v, ok := lookupEnv("WAVEBOT_CLOSED_DAYS"); ok {
		if closed, err = wave.ParseMonthDays(v); err != nil {
			return config{}, fmt.Errorf("WAVEBOT_CLOSED_DAYS: %w", err)
		}
	}
	c.Calendar = wave.NewCalendar(loc, closed)
	if c.Policy, err = notify.ParsePolicy(c.Calendar, getenv("WAVEBOT_REMINDERS")); err != nil {
		return config{}, fmt.Errorf("WAVEBOT_REMINDERS: %w", err)
	}
	if path := getenv("WAVEBOT_TEMPLATE"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return config{}, fmt.Errorf("WAVEBOT_TEMPLATE: %w", err)
		}
		if c.Template, err = wave.ParseTemplate(data); err != nil {
			return config{}, fmt.Errorf("WAVEBOT_TEMPLATE %s: %w", path, err)
		}
	}
	c.Forvaltninger = wave.DefaultForvaltninger
	if v := getenv("WAVEBOT_FORVALTNINGER"); v != "" {
		c.Forvaltninger = nil
		for _, fv := range list(v) {
			c.Forvaltninger = append(c.Forvaltninger, wave.NormalizeFV(fv))
		}
	}
	return c, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func list(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
