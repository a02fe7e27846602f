package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"wavebot/bot/slack"
	"wavebot/bot/teams"
	"wavebot/commands"
	"wavebot/notify"
)

// chat is a chat platform as serve runs it.
type chat struct {
	// name is the prefix of the platform's person ids, and its key in
	// notify.Router.
	name     string
	notifier notify.Notifier
	// routes registers the platform's HTTP endpoints; nil when it has
	// none (Slack in Socket Mode).
	routes func(mux *http.ServeMux)
	// run, when set, receives the platform's requests until ctx ends
	// (Slack's Socket Mode); its error stops the server.
	run func(ctx context.Context) error
	// wait, when set, waits for the work the platform began after answering.
	wait func()
	// start, when set, prepares the platform before the first request
	// (Slack learns its workspace); its error stops start-up.
	start func(ctx context.Context) error
}

// chats are the chat platforms the configuration names, each one block;
// rejected tells a platform's refused requests, by reason, to the metrics.
func chats(cfg config, d *commands.Dispatcher, logger *slog.Logger, rejected func(platform string) func(reason string)) ([]chat, error) {
	var out []chat
	if cfg.Slack.enabled() {
		bot := slack.New(slack.Config{Commands: d, BotToken: cfg.Slack.BotToken, SigningSecret: cfg.Slack.SigningSecret,
			AppToken: cfg.Slack.AppToken, TeamID: cfg.Slack.TeamID, APIURL: cfg.Slack.APIURL, Logger: logger, Rejected: rejected("slack")})
		c := chat{name: "slack", notifier: bot, routes: bot.Routes, wait: bot.Wait, start: func(ctx context.Context) error {
			if err := bot.LearnWorkspace(ctx); err != nil {
				return fmt.Errorf("WAVEBOT_SLACK_BOT_TOKEN: %w; or name the workspace in WAVEBOT_SLACK_TEAM_ID", err)
			}
			return nil
		}}
		if cfg.Slack.AppToken != "" {
			c.routes, c.run = nil, bot.RunSocketMode
		}
		out = append(out, c)
	}
	if cfg.Teams != nil {
		tc := *cfg.Teams
		tc.Logger, tc.Rejected = logger, rejected(teams.Platform)
		bot, err := teams.New(tc, d)
		if err != nil {
			return nil, err
		}
		out = append(out, chat{name: teams.Platform, notifier: bot,
			routes: func(mux *http.ServeMux) { mux.Handle("POST /api/messages", bot) }})
	}
	return out, nil
}
