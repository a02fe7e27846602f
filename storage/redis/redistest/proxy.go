package redistest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Proxy sits between a client and a Redis and can hold back the replies
// to chosen commands, as a slow or broken network would: the command
// reaches Redis and runs, and the client waits for its answer in vain.
type Proxy struct {
	ln     net.Listener
	target string

	mu sync.Mutex
	// delays are pending "hold back the reply to the next command
	// containing word for this long" orders.
	delays []delay
	conns  []net.Conn
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

// DelayNext holds back the reply to the next command whose request
// contains word (such as "evalsha") for d.
func (p *Proxy) DelayNext(word string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delays = append(p.delays, delay{bytes.ToLower([]byte(word)), d})
}

// Cut closes every connection through the proxy, as a network failure
// would; new ones are accepted.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
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
		go p.requests(client, server, held)
		go replies(server, client, held)
	}
}

// requests copies client to server; a request matching a delay order
// tells the reply side to hold back its answer.
func (p *Proxy) requests(client, server net.Conn, held chan<- time.Duration) {
	defer server.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			held <- p.take(bytes.ToLower(buf[:n]))
			if _, err := server.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
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

// replies copies server to client, holding back the reply to each request
// as long as requests said. It pairs one read of requests with one read
// of replies, which holds for single commands as go-redis sends them.
func replies(server, client net.Conn, held <-chan time.Duration) {
	defer client.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := server.Read(buf)
		if n > 0 {
			select {
			case d := <-held:
				time.Sleep(d) // the slow network under test
			default:
			}
			if _, err := client.Write(buf[:n]); err != nil {
				io.Copy(io.Discard, server)
				return
			}
		}
		if err != nil {
			return
		}
	}
}
