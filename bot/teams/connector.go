package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/connector/client"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/internal/clock"
	"wavebot/notify"
)

// Outbound limits.
const (
	// botScope is what the bot's token is for: calling the Bot Connector.
	botScope = "https://api.botframework.com/.default"
	// tokenMargin is how long before its expiry a token is renewed.
	tokenMargin = 5 * time.Minute
	// fetchTimeout bounds one token fetch, whoever waits for it.
	fetchTimeout = 10 * time.Second
	// maxAnswer bounds what wavebot reads of a connector's or token
	// endpoint's answer.
	maxAnswer = 1 << 20
)

// tokens gets the bot's access token by the client-credentials grant and
// keeps it until shortly before it expires. Concurrent callers share one
// fetch; a failed fetch caches nothing.
type tokens struct {
	url, appID, password string
	http                 *http.Client
	clock                clock.Clock

	mu      sync.Mutex
	token   string
	renewAt time.Time
	flight  *tokenFlight
}

// tokenFlight is a fetch in progress and, once done is closed, its outcome.
type tokenFlight struct {
	done  chan struct{}
	token string
	err   error
}

// get returns a valid token, fetching one when none is cached.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.token != "" && t.clock.Now().Before(t.renewAt) {
		tok := t.token
		t.mu.Unlock()
		return tok, nil
	}
	f := t.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		t.flight = f
		// The fetch outlives the caller that started it: others wait for it.
		go t.fetchFor(context.WithoutCancel(ctx), f)
	}
	t.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", fmt.Errorf("get bot token: %w", ctx.Err())
	}
}

func (t *tokens) fetchFor(ctx context.Context, f *tokenFlight) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	tok, life, err := t.fetch(ctx)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flight = nil
	f.token, f.err = tok, err
	if err == nil {
		t.token = tok
		margin := min(tokenMargin, life/2)
		t.renewAt = t.clock.Now().Add(life - margin)
	}
	close(f.done)
}

// forget drops token from the cache, when the connector refused it.
func (t *tokens) forget(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == token {
		t.token = ""
	}
}

// fetch asks the token endpoint for a token and how long it lives.
func (t *tokens) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {t.appID},
		"client_secret": {t.password},
		"scope":         {botScope},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("get bot token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := t.http.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("get bot token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", 0, fmt.Errorf("get bot token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("get bot token: %s: %s", resp.Status, firstLine(body))
	}
	var answer struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return "", 0, fmt.Errorf("get bot token: %w", err)
	}
	if answer.AccessToken == "" || answer.ExpiresIn <= 0 {
		return "", 0, errors.New("get bot token: the answer holds no token or no lifetime")
	}
	return answer.AccessToken, time.Duration(answer.ExpiresIn) * time.Second, nil
}

// firstLine is the start of an error body, for a log line.
func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// connector calls the Bot Connector as the bot. It implements the
// library's client.Client, for replies, updates and proactive messages,
// and adds what the library lacks: creating a conversation. Every
// activity it sends is within maxActivity.
type connector struct {
	tokens *tokens
	http   *http.Client
	clock  clock.Clock
	log    *slog.Logger
}

var _ client.Client = (*connector)(nil)

// Post sends an activity.
func (c *connector) Post(ctx context.Context, u url.URL, activity schema.Activity) error {
	body, err := c.fit(activity)
	if err != nil {
		return fmt.Errorf("POST %s: %w", u.String(), err)
	}
	return c.do(ctx, http.MethodPost, u.String(), body, nil)
}

// Put replaces an activity, such as a card after its button was pressed.
func (c *connector) Put(ctx context.Context, u url.URL, activity schema.Activity) error {
	body, err := c.fit(activity)
	if err != nil {
		return fmt.Errorf("PUT %s: %w", u.String(), err)
	}
	return c.do(ctx, http.MethodPut, u.String(), body, nil)
}

// fit is the activity as it is sent, within maxActivity, with a log line
// when it had to be changed to fit.
func (c *connector) fit(activity schema.Activity) ([]byte, error) {
	body, f, err := fit(activity, maxActivity)
	switch {
	case err != nil:
		return nil, fmt.Errorf("encode the activity: %w", err)
	case f.cut:
		c.log.Warn("teams: a reply too large for one activity was cut", "bytes", f.before, "sent", len(body), "limit", maxActivity)
	case f.picture:
		c.log.Info("teams: a picture too large to send inline was left out", "bytes", f.before, "sent", len(body), "limit", maxActivity)
	}
	return body, nil
}

// Delete deletes an activity.
func (c *connector) Delete(ctx context.Context, u url.URL) error {
	return c.do(ctx, http.MethodDelete, u.String(), nil, nil)
}

// Get reads a resource, such as a conversation member.
func (c *connector) Get(ctx context.Context, u url.URL) (json.RawMessage, error) {
	var out json.RawMessage
	if err := c.do(ctx, http.MethodGet, u.String(), nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// createConversation opens a conversation (POST {serviceUrl}/v3/conversations)
// and returns its id.
func (c *connector) createConversation(ctx context.Context, serviceURL string, p conversationParameters) (string, error) {
	target := endpoint(serviceURL, "v3/conversations")
	body, err := encodeJSON(p)
	if err != nil {
		return "", fmt.Errorf("POST %s: %w", target, err)
	}
	var out schema.ConversationResourceResponse
	if err := c.do(ctx, http.MethodPost, target, body, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", errors.New("create conversation: the connector returned no conversation id")
	}
	return out.ID, nil
}

// endpoint joins a service URL and a path below it.
func endpoint(serviceURL, path string) string {
	return strings.TrimRight(serviceURL, "/") + "/" + path
}

// do makes one authenticated call, sending body as JSON when it is not
// nil. A 429 is a *notify.RateLimitError; a 403 or 404 (the bot was
// removed, the conversation is gone) wraps notify.ErrUndeliverable; a 401
// also drops the cached token.
func (c *connector) do(ctx context.Context, method, target string, body []byte, out any) error {
	token, err := c.tokens.get(ctx)
	if err != nil {
		return err
	}
	var in io.Reader
	if body != nil {
		in = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, in)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
	case code == http.StatusTooManyRequests:
		return &notify.RateLimitError{RetryAfter: retryAfter(resp.Header.Get("Retry-After"), c.clock.Now())}
	case code == http.StatusUnauthorized:
		c.tokens.forget(token)
		return fmt.Errorf("%s %s: %s", method, target, resp.Status)
	case code == http.StatusForbidden || code == http.StatusNotFound:
		return fmt.Errorf("%w: %s %s: %s: %s", notify.ErrUndeliverable, method, target, resp.Status, firstLine(answer))
	default:
		return fmt.Errorf("%s %s: %s: %s", method, target, resp.Status, firstLine(answer))
	}
	if out != nil && len(answer) > 0 {
		if err := json.Unmarshal(answer, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, target, err)
		}
	}
	return nil
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if secs, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
