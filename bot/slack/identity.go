package slack

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// platform is the prefix of Slack people's ids and the key of their
// addresses: a Slack user U123 is the person "slack:U123".
const platform = "slack"

// channelRecipient starts the recipient id of a Slack channel that
// follows a wave: "slack:#C0123".
const channelRecipient = platform + ":#"

// person is the person id of Slack user id.
func person(user string) string { return platform + ":" + user }

var (
	// markup is Slack's angle-bracket markup in message text: mentions,
	// channels, special mentions and links.
	markup = regexp.MustCompile(`<([^<>]*)>`)
	// userID is what a Slack user id looks like.
	userID = regexp.MustCompile(`^[UW][A-Z0-9]{1,20}$`)
	// channelID is what a Slack channel id looks like.
	channelID = regexp.MustCompile(`^[CG][A-Z0-9]{1,20}$`)
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// commandText turns message text as Slack sends it into the command
// language: a mention <@U123> or <@U123|name> becomes the person
// @slack:U123, a channel its #name, a link its address, and Slack's
// escapes of &, < and > are undone.
func commandText(s string) string {
	if strings.Contains(s, "<") {
		s = markup.ReplaceAllStringFunc(s, func(m string) string {
			ref, label, hasLabel := strings.Cut(m[1:len(m)-1], "|")
			switch {
			case strings.HasPrefix(ref, "@") && userID.MatchString(ref[1:]):
				return "@" + person(ref[1:])
			case strings.HasPrefix(ref, "#") && hasLabel:
				return "#" + label
			case strings.HasPrefix(ref, "!") && hasLabel:
				return label
			case strings.HasPrefix(ref, "!"):
				return "@" + ref[1:]
			}
			return ref
		})
	}
	return strings.TrimSpace(unescaper.Replace(s))
}

// maxMentioned bounds the names one message makes wavebot look up.
const maxMentioned = 10

// mentioned lists the Slack users mentioned in message text, the first
// maxMentioned of them.
func mentioned(s string) []string {
	var out []string
	for _, m := range markup.FindAllStringSubmatch(s, maxMentioned) {
		ref, _, _ := strings.Cut(m[1], "|")
		if id, ok := strings.CutPrefix(ref, "@"); ok && userID.MatchString(id) {
			out = append(out, id)
		}
	}
	return out
}

// withoutBot drops the mention of the bot that addresses it in a channel
// ("<@UBOT> status b3"): the first mention of bot, or, when the bot's id
// is not known, a mention the text starts with.
func withoutBot(text, bot string) string {
	if bot != "" {
		for _, form := range []string{"<@" + bot + ">", "<@" + bot + "|"} {
			if i := strings.Index(text, form); i >= 0 {
				end := strings.IndexByte(text[i:], '>')
				return text[:i] + text[i+end+1:]
			}
		}
		return text
	}
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "<@") {
		if end := strings.IndexByte(t, '>'); end > 0 {
			return t[end+1:]
		}
	}
	return text
}

// nameRetry is how long a person whose name could not be fetched waits
// before the next try.
const nameRetry = 10 * time.Minute

// learnNames makes sure wavebot knows the display names of users: for
// each it has not looked up in this process, it asks the store, and when
// the store has no name, users.info, once, in the background. A failed
// look-up is tried again after nameRetry.
func (b *Bot) learnNames(users ...string) {
	now := b.clock.Now()
	for _, u := range users {
		b.namesMu.Lock()
		next, seen := b.names[u]
		due := !seen || (!next.IsZero() && !now.Before(next))
		if due {
			b.names[u] = time.Time{}
		}
		b.namesMu.Unlock()
		if !due {
			continue
		}
		b.background(func(ctx context.Context) {
			if err := b.learnName(ctx, u); err != nil {
				b.log.Warn("slack: learn display name", "user", u, "err", err)
				b.namesMu.Lock()
				b.names[u] = b.clock.Now().Add(nameRetry)
				b.namesMu.Unlock()
			}
		})
	}
}

func (b *Bot) learnName(ctx context.Context, user string) error {
	id := person(user)
	name, err := b.commands.Name(ctx, id)
	if err != nil || name != "" {
		return err
	}
	u, err := b.api.GetUserInfoContext(ctx, user)
	if err != nil {
		return err
	}
	for _, n := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name} {
		if n = strings.TrimSpace(n); n != "" {
			return b.commands.SetName(ctx, id, n)
		}
	}
	return nil
}
