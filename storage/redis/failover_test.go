package redis

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// BenchmarkFailover measures what a Sentinel failover costs with Redis's
// asynchronous replication, and what WAIT buys: eight writers SET fresh
// keys as fast as they can on a master whose replica sits behind a link
// of the given one-way delay; after a second the master is killed; the
// writers go on until the promoted replica takes writes. With wait, each
// write is followed, on its connection, by WAIT 1 500 and counts as
// acknowledged only when the replica has it (after the failover the new
// master has no replica, so from then on no write is). Reported per
// failover: the acknowledged writes missing on the new master, how long
// writes failed, and the mean time of one acknowledged write before the
// kill.
//
//	go test -run XXX -bench Failover -benchtime 3x ./storage/redis
func BenchmarkFailover(b *testing.B) {
	for _, delay := range []time.Duration{0, 2 * time.Millisecond} {
		for _, wait := range []bool{false, true} {
			b.Run(fmt.Sprintf("link=%v/wait=%v", delay, wait), func(b *testing.B) {
				var lost, acked int
				var down, write time.Duration
				for range b.N {
					r := failover(b, delay, wait)
					lost, acked, down, write = lost+r.lost, acked+r.acked, down+r.down, write+r.write
				}
				b.ReportMetric(float64(lost)/float64(b.N), "lost-acked/failover")
				b.ReportMetric(float64(acked)/float64(b.N), "acked/failover")
				b.ReportMetric(float64(down.Milliseconds())/float64(b.N), "ms-down/failover")
				b.ReportMetric(float64(write.Microseconds())/float64(b.N), "µs/write")
			})
		}
	}
}

type failoverResult struct {
	lost, acked int
	down, write time.Duration
}

func failover(b *testing.B, delay time.Duration, wait bool) failoverResult {
	var via func(int) string
	if delay > 0 {
		via = func(masterPort int) string { return lagProxy(b, fmt.Sprintf("127.0.0.1:%d", masterPort), delay) }
	}
	sen := redistest.StartSentinel(b, time.Second, via)
	rdb := goredis.NewFailoverClient(&goredis.FailoverOptions{MasterName: sen.Name,
		SentinelAddrs: []string{fmt.Sprintf("127.0.0.1:%d", sen.Sentinel.Port)},
		DialTimeout:   dialTimeout, ReadTimeout: time.Second, WriteTimeout: ioTimeout, MaxRetries: -1, PoolSize: 16})
	defer rdb.Close()
	ctx := context.Background()
	LogTo(slog.New(slog.DiscardHandler))
	var killedAt atomic.Pointer[time.Time]
	var stop atomic.Bool
	backAt := make(chan time.Time, 1)
	var mu sync.Mutex
	var ackedKeys []string
	var before time.Duration
	var beforeN int
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				key := fmt.Sprintf("k:%d:%d", w, n)
				start := time.Now()
				var ok, written bool
				if wait {
					var set *goredis.StatusCmd
					var waited *goredis.Cmd
					_, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
						set = p.Set(ctx, key, n, 0)
						waited = p.Do(ctx, "WAIT", 1, 500)
						return nil
					})
					replicas, _ := waited.Int()
					written = set.Err() == nil
					ok = err == nil && written && replicas >= 1
				} else {
					ok = rdb.Set(ctx, key, n, 0).Err() == nil
					written = ok
				}
				took := time.Since(start)
				if k := killedAt.Load(); written && k != nil && start.After(*k) {
					select { // the new master takes writes
					case backAt <- time.Now():
					default:
					}
				}
				if !ok {
					continue
				}
				mu.Lock()
				ackedKeys = append(ackedKeys, key)
				if killedAt.Load() == nil {
					before += took
					beforeN++
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Second) // a second of writes
	sen.Master.Stop()
	killed := time.Now()
	killedAt.Store(&killed)
	var back time.Time
	select {
	case back = <-backAt:
	case <-time.After(60 * time.Second):
		b.Fatal("no write succeeded within a minute of the kill")
	}
	time.Sleep(300 * time.Millisecond) // writes go on a while on the new master
	stop.Store(true)
	wg.Wait()
	lost := 0
	for i := 0; i < len(ackedKeys); i += 500 {
		keys := ackedKeys[i:min(i+500, len(ackedKeys))]
		n, err := rdb.Exists(ctx, keys...).Result()
		if err != nil {
			b.Fatal(err)
		}
		lost += len(keys) - int(n)
	}
	return failoverResult{lost: lost, acked: len(ackedKeys), down: back.Sub(killed), write: before / time.Duration(max(beforeN, 1))}
}

// lagProxy forwards TCP connections to target, holding every chunk back
// for delay in each direction, as a link between two sites would; it
// returns its address.
func lagProxy(b *testing.B, target string, delay time.Duration) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go lag(d, c, delay)
			go lag(c, d, delay)
		}
	}()
	return ln.Addr().String()
}

// lag copies src to dst, each chunk delay after it arrived.
func lag(dst, src net.Conn, delay time.Duration) {
	type chunk struct {
		at time.Time
		b  []byte
	}
	chunks := make(chan chunk, 4096)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				chunks <- chunk{time.Now(), buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range chunks {
		time.Sleep(time.Until(c.at.Add(delay)))
		if _, err := dst.Write(c.b); err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
}

// BenchmarkAppendFsync measures what the append-only file's flush policy
// costs a write: one command's change of a wave (compare-and-set script
// with its audit event) on a Redis that flushes every write to disk
// (always) or once a second (everysec). The figure that matters is the
// latency one chat command waits, and how many writes a second one
// replica can make.
//
//	go test -run XXX -bench AppendFsync ./storage/redis
func BenchmarkAppendFsync(b *testing.B) {
	for _, mode := range []string{"everysec", "always"} {
		b.Run(mode, func(b *testing.B) {
			srv := redistest.Start(b, "--appendonly", "yes", "--appendfsync", mode)
			s := open(b, srv.URL(), "wavebot:")
			ctx := context.Background()
			if err := s.CreateWave(ctx, storagetest.NewWave(b, "b3", wave.DefaultForvaltninger...), wave.Event{Wave: "b3"}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if err := storagetest.ChangeOneActivity(ctx, s, "b3", i%63, "x"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
