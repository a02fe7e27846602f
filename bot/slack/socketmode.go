package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode receives slash commands, events and button presses over
// Slack's Socket Mode until ctx ends: wavebot opens the connection, so it
// needs no public address. Each envelope is acknowledged at once and then
// handled as its HTTP twin is, with answers through response_url and the
// Web API; a dropped socket is reconnected. It returns an error when
// Slack refuses the app token.
func (b *Bot) RunSocketMode(ctx context.Context) error {
	sm := socketmode.New(b.client)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-ran:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case ev := <-sm.Events:
			b.envelope(ctx, sm, ev)
		}
	}
}

// envelope acknowledges one Socket Mode envelope and starts its work.
func (b *Bot) envelope(ctx context.Context, sm *socketmode.Client, ev socketmode.Event) {
	ack := func(id string) {
		if err := sm.AckCtx(ctx, id, nil); err != nil && !errors.Is(err, context.Canceled) {
			b.log.Warn("slack: acknowledge an envelope", "envelope_id", id, "err", err)
		}
	}
	switch ev.Type {
	case socketmode.EventTypeConnected:
		b.log.Info("slack: socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError:
		b.log.Warn("slack: socket mode", "event", string(ev.Type), "data", fmt.Sprint(ev.Data))
	case socketmode.EventTypeErrorBadMessage:
		// Acknowledged all the same, so Slack does not send it again.
		if bad, ok := ev.Data.(*socketmode.ErrorBadMessage); ok {
			var req socketmode.Request
			if json.Unmarshal(bad.Message, &req) == nil && req.EnvelopeID != "" {
				ack(req.EnvelopeID)
			}
			b.log.Warn("slack: socket mode message not understood", "err", bad.Cause)
		}
	case socketmode.EventTypeSlashCommand:
		ack(ev.Request.EnvelopeID)
		if sc, ok := ev.Data.(slackgo.SlashCommand); ok && userID.MatchString(sc.UserID) && b.admit(sc.TeamID, sc.EnterpriseID) {
			b.background(func(ctx context.Context) { b.respond(ctx, sc.ResponseURL, b.command(ctx, sc)) })
		}
	case socketmode.EventTypeEventsAPI:
		ack(ev.Request.EnvelopeID)
		if e, ok := ev.Data.(slackevents.EventsAPIEvent); ok {
			if cb, ok := e.Data.(*slackevents.EventsAPICallbackEvent); ok {
				b.background(func(ctx context.Context) {
					if job := b.callback(ctx, cb); job != nil {
						job(ctx)
					}
				})
			}
		}
	case socketmode.EventTypeInteractive:
		ack(ev.Request.EnvelopeID)
		if ic, ok := ev.Data.(slackgo.InteractionCallback); ok && b.admitted(ic) {
			if job := b.interaction(ic); job != nil {
				b.background(job)
			}
		}
	}
}
