package fakeslack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Socket is the Socket Mode side of the fake: apps.connections.open hands
// out its address, it greets each connection with hello, sends envelopes,
// collects their acknowledgements, and asks for or forces a reconnect.
type Socket struct {
	up websocket.Upgrader
	// Connected receives the number of each connection greeted: 1, 2, …
	Connected chan int
	// Acks receives every acknowledgement, in order.
	Acks chan Ack

	mu    sync.Mutex
	conn  *websocket.Conn
	count int
	next  int
}

// Ack is an acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// Socket turns on Socket Mode.
func (a *API) Socket() *Socket {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.socket == nil {
		a.socket = &Socket{Connected: make(chan int, 16), Acks: make(chan Ack, 64),
			// Slack's clients send Origin https://api.slack.com.
			up: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
	}
	return a.socket
}

func (s *Socket) serve(w http.ResponseWriter, r *http.Request) {
	if s == nil {
		http.NotFound(w, r)
		return
	}
	conn, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	hello := map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A1"}, "debug_info": map[string]any{"host": "fakeslack"}}
	if err := conn.WriteJSON(hello); err != nil {
		conn.Close()
		return
	}
	s.mu.Lock()
	s.conn = conn
	s.count++
	n := s.count
	s.mu.Unlock()
	s.Connected <- n
	for {
		var ack Ack
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		if ack.EnvelopeID != "" {
			s.Acks <- ack
		}
	}
}

// Send sends an envelope of type typ ("slash_commands", "events_api",
// "interactive") carrying payload (JSON as []byte, or a value to encode)
// on the current connection and returns
// its envelope id.
func (s *Socket) Send(t testing.TB, typ string, payload any) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := payload.([]byte); ok {
		payload = json.RawMessage(b)
	}
	s.next++
	id := fmt.Sprintf("env-%d", s.next)
	env := map[string]any{"envelope_id": id, "type": typ, "payload": payload, "accepts_response_payload": typ != "events_api", "retry_attempt": 0}
	if err := s.write(env); err != nil {
		t.Fatalf("send envelope: %v", err)
	}
	return id
}

// Disconnect asks the client to reconnect, as Slack does before it
// refreshes a connection.
func (s *Socket) Disconnect(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.write(map[string]any{"type": "disconnect", "reason": "refresh_requested"}); err != nil {
		t.Fatalf("send disconnect: %v", err)
	}
}

// Drop closes the current connection without a word, as a network does.
func (s *Socket) Drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

func (s *Socket) write(v any) error {
	if s.conn == nil {
		return fmt.Errorf("no connection")
	}
	s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.conn.WriteJSON(v)
}

func (s *Socket) close() { s.Drop() }

// Ack waits for the next acknowledgement; it fails the test after ten seconds.
func (s *Socket) Ack(t testing.TB) Ack {
	t.Helper()
	select {
	case a := <-s.Acks:
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("no envelope was acknowledged")
		return Ack{}
	}
}

// WaitConnected waits for connection number n; it fails the test after
// ten seconds.
func (s *Socket) WaitConnected(t testing.TB, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-s.Connected:
			if got >= n {
				return
			}
		case <-deadline:
			t.Fatalf("Socket Mode connection %d was not made", n)
		}
	}
}
