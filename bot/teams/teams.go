// Package teams is the Microsoft Teams adapter: POST /api/messages turns
// activities from the Bot Connector into commands and answers them with
// Adaptive Cards, and Notify delivers reminders to a person's 1:1 chat
// with the bot. It uses msbotbuilder-go for the Bot Framework schema,
// activity handling and conversation references, with its own token
// validator and connector client in place of the library's.
package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/core/activity"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/notify"
)

// Limits and names of the adapter.
const (
	// Platform is the part of a person id before ':' that Teams serves.
	Platform = "teams"
	// MaxBody is the largest activity accepted.
	MaxBody = 1 << 20
	// DefaultServiceURL is where conversations with people who never wrote
	// to the bot are opened: the Bot Connector's global Teams endpoint.
	DefaultServiceURL = "https://smba.trafficmanager.net/teams/"
	// httpTimeout bounds every call to Microsoft.
	httpTimeout = 15 * time.Second
	// onceTTL is how long an activity's id is remembered, so a retried
	// activity is run once.
	onceTTL = 24 * time.Hour
	// idlePerHost is how many connections to one of Microsoft's hosts
	// (above all the Bot Connector's) are kept open for the next calls:
	// as many as replies in flight at once on a busy replica. Go's
	// default keeps two, so every reply beyond them opened a connection
	// (a TLS handshake) and closed it again.
	idlePerHost = 64
)

// microsoftTransport is how the adapter connects to Microsoft: as Go does
// by default, but keeping idlePerHost connections to each host alive.
func microsoftTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = idlePerHost
	t.MaxIdleConns = 4 * idlePerHost
	return t
}

// Config is what the adapter needs to know of its bot registration.
type Config struct {
	AppID, AppPassword string
	// TenantID is the bot's Microsoft Entra tenant: conversations are
	// opened there for people whose tenant is otherwise unknown, and, when
	// set, activities from other tenants are ignored.
	TenantID string
	// OpenIDMetadataURL is where the keys of inbound tokens are published.
	OpenIDMetadataURL string
	// TokenURL is where the bot gets its own token.
	TokenURL string
	// ServiceURL is where conversations are opened for people whose
	// service URL is unknown; DefaultServiceURL when empty.
	ServiceURL string
	Clock      clock.Clock
	Logger     *slog.Logger
	// Rejected, when set, hears the reason of every request the endpoint
	// refuses (one of the Reject* constants): for metrics.
	Rejected func(reason string)
}

// Reasons a request to the endpoint is refused.
const (
	RejectMethod          = "method"
	RejectUnauthenticated = "unauthenticated"
	RejectTooLarge        = "too_large"
	RejectUnreadable      = "unreadable"
	RejectNotAnActivity   = "not_an_activity"
	RejectOtherTenant     = "other_tenant"
)

// dispatcher is what the adapter needs of the command language.
type dispatcher interface {
	Handle(ctx context.Context, req commands.Request) commands.Reply
	Digest(ctx context.Context, d notify.Digest) commands.Reply
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
	PureRead(line string) bool
	Address(ctx context.Context, person, platform string) (string, error)
	SetAddress(ctx context.Context, person, platform, address string) error
	SetName(ctx context.Context, person, name string) error
	SetContact(ctx context.Context, person, name, platform, address string) error
	Identity(ctx context.Context, person, platform string) (id, name string, err error)
}

var _ dispatcher = (*commands.Dispatcher)(nil)

// Bot is the Teams adapter: an http.Handler for POST /api/messages and a
// notify.Notifier for reminders.
type Bot struct {
	cfg  Config
	cmds dispatcher
	// validator checks the token of every activity.
	validator *Validator
	// replies sends answers, reminders and updated cards to the Bot
	// Connector through conn.
	replies *activity.DefaultResponse
	conn    *connector
	// answered remembers the pure reads this replica answered, so that
	// one delivered again is answered once.
	answered *recent
}

// New returns the adapter for bot registration cfg, running commands
// through cmds.
func New(cfg Config, cmds dispatcher) (*Bot, error) {
	if cfg.AppID == "" || cfg.AppPassword == "" {
		return nil, errors.New("teams: the app id and password are both needed")
	}
	if cfg.TokenURL == "" {
		return nil, errors.New("teams: no token URL")
	}
	if cfg.OpenIDMetadataURL == "" {
		cfg.OpenIDMetadataURL = DefaultOpenIDMetadataURL
	}
	if cfg.ServiceURL == "" {
		cfg.ServiceURL = DefaultServiceURL
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(string) {}
	}
	web := &http.Client{Timeout: httpTimeout, Transport: microsoftTransport()}
	conn := &connector{
		tokens: &tokens{url: cfg.TokenURL, appID: cfg.AppID, password: cfg.AppPassword, http: web, clock: cfg.Clock},
		http:   web,
		clock:  cfg.Clock,
		log:    cfg.Logger,
	}
	return &Bot{cfg: cfg, cmds: cmds, validator: NewValidator(cfg.AppID, cfg.OpenIDMetadataURL, web, cfg.Clock),
		replies: &activity.DefaultResponse{Client: conn}, conn: conn, answered: newRecent(cfg.Clock)}, nil
}

// ServeHTTP takes one activity: a request without a valid token is 401
// and runs nothing, a body over MaxBody is 413. Messages run commands and
// are answered in their conversation; installs store how to reach the
// person; every other activity, and every activity from another tenant
// than the bot's, is 200 and nothing else.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		b.cfg.Rejected(RejectMethod)
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.Header.Get("Authorization") == "" {
		b.cfg.Rejected(RejectUnauthenticated)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			b.cfg.Rejected(RejectTooLarge)
			http.Error(w, "activity too large", http.StatusRequestEntityTooLarge)
			return
		}
		b.cfg.Rejected(RejectUnreadable)
		http.Error(w, "cannot read activity", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	var act schema.Activity
	if err := json.Unmarshal(body, &act); err != nil {
		b.cfg.Rejected(RejectNotAnActivity)
		http.Error(w, "not an activity", http.StatusBadRequest)
		return
	}
	if _, err := b.validator.AuthenticateRequest(ctx, act, r.Header.Get("Authorization"), nil, ""); err != nil {
		b.cfg.Rejected(RejectUnauthenticated)
		b.cfg.Logger.Warn("teams: request refused", "err", err)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if b.cfg.TenantID != "" && tenant(act) != b.cfg.TenantID {
		// The bot serves its own organisation: a guest from another tenant
		// gets nothing.
		b.cfg.Rejected(RejectOtherTenant)
		w.WriteHeader(http.StatusOK)
		return
	}
	switch act.Type {
	case schema.Message:
		b.onMessage(ctx, act, body)
	case schema.ConversationUpdate, schema.InstallationUpdate:
		b.onInstall(ctx, act)
	}
	w.WriteHeader(http.StatusOK)
}

// person is the wavebot id of a Teams account: teams:<AAD object id>.
func person(a schema.ChannelAccount) (string, bool) {
	if !objectID.MatchString(a.AadObjectID) {
		return "", false
	}
	return Platform + ":" + a.AadObjectID, true
}

// objectID is what an AAD object id looks like: a GUID, or at least one
// word that can stand in a command line.
var objectID = regexp.MustCompile(`^[0-9A-Za-z_-]{1,58}$`)

// personal reports whether a conversation is a 1:1 chat with the bot.
func personal(c schema.ConversationAccount) bool {
	return c.ConversationType == "personal" || (c.ConversationType == "" && !c.IsGroup)
}

// tenant is the tenant an activity came from.
func tenant(act schema.Activity) string {
	if act.Conversation.TenantID != "" {
		return act.Conversation.TenantID
	}
	if t, ok := act.ChannelData["tenant"].(map[string]any); ok {
		id, _ := t["id"].(string)
		return id
	}
	return ""
}

// onInstall remembers how to reach the person who installed the bot or
// opened a chat with it, for reminders.
func (b *Bot) onInstall(ctx context.Context, act schema.Activity) {
	id, ok := person(act.From)
	if !ok || !personal(act.Conversation) {
		return
	}
	b.remember(ctx, id, act.From.Name, reference(act))
}

// reference is the conversation an activity came in, to send to later.
func reference(act schema.Activity) schema.ConversationReference {
	ref := activity.GetCoversationReference(act)
	ref.ActivityID = "" // later messages start anew instead of replying
	ref.Conversation.TenantID = tenant(act)
	return ref
}

// remember stores a person's name and conversation reference. A
// reference without a conversation only says where the person's
// conversation can be opened; it never replaces a full one.
func (b *Bot) remember(ctx context.Context, id, name string, ref schema.ConversationReference) {
	if ref.Conversation.ID == "" {
		if stored, err := b.reference(ctx, id); err != nil || stored.ServiceURL != "" {
			if name == "" {
				return
			}
			if err := b.cmds.SetName(ctx, id, name); err != nil {
				b.cfg.Logger.Warn("teams: store name", "person", id, "err", err)
			}
			return
		}
	}
	if err := b.cmds.SetContact(ctx, id, name, Platform, referenceJSON(ref)); err != nil {
		b.cfg.Logger.Warn("teams: store name and conversation reference", "person", id, "err", err)
	}
}

// reference loads how person is reached in Teams; the zero reference
// when nothing is stored.
func (b *Bot) reference(ctx context.Context, id string) (schema.ConversationReference, error) {
	var ref schema.ConversationReference
	addr, err := b.cmds.Address(ctx, id, Platform)
	if err != nil || addr == "" {
		return ref, err
	}
	if err := json.Unmarshal([]byte(addr), &ref); err != nil {
		return schema.ConversationReference{}, fmt.Errorf("conversation reference of %s: %w", id, err)
	}
	return ref, nil
}

// onMessage runs a message's command, or a pressed button's, and answers.
func (b *Bot) onMessage(ctx context.Context, act schema.Activity, body []byte) {
	caller, ok := person(act.From)
	if !ok {
		b.cfg.Logger.Warn("teams: message from an account without an AAD object id", "from", act.From.ID)
		return
	}
	pressed, isButton := act.Value["command"].(string)
	text := pressed
	if !isButton {
		text = b.commandText(ctx, act, body)
	}
	if !b.firstDelivery(ctx, act, text) {
		return
	}
	ref := reference(act)
	if !personal(act.Conversation) {
		ref.Conversation = schema.ConversationAccount{TenantID: ref.Conversation.TenantID}
	}
	b.remember(ctx, caller, act.From.Name, ref)
	reply := b.cmds.Handle(ctx, commands.Request{Caller: commands.Caller{ID: caller, Name: act.From.Name}, Text: text, Channel: channelOf(act)})
	out, err := b.message(ctx, reply)
	if err != nil {
		b.cfg.Logger.Error("teams: render reply", "err", err)
		return
	}
	if isButton && !reply.Refused && act.ReplyToID != "" {
		// The card whose button was pressed shows the outcome in its place.
		out = activity.ApplyConversationReference(out, activity.GetCoversationReference(act), false)
		out.ID, out.ReplyToID = act.ReplyToID, ""
		if err := b.replies.UpdateActivity(ctx, out); err != nil {
			b.cfg.Logger.Warn("teams: update card", "err", err)
		}
		return
	}
	if act.Conversation.ConversationType == "channel" && !strings.Contains(act.Conversation.ID, ";messageid=") {
		act.Conversation.ID += ";messageid=" + act.ID // answer in the message's thread
	}
	if err := b.send(ctx, activity.GetCoversationReference(act), out); err != nil {
		b.cfg.Logger.Warn("teams: reply", "err", err)
	}
}

// firstDelivery reports whether act, whose command line is text, is
// delivered for the first time: Teams delivers a message again when its
// answer took over 15 seconds. A line that may change something is
// claimed in the store, so that it runs once on any number of replicas.
// A pure read is only remembered by this replica: delivered again to
// another, it is answered again, as if asked again, which changes
// nothing, where a claim in the store would cost every question a round
// trip to it (on Redis about a seventh of a Teams answer's CPU time, on
// the embedded store a write to disk). When the store cannot be asked,
// the line runs. The line is worked out first, so a redelivered message
// that mentions someone without an AAD object id asks the connector for
// it again.
func (b *Bot) firstDelivery(ctx context.Context, act schema.Activity, text string) bool {
	key := "teams:activity:" + act.Conversation.ID + "|" + act.ID
	if b.cmds.PureRead(text) {
		return b.answered.first(key)
	}
	first, err := b.cmds.Once(ctx, key, onceTTL)
	if err != nil {
		b.cfg.Logger.Warn("teams: claim activity", "err", err)
		return true
	}
	return first
}

// send posts msg to the conversation ref names, in reply to the activity
// ref names when it names one: what the library's turns send, without
// their copies of the activity.
func (b *Bot) send(ctx context.Context, ref schema.ConversationReference, msg schema.Activity) error {
	return b.replies.SendActivity(ctx, activity.ApplyConversationReference(msg, ref, false))
}

// channelRecipient starts the recipient id of a Teams channel or group
// chat that follows a wave: "teams:#19:…@thread.tacv2".
const channelRecipient = Platform + ":#"

// channelOf is the channel or group chat an activity came from, as the
// command language knows channels, with the conversation reference to
// post there later; nil for a personal chat. A reply in a channel's
// thread names the thread in its conversation id; the channel is the
// conversation without it.
func channelOf(act schema.Activity) *commands.Channel {
	if personal(act.Conversation) || act.Conversation.ID == "" {
		return nil
	}
	ref := reference(act)
	ref.Conversation.ID, _, _ = strings.Cut(ref.Conversation.ID, ";messageid=")
	ref.User = schema.ChannelAccount{}
	c := &commands.Channel{ID: channelRecipient + ref.Conversation.ID, Address: referenceJSON(ref)}
	if ch, ok := act.ChannelData["channel"].(map[string]any); ok {
		if name, _ := ch["name"].(string); name != "" {
			c.Name = name
		}
	}
	if c.Name == "" && act.Conversation.Name != "" {
		c.Name = act.Conversation.Name
	}
	return c
}

// message renders a reply as a message activity holding its card, with
// the Teams identities and names of the people it mentions.
func (b *Bot) message(ctx context.Context, r commands.Reply) (schema.Activity, error) {
	people := map[string]who{}
	for _, id := range peopleIn(r) {
		teams, name, err := b.cmds.Identity(ctx, id, Platform)
		if err != nil {
			return schema.Activity{}, fmt.Errorf("identity of %s: %w", id, err)
		}
		people[id] = who{Teams: teams, Name: name}
	}
	atts := []schema.Attachment{attachment(render(r, people))}
	if p, ok := picture(r.Image); ok {
		atts = append(atts, p)
	}
	return schema.Activity{Type: schema.Message, Summary: summary(r, people), Attachments: atts}, nil
}

// mentionEntities is the part of an activity that the library's schema
// drops: the people its mentions name.
type mentionEntities struct {
	Entities []schema.Mention `json:"entities"`
}

// tags are the HTML tags Teams may wrap a message's text in.
var tags = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)

// commandText is a message's command line: the bot's own mention taken
// out, everyone else's made "@teams:<AAD object id>".
func (b *Bot) commandText(ctx context.Context, act schema.Activity, body []byte) string {
	text := act.Text
	var ents mentionEntities
	if bytes.Contains(body, []byte(`"mention"`)) {
		// Only a message that mentions someone is decoded again for its
		// mentions; it decoded once, so it does again.
		_ = json.Unmarshal(body, &ents)
	}
	for _, e := range ents.Entities {
		if e.Type != "mention" || e.Text == "" {
			continue
		}
		if e.Mentioned.ID == act.Recipient.ID {
			text = strings.Replace(text, e.Text, " ", 1)
			continue
		}
		id, ok := b.mentioned(ctx, act, e.Mentioned)
		if !ok {
			continue
		}
		text = strings.Replace(text, e.Text, " @"+id+" ", 1)
	}
	if strings.ContainsAny(text, "<&") {
		text = html.UnescapeString(tags.ReplaceAllString(text, " "))
	}
	return strings.TrimSpace(text)
}

// mentioned is the person a mention names, asking the connector for
// their AAD object id when the mention lacks it. Whoever is mentioned can
// be reminded later: their name is kept, and where their conversation can
// be opened.
func (b *Bot) mentioned(ctx context.Context, act schema.Activity, acc schema.ChannelAccount) (string, bool) {
	if acc.AadObjectID == "" && acc.ID != "" {
		u, err := url.Parse(endpoint(act.ServiceURL, "v3/conversations/"+url.PathEscape(act.Conversation.ID)+"/members/"+url.PathEscape(acc.ID)))
		var raw json.RawMessage
		if err == nil {
			raw, err = b.conn.Get(ctx, *u)
		}
		if err == nil {
			var member schema.ChannelAccount
			if json.Unmarshal(raw, &member) == nil {
				acc.AadObjectID = member.AadObjectID
			}
		}
		if acc.AadObjectID == "" {
			b.cfg.Logger.Warn("teams: cannot identify a mentioned person", "id", acc.ID, "err", err)
			return "", false
		}
	}
	id, ok := person(acc)
	if !ok {
		return "", false
	}
	b.remember(ctx, id, acc.Name, schema.ConversationReference{ChannelID: act.ChannelID, ServiceURL: act.ServiceURL,
		Conversation: schema.ConversationAccount{TenantID: tenant(act)}})
	return id, true
}
