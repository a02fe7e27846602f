package redistest

import (
	"bytes"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// Proxy sits between a client and a Redis and plays the network between
// them: it can hold back the replies to chosen commands, as a slow or
// broken network would (the command reaches Redis and runs, and the
// client waits for its answer in vain), slow every byte down by a fixed
// latency, swallow everything (a black hole), or cut every connection.
type Proxy struct {
	ln     net.Listener
	target string

	mu sync.Mutex
	// delays are pending "hold back the reply to the next command
	// containing word for this long" orders.
	delays []delay
	conns  []net.Conn
	// latency is how long every chunk takes each way; blackHole set
	// drops everything either way, the connections staying open.
	latency   time.Duration
	blackHole bool
}

type delay struct {
	word []byte
	d    time.Duration
}

// NewProxy starts a proxy to the Redis at addr (host:port); it stops
// when the test ends.
func NewProxy(t testing.TB, addr string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: addr}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

// URL is the proxy's redis:// address.
func (p *Proxy) URL() string { return fmt.Sprintf("redis://%s/0", p.ln.Addr()) }

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// DelayNext holds back the reply to the next command whose request
// contains word (such as "evalsha") for d.
func (p *Proxy) DelayNext(word string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delays = append(p.delays, delay{bytes.ToLower([]byte(word)), d})
}

// Latency makes every byte take d to cross the proxy, each way, from now
// on: a slow link. Bytes keep their order, and a link busy with many
// replies delays each by d, not by d for every reply before it.
func (p *Proxy) Latency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// BlackHole swallows everything sent either way from now on, on every
// connection, which stays open: a network that drops packets without a
// word, as a firewall or a dead route does.
func (p *Proxy) BlackHole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blackHole = true
}

// Cut closes every connection through the proxy, as a network failure
// would, and ends a black hole; new connections are accepted.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.blackHole = false
}

func (p *Proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func (p *Proxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		held := make(chan time.Duration, 16)
		go p.pipe(client, server, func(req []byte) time.Duration {
			held <- p.take(bytes.ToLower(req))
			return 0
		})
		go p.pipe(server, client, func([]byte) time.Duration {
			select {
			case d := <-held:
				return d // the slow network under test
			default:
				return 0
			}
		})
	}
}

// chunk is what one read of a connection got, and when it may go on.
type chunk struct {
	data []byte
	at   time.Time
}

// pipe copies from to to, each chunk after the link's latency plus what
// hold says for it. One read on the requests' side pairs with one on the
// replies' side, which holds for single commands as go-redis sends them.
// The reader and the writer run apart, so a held or slowed chunk delays
// the ones behind it only until it has gone.
func (p *Proxy) pipe(from, to net.Conn, hold func([]byte) time.Duration) {
	chunks := make(chan chunk, 1024)
	go func() {
		defer close(chunks)
		buf := make([]byte, 64<<10)
		for {
			n, err := from.Read(buf)
			if n > 0 {
				p.mu.Lock()
				latency, drop := p.latency, p.blackHole
				p.mu.Unlock()
				if !drop {
					data := bytes.Clone(buf[:n])
					chunks <- chunk{data, time.Now().Add(latency + hold(data))}
				}
			}
			if err != nil {
				return
			}
		}
	}()
	defer to.Close()
	for c := range chunks {
		time.Sleep(time.Until(c.at))
		p.mu.Lock()
		drop := p.blackHole
		p.mu.Unlock()
		if drop {
			continue
		}
		if _, err := to.Write(c.data); err != nil {
			for range chunks { // until from ends too
			}
			return
		}
	}
}

// take returns the delay the request calls for, using up its order.
func (p *Proxy) take(req []byte) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, d := range p.delays {
		if bytes.Contains(req, d.word) {
			p.delays = append(p.delays[:i], p.delays[i+1:]...)
			return d.d
		}
	}
	return 0
}
