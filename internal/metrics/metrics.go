// Package metrics exposes what wavebot serve does as Prometheus metrics
// at GET /metrics. The core packages know nothing of Prometheus: they
// report through small hooks (commands.Config.Observe, notify.Sweeper's
// Report, a platform adapter's Rejected), and this package wraps the HTTP
// handler and the store. Labels hold only names from fixed sets (command
// names, outcomes, routes, status codes, operations): never a person's
// id or name, or anything typed.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wavebot/commands"
	"wavebot/notify"
)

// Metrics holds every series of one service.
type Metrics struct {
	reg *prometheus.Registry

	commands        *prometheus.CounterVec
	commandDuration *prometheus.HistogramVec
	httpRequests    *prometheus.CounterVec
	httpDuration    *prometheus.HistogramVec
	rejected        *prometheus.CounterVec
	reminders       *prometheus.CounterVec
	due             prometheus.Gauge
	oldest          prometheus.Gauge
	sweepDuration   prometheus.Histogram
	storeDuration   *prometheus.HistogramVec
	storeErrors     *prometheus.CounterVec
}

// New registers every series, with the Go runtime's and the process's.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{reg: reg,
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wavebot_commands_total",
			Help: "Commands answered, by command name (unknown when none was recognised) and outcome: ok, unchanged, refused, unavailable, full, error."},
			[]string{"command", "outcome"}),
		commandDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wavebot_command_duration_seconds",
			Help: "Time to answer a command, storage included.", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10)},
			[]string{"command"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wavebot_http_requests_total",
			Help: "HTTP requests, by route (the pattern that matched; unmatched for none) and status code."},
			[]string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wavebot_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route.", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10)},
			[]string{"route"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wavebot_platform_requests_rejected_total",
			Help: "Requests a chat platform's endpoint refused, by platform and reason."},
			[]string{"platform", "reason"}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wavebot_reminders_total",
			Help: "Reminders by what sweeps found: due (counted again at each sweep while undelivered), sent, failed (given up), undeliverable, retried (failed, tried again later)."},
			[]string{"outcome"}),
		due: prometheus.NewGauge(prometheus.GaugeOpts{Name: "wavebot_reminders_due",
			Help: "Reminders the last sweep found due."}),
		oldest: prometheus.NewGauge(prometheus.GaugeOpts{Name: "wavebot_reminder_oldest_due_age_seconds",
			Help: "How long the oldest reminder the last sweep left undelivered has been due; 0 when it left none."}),
		sweepDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "wavebot_sweep_duration_seconds",
			Help: "Time one sweep for due reminders took, deliveries included.", Buckets: prometheus.ExponentialBuckets(0.005, 3, 10)}),
		storeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wavebot_store_operation_duration_seconds",
			Help: "Time of one store operation, by operation.", Buckets: prometheus.ExponentialBuckets(0.0002, 3, 10)},
			[]string{"operation"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wavebot_store_errors_total",
			Help: "Store operations that failed, by operation and kind: full, unavailable, outcome_unknown, conflict, corrupt, other (not-found and already-exists are answers, not errors)."},
			[]string{"operation", "kind"}),
	}
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, c := range []prometheus.Collector{m.commands, m.commandDuration, m.httpRequests, m.httpDuration, m.rejected,
		m.reminders, m.due, m.oldest, m.sweepDuration, m.storeDuration, m.storeErrors} {
		f(c)
	}
	for _, o := range []string{"due", "sent", "failed", "undeliverable", "retried"} {
		m.reminders.WithLabelValues(o) // every outcome shows from the start, at 0
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveCommands is serve's commands.Config.Observe: it logs one line
// per command (who, which, how it ended, how long it took; never what was
// typed) and counts it.
func (m *Metrics) ObserveCommands(logger *slog.Logger) func(context.Context, commands.Observation) {
	return func(ctx context.Context, o commands.Observation) {
		logger.LogAttrs(ctx, slog.LevelInfo, "command", slog.String("actor", o.Actor), slog.String("command", o.Command),
			slog.String("outcome", string(o.Outcome)), slog.Float64("duration_ms", float64(o.Took.Microseconds())/1000))
		m.Command(ctx, o)
	}
}

// Command is a commands.Config.Observe: it counts a command by name and
// outcome and times it.
func (m *Metrics) Command(_ context.Context, o commands.Observation) {
	name := o.Command
	if name == "" {
		name = "unknown"
	}
	m.commands.WithLabelValues(name, string(o.Outcome)).Inc()
	m.commandDuration.WithLabelValues(name).Observe(o.Took.Seconds())
}

// Rejected returns the hook a platform adapter calls with the reason it
// refused a request.
func (m *Metrics) Rejected(platform string) func(reason string) {
	return func(reason string) { m.rejected.WithLabelValues(platform, reason).Inc() }
}

// Swept is a notify.Sweeper's Report.
func (m *Metrics) Swept(r notify.SweepReport) {
	m.sweepDuration.Observe(r.Took.Seconds())
	for o, n := range map[string]int{"due": r.Due, "sent": r.Sent, "failed": r.Failed, "undeliverable": r.Undeliverable, "held": r.Held, "retried": r.Retried} {
		m.reminders.WithLabelValues(o).Add(float64(n))
	}
	m.due.Set(float64(r.Due))
	m.oldest.Set(r.Oldest.Seconds())
}

// HTTP wraps a ServeMux: every request is counted by the pattern that
// matched it (set by the mux on the request) and its status, and timed.
func (m *Metrics) HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &status{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.httpRequests.WithLabelValues(route, strconv.Itoa(rec.code)).Inc()
		m.httpDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// status remembers the status code a handler wrote.
type status struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (s *status) WriteHeader(code int) {
	if !s.wrote {
		s.code, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *status) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (s *status) Unwrap() http.ResponseWriter { return s.ResponseWriter }
