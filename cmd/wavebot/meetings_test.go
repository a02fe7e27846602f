package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// uploadMarker splits testdata/meetings.txt where KS uploads the list
// from KØR on the authorization list's web page.
const uploadMarker = "# --- upload ---\n"

// TestConsoleMeetingsSession: a tovholder plans two information meetings
// that cover the units of the list KS uploaded. The console prints KS's
// link to the list; wavebot serve, on the same data directory, takes the
// upload of docs/autorisationsliste-BUF.csv on that page, as README's
// trial does; the console then goes on, its clock where it stopped. The
// transcript of both runs is compared with testdata/meetings.golden.
func TestConsoleMeetingsSession(t *testing.T) {
	input, err := os.ReadFile(filepath.Join("testdata", "meetings.txt"))
	if err != nil {
		t.Fatal(err)
	}
	before, after, ok := strings.Cut(string(input), uploadMarker)
	if !ok {
		t.Fatalf("testdata/meetings.txt has no line %q", uploadMarker)
	}
	vars := []string{"WAVEBOT_PUBLIC_URL=http://localhost:8080", "WAVEBOT_LINK_SECRET=" + linkSecret, "WAVEBOT_DATA_DIR=" + t.TempDir()}
	first, _ := runConsoleSession(t, env(vars...), []string{"--as", "anna", "--now", "2031-01-20"}, before)
	var link string
	for line := range strings.Lines(first) {
		if _, url, ok := strings.Cut(line, "] → http://localhost:8080"); ok && link == "" {
			link = strings.TrimSpace(url)
		}
	}
	if link == "" {
		t.Fatalf("the console printed no link to the list:\n%s", first)
	}
	s := startServe(t, vars...)
	// The page says what the upload brought: the users, and the units.
	if _, answer := uploadSample(t, s, link); !strings.Contains(answer, "8 enheder fra listens Enhed-kolonne er nye for b3/BUF og er tilføjet forvaltningens enheder.") {
		t.Errorf("the upload's answer does not name the units:\n%s", answer)
	}
	// One process at a time opens the data directory: serve stops first.
	s.stopped(t)
	second, _ := runConsoleSession(t, env(vars...), []string{"--as", "anna"}, after)
	got := first + second
	checkTranscript(t, "meetings", got)
	wantIn(t, got,
		"Informationsmøder: 0 af 8 enheder har haft informationsmøde.", // the units of the uploaded list
		"⏰ 2031-01-21 09:00 → @anna: b3/BUF: @maria har sat fristen for »Informationsmøde i forvaltningen for brugere« til 14. februar 2031.",
		"b3/BUF: Informationsmødet 5. februar 2031 er registreret som planlagt for Husum Skole, Skolen på Amager Fælled, Ungdomsskolen og Sundhedsplejen.",
		"b3/BUF: Informationsmødet 12. februar 2031 er nu også for Daginstitution Valby Syd og Ungdomsskolen.",
		"0 af 8 enheder har haft informationsmøde; 8 har et planlagt.",
		"✗ Informationsmøder og enheder registrerer forvaltningen selv: kun en tovholder for b3/BUF må ændre dem.",
		"◆ Informationsmøde 5. februar 2031 – Husum Skole, Skolen på Amager Fælled, Ungdomsskolen og Sundhedsplejen – holdt (registreret af @maria)",
		"Informationsmøder: Alle 8 enheder har haft informationsmøde.",
		"maria> færdig b3/BUF info\nb3/BUF: »Informationsmøde i forvaltningen for brugere« har nu status færdig.",
	)
}
