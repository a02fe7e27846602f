package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/notify"
)

var _ notify.Notifier = (*Bot)(nil)

// Notify sends a digest of reminders to its recipient's 1:1 chat with the
// bot, through the conversation reference stored when they wrote to the
// bot or installed it. For a person with none, it opens the conversation
// first (in the tenant and at the service URL seen when they were
// mentioned, else the bot's own) and stores it. A person Teams cannot
// reach is notify.ErrUndeliverable; a 429 is a *notify.RateLimitError.
func (b *Bot) Notify(ctx context.Context, d notify.Digest) error {
	if strings.HasPrefix(d.Recipient, channelRecipient) {
		return b.notifyChannel(ctx, d)
	}
	aad, ok := strings.CutPrefix(d.Recipient, Platform+":")
	if !ok || !objectID.MatchString(aad) {
		return fmt.Errorf("%w: %s is not a Teams person", notify.ErrUndeliverable, d.Recipient)
	}
	ref, err := b.reference(ctx, d.Recipient)
	if err != nil {
		return fmt.Errorf("remind %s: %w", d.Recipient, err)
	}
	if ref.Conversation.ID == "" {
		if ref, err = b.openConversation(ctx, d.Recipient, aad, ref); err != nil {
			return fmt.Errorf("remind %s: %w", d.Recipient, err)
		}
	}
	msg, err := b.message(ctx, b.cmds.Digest(ctx, d))
	if err != nil {
		return fmt.Errorf("remind %s: %w", d.Recipient, err)
	}
	if err := b.send(ctx, ref, msg); err != nil {
		return fmt.Errorf("remind %s: %w", d.Recipient, err)
	}
	return nil
}

// notifyChannel posts a channel's news, as a new thread, to the
// conversation its subscription's reference names. A channel the bot was
// removed from answers 403 or 404, which the connector makes
// notify.ErrUndeliverable, so the reminder engine drops it after this one
// failure.
func (b *Bot) notifyChannel(ctx context.Context, d notify.Digest) error {
	var ref schema.ConversationReference
	if len(d.Reminders) == 0 || json.Unmarshal([]byte(d.Reminders[0].Address), &ref) != nil || ref.Conversation.ID == "" || ref.ServiceURL == "" {
		return fmt.Errorf("%w: no conversation reference for %s", notify.ErrUndeliverable, d.Recipient)
	}
	msg, err := b.message(ctx, b.cmds.Digest(ctx, d))
	if err != nil {
		return fmt.Errorf("post to %s: %w", d.Recipient, err)
	}
	if err := b.send(ctx, ref, msg); err != nil {
		return fmt.Errorf("post to %s: %w", d.Recipient, err)
	}
	return nil
}

// openConversation creates the 1:1 conversation of the bot with the
// person of AAD object id aad and stores its reference.
func (b *Bot) openConversation(ctx context.Context, id, aad string, known schema.ConversationReference) (schema.ConversationReference, error) {
	serviceURL, tenantID := known.ServiceURL, known.Conversation.TenantID
	if serviceURL == "" {
		serviceURL = b.cfg.ServiceURL
	}
	if tenantID == "" {
		tenantID = b.cfg.TenantID
	}
	if tenantID == "" {
		return schema.ConversationReference{}, fmt.Errorf("%w: no tenant known to open a conversation in", notify.ErrUndeliverable)
	}
	bot := schema.ChannelAccount{ID: "28:" + b.cfg.AppID}
	user := schema.ChannelAccount{ID: aad, AadObjectID: aad}
	convID, err := b.conn.createConversation(ctx, serviceURL, conversationParameters{
		Bot: bot, Members: []schema.ChannelAccount{user}, TenantID: tenantID,
		ChannelData: map[string]any{"tenant": map[string]any{"id": tenantID}},
	})
	if err != nil {
		return schema.ConversationReference{}, fmt.Errorf("open a conversation: %w", err)
	}
	ref := schema.ConversationReference{
		User: user, Bot: bot, ChannelID: "msteams", ServiceURL: serviceURL,
		Conversation: schema.ConversationAccount{ID: convID, ConversationType: "personal", TenantID: tenantID},
	}
	if err := b.cmds.SetAddress(ctx, id, Platform, referenceJSON(ref)); err != nil {
		// The conversation exists; it is opened again next time.
		b.cfg.Logger.Warn("teams: store conversation reference", "person", id, "err", err)
	}
	return ref, nil
}

// conversationParameters opens a 1:1 conversation. The library's
// ConversationParameters always carries an empty initial activity, which
// the connector would try to post; this sends none.
type conversationParameters struct {
	Bot         schema.ChannelAccount   `json:"bot"`
	Members     []schema.ChannelAccount `json:"members"`
	IsGroup     bool                    `json:"isGroup"`
	TenantID    string                  `json:"tenantId"`
	ChannelData map[string]any          `json:"channelData"`
}
