package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"wavebot/commands"
)

// command answers a slash command ("/wave status b3"; any command name
// works): privately, except the status of something asked in a channel,
// which the channel sees.
func (b *Bot) command(ctx context.Context, sc slackgo.SlashCommand) message {
	r := b.run(ctx, sc.UserID, sc.Text, channelOf(sc.ChannelID, sc.ChannelName))
	if r.Image != nil {
		if note := b.upload(ctx, sc.UserID, sc.ChannelID, "", *r.Image); note != "" {
			r.Lines = append(r.Lines, note)
		}
	}
	m := b.compose(r, maxMessageBlocks)
	m.ResponseType = ephemeral
	if r.Command == "status" && !r.Refused && inAChannel(sc.ChannelID) {
		m.ResponseType = inChannel
	}
	return m
}

// inAChannel reports whether a conversation id is a public or private
// channel rather than a direct message.
func inAChannel(id string) bool { return strings.HasPrefix(id, "C") || strings.HasPrefix(id, "G") }

// channelOf is the channel a command was typed in, as the command
// language knows channels; nil for a direct message. Slack says a
// private channel's name only to members, "privategroup" to others.
func channelOf(id, name string) *commands.Channel {
	if !inAChannel(id) || !channelID.MatchString(id) {
		return nil
	}
	c := &commands.Channel{ID: channelRecipient + id, Address: id}
	if name != "" && name != "privategroup" {
		c.Name = "#" + name
	}
	return c
}

// slashCommand reads a slash command's form, as slack-go's
// SlashCommandParse does, from a body already verified.
func slashCommand(body []byte) (slackgo.SlashCommand, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return slackgo.SlashCommand{}, fmt.Errorf("parse slash command: %w", err)
	}
	sc := slackgo.SlashCommand{
		TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"),
		Text: form.Get("text"), ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"),
		APIAppID: form.Get("api_app_id"), EnterpriseID: form.Get("enterprise_id"),
	}
	if !userID.MatchString(sc.UserID) {
		return slackgo.SlashCommand{}, fmt.Errorf("parse slash command: user_id %q is not a Slack user", sc.UserID)
	}
	return sc, nil
}

// serveCommand answers POST /slack/commands within the budget, with the
// reply in the response. The command runs on the request's own
// goroutine; should it outlast the budget (a slow store), a timer
// acknowledges it with an empty 200 at the budget's end, which closes
// the connection so Slack sends nothing more on it, and the answer goes
// to the response_url when it is ready. Slack never shows a timeout.
// From the acknowledgement on, the command is work Wait waits for.
func (b *Bot) serveCommand(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	sc, err := slashCommand(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !b.admit(sc.TeamID, sc.EnterpriseID) {
		http.Error(w, errOtherWorkspace, http.StatusForbidden)
		return
	}
	// Whoever comes first, the answer or the timer, writes the response,
	// under mu; taking mu to start the timer orders what was written before.
	var mu sync.Mutex
	answered, acknowledged := false, false
	mu.Lock()
	timer := time.AfterFunc(b.budget, func() {
		mu.Lock()
		defer mu.Unlock()
		if answered {
			return
		}
		acknowledged = true
		b.work.Add(1) // what is left is work after answering Slack: Wait waits for it
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		http.NewResponseController(w).Flush()
	})
	mu.Unlock()
	// However the handler ends, a panic included (the server recovers
	// it), the timer writes nothing to the response once it has returned.
	defer func() {
		mu.Lock()
		answered = true
		late := acknowledged
		mu.Unlock()
		timer.Stop()
		if late {
			b.work.Done()
		}
	}()
	// The command outlives an acknowledged request, whose context ends.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), backgroundTimeout)
	defer cancel()
	m := b.command(ctx, sc)
	mu.Lock()
	if !acknowledged {
		answered = true // the timer, should it fire now, finds the response written
		writeJSON(w, m)
		mu.Unlock()
		return
	}
	mu.Unlock()
	b.respond(ctx, sc.ResponseURL, m)
}

// respond posts m to a response_url; failures are logged, as nobody is
// left to tell.
func (b *Bot) respond(ctx context.Context, responseURL string, m message) {
	if err := b.postResponse(ctx, responseURL, m); err != nil {
		b.log.Warn("slack: answer through response_url", "err", err)
	}
}

func (b *Bot) postResponse(ctx context.Context, responseURL string, m message) error {
	u, err := url.Parse(responseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("response_url %q is not a web address", responseURL)
	}
	body, err := encode(m)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post to response_url: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.http.Do(req)
	if err != nil {
		return fmt.Errorf("post to response_url: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("post to response_url: %s", resp.Status)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	b := answerBuffers.Get().(*bytes.Buffer)
	defer func() {
		b.Reset()
		answerBuffers.Put(b)
	}()
	if err := encodeTo(b, v); err != nil {
		http.Error(w, "slack: could not encode the answer", http.StatusInternalServerError)
		return
	}
	// A length known up front keeps an answer over 2 KB from going out
	// in chunks: one write, and less for Slack to read.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
}

// answerBuffers are reused for the answers written in responses: one of
// a few kilobytes per command.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encode is JSON as Slack reads it, with &, < and > as they are: the
// text was escaped for Slack already.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	err := encodeTo(&b, v)
	return b.Bytes(), err
}

func encodeTo(b *bytes.Buffer, v any) error {
	if m, ok := v.(message); ok {
		if out, ok := appendMessage(b.AvailableBuffer(), m); ok {
			b.Write(out)
			return nil
		}
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
