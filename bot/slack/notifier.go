package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	slackgo "github.com/slack-go/slack"

	"wavebot/notify"
)

// undeliverable are the Web API errors after which a direct message can
// never reach its person: a deactivated or unknown user, or an app
// installed without the scopes to write to them. Others are retried.
var undeliverable = []string{
	"user_not_found", "user_not_visible", "user_disabled", "cannot_dm_bot",
	"missing_scope", "not_allowed_token_type", "is_archived", "restricted_action",
}

// Notify delivers a digest of reminders to its recipient (a Slack
// person; a channel that follows a wave gets its news in the channel) as
// a direct message with blocks, buttons and a plain-text
// fallback. The direct message is opened once (conversations.open) and
// its channel kept with the person. Slack's rate limit becomes a
// notify.RateLimitError; a person Slack will never let wavebot reach is
// notify.ErrUndeliverable.
func (b *Bot) Notify(ctx context.Context, d notify.Digest) error {
	if strings.HasPrefix(d.Recipient, channelRecipient) {
		return b.notifyChannel(ctx, d)
	}
	user, ok := strings.CutPrefix(d.Recipient, platform+":")
	if !ok || !userID.MatchString(user) {
		return fmt.Errorf("%w: %s is not a Slack user", notify.ErrUndeliverable, d.Recipient)
	}
	m := b.compose(b.commands.Digest(ctx, d), maxMessageBlocks)
	channel, err := b.commands.Address(ctx, d.Recipient, platform)
	if err != nil {
		return fmt.Errorf("slack: look up the direct message of %s: %w", d.Recipient, err)
	}
	if channel != "" {
		err = b.say(ctx, channel, m)
		if !slackError(err, "channel_not_found") {
			return deliveryError(user, err)
		}
		// The kept channel is gone: open the direct message again.
	}
	if channel, err = b.openDM(ctx, d.Recipient, user); err != nil {
		return deliveryError(user, err)
	}
	return deliveryError(user, b.say(ctx, channel, m))
}

// openDM opens the direct message with user and keeps its channel.
func (b *Bot) openDM(ctx context.Context, recipient, user string) (string, error) {
	ch, _, _, err := b.api.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
	if err != nil {
		return "", err
	}
	if ch == nil || ch.ID == "" {
		return "", errors.New("conversations.open returned no channel")
	}
	if err := b.commands.SetAddress(ctx, recipient, platform, ch.ID); err != nil {
		b.log.Warn("slack: keep the direct message channel", "recipient", recipient, "err", err)
	}
	return ch.ID, nil
}

// say posts m to channel.
func (b *Bot) say(ctx context.Context, channel string, m message) error {
	_, _, err := b.api.PostMessageContext(ctx, channel, slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...))
	return err
}

// slackError reports whether err is the Web API error code.
func slackError(err error, code string) bool {
	e, ok := errors.AsType[slackgo.SlackErrorResponse](err)
	return ok && e.Err == code
}

// deliveryError tells delivery what a failure means: wait, give up or retry.
func deliveryError(user string, err error) error {
	if err == nil {
		return nil
	}
	if rl, ok := errors.AsType[*slackgo.RateLimitedError](err); ok {
		return &notify.RateLimitError{RetryAfter: rl.RetryAfter}
	}
	if e, ok := errors.AsType[slackgo.SlackErrorResponse](err); ok && slices.Contains(undeliverable, e.Err) {
		return fmt.Errorf("%w: Slack refuses to reach %s: %s", notify.ErrUndeliverable, user, e.Err)
	}
	return fmt.Errorf("slack: direct message to %s: %w", user, err)
}
