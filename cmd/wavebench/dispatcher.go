package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/internal/metrics"
	"wavebot/notify"
	"wavebot/storage/redis"
	"wavebot/wave"
)

// service is the command language as serve runs it, on a fresh prefix of
// a Redis: the dispatcher without the first-person rule, reading through
// the store's cache, its commands logged as serve logs them (to the null
// device) and counted, its store operations and requests measured.
type service struct {
	d       *commands.Dispatcher
	store   *redis.Store
	metrics *metrics.Metrics
	log     *os.File
}

// newService starts a service on the Redis at redisURL with admin as its
// admin; close releases it.
func newService(ctx context.Context, redisURL, admin string) (*service, error) {
	cal := wave.Copenhagen()
	policy := notify.DefaultPolicy(cal)
	prefix := fmt.Sprintf("wavebench-%d:", time.Now().UnixNano())
	store, err := redis.Open(ctx, redisURL, prefix, policy)
	if err != nil {
		return nil, fmt.Errorf("-redis-url: %w", err)
	}
	log, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		store.Close()
		return nil, err
	}
	s := &service{store: store, metrics: metrics.New(), log: log}
	s.d, err = commands.New(commands.Config{Store: s.metrics.Store(store.CachedReads()), Clock: clock.System{}, Calendar: cal,
		Template: wave.DefaultTemplate(), Forvaltninger: wave.DefaultForvaltninger, Admins: []string{admin}, Policy: policy, Lang: "da",
		Logger: s.logger(), Observe: s.metrics.ObserveCommands(s.logger())})
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// logger writes serve's JSON log lines where nobody reads them.
func (s *service) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(s.log, nil)) }

// handler is h as serve serves it: its requests measured.
func (s *service) handler(h http.Handler) http.Handler { return s.metrics.HTTP(h) }

func (s *service) close() {
	s.store.Close()
	s.log.Close()
}
