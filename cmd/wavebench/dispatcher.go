package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"wavebot/clock"
	"wavebot/commands"
	"wavebot/notify"
	"wavebot/storage/redis"
	"wavebot/wave"
)

// dispatcher is the command language as serve runs it, reading through
// the store's cache, without the first-person rule, on a fresh prefix of the Redis at redisURL, with
// admin as its admin. The caller closes the store.
func dispatcher(ctx context.Context, redisURL, admin string) (*commands.Dispatcher, *redis.Store, error) {
	cal := wave.Copenhagen()
	policy := notify.DefaultPolicy(cal)
	prefix := fmt.Sprintf("wavebench-%d:", time.Now().UnixNano())
	store, err := redis.Open(ctx, redisURL, prefix, func(w wave.Wave) (time.Time, bool) { return policy.Next(w, w.Reminded) })
	if err != nil {
		return nil, nil, fmt.Errorf("-redis-url: %w", err)
	}
	d, err := commands.New(commands.Config{Store: store.CachedReads(), Clock: clock.System{}, Calendar: cal, Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Admins: []string{admin}, Policy: policy, Lang: "da", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return d, store, nil
}
