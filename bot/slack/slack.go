// Package slack is wavebot's Slack adapter. It turns slash commands,
// mentions, direct messages and button presses into commands.Request,
// runs them through the dispatcher as the Slack user (the person
// "slack:U123"), renders each commands.Reply as Block Kit, publishes App
// Home and delivers reminders as direct messages. Requests arrive over
// HTTP, signed with the app's signing secret, or over Socket Mode.
package slack

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/notify"
)

// dispatcher is what the adapter needs of the command language: replies
// to commands, home pages and reminder messages, and what an adapter may
// keep about people and platform events.
type dispatcher interface {
	Handle(ctx context.Context, req commands.Request) commands.Reply
	Home(ctx context.Context, c commands.Caller) commands.Reply
	Digest(ctx context.Context, d notify.Digest) commands.Reply
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Address(ctx context.Context, person, platform string) (string, error)
	SetAddress(ctx context.Context, person, platform, address string) error
	Name(ctx context.Context, person string) (string, error)
	SetName(ctx context.Context, person, name string) error
	Lang(ctx context.Context, person string) string
}

var _ dispatcher = (*commands.Dispatcher)(nil)

// slackAPI is the part of Slack's Web API wavebot calls.
type slackAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slackgo.MsgOption) (string, string, error)
	OpenConversationContext(ctx context.Context, params *slackgo.OpenConversationParameters) (*slackgo.Channel, bool, bool, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slackgo.GetUserInfoOption) (*slackgo.User, error)
	PublishViewContext(ctx context.Context, req slackgo.PublishViewContextRequest) (*slackgo.ViewResponse, error)
	UploadFileContext(ctx context.Context, params slackgo.UploadFileParameters) (*slackgo.FileSummary, error)
	AuthTestContext(ctx context.Context) (*slackgo.AuthTestResponse, error)
}

var _ slackAPI = (*slackgo.Client)(nil)

// Defaults of Config.
const (
	// DefaultBudget is how long a slash command may take before it is
	// answered through its response_url instead: Slack waits three seconds.
	DefaultBudget = 2 * time.Second
	// backgroundTimeout bounds the work done after Slack was answered.
	backgroundTimeout = 30 * time.Second
	// eventTTL is how long an event id is remembered; Slack retries an
	// event for a few minutes.
	eventTTL = time.Hour
)

// Config is what the Slack adapter needs.
type Config struct {
	// Commands runs commands; a *commands.Dispatcher.
	Commands dispatcher
	// BotToken (xoxb-…) calls the Web API.
	BotToken string
	// SigningSecret verifies requests over HTTP; Socket Mode needs none.
	// Without it every HTTP request is refused.
	SigningSecret string
	// AppToken (xapp-…) opens Socket Mode connections.
	AppToken string
	// TeamID is the workspace wavebot is installed in ("T0123ABCD");
	// requests from any other are refused. Empty: LearnWorkspace asks
	// Slack.
	TeamID string
	// APIURL is the Web API's address, e.g. https://slack.com/api/;
	// empty for Slack's.
	APIURL string
	// Clock is the time requests are checked against; the system clock
	// when nil.
	Clock clock.Clock
	// Budget is how long a slash command may take before it is answered
	// through response_url; DefaultBudget when zero.
	Budget time.Duration
	// HTTPClient calls the Web API and response URLs; one with a
	// ten-second timeout when nil.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Rejected, when set, hears the reason of every request the endpoints
	// refuse (one of the Reject* constants): for metrics.
	Rejected func(reason string)
}

// Reasons a request to the endpoints is refused.
const (
	RejectTooLarge       = "too_large"
	RejectMissingHeaders = "missing_headers"
	RejectStale          = "stale_timestamp"
	RejectBadSignature   = "bad_signature"
	RejectUnreadable     = "unreadable"
	// RejectOtherWorkspace: signed by Slack, but from another workspace
	// than the installation's (see admit).
	RejectOtherWorkspace = "other_workspace"
)

// Bot is the Slack adapter: its HTTP endpoints (Routes), Socket Mode
// (RunSocketMode) and the reminder notifier (Notify).
type Bot struct {
	commands dispatcher
	client   *slackgo.Client
	api      slackAPI
	verify   verifier
	clock    clock.Clock
	budget   time.Duration
	http     *http.Client
	log      *slog.Logger
	rejected func(reason string)
	// home is the installed workspace.
	home workspace

	namesMu sync.Mutex
	// names holds, per Slack user looked up in this process, when to look
	// again: zero once found or while a look-up runs.
	names map[string]time.Time
	work  sync.WaitGroup
}

var _ notify.Notifier = (*Bot)(nil)

// New returns the adapter for cfg.
func New(cfg Config) *Bot {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(string) {}
	}
	opts := []slackgo.Option{slackgo.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		if !strings.HasSuffix(cfg.APIURL, "/") {
			cfg.APIURL += "/"
		}
		opts = append(opts, slackgo.OptionAPIURL(cfg.APIURL))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(cfg.AppToken))
	}
	client := slackgo.New(cfg.BotToken, opts...)
	return &Bot{
		commands: cfg.Commands,
		client:   client,
		api:      client,
		verify:   verifier{secret: []byte(cfg.SigningSecret), clock: cfg.Clock},
		clock:    cfg.Clock,
		budget:   cfg.Budget,
		http:     cfg.HTTPClient,
		log:      cfg.Logger,
		rejected: cfg.Rejected,
		home:     workspace{team: cfg.TeamID},
		names:    map[string]time.Time{},
	}
}

// background runs f after Slack has been answered, with a context of its
// own that the request's end does not cancel.
func (b *Bot) background(f func(ctx context.Context)) {
	b.work.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), backgroundTimeout)
		defer cancel()
		f(ctx)
	})
}

// Wait waits for the work begun after answering Slack (commands answered
// late, mentions, button presses, name look-ups) to finish. A server
// calls it after its last request has been answered.
func (b *Bot) Wait() { b.work.Wait() }

// compose renders a reply as render does, and logs it when the reply had
// to be cut to keep Slack's limits.
func (b *Bot) compose(r commands.Reply, maxBlocks int, notes ...string) message {
	m := render(r, maxBlocks, notes...)
	if m.cut {
		b.log.Warn("slack: a reply too large for one message was cut", "command", r.Command, "limit_blocks", maxBlocks)
	}
	return m
}

// run runs a command line typed by Slack user user in conversation
// channel. Text no command starts with is answered with the reason and
// the help.
func (b *Bot) run(ctx context.Context, user, text string, channel *commands.Channel) commands.Reply {
	b.learnNames(append([]string{user}, mentioned(text)...)...)
	req := commands.Request{Caller: commands.Caller{ID: person(user)}, Text: commandText(text), Channel: channel}
	r := b.commands.Handle(ctx, req)
	if r.Command == "" && r.Refused && len(r.Lines) > 0 {
		req.Text = "help"
		if help := b.commands.Handle(ctx, req); !help.Refused {
			help.Lines = append([]string{r.Lines[0]}, help.Lines...)
			return help
		}
	}
	return r
}
