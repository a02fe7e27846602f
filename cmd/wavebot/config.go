package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"wavebot/bot/teams"
	"wavebot/commands"
	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/storage/redis"
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
	ClosedDays    []wave.MonthDay
	Template      wave.Template
	TemplatePath  string
	Forvaltninger []string
	// Policy is the reminder policy.
	Policy notify.Policy
	// Listen is the address of wavebot serve.
	Listen string
	// SweepInterval is how often wavebot serve looks for due reminders.
	SweepInterval time.Duration
	LogLevel      slog.Level
	// Slack is the Slack app; zero when wavebot is not in Slack.
	Slack slackConfig
	// Teams is the Teams bot registration; nil when Teams is off.
	Teams *teams.Config
	// Pages are the web pages chat links to; zero when they are off.
	Pages pagesConfig
}

// Bounds of WAVEBOT_SWEEP_INTERVAL: reminders go out at whole minutes, and
// a sweep is cheap when nothing is due.
const (
	minSweepInterval = time.Second
	maxSweepInterval = time.Hour
)

// configError lists what is wrong with the configuration, one line per
// problem, each naming its variable.
type configError []string

func (e configError) Error() string { return strings.Join(e, "\n") }

// problems collects the configuration's problems while it is read, so
// start-up names them all at once instead of one per attempt.
type problems []string

func (p *problems) add(name, format string, args ...any) {
	*p = append(*p, name+": "+fmt.Sprintf(format, args...))
}

// vars reads variables through lookupEnv; a variable set to the empty
// string is set, not absent.
type vars func(string) (string, bool)

func (e vars) get(name string) string { v, _ := e(name); return v }

// nonEmpty returns the variable's value, or def when it is unset; set but
// empty is a problem, for variables where empty means nothing.
func (e vars) nonEmpty(p *problems, name, def, hint string) string {
	v, ok := e(name)
	switch {
	case !ok:
		return def
	case strings.TrimSpace(v) == "":
		p.add(name, "is set but empty; %s, or unset it for the default %q", hint, def)
		return def
	}
	return v
}

// loadConfig reads the environment through lookupEnv (os.LookupEnv in
// production). Every problem is found, and the error names each variable
// that is wrong on a line of its own.
func loadConfig(lookupEnv func(string) (string, bool)) (config, error) {
	e := vars(lookupEnv)
	var p problems
	c := config{
		DataDir:     e.nonEmpty(&p, "WAVEBOT_DATA_DIR", "./data", "give a directory"),
		RedisURL:    strings.TrimSpace(e.get("WAVEBOT_REDIS_URL")),
		RedisPrefix: e.nonEmpty(&p, "WAVEBOT_REDIS_PREFIX", "wavebot:", "give a key prefix such as wavebot:"),
		Lang:        e.nonEmpty(&p, "WAVEBOT_LANG", catalog.Danish, "choose da or en"),
		Template:    wave.DefaultTemplate(),
		Listen:      e.nonEmpty(&p, "WAVEBOT_LISTEN", ":8080", "give an address such as :8080"),
	}
	if c.RedisURL != "" {
		if err := redis.CheckURL(c.RedisURL); err != nil {
			p.add("WAVEBOT_REDIS_URL", "%v", err)
		}
	}
	if strings.ContainsAny(c.RedisPrefix, "{}") {
		p.add("WAVEBOT_REDIS_PREFIX", "%q must not contain { or }", c.RedisPrefix)
	}
	for _, a := range list(e.get("WAVEBOT_ADMINS")) {
		if _, ok := commands.PersonID(a); !ok {
			p.add("WAVEBOT_ADMINS", "%q is not a person id: give slack:U123, teams:<object id> or a name", a)
			continue
		}
		c.Admins = append(c.Admins, a)
	}
	if !catalog.SupportedLang(c.Lang) {
		p.add("WAVEBOT_LANG", "%q: choose da or en", c.Lang)
		c.Lang = catalog.Danish
	}
	interval := e.nonEmpty(&p, "WAVEBOT_SWEEP_INTERVAL", "1m", "give a duration such as 1m")
	var err error
	c.SweepInterval, err = time.ParseDuration(interval)
	if err != nil || c.SweepInterval < minSweepInterval || c.SweepInterval > maxSweepInterval {
		p.add("WAVEBOT_SWEEP_INTERVAL", "%q: give a duration from %v to %v, e.g. 1m", interval, minSweepInterval, maxSweepInterval)
		c.SweepInterval = time.Minute
	}
	tz := e.nonEmpty(&p, "WAVEBOT_TZ", "Europe/Copenhagen", "give a time zone such as Europe/Copenhagen")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		p.add("WAVEBOT_TZ", "%q is not a time zone (such as Europe/Copenhagen)", tz)
		loc = time.UTC
	}
	c.ClosedDays = wave.DefaultClosedDays
	if v, ok := e("WAVEBOT_CLOSED_DAYS"); ok {
		if c.ClosedDays, err = wave.ParseMonthDays(v); err != nil {
			p.add("WAVEBOT_CLOSED_DAYS", "%v", err)
		}
	}
	c.Calendar = wave.NewCalendar(loc, c.ClosedDays)
	if c.Policy, err = notify.ParsePolicy(c.Calendar, e.get("WAVEBOT_REMINDERS")); err != nil {
		p.add("WAVEBOT_REMINDERS", "%v", err)
		c.Policy = notify.DefaultPolicy(c.Calendar)
	}
	if c.TemplatePath = e.nonEmpty(&p, "WAVEBOT_TEMPLATE", "", "give a YAML file"); c.TemplatePath != "" {
		if data, err := os.ReadFile(c.TemplatePath); err != nil {
			p.add("WAVEBOT_TEMPLATE", "%v", err)
		} else if c.Template, err = wave.ParseTemplate(data); err != nil {
			p.add("WAVEBOT_TEMPLATE", "%s: %v", c.TemplatePath, err)
		}
	}
	c.Forvaltninger = wave.DefaultForvaltninger
	if v, ok := e("WAVEBOT_FORVALTNINGER"); ok {
		c.Forvaltninger = nil
		for _, fv := range list(v) {
			fv = wave.NormalizeFV(fv)
			switch {
			case !wave.ValidFV(fv):
				p.add("WAVEBOT_FORVALTNINGER", "%q is not a forvaltning code: letters and digits, at most 10", fv)
			case slices.Contains(c.Forvaltninger, fv):
				p.add("WAVEBOT_FORVALTNINGER", "%s is named twice", fv)
			default:
				c.Forvaltninger = append(c.Forvaltninger, fv)
			}
		}
		if len(list(v)) == 0 {
			p.add("WAVEBOT_FORVALTNINGER", "is set but names no forvaltning; give codes such as BUF,SUF, or unset it for the default %s",
				strings.Join(wave.DefaultForvaltninger, ","))
		}
	}
	if host, port, err := net.SplitHostPort(c.Listen); err != nil {
		p.add("WAVEBOT_LISTEN", "%q: give host:port or :port, e.g. :8080", c.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || strings.ContainsAny(host, "/ ") {
		p.add("WAVEBOT_LISTEN", "%q: the port must be a number from 0 to 65535, e.g. :8080", c.Listen)
	}
	level := e.nonEmpty(&p, "WAVEBOT_LOG_LEVEL", "info", "choose debug, info, warn or error")
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil || strings.ContainsAny(level, "+-") {
		p.add("WAVEBOT_LOG_LEVEL", "%q: choose debug, info, warn or error", level)
		c.LogLevel = slog.LevelInfo
	}
	c.Slack = loadSlack(e, &p)
	c.Teams = loadTeams(e, &p)
	c.Pages = loadPages(e, &p)
	if platforms := c.chatPlatforms(); len(platforms) > 0 && !slices.ContainsFunc(c.Admins, func(a string) bool {
		return slices.Contains(platforms, notify.PlatformOf(a))
	}) {
		p.add("WAVEBOT_ADMINS", "names no admin on %s: on a server nobody becomes admin by being first; %s",
			strings.Join(platforms, " or "), adminExample(platforms))
	}
	if len(p) > 0 {
		return config{}, configError(p)
	}
	return c, nil
}

// adminIDs are an example id of each chat platform and what it is.
var adminIDs = map[string][2]string{
	"slack":        {"slack:U0123ABCD", "a Slack member ID"},
	teams.Platform: {teams.Platform + ":2f1c6d0e-8b3a-4c5d-9e7f-0a1b2c3d4e5f", "a Microsoft Entra object id"},
}

// adminExample says how to name an admin on the platforms.
func adminExample(platforms []string) string {
	if len(platforms) == 1 {
		id := adminIDs[platforms[0]]
		return fmt.Sprintf("name one by their %s, e.g. WAVEBOT_ADMINS=%s", strings.TrimPrefix(id[1], "a "), id[0])
	}
	var examples []string
	for _, platform := range platforms {
		id := adminIDs[platform]
		examples = append(examples, fmt.Sprintf("WAVEBOT_ADMINS=%s (%s)", id[0], id[1]))
	}
	return "name one, e.g. " + strings.Join(examples, " or ")
}

// settings is the effective configuration, one variable a line in the
// README's order, with secrets masked: what "wavebot config" prints.
func (c config) settings() [][2]string {
	var closed []string
	for _, d := range c.ClosedDays {
		closed = append(closed, fmt.Sprintf("%02d-%02d", int(d.Month), d.Day))
	}
	template := c.TemplatePath
	if template == "" {
		template = "(embedded)"
	}
	s := [][2]string{
		{"WAVEBOT_DATA_DIR", c.DataDir},
		{"WAVEBOT_REDIS_URL", maskURL(c.RedisURL)},
		{"WAVEBOT_REDIS_PREFIX", c.RedisPrefix},
		{"WAVEBOT_ADMINS", strings.Join(c.Admins, ",")},
		{"WAVEBOT_TZ", c.Calendar.Location().String()},
		{"WAVEBOT_LANG", c.Lang},
		{"WAVEBOT_CLOSED_DAYS", strings.Join(closed, ",")},
		{"WAVEBOT_FORVALTNINGER", strings.Join(c.Forvaltninger, ",")},
		{"WAVEBOT_TEMPLATE", template},
		{"WAVEBOT_REMINDERS", c.Policy.Spec()},
		{"WAVEBOT_LISTEN", c.Listen},
		{"WAVEBOT_PUBLIC_URL", c.Pages.PublicURL},
		{"WAVEBOT_LINK_SECRET", mask(c.Pages.LinkSecret)},
		{"WAVEBOT_SWEEP_INTERVAL", c.SweepInterval.String()},
		{"WAVEBOT_LOG_LEVEL", strings.ToLower(c.LogLevel.String())},
	}
	s = append(s, slackSettings(c.Slack)...)
	return append(s, teamsSettings(c.Teams)...)
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

// masked stands for a secret in printed configuration.
const masked = "********"

// mask hides a secret: whether it is set shows, its value does not.
func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return masked
}

// maskURL hides the password of a URL.
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), masked)
	}
	escaped := strings.TrimPrefix(url.UserPassword("", masked).String(), ":")
	return strings.Replace(u.String(), escaped, masked, 1)
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
