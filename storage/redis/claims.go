package redis

import (
	"context"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// claimBatch sends the SET NX of claims made at the same moment together:
// one write and one read for all of them. No goroutine of its own sends
// them, so no claim waits to be handed over to one: the first claim sends
// itself at once, and claims made while a send is under way queue; when
// it is answered, the first of them sends the whole queue, in one
// pipeline.
type claimBatch struct {
	rdb goredis.UniversalClient

	mu      sync.Mutex
	queue   []*queuedClaim
	sending bool
	// queued, when set, hears of every claim that queued behind a send:
	// a test waits for claims to queue with it.
	queued func()
}

// queuedClaim is a claim's SET NX and, once turn has said so, its
// outcome. turn receives false when another sent the claim (set and err
// then hold the answer), true when this claim is to send the queue.
type queuedClaim struct {
	key, token string
	ttl        time.Duration
	set        bool
	err        error
	turn       chan bool
}

// setNX sets key to token for ttl unless key exists; true when it did.
func (b *claimBatch) setNX(ctx context.Context, key, token string, ttl time.Duration) (bool, error) {
	c := &queuedClaim{key: key, token: token, ttl: ttl, turn: make(chan bool, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, c)
	if b.sending {
		b.mu.Unlock()
		if b.queued != nil {
			b.queued()
		}
		if sendsQueue := <-c.turn; !sendsQueue {
			return c.set, c.err
		}
		b.mu.Lock()
	}
	b.sending = true
	batch := b.queue
	b.queue = nil
	b.mu.Unlock()

	b.send(ctx, batch)
	for _, other := range batch {
		if other != c {
			other.turn <- false
		}
	}
	b.mu.Lock()
	if len(b.queue) > 0 {
		b.queue[0].turn <- true
	} else {
		b.sending = false
	}
	b.mu.Unlock()
	return c.set, c.err
}

// send runs batch's commands and gives each claim its answer. The batch
// belongs to every claim in it, so the sender's own request ending does
// not end it: it ends as a command does, by the client's timeouts.
func (b *claimBatch) send(ctx context.Context, batch []*queuedClaim) {
	ctx = context.WithoutCancel(ctx)
	if len(batch) == 1 {
		c := batch[0]
		c.set, c.err = b.rdb.SetNX(ctx, c.key, c.token, c.ttl).Result()
		return
	}
	cmds := make([]*goredis.BoolCmd, len(batch))
	// Each command holds its own outcome; Exec's error is the first of them.
	_, _ = b.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, c := range batch {
			cmds[i] = p.SetNX(ctx, c.key, c.token, c.ttl)
		}
		return nil
	})
	for i, c := range batch {
		c.set, c.err = cmds[i].Result()
	}
}
