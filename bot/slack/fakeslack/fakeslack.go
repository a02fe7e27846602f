// Package fakeslack is a stand-in for Slack on this machine, for tests and
// the load generator: an HTTP fake of the Web API methods wavebot calls
// that records every call it receives, response URLs that record what is
// posted to them, a Socket Mode server speaking Slack's envelope
// protocol, and requests signed as Slack signs them.
package fakeslack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Team is the workspace the fake's requests come from and its auth.test
// names: the one wavebot is installed in.
const Team = "T1"

// Call is one request the fake received.
type Call struct {
	// Method is the Web API method ("chat.postMessage"), "response:NAME"
	// for a post to the response URL NAME, or "upload:FILE" for the bytes
	// of file FILE sent to the address files.getUploadURLExternal gave.
	Method string
	// Form holds the fields of a form-encoded call.
	Form url.Values
	// Body is the raw body, the JSON of a JSON call.
	Body []byte
	// Token is the bearer token the call carried.
	Token string
	// ContentType is the call's Content-Type header.
	ContentType string
}

// File is the bytes of the file uploaded in a call of method
// "upload:FILE": the multipart part named "file".
func (c Call) File(t testing.TB) []byte {
	t.Helper()
	_, params, err := mime.ParseMediaType(c.ContentType)
	if err != nil {
		t.Fatalf("%s: %v", c.Method, err)
	}
	r := multipart.NewReader(bytes.NewReader(c.Body), params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("%s carries no file: %v", c.Method, err)
		}
		if p.FormName() == "file" {
			b, _ := io.ReadAll(p)
			return b
		}
	}
}

// JSON decodes the call's JSON body, or the form field field when field
// is not empty (chat.postMessage sends its blocks as a form field).
func (c Call) JSON(t testing.TB, field string, v any) {
	t.Helper()
	data := c.Body
	if field != "" {
		data = []byte(c.Form.Get(field))
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %s is not JSON: %v\n%s", c.Method, orBody(field), err, data)
	}
}

func orBody(field string) string {
	if field == "" {
		return "body"
	}
	return field
}

// Reply is a canned answer to the next call of a method.
type Reply struct {
	// Status is the HTTP status; 200 when zero.
	Status int
	// RetryAfter is the Retry-After header, in seconds.
	RetryAfter int
	// Error makes the answer {"ok":false,"error":Error}.
	Error string
}

// API is a fake Slack Web API.
type API struct {
	srv *httptest.Server
	// Names are the display names users.info answers with, by user id.
	Names map[string]string

	mu      sync.Mutex
	calls   []Call
	changed chan struct{}
	canned  map[string][]Reply
	socket  *Socket
}

// New starts a fake Web API; it stops when the test ends.
func New(t testing.TB) *API {
	a := NewServer()
	t.Cleanup(a.Close)
	return a
}

// NewServer starts a fake Web API that runs until Close.
func NewServer() *API {
	a := &API{Names: map[string]string{}, changed: make(chan struct{}), canned: map[string][]Reply{}}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	return a
}

// Close stops the fake.
func (a *API) Close() {
	if a.socket != nil {
		a.socket.close()
	}
	a.srv.Close()
}

// URL is the Web API's address, for WAVEBOT_SLACK_API_URL.
func (a *API) URL() string { return a.srv.URL + "/api/" }

// ResponseURL is the address of a response URL named name.
func (a *API) ResponseURL(name string) string { return a.srv.URL + "/response/" + name }

// Then makes the next calls of method get replies, one each, in order.
func (a *API) Then(method string, replies ...Reply) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.canned[method] = append(a.canned[method], replies...)
}

// ThenIn makes the next calls of method about channel (its form's
// channel, as chat.postMessage has) get replies, one each, in order,
// while calls about other channels are answered as usual.
func (a *API) ThenIn(method, channel string, replies ...Reply) {
	a.Then(method+" in "+channel, replies...)
}

// Calls returns the calls of method received so far; all calls when
// method is empty.
func (a *API) Calls(method string) []Call {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.matching(method)
}

func (a *API) matching(method string) []Call {
	var out []Call
	for _, c := range a.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Wait waits until n calls of method have been received and returns them;
// it fails the test after ten seconds.
func (a *API) Wait(t testing.TB, method string, n int) []Call {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		a.mu.Lock()
		got, changed := a.matching(method), a.changed
		a.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("fake Slack received %d calls of %s, want %d; all calls: %v", len(got), method, n, a.Methods())
			return nil
		}
	}
}

// Methods lists the methods of every call so far, in order.
func (a *API) Methods() []string {
	var out []string
	for _, c := range a.Calls("") {
		out = append(out, c.Method)
	}
	return out
}

func (a *API) record(c Call) Reply {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, c)
	close(a.changed)
	a.changed = make(chan struct{})
	var r Reply
	for _, key := range []string{c.Method + " in " + c.Form.Get("channel"), c.Method} {
		if q := a.canned[key]; len(q) > 0 {
			r, a.canned[key] = q[0], q[1:]
			return r
		}
	}
	return r
}

func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/socket" {
		a.socket.serve(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := Call{Body: body, Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), ContentType: r.Header.Get("Content-Type")}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		c.Form, _ = url.ParseQuery(string(body))
		if c.Token == "" {
			c.Token = c.Form.Get("token")
		}
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		c.Method = strings.TrimPrefix(r.URL.Path, "/api/")
	case strings.HasPrefix(r.URL.Path, "/response/"):
		c.Method = "response:" + strings.TrimPrefix(r.URL.Path, "/response/")
	case strings.HasPrefix(r.URL.Path, "/upload/"):
		c.Method = "upload:" + strings.TrimPrefix(r.URL.Path, "/upload/")
	default:
		http.NotFound(w, r)
		return
	}
	canned := a.record(c)
	if canned.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(canned.RetryAfter))
	}
	if canned.Status != 0 && canned.Status != http.StatusOK {
		w.WriteHeader(canned.Status)
		return
	}
	if strings.HasPrefix(c.Method, "response:") || strings.HasPrefix(c.Method, "upload:") {
		io.WriteString(w, "OK")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if canned.Error != "" {
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": canned.Error})
		return
	}
	json.NewEncoder(w).Encode(a.answer(c))
}

// answer is the Web API's successful answer to c.
func (a *API) answer(c Call) map[string]any {
	ok := map[string]any{"ok": true}
	switch c.Method {
	case "conversations.open":
		ok["channel"] = map[string]any{"id": "D" + strings.Split(c.Form.Get("users"), ",")[0]}
	case "chat.postMessage":
		ok["channel"], ok["ts"] = c.Form.Get("channel"), fmt.Sprintf("1800000000.%06d", len(a.Calls(c.Method)))
	case "users.info":
		user := c.Form.Get("user")
		a.mu.Lock()
		name := a.Names[user]
		a.mu.Unlock()
		ok["user"] = map[string]any{"id": user, "name": strings.ToLower(user), "profile": map[string]any{"display_name": name}}
	case "views.publish":
		ok["view"] = map[string]any{"id": "V1", "type": "home"}
	case "apps.connections.open":
		if a.socket == nil {
			return map[string]any{"ok": false, "error": "no_socket"}
		}
		ok["url"] = "ws" + strings.TrimPrefix(a.srv.URL, "http") + "/socket"
	case "auth.test":
		ok["user_id"], ok["team_id"] = "UWAVEBOT", Team
	case "files.getUploadURLExternal":
		id := fmt.Sprintf("F%d", len(a.Calls(c.Method)))
		ok["file_id"], ok["upload_url"] = id, a.srv.URL+"/upload/"+id
	case "files.completeUploadExternal":
		var files []map[string]any
		json.Unmarshal([]byte(c.Form.Get("files")), &files)
		ok["files"] = files
	default:
		return map[string]any{"ok": false, "error": "unknown_method"}
	}
	return ok
}

// Sign sets the headers Slack signs a request with: the timestamp at now
// and the v0 signature over "v0:timestamp:body" with secret.
func Sign(r *http.Request, secret string, now time.Time, body []byte) {
	ts := strconv.FormatInt(now.Unix(), 10)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", Signature(secret, ts, body))
}

// Signature is the X-Slack-Signature of body sent at timestamp, as
// Slack's request-signing documentation computes it.
func Signature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", timestamp)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SlashCommand is the form body of a slash command typed by user in
// channel, answered through responseURL.
func SlashCommand(user, channel, text, responseURL string) []byte {
	form := url.Values{}
	for k, v := range slashCommand(user, channel, text, responseURL) {
		form.Set(k, v)
	}
	return []byte(form.Encode())
}

// SlashCommandJSON is the payload of SlashCommand, as Socket Mode carries it.
func SlashCommandJSON(user, channel, text, responseURL string) json.RawMessage {
	b, _ := json.Marshal(slashCommand(user, channel, text, responseURL))
	return b
}

func slashCommand(user, channel, text, responseURL string) map[string]string {
	return map[string]string{
		"token": "unused", "team_id": Team, "team_domain": "kk", "channel_id": channel, "channel_name": "wave",
		"user_id": user, "user_name": strings.ToLower(user), "command": "/wave", "text": text,
		"response_url": responseURL, "trigger_id": "1.2.3", "api_app_id": "A1",
	}
}

// Event is the body of an event callback with id eventID delivered to the
// bot user UWAVEBOT, around inner, the event itself.
func Event(eventID string, inner map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"token": "unused", "team_id": Team, "api_app_id": "A1", "type": "event_callback", "event_id": eventID,
		"event_time": 1800000000, "event": inner,
		"authorizations": []map[string]any{{"team_id": Team, "user_id": "UWAVEBOT", "is_bot": true}},
	})
	return b
}

// BlockAction is the form body of a press by user of a button whose
// action_id, label and value are given, on a message answered through
// responseURL.
func BlockAction(user, actionID, label, value, responseURL string) []byte {
	return []byte(url.Values{"payload": {string(BlockActionJSON(user, actionID, label, value, responseURL))}}.Encode())
}

// BlockActionJSON is the payload of BlockAction, as Socket Mode carries it.
func BlockActionJSON(user, actionID, label, value, responseURL string) json.RawMessage {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"api_app_id": "A1", "team": map[string]any{"id": Team}, "response_url": responseURL, "trigger_id": "1.2.3",
		"container": map[string]any{"type": "message", "message_ts": "1800000000.000001", "channel_id": "D" + user, "is_ephemeral": false},
		"channel":   map[string]any{"id": "D" + user},
		"actions": []map[string]any{{"type": "button", "action_id": actionID, "block_id": "b1", "value": value,
			"text": map[string]any{"type": "plain_text", "text": label}, "action_ts": "1800000001.000001"}},
	})
	return payload
}

// Buttons returns the buttons of Block Kit blocks as label → value.
func Buttons(t testing.TB, blocks []map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, b := range blocks {
		if b["type"] != "actions" {
			continue
		}
		for _, e := range b["elements"].([]any) {
			el := e.(map[string]any)
			out[el["text"].(map[string]any)["text"].(string)] = el["value"].(string)
		}
	}
	return out
}

// Texts returns every text in Block Kit blocks, in order, for assertions.
func Texts(blocks []map[string]any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				out = append(out, s)
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if k != "text" || !isString(v[k]) {
					walk(v[k])
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, b := range blocks {
		walk(b)
	}
	return out
}

func isString(v any) bool { _, ok := v.(string); return ok }
