package slack

import (
	"context"
	"encoding/json"
	"net/http"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// serveEvent answers POST /slack/events: Slack's URL check, and event
// callbacks, which are claimed, acknowledged at once and run afterwards.
func (b *Bot) serveEvent(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	var head struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		http.Error(w, "slack: the event is not JSON", http.StatusBadRequest)
		return
	}
	switch head.Type {
	case slackevents.URLVerification:
		writeJSON(w, map[string]string{"challenge": head.Challenge})
	case slackevents.CallbackEvent:
		var cb slackevents.EventsAPICallbackEvent
		if err := json.Unmarshal(body, &cb); err != nil {
			http.Error(w, "slack: the event callback cannot be read", http.StatusBadRequest)
			return
		}
		if job := b.callback(r.Context(), &cb); job != nil {
			b.background(job)
		}
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// innerEvent is what decides whether an event is for wavebot.
type innerEvent struct {
	Type    string          `json:"type"`
	SubType string          `json:"subtype"`
	User    string          `json:"user"`
	BotID   string          `json:"bot_id"`
	Edited  json.RawMessage `json:"edited"`
	Tab     string          `json:"tab"`
	// Team, UserTeam and SourceTeam name the teams the user and the
	// message come from: another organisation's in a Slack Connect
	// channel.
	Team       string `json:"team"`
	UserTeam   string `json:"user_team"`
	SourceTeam string `json:"source_team"`
}

// callback works out what an event callback asks of wavebot and claims
// it, so that of Slack's retries and of the replicas the event reaches,
// one runs it. It returns nil when there is nothing to run: an event
// from another workspace or organisation, of another kind, a message
// from a bot (wavebot's own included), an edit, or an event already
// claimed. When the claim cannot be made (the store
// is down) the event runs, and the command says what is wrong.
func (b *Bot) callback(ctx context.Context, cb *slackevents.EventsAPICallbackEvent) func(context.Context) {
	if cb.InnerEvent == nil || cb.EventID == "" {
		return nil
	}
	raw := []byte(*cb.InnerEvent)
	var ev innerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil
	}
	if !b.admit(cb.TeamID, cb.EnterpriseID, ev.Team, ev.UserTeam, ev.SourceTeam) {
		return nil
	}
	bot := botUser(cb.Authorizations)
	if ev.BotID != "" || ev.SubType != "" || (len(ev.Edited) > 0 && string(ev.Edited) != "null") ||
		!userID.MatchString(ev.User) || ev.User == bot {
		return nil
	}
	var job func(context.Context)
	switch ev.Type {
	case string(slackevents.AppMention):
		var m slackevents.AppMentionEvent
		if json.Unmarshal(raw, &m) != nil {
			return nil
		}
		job = func(ctx context.Context) {
			b.answer(ctx, m.User, m.Channel, m.ThreadTimeStamp, withoutBot(m.Text, bot))
		}
	case string(slackevents.Message):
		var m slackevents.MessageEvent
		if json.Unmarshal(raw, &m) != nil || m.ChannelType != "im" {
			return nil
		}
		text := m.Text
		if bot != "" {
			text = withoutBot(text, bot)
		}
		job = func(ctx context.Context) { b.answer(ctx, m.User, m.Channel, m.ThreadTimeStamp, text) }
	case string(slackevents.AppHomeOpened):
		if ev.Tab != "home" {
			return nil
		}
		job = func(ctx context.Context) { b.publishHome(ctx, ev.User, nil) }
	default:
		return nil
	}
	first, err := b.commands.Once(ctx, platform+":event:"+cb.EventID, eventTTL)
	switch {
	case err != nil:
		b.log.Warn("slack: could not claim an event; running it", "event_id", cb.EventID, "err", err)
	case !first:
		b.log.Info("slack: event already handled, e.g. by another replica", "event_id", cb.EventID)
		return nil
	}
	return job
}

// botUser is the bot user an event was delivered to, from its
// authorizations; empty when Slack did not say.
func botUser(auths []slackgo.EventAuthorization) string {
	for _, a := range auths {
		if a.IsBot {
			return a.UserID
		}
	}
	return ""
}

// answer runs a command typed in a channel or a direct message and posts
// the reply in the same place: in the thread when it came from one.
func (b *Bot) answer(ctx context.Context, user, channel, thread, text string) {
	r := b.run(ctx, user, text, channelOf(channel, ""))
	if r.Image != nil {
		if note := b.upload(ctx, user, channel, thread, *r.Image); note != "" {
			r.Lines = append(r.Lines, note)
		}
	}
	m := b.compose(r, maxMessageBlocks)
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...)}
	if thread != "" {
		opts = append(opts, slackgo.MsgOptionTS(thread))
	}
	if _, _, err := b.api.PostMessageContext(ctx, channel, opts...); err != nil {
		b.log.Warn("slack: post an answer", "channel", channel, "err", err)
	}
}
