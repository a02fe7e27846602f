package main

import (
	"net/url"
	"regexp"

	"wavebot/bot/teams"
)

// tenantID is what a Microsoft Entra tenant id or domain looks like.
var tenantID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$`)

// loadTeams reads the Teams bot registration from WAVEBOT_TEAMS_*; nil
// when Teams is not configured. Each problem names its variable.
func loadTeams(e vars, p *problems) *teams.Config {
	c := teams.Config{
		AppID:             e.get("WAVEBOT_TEAMS_APP_ID"),
		AppPassword:       e.get("WAVEBOT_TEAMS_APP_PASSWORD"),
		TenantID:          e.get("WAVEBOT_TEAMS_TENANT_ID"),
		OpenIDMetadataURL: orDefault(e.get("WAVEBOT_TEAMS_OPENID_METADATA_URL"), teams.DefaultOpenIDMetadataURL),
		TokenURL:          e.get("WAVEBOT_TEAMS_TOKEN_URL"),
	}
	switch {
	case c.AppID == "" && c.AppPassword == "":
		return nil
	case c.AppID == "":
		p.add("WAVEBOT_TEAMS_APP_ID", "set it too, or unset WAVEBOT_TEAMS_APP_PASSWORD")
		return nil
	case c.AppPassword == "":
		p.add("WAVEBOT_TEAMS_APP_PASSWORD", "set it too, or unset WAVEBOT_TEAMS_APP_ID")
		return nil
	}
	if c.TenantID != "" && !tenantID.MatchString(c.TenantID) {
		p.add("WAVEBOT_TEAMS_TENANT_ID", "%q: give the bot's Microsoft Entra tenant id", c.TenantID)
	}
	if c.TokenURL == "" {
		if c.TenantID == "" {
			p.add("WAVEBOT_TEAMS_TENANT_ID", "give the bot's Microsoft Entra tenant id (or WAVEBOT_TEAMS_TOKEN_URL)")
		}
		c.TokenURL = "https://login.microsoftonline.com/" + c.TenantID + "/oauth2/v2.0/token"
	}
	for _, v := range [][2]string{{"WAVEBOT_TEAMS_TOKEN_URL", c.TokenURL}, {"WAVEBOT_TEAMS_OPENID_METADATA_URL", c.OpenIDMetadataURL}} {
		if u, err := url.Parse(v[1]); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add(v[0], "%q: give an http(s) URL", v[1])
		}
	}
	return &c
}

// teamsSettings is the Teams part of "wavebot config", the password masked.
func teamsSettings(c *teams.Config) [][2]string {
	if c == nil {
		c = &teams.Config{}
	}
	return [][2]string{
		{"WAVEBOT_TEAMS_APP_ID", c.AppID},
		{"WAVEBOT_TEAMS_APP_PASSWORD", mask(c.AppPassword)},
		{"WAVEBOT_TEAMS_TENANT_ID", c.TenantID},
		{"WAVEBOT_TEAMS_OPENID_METADATA_URL", c.OpenIDMetadataURL},
		{"WAVEBOT_TEAMS_TOKEN_URL", c.TokenURL},
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
