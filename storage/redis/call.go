package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/storage"
)

// The store retries a call that failed on the network itself, and the
// client does not (MaxRetries -1): a write carries a write id its script
// records, so a retry that finds its own write reports it as done instead
// of applying it twice, and the store knows which failures may have
// reached Redis.
const (
	// Two tries of 400 ms each keep an unanswering Redis within a second.
	callAttempts = 2
	callBackoff  = 25 * time.Millisecond
	// writeIDTTL is how long Redis remembers a write id: far longer than
	// any retry of it.
	writeIDTTL = 10 * time.Minute
)

// newWriteID returns a fresh id for one write and its retries.
func newWriteID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// call runs one round trip, retrying it after a network failure on a
// connection that was made (a broken or timed-out connection: the retry
// learns what became of a write). A connection that cannot be made at all
// fails at once, so an unreachable Redis is reported within a second. A
// failure is storage.ErrUnavailable, and also storage.ErrOutcomeUnknown
// when a write may have reached Redis (write set): only a connection that
// was never made proves nothing was sent.
func (s *Store) call(ctx context.Context, what string, write bool, f func(ctx context.Context) error) error {
	uncertain := false
	var err error
	for attempt := range callAttempts {
		if attempt > 0 {
			t := time.NewTimer(callBackoff << (attempt - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return s.failed(what, write && uncertain, ctx.Err())
			case <-t.C:
			}
		}
		err = f(ctx)
		switch {
		case isFull(err):
			// Redis refuses a write (or a script's first write) when
			// full, so nothing was changed.
			s.reached()
			return fmt.Errorf("%s: %w: %w", what, storage.ErrFull, err)
		case err == nil || isServerError(err):
			s.reached()
			return err
		case refusedForNow(err):
			// Redis said no and changed nothing: a replica during a
			// failover, a server still loading. Try again, then report it
			// unavailable.
		case neverSent(err):
			return s.failed(what, write && uncertain, err)
		default:
			uncertain = true
		}
		if ctx.Err() != nil {
			break
		}
	}
	return s.failed(what, write && uncertain, err)
}

// reached notes that Redis answered.
func (s *Store) reached() {
	s.failing.Store(false)
	reachable()
}

// failed wraps a network failure with what was being done.
func (s *Store) failed(what string, uncertain bool, err error) error {
	if errors.Is(err, context.Canceled) && !uncertain {
		// The caller gave up; that is not the store's failure.
		return fmt.Errorf("%s: %w", what, err)
	}
	s.failing.Store(true)
	unreachable(fmt.Sprintf("%s: %v", what, err))
	if uncertain {
		return fmt.Errorf("%s: %w: %w: %w", what, storage.ErrUnavailable, storage.ErrOutcomeUnknown, err)
	}
	return fmt.Errorf("%s: %w: %w", what, storage.ErrUnavailable, err)
}

// isServerError reports an answer from Redis itself, such as a script
// error: the network worked, and retrying would get the same answer.
func isServerError(err error) bool {
	var server goredis.Error
	return errors.As(err, &server) && !refusedForNow(err)
}

// isFull reports Redis refusing a write for want of memory: at its
// maxmemory with eviction off. A script is refused at its first write,
// never half way.
func isFull(err error) bool {
	var server goredis.Error
	return errors.As(err, &server) && strings.HasPrefix(server.Error(), "OOM ")
}

// refusedForNow reports a refusal that passes: a write sent to a replica
// (READONLY, as in a failover), a server loading its data, a master or
// cluster that is down, a slot on the move. Nothing was changed.
func refusedForNow(err error) bool {
	var server goredis.Error
	if !errors.As(err, &server) {
		return false
	}
	msg := server.Error()
	for _, prefix := range []string{"READONLY", "LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// neverSent reports a failure to connect at all: the request cannot have
// reached Redis.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
