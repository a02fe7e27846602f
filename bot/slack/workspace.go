package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// maxForeignLogged bounds the teams whose refusal is remembered as
// logged: past it, further teams are refused without a log line.
const maxForeignLogged = 1000

// workspace is the Slack workspace wavebot is installed in, and the
// teams from elsewhere already logged.
type workspace struct {
	team, enterprise string

	mu      sync.Mutex
	foreign map[string]bool
}

// LearnWorkspace asks Slack (auth.test) which workspace the bot token
// belongs to, unless Config.TeamID named it: from then on, only requests
// from that workspace run. Call it before serving; until it succeeds,
// every request is refused.
func (b *Bot) LearnWorkspace(ctx context.Context) error {
	if b.home.team != "" {
		return nil
	}
	res, err := b.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack auth.test, to learn the workspace: %w", err)
	}
	if res.TeamID == "" {
		return errors.New("slack auth.test named no workspace")
	}
	b.home.team, b.home.enterprise = res.TeamID, res.EnterpriseID
	b.log.Info("slack: serving one workspace", "team_id", res.TeamID, "enterprise_id", res.EnterpriseID)
	return nil
}

// admit reports whether a request comes from the installed workspace:
// its team and enterprise are the installation's, and so is every team
// it names for its user (user_team, source_team: a person of another
// organisation in a Slack Connect channel is not). A request from
// elsewhere is counted, logged once per team, and must run nothing.
func (b *Bot) admit(team, enterprise string, userTeams ...string) bool {
	h := &b.home
	ok := h.team != "" && team == h.team && enterprise == h.enterprise
	from := team
	for _, u := range userTeams {
		if u != "" && u != h.team {
			ok, from = false, u
		}
	}
	if ok {
		return true
	}
	b.rejected(RejectOtherWorkspace)
	h.mu.Lock()
	first := !h.foreign[from] && len(h.foreign) < maxForeignLogged
	if first {
		if h.foreign == nil {
			h.foreign = map[string]bool{}
		}
		h.foreign[from] = true
	}
	h.mu.Unlock()
	if first {
		b.log.Warn("slack: refused a request from another workspace; further ones from it are not logged",
			"team_id", from, "enterprise_id", enterprise, "installed_team_id", h.team)
	}
	return false
}
