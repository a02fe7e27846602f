package main

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"wavebot/bot/teams"
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
	// Slack is the Slack app; zero when wavebot is not in Slack.
	Slack slackConfig
	// Teams is the Teams bot registration; nil when wavebot is not in Teams.
	Teams *teams.Config
	// Pages are the web pages chat links to; zero when they are off.
	Pages pagesConfig
}

// slackConfig is how wavebot reaches Slack: over HTTP (signing secret)
// or Socket Mode (app token), calling the Web API with the bot token.
type slackConfig struct {
	BotToken, SigningSecret, AppToken, APIURL string
}

// enabled reports whether wavebot is in Slack.
func (s slackConfig) enabled() bool { return s.BotToken != "" }

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
	if c.Slack, err = loadSlack(getenv); err != nil {
		return config{}, err
	}
	if c.Teams, err = loadTeams(lookupEnv); err != nil {
		return config{}, err
	}
	if c.Pages, err = loadPages(getenv); err != nil {
		return config{}, err
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

// loadSlack reads the WAVEBOT_SLACK_* variables. The bot token comes
// with the signing secret (HTTP endpoints), the app token (Socket Mode)
// or both; an error names what is missing or wrong.
func loadSlack(getenv func(string) string) (slackConfig, error) {
	s := slackConfig{
		BotToken: getenv("WAVEBOT_SLACK_BOT_TOKEN"), SigningSecret: getenv("WAVEBOT_SLACK_SIGNING_SECRET"),
		AppToken: getenv("WAVEBOT_SLACK_APP_TOKEN"), APIURL: getenv("WAVEBOT_SLACK_API_URL"),
	}
	switch {
	case s.BotToken == "" && (s.SigningSecret != "" || s.AppToken != ""):
		return slackConfig{}, fmt.Errorf("WAVEBOT_SLACK_BOT_TOKEN is missing: Slack needs the app's bot token (xoxb-…) too")
	case s.BotToken == "":
		return slackConfig{}, nil
	case !strings.HasPrefix(s.BotToken, "xoxb-"):
		return slackConfig{}, fmt.Errorf("WAVEBOT_SLACK_BOT_TOKEN: a bot token starts with xoxb-")
	case s.SigningSecret == "" && s.AppToken == "":
		return slackConfig{}, fmt.Errorf("WAVEBOT_SLACK_SIGNING_SECRET is missing: Slack's requests cannot be verified without it (or set WAVEBOT_SLACK_APP_TOKEN for Socket Mode)")
	case s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-"):
		return slackConfig{}, fmt.Errorf("WAVEBOT_SLACK_APP_TOKEN: an app-level token starts with xapp-")
	}
	if s.APIURL != "" {
		if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return slackConfig{}, fmt.Errorf("WAVEBOT_SLACK_API_URL=%q: give the Web API's address, e.g. https://slack.com/api/", s.APIURL)
		}
	}
	return s, nil
}

// chatPlatforms names the chat platforms configured, by the prefix of
// their people's ids.
func (c config) chatPlatforms() []string {
	var out []string
	if c.Slack.enabled() {
		out = append(out, "slack")
	}
	if c.Teams != nil {
		out = append(out, teams.Platform)
	}
	return out
}

// checkServerAdmins refuses a server in chat without an admin there: on a
// server nobody becomes admin by being first.
func (c config) checkServerAdmins() error {
	platforms := c.chatPlatforms()
	for _, a := range c.Admins {
		prefix, _, _ := strings.Cut(a, ":")
		if slices.Contains(platforms, prefix) {
			return nil
		}
	}
	if len(platforms) == 0 {
		return nil
	}
	return fmt.Errorf("WAVEBOT_ADMINS names no admin on %s: on a server nobody becomes admin by being first; name one, e.g. WAVEBOT_ADMINS=%s:U0123ABCD",
		strings.Join(platforms, " or "), platforms[0])
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
