package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/internal/pagelink"
	"wavebot/internal/sheet"
	"wavebot/wave"
)

const linkSecret = "a link secret of at least thirty-two bytes for cmd tests"

// TestPagesConfiguration: the pages need both variables; each problem
// stops start-up with one line naming the variable.
func TestPagesConfiguration(t *testing.T) {
	for _, tc := range []struct {
		vars []string
		want string
	}{
		{[]string{"WAVEBOT_PUBLIC_URL=https://wavebot.example.dk"}, "WAVEBOT_LINK_SECRET: is missing"},
		{[]string{"WAVEBOT_LINK_SECRET=" + linkSecret}, "WAVEBOT_PUBLIC_URL: is missing"},
		{[]string{"WAVEBOT_PUBLIC_URL=https://wavebot.example.dk", "WAVEBOT_LINK_SECRET=short"}, "WAVEBOT_LINK_SECRET: the secret must be at least 32 bytes"},
		{[]string{"WAVEBOT_PUBLIC_URL=wavebot.example.dk", "WAVEBOT_LINK_SECRET=" + linkSecret}, `WAVEBOT_PUBLIC_URL: "wavebot.example.dk"`},
		{[]string{"WAVEBOT_PUBLIC_URL=https://wavebot.example.dk", "WAVEBOT_LINK_SECRET=" + examplePlaceholder}, "WAVEBOT_LINK_SECRET: is the example file's placeholder"},
		{[]string{"WAVEBOT_PUBLIC_URL=https://wavebot.example.dk", "WAVEBOT_LINK_SECRET=" + strings.Repeat("s", 44)}, "WAVEBOT_LINK_SECRET: has too little variety"},
		{[]string{"WAVEBOT_PUBLIC_URL=https://wavebot.example.dk", "WAVEBOT_LINK_SECRET=" + strings.Repeat("ab", 40)}, "WAVEBOT_LINK_SECRET: has too little variety"},
		{[]string{"WAVEBOT_PUBLIC_URL=https://wavebot.example.dk", "WAVEBOT_LINK_SECRET=" + strings.Repeat("0123", 16)}, "WAVEBOT_LINK_SECRET: has too little variety"},
	} {
		_, err := loadConfig(env(tc.vars...))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), linkSecret) ||
			strings.Contains(err.Error(), strings.TrimPrefix(tc.vars[len(tc.vars)-1], "WAVEBOT_LINK_SECRET=")) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: err = %v; want one line with %q and never the secret", tc.vars, err, tc.want)
		}
	}
	cfg, err := loadConfig(env("WAVEBOT_PUBLIC_URL=https://wavebot.example.dk/", "WAVEBOT_LINK_SECRET="+linkSecret))
	if err != nil || cfg.Pages.links(clock.System{}) == nil {
		t.Errorf("both set: %v", err)
	}
	if cfg, _ := loadConfig(env()); cfg.Pages.links(clock.System{}) != nil {
		t.Error("neither set, yet pages")
	}
}

// TestConsolePrintsLinks: with the pages set up, the console prints the
// link of auth list and workflow FV template, each for the person at the
// keyboard and expiring a day after the console's time; without them it
// says what the administrator must set.
func TestConsolePrintsLinks(t *testing.T) {
	input := "wave create b3 2027-03-01 Bølge 3\nwave enroll b3 BUF\ncontact b3/BUF @maria\nauth list b3/BUF\nas maria\nauth list b3/BUF\nworkflow BUF template\nas søren\nauth list b3/BUF\n"
	out, _ := runConsoleSession(t, env("WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_PUBLIC_URL=http://localhost:8080", "WAVEBOT_LINK_SECRET="+linkSecret),
		[]string{"--as", "anna", "--now", "2027-01-20"}, input)
	now := time.Date(2027, 1, 20, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	signer, err := pagelink.New("http://localhost:8080", linkSecret, clock.NewFake(now))
	if err != nil {
		t.Fatal(err)
	}
	var links []pagelink.Link
	for line := range strings.Lines(out) {
		_, url, ok := strings.Cut(line, "] → http://localhost:8080/p/")
		if !ok {
			continue
		}
		l, err := signer.Verify(strings.TrimSpace(url))
		if err != nil {
			t.Fatalf("printed link %s: %v", url, err)
		}
		links = append(links, l)
	}
	want := []pagelink.Link{
		{Kind: pagelink.AuthList, Wave: "b3", FV: "BUF", Person: "anna", Expires: now.Add(pagelink.TTL).UTC()},
		{Kind: pagelink.AuthList, Wave: "b3", FV: "BUF", Person: "maria", Expires: now.Add(pagelink.TTL).UTC()},
		{Kind: pagelink.Template, FV: "BUF", Person: "maria", Expires: now.Add(pagelink.TTL).UTC()},
	}
	if len(links) != len(want) {
		t.Fatalf("links %+v; want %+v\n%s", links, want, out)
	}
	for i := range want {
		if links[i] != want[i] {
			t.Errorf("link %d = %+v, want %+v", i, links[i], want[i])
		}
	}
	if !strings.Contains(out, "[Åbn autorisationslisten] → http://localhost:8080/p/") || !strings.Contains(out, "✗ Det må du ikke: det må kun KS eller en tovholder for b3/BUF.") {
		t.Errorf("transcript:\n%s", out)
	}
	out, _ = runConsoleSession(t, env("WAVEBOT_DATA_DIR="+t.TempDir()), []string{"--as", "anna"}, "wave create b3 2027-03-01\nwave enroll b3 BUF\nauth list b3/BUF\n")
	if !strings.Contains(out, "✗ Websiderne er ikke sat op: administratoren skal sætte WAVEBOT_PUBLIC_URL og WAVEBOT_LINK_SECRET.") {
		t.Errorf("without the pages:\n%s", out)
	}
}

// TestServeMountsThePages: with the pages set up, serve answers their
// links beside its other endpoints, with the pages' security headers;
// without them, the same path is not there.
func TestServeMountsThePages(t *testing.T) {
	s := startServe(t, "WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_PUBLIC_URL=https://wavebot.example.dk", "WAVEBOT_LINK_SECRET="+linkSecret)
	signer, _ := pagelink.New("https://wavebot.example.dk", linkSecret, clock.System{})
	stranger := signer.Token(pagelink.Link{Kind: pagelink.AuthList, Wave: "b3", FV: "BUF", Person: "nobody"})
	for _, tc := range []struct {
		path string
		code int
		body string
	}{
		{"/healthz", 200, "ok"},
		{pagelink.Prefix + stranger, 403, "Siden er ikke til dig"},
		{pagelink.Prefix + "forged." + stranger[strings.Index(stranger, ".")+1:], 404, "Linket virker ikke"},
		{"/static/page.css", 200, "--focus"},
	} {
		if code, body := s.get(t, "GET", tc.path); code != tc.code || !strings.Contains(body, tc.body) {
			t.Errorf("GET %s = %d %q; want %d with %q", tc.path, code, body, tc.code, tc.body)
		}
	}
	if strings.Contains(s.log.String(), linkSecret) {
		t.Error("the log holds the link secret")
	}
	plain := startServe(t, "WAVEBOT_DATA_DIR="+t.TempDir())
	if code, _ := plain.get(t, "GET", pagelink.Prefix+stranger); code != 404 {
		t.Errorf("without the pages: %d", code)
	}
}

// TestTrialWithTheSampleList follows README's trial of the pages on one
// machine: the console prints KS's and the contact's links, serve answers
// them, the contact's page has no rows until KS uploads the sample list
// from docs, and then shows every user of it.
func TestTrialWithTheSampleList(t *testing.T) {
	dir := t.TempDir()
	pages := []string{"WAVEBOT_PUBLIC_URL=http://localhost:8080", "WAVEBOT_LINK_SECRET=" + linkSecret}
	out, _ := runConsoleSession(t, env(append(pages, "WAVEBOT_DATA_DIR="+dir)...), []string{"--as", "anna"},
		"wave create b3 2031-03-03 Bølge 3\nwave enroll b3 BUF\ncontact b3/BUF @maria\nauth request b3/BUF 2031-02-24\nauth list b3/BUF\nas maria\nauth list b3/BUF\nquit\n")
	if strings.Contains(out, "✗") {
		t.Fatalf("README's steps were refused:\n%s", out)
	}
	var links []string
	for line := range strings.Lines(out) {
		if _, url, ok := strings.Cut(line, "] → http://localhost:8080"); ok {
			links = append(links, strings.TrimSpace(url))
		}
	}
	if len(links) != 2 {
		t.Fatalf("links %v, want KS's and the contact's:\n%s", links, out)
	}
	ks, contact := links[0], links[1]
	s := startServe(t, append(pages, "WAVEBOT_DATA_DIR="+dir)...)
	if code, body := s.get(t, "GET", contact); code != 200 || !strings.Contains(body, "KS har ikke indlæst listen fra KØR endnu.") {
		t.Fatalf("the contact's page before the upload: %d\n%s", code, body)
	}
	sample, _ := uploadSample(t, s, ks)
	table, err := sheet.Read(sample)
	if err != nil {
		t.Fatal(err)
	}
	rows, ignored, problems := wave.ReadAuthList(table)
	users := map[string]bool{}
	for _, r := range rows {
		users[r.User] = true
	}
	if len(problems) > 0 || len(ignored) > 0 || len(users) < 45 || len(users) > 60 || !slices.Equal(table[0], []string{"BrugerID", "Navn", "Enhed", "Autorisation"}) {
		t.Errorf("the sample: %d users, columns %q, ignored %v, problems %v", len(users), table[0], ignored, problems)
	}
	_, shown := s.get(t, "GET", contact)
	for user := range users {
		if !strings.Contains(shown, ">"+user+"<") {
			t.Errorf("the contact's page lacks %s", user)
		}
	}
}

// uploadSample uploads docs/autorisationsliste-BUF.csv on the page of
// link, KS's link to an authorization list, as README's trial does, and
// returns the file and the page's answer.
func uploadSample(t *testing.T, s *server, link string) (file []byte, answer string) {
	t.Helper()
	_, page := s.get(t, "GET", link)
	_, rest, _ := strings.Cut(page, `name="csrf" value="`)
	csrf, _, _ := strings.Cut(rest, `"`)
	sample, err := os.ReadFile(filepath.Join("..", "..", "docs", "autorisationsliste-BUF.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	form.WriteField("csrf", csrf)
	part, _ := form.CreateFormFile("file", "autorisationsliste-BUF.csv")
	part.Write(sample)
	form.Close()
	resp, err := http.Post(s.base+link+"/upload", form.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	body2, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, body2)
	}
	return sample, string(body2)
}

// TestLinkSecretsThatAreSecret: the example file's placeholder is the one
// the configuration refuses by name, and secrets made as README says
// (openssl rand -base64 32, or -hex 32) pass.
func TestLinkSecretsThatAreSecret(t *testing.T) {
	example, err := os.ReadFile("../../deploy/wavebot.env.example")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(example), "\nWAVEBOT_LINK_SECRET="+examplePlaceholder+"\n") {
		t.Errorf("deploy/wavebot.env.example's WAVEBOT_LINK_SECRET is not the placeholder serve refuses")
	}
	for _, secret := range []string{
		"q5Zc0pJ9m4ZcJ2u3o0r3sJq0o1T9c8Vd1bPq2vR6WnE=",                     // openssl rand -base64 32
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", // openssl rand -hex 32
		linkSecret,
	} {
		if _, err := loadConfig(env("WAVEBOT_PUBLIC_URL=https://wavebot.example.dk", "WAVEBOT_LINK_SECRET="+secret)); err != nil {
			t.Errorf("%s: %v", secret, err)
		}
	}
}
