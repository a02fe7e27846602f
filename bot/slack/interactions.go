package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	slackgo "github.com/slack-go/slack"

	"wavebot/commands"
)

// serveInteraction answers POST /slack/interactions: a button press is
// acknowledged at once and run afterwards.
func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	ic, err := interactionCallback(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !b.admitted(ic) {
		http.Error(w, errOtherWorkspace, http.StatusForbidden)
		return
	}
	if job := b.interaction(ic); job != nil {
		b.background(job)
	}
	w.WriteHeader(http.StatusOK)
}

// interactionCallback reads the payload field of an interaction's form.
func interactionCallback(body []byte) (slackgo.InteractionCallback, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return slackgo.InteractionCallback{}, fmt.Errorf("slack: parse interaction: %w", err)
	}
	var ic slackgo.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
		return slackgo.InteractionCallback{}, fmt.Errorf("slack: parse interaction payload: %w", err)
	}
	return ic, nil
}

// admitted reports whether a button press comes from the installed
// workspace, and by one of its people.
func (b *Bot) admitted(ic slackgo.InteractionCallback) bool {
	return b.admit(ic.Team.ID, ic.Enterprise.ID, ic.User.TeamID)
}

// interaction works out what a button press runs: the command of a
// wavebot button, as the person who pressed it. It returns nil for
// anything else.
func (b *Bot) interaction(ic slackgo.InteractionCallback) func(context.Context) {
	if ic.Type != slackgo.InteractionTypeBlockActions || !userID.MatchString(ic.User.ID) {
		return nil
	}
	for _, a := range ic.ActionCallback.BlockActions {
		if a != nil && strings.HasPrefix(a.ActionID, actionPrefix) && a.Value != "" {
			label, command := a.Text.Text, a.Value
			return func(ctx context.Context) { b.press(ctx, ic, label, command) }
		}
	}
	return nil
}

// press runs a button's command through the same permission checks as
// typed text. On a message, the message is replaced by the outcome and
// who pressed what; a refused press changes nothing and only the presser
// sees why. On App Home, the home is published again with the outcome on top.
func (b *Bot) press(ctx context.Context, ic slackgo.InteractionCallback, label, command string) {
	user := ic.User.ID
	b.learnNames(user)
	r := b.commands.Handle(ctx, commands.Request{Caller: commands.Caller{ID: person(user)}, Text: command})
	if ic.Container.Type == "view" || ic.View.Type == slackgo.VTHomeTab {
		b.publishHome(ctx, user, &r)
		return
	}
	var m message
	if r.Refused {
		m = b.compose(r, maxMessageBlocks)
		m.ResponseType = ephemeral
	} else {
		m = b.compose(r, maxMessageBlocks, "✓ @"+person(user)+" · "+label)
		m.ReplaceOriginal = true
	}
	b.respond(ctx, ic.ResponseURL, m)
}

// publishHome publishes user's App Home: the outcome of the button just
// pressed, if any, then their tasks and enrolments.
func (b *Bot) publishHome(ctx context.Context, user string, last *commands.Reply) {
	b.learnNames(user)
	var blocks []slackgo.Block
	if last != nil {
		blocks = append(b.compose(*last, maxMessageBlocks).Blocks, slackgo.NewDividerBlock())
	}
	home := b.commands.Home(ctx, commands.Caller{ID: person(user)})
	blocks = append(blocks, b.compose(home, maxHomeBlocks-len(blocks)).Blocks...)
	view := slackgo.HomeTabViewRequest{Type: slackgo.VTHomeTab, Blocks: slackgo.Blocks{BlockSet: blocks}}
	if _, err := b.api.PublishViewContext(ctx, slackgo.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		b.log.Warn("slack: publish App Home", "user", user, "err", err)
	}
}
