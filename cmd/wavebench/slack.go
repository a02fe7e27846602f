package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"wavebot/bot/slack"
	"wavebot/bot/slack/fakeslack"
)

// slackMode loads POST /slack/commands with a signed /wave status b3/BUF
// from a viewer in a channel, which reads the caller and the wave.
type slackMode struct {
	secret string
	api    *fakeslack.API
}

func newSlackMode() mode { return &slackMode{secret: "wavebench-signing-secret"} }

func (m *slackMode) describe() string {
	return `signed "/wave status b3/BUF" to POST /slack/commands`
}

// real builds what serve builds for Slack over HTTP, on Redis: the
// service, the adapter talking to a local stand-in of the Web API (for
// display names), and its routes. The wave is created through the
// endpoint itself, by the admin.
func (m *slackMode) real(ctx context.Context, redisURL string) (http.Handler, func(), error) {
	svc, err := newService(ctx, redisURL, "slack:UADMIN")
	if err != nil {
		return nil, nil, err
	}
	m.api = fakeslack.NewServer()
	m.api.Names["UADMIN"], m.api.Names["UVIEWER"] = "Admin", "Viewer"
	bot := slack.New(slack.Config{Commands: svc.d, BotToken: "xoxb-wavebench", SigningSecret: m.secret, TeamID: fakeslack.Team, APIURL: m.api.URL(), Logger: svc.logger()})
	mux := http.NewServeMux()
	bot.Routes(mux)
	for _, line := range []string{"wave create b3 2027-02-01 Bølge 3", "wave enroll b3 BUF SUF", "contact b3/BUF <@UCONTACT>", "done b3/BUF kickoff"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, m.signed("http://wavebot", "UADMIN", line))
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "✗") {
			svc.close()
			return nil, nil, fmt.Errorf("set up the wave: %s: %d %s", line, rec.Code, rec.Body)
		}
	}
	return svc.handler(mux), func() {
		bot.Wait()
		m.api.Close()
		svc.close()
	}, nil
}

func (m *slackMode) request(base string) *http.Request {
	return m.signed(base, "UVIEWER", "status b3/BUF")
}

func (m *slackMode) signed(base, user, text string) *http.Request {
	body := fakeslack.SlashCommand(user, "C1", text, "http://127.0.0.1:1/unused")
	req, _ := http.NewRequest("POST", base+"/slack/commands", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fakeslack.Sign(req, m.secret, time.Now(), body)
	return req
}

func (m *slackMode) ok(status int, body []byte) bool {
	return status == http.StatusOK && bytes.Contains(body, []byte("b3/BUF"))
}

// check has nothing to add: ok saw each answer.
func (m *slackMode) check(int) error { return nil }

// bareAnswer is the bare handler's constant answer, as long as a short reply.
var bareAnswer = []byte(`{"response_type":"in_channel","text":"b3/BUF","blocks":[]}`)

// bare checks the signature as Slack documents it, at most five minutes
// off, and answers a constant: the least a Go handler for Slack does.
func (m *slackMode) bare() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		sec, err := strconv.ParseInt(ts, 10, 64)
		sig, _ := hex.DecodeString(strings.TrimPrefix(r.Header.Get("X-Slack-Signature"), "v0="))
		mac := hmac.New(sha256.New, []byte(m.secret))
		mac.Write([]byte("v0:" + ts + ":"))
		mac.Write(body)
		if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute || !hmac.Equal(sig, mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(bareAnswer)
	})
}
