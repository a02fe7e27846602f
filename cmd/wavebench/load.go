package main

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"
)

// outcome is what one load run measured: the latency of each answered
// request from when it was sent, the failures, and how long it took. A
// paced run also keeps each latency from the moment the request was
// due, which adds the sender's own lateness: Go's timers wake up to a
// millisecond late on Linux (the network poller sleeps in whole
// milliseconds), as much as the answers being measured take.
type outcome struct {
	latencies []time.Duration
	fromDue   []time.Duration
	errors    int
	elapsed   time.Duration
}

func (r outcome) throughput() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

// quantile is the q-quantile of the latencies by nearest rank (1 is the
// maximum).
func (r outcome) quantile(q float64) time.Duration { return quantile(r.latencies, q) }

func quantile(latencies []time.Duration, q float64) time.Duration {
	if len(latencies) == 0 {
		return 0
	}
	s := slices.Clone(latencies)
	slices.Sort(s)
	rank := int(math.Ceil(q * float64(len(s))))
	return s[min(max(rank-1, 0), len(s)-1)]
}

// send makes one request and reports whether its answer is right.
// The answer is read into a reused buffer: the load generator shares
// the process, and its collector, with the handlers it measures.
func send(client *http.Client, req *http.Request, ok func(int, []byte) bool) bool {
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	buf := answers.Get().(*bytes.Buffer)
	defer func() {
		buf.Reset()
		answers.Put(buf)
	}()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	return err == nil && ok(resp.StatusCode, buf.Bytes())
}

var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// saturate keeps conns requests in flight for d: the most the handler
// can answer.
func saturate(ctx context.Context, client *http.Client, newReq func() *http.Request, ok func(int, []byte) bool, conns int, d time.Duration) outcome {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var out outcome
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var lat []time.Duration
			errs := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				if send(client, newReq(), ok) {
					lat = append(lat, time.Since(t0))
				} else {
					errs++
				}
			}
			mu.Lock()
			out.latencies = append(out.latencies, lat...)
			out.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	return out
}

// paced sends rate requests a second for d, each at its own moment on a
// goroutine of its own, whether or not earlier ones were answered: a
// stall of the handler delays no request's sending, and counts against
// every answer it delays. Each is measured from when it was sent, and
// from when it was due.
func paced(ctx context.Context, client *http.Client, newReq func() *http.Request, ok func(int, []byte) bool, rate int, d time.Duration) outcome {
	n := int(d.Seconds() * float64(rate))
	interval := time.Second / time.Duration(rate)
	lat, fromDue := make([]time.Duration, n), make([]time.Duration, n)
	failed := make([]bool, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if wait := time.Until(at); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			n = i
			break
		}
		wg.Go(func() {
			req := newReq()
			sent := time.Now()
			if send(client, req, ok) {
				lat[i], fromDue[i] = time.Since(sent), time.Since(at)
			} else {
				failed[i] = true
			}
		})
	}
	wg.Wait()
	out := outcome{elapsed: time.Since(start)}
	for i := range n {
		if failed[i] {
			out.errors++
		} else {
			out.latencies = append(out.latencies, lat[i])
			out.fromDue = append(out.fromDue, fromDue[i])
		}
	}
	return out
}
