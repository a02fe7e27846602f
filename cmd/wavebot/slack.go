package main

import (
	"net/url"
	"regexp"
	"strings"
)

// slackConfig is how wavebot reaches Slack: over HTTP (signing secret)
// or Socket Mode (app token), calling the Web API with the bot token.
type slackConfig struct {
	BotToken, SigningSecret, AppToken, APIURL string
	// TeamID is the workspace wavebot is installed in; empty: serve asks
	// Slack at start-up.
	TeamID string
}

// enabled reports whether wavebot is in Slack.
func (s slackConfig) enabled() bool { return s.BotToken != "" }

// slackTeamID is what a workspace's id looks like.
var slackTeamID = regexp.MustCompile(`^T[A-Z0-9]+$`)

// loadSlack reads the WAVEBOT_SLACK_* variables. The bot token comes with
// the signing secret (HTTP endpoints), the app token (Socket Mode) or
// both; each problem names its variable.
func loadSlack(e vars, p *problems) slackConfig {
	s := slackConfig{
		BotToken: e.get("WAVEBOT_SLACK_BOT_TOKEN"), SigningSecret: e.get("WAVEBOT_SLACK_SIGNING_SECRET"),
		AppToken: e.get("WAVEBOT_SLACK_APP_TOKEN"), APIURL: e.get("WAVEBOT_SLACK_API_URL"),
		TeamID: e.get("WAVEBOT_SLACK_TEAM_ID"),
	}
	switch {
	case s.BotToken == "" && (s.SigningSecret != "" || s.AppToken != ""):
		p.add("WAVEBOT_SLACK_BOT_TOKEN", "is missing: Slack needs the app's bot token (xoxb-…) too")
		return slackConfig{}
	case s.BotToken == "":
		return slackConfig{}
	case !strings.HasPrefix(s.BotToken, "xoxb-"):
		p.add("WAVEBOT_SLACK_BOT_TOKEN", "a bot token starts with xoxb-")
	case s.SigningSecret == "" && s.AppToken == "":
		p.add("WAVEBOT_SLACK_SIGNING_SECRET", "is missing: Slack's requests cannot be verified without it (or set WAVEBOT_SLACK_APP_TOKEN for Socket Mode)")
	case s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-"):
		p.add("WAVEBOT_SLACK_APP_TOKEN", "an app-level token starts with xapp-")
	}
	if s.TeamID != "" && !slackTeamID.MatchString(s.TeamID) {
		p.add("WAVEBOT_SLACK_TEAM_ID", "%q: a workspace's id is T and capital letters and digits, e.g. T0123ABCD (leave it unset to ask Slack)", s.TeamID)
	}
	if s.APIURL != "" {
		if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("WAVEBOT_SLACK_API_URL", "%q: give the Web API's address, e.g. https://slack.com/api/", s.APIURL)
		}
	}
	return s
}

// slackSettings is the Slack part of "wavebot config", the secrets masked.
func slackSettings(s slackConfig) [][2]string {
	return [][2]string{
		{"WAVEBOT_SLACK_BOT_TOKEN", mask(s.BotToken)},
		{"WAVEBOT_SLACK_SIGNING_SECRET", mask(s.SigningSecret)},
		{"WAVEBOT_SLACK_APP_TOKEN", mask(s.AppToken)},
		{"WAVEBOT_SLACK_API_URL", s.APIURL},
		{"WAVEBOT_SLACK_TEAM_ID", s.TeamID},
	}
}
