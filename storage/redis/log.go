package redis

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	goredis "github.com/redis/go-redis/v9"
)

// outage tracks, for the whole process as go-redis's own logger does,
// whether Redis is unreachable, so an outage is logged once and not once
// per dial, retry or command.
var outage struct {
	down atomic.Bool

	mu         sync.Mutex
	logger     *slog.Logger
	suppressed int
}

// LogTo sends the Redis client's own log lines (a refused dial, a broken
// pool connection) and the store's failures to reach Redis to logger at
// warn level, one line per outage: the first line is logged, the rest are
// counted, and the first call that succeeds after it logs that Redis
// answers again and how many lines were left out. It replaces go-redis's
// logger, which is one per process.
func LogTo(logger *slog.Logger) {
	outage.mu.Lock()
	outage.logger, outage.suppressed = logger, 0
	outage.down.Store(false)
	outage.mu.Unlock()
	goredis.SetLogger(clientLog{})
}

// clientLog is go-redis's logger.
type clientLog struct{}

func (clientLog) Printf(_ context.Context, format string, v ...any) {
	unreachable(fmt.Sprintf(format, v...))
}

// unreachable logs the first sign of an outage and counts the others.
func unreachable(what string) {
	outage.mu.Lock()
	defer outage.mu.Unlock()
	if outage.down.Swap(true) {
		outage.suppressed++
		return
	}
	if outage.logger != nil {
		outage.logger.Warn("redis unreachable; further failures are not logged until it answers again", "err", what)
	}
}

// reachable ends an outage, if one was logged.
func reachable() {
	if !outage.down.Load() {
		return
	}
	outage.mu.Lock()
	defer outage.mu.Unlock()
	if !outage.down.Swap(false) {
		return
	}
	if outage.logger != nil {
		outage.logger.Warn("redis answers again", "lines_left_out", outage.suppressed)
	}
	outage.suppressed = 0
}

// logAt logs a line to LogTo's logger, if one was given.
func logAt(level slog.Level, msg string, args ...any) {
	outage.mu.Lock()
	logger := outage.logger
	outage.mu.Unlock()
	if logger != nil {
		logger.Log(context.Background(), level, msg, args...)
	}
}
