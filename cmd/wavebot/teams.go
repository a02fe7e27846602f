package main

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"wavebot/bot/teams"
)

// tenantID is what a Microsoft Entra tenant id or domain looks like.
var tenantID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$`)

// loadTeams reads the Teams bot registration from WAVEBOT_TEAMS_*; nil
// when Teams is not configured. An error names the variable that is wrong.
func loadTeams(lookupEnv func(string) (string, bool)) (*teams.Config, error) {
	getenv := func(name string) string { v, _ := lookupEnv(name); return v }
	c := teams.Config{
		AppID:             getenv("WAVEBOT_TEAMS_APP_ID"),
		AppPassword:       getenv("WAVEBOT_TEAMS_APP_PASSWORD"),
		TenantID:          getenv("WAVEBOT_TEAMS_TENANT_ID"),
		OpenIDMetadataURL: orDefault(getenv("WAVEBOT_TEAMS_OPENID_METADATA_URL"), teams.DefaultOpenIDMetadataURL),
		TokenURL:          getenv("WAVEBOT_TEAMS_TOKEN_URL"),
	}
	switch {
	case c.AppID == "" && c.AppPassword == "":
		return nil, nil
	case c.AppID == "":
		return nil, errors.New("WAVEBOT_TEAMS_APP_ID: set it too, or unset WAVEBOT_TEAMS_APP_PASSWORD")
	case c.AppPassword == "":
		return nil, errors.New("WAVEBOT_TEAMS_APP_PASSWORD: set it too, or unset WAVEBOT_TEAMS_APP_ID")
	}
	if c.TenantID != "" && !tenantID.MatchString(c.TenantID) {
		return nil, fmt.Errorf("WAVEBOT_TEAMS_TENANT_ID=%q: give the bot's Microsoft Entra tenant id", c.TenantID)
	}
	if c.TokenURL == "" {
		if c.TenantID == "" {
			return nil, errors.New("WAVEBOT_TEAMS_TENANT_ID: give the bot's Microsoft Entra tenant id (or WAVEBOT_TEAMS_TOKEN_URL)")
		}
		c.TokenURL = "https://login.microsoftonline.com/" + c.TenantID + "/oauth2/v2.0/token"
	}
	for name, v := range map[string]string{"WAVEBOT_TEAMS_TOKEN_URL": c.TokenURL, "WAVEBOT_TEAMS_OPENID_METADATA_URL": c.OpenIDMetadataURL} {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%s=%q: give an http(s) URL", name, v)
		}
	}
	return &c, nil
}
