package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	slackgo "github.com/slack-go/slack"

	"wavebot/commands"
	"wavebot/internal/catalog"
	"wavebot/notify"
)

// Channels and pictures: a channel that follows a wave gets its news
// posted there, and a picture in a reply (a timeline) is uploaded with
// Slack's external upload (files.getUploadURLExternal, the bytes, then
// files.completeUploadExternal), which shares it in the conversation.

// channelGone are the Web API errors after which wavebot can never post in
// a channel again: it was removed from it, the channel was deleted or
// archived, or the app lost the right to write there.
var channelGone = []string{"not_in_channel", "channel_not_found", "is_archived", "missing_scope", "not_allowed_token_type", "restricted_action"}

// notifyChannel posts a channel's news to the channel its subscription
// names. A channel that removed wavebot is notify.ErrUndeliverable, so
// the reminder engine drops it after this one failure.
func (b *Bot) notifyChannel(ctx context.Context, d notify.Digest) error {
	channel := strings.TrimPrefix(d.Recipient, channelRecipient)
	if len(d.Reminders) > 0 && d.Reminders[0].Address != "" {
		channel = d.Reminders[0].Address
	}
	if !channelID.MatchString(channel) {
		return fmt.Errorf("%w: %s is not a Slack channel", notify.ErrUndeliverable, d.Recipient)
	}
	err := b.say(ctx, channel, b.compose(b.commands.Digest(ctx, d), maxMessageBlocks))
	if err == nil {
		return nil
	}
	if rl, ok := errors.AsType[*slackgo.RateLimitedError](err); ok {
		return &notify.RateLimitError{RetryAfter: rl.RetryAfter}
	}
	if code := errorCode(err); slices.Contains(channelGone, code) {
		return fmt.Errorf("%w: Slack refuses to post in %s: %s", notify.ErrUndeliverable, channel, code)
	}
	return fmt.Errorf("slack: post to channel %s: %w", channel, err)
}

// errorCode is the Web API's error code of err; empty for another error.
func errorCode(err error) string {
	if e, ok := errors.AsType[slackgo.SlackErrorResponse](err); ok {
		return e.Err
	}
	return ""
}

// upload shares a reply's picture in the conversation where the command
// was typed (in its thread, when there is one). Where wavebot may not
// post, it sends the picture to the person's direct message instead and
// returns a line saying so; it returns "" when the picture is where the
// command was.
func (b *Bot) upload(ctx context.Context, user, channel, thread string, img commands.Image) string {
	err := b.uploadTo(ctx, channel, thread, img)
	if err == nil {
		return ""
	}
	if !slices.Contains(channelGone, errorCode(err)) {
		b.log.Warn("slack: upload a picture", "channel", channel, "err", err)
		return ""
	}
	dm, err := b.openDM(ctx, person(user), user)
	if err == nil {
		err = b.uploadTo(ctx, dm, "", img)
	}
	if err != nil {
		b.log.Warn("slack: upload a picture to a direct message", "user", user, "err", err)
		return ""
	}
	return catalog.SlackImageDM.In(b.commands.Lang(ctx, person(user)))
}

// uploadTo uploads img and shares it in channel.
func (b *Bot) uploadTo(ctx context.Context, channel, thread string, img commands.Image) error {
	_, err := b.api.UploadFileContext(ctx, slackgo.UploadFileParameters{
		Filename: img.Name, FileSize: len(img.PNG), Reader: bytes.NewReader(img.PNG), Title: img.Alt, AltTxt: img.Alt,
		Channel: channel, ThreadTimestamp: thread,
	})
	return err
}
