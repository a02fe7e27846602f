package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/commands/commandstest"
	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// pageOf measures a page as the pager does: its rows and its text.
func pageOf(r Reply) (rows, size int) {
	for _, l := range r.Lines {
		rows, size = rows+1, size+len(l)
	}
	for _, s := range r.Sections {
		size += s.size()
		if len(s.Fields) > 0 || s.Progress != nil {
			rows += sectionWeight
		} else {
			rows += len(s.Lines)
		}
	}
	return rows, size
}

// TestLongAnswersArePaged: on a crowded portfolio (commandstest.Crowded,
// notes at their limit), each long answer comes in pages that keep the
// pager's bounds, say which page they are, and lead by their button to
// the next, which the same command with the page's number gives; the
// pages together hold each part once; a page that is not there is
// refused.
func TestLongAnswersArePaged(t *testing.T) {
	s, err := bolt.Open(commandstest.StoreDir(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newBareFixture(t, s)
	f.playScenario(commandstest.Crowded(11))
	// Wave w3's enrolments have forty contacts each, long-named.
	for _, fv := range wave.DefaultForvaltninger {
		var many []string
		for i := range 40 {
			many = append(many, fmt.Sprintf("@%s-kontaktperson-nummer-%02d", strings.ToLower(fv), i))
		}
		f.ok("anna: contact w3/" + fv + " " + strings.Join(many, " "))
	}
	// follow reads every page of line's answer, following the buttons, and
	// checks them; it returns how many pages and parts there were, and
	// the pages.
	var read strings.Builder
	follow := func(line string) (pages, parts int) {
		read.Reset()
		t.Helper()
		who, _, _ := strings.Cut(line, ": ")
		r := f.do(line)
		seen := map[string]bool{}
		next := ""
		for {
			pages++
			if r.Refused {
				t.Fatalf("%s, page %d: %v", line, pages, r.Lines)
			}
			read.WriteString(text(r))
			rows, size := pageOf(r)
			if rows > pageRows+sectionWeight*2 || size > pageBytes+2*commandstest.MaxNote*2 {
				t.Errorf("%s, page %d: %d rows, %d bytes", line, pages, rows, size)
			}
			for _, s := range r.Sections {
				key := s.Title + strings.Join(s.Lines, "\n")
				if seen[key] && s.Title != "" {
					t.Errorf("%s: %q on two pages", line, s.Title)
				}
				seen[key] = true
				if len(s.Fields) > 0 || s.Progress != nil {
					parts++
				} else {
					parts += len(s.Lines)
				}
			}
			if len(r.Sections) == 0 {
				parts += len(r.Lines)
			}
			if len(r.Actions) == 0 || r.Actions[0].Label != catalog.ButtonNextPage.In(catalog.Danish) {
				break
			}
			next = r.Actions[0].Command
			if !strings.HasSuffix(next, fmt.Sprintf(" %d", pages+1)) {
				t.Errorf("%s: page %d's button runs %q", line, pages, next)
			}
			r = f.do(who + ": " + next)
			if !strings.Contains(r.Title, fmt.Sprintf("(side %d af ", pages+1)) {
				t.Errorf("%s: page %d is titled %q", line, pages+1, r.Title)
			}
		}
		if pages > 1 {
			beyond := strings.TrimSuffix(next, fmt.Sprintf(" %d", pages)) + fmt.Sprintf(" %d", pages+1)
			f.unchangedBy(who+": "+beyond, fmt.Sprintf("Der er kun %d sider.", pages))
		}
		return pages, parts
	}
	for _, tc := range []struct {
		line     string
		minPages int
		parts    int // sections and lines over all pages; 0 when not counted
	}{
		{line: "anna: my", minPages: 10},
		{line: "buf-kontakt: mine", minPages: 2},
		{line: "anna: status", minPages: 2, parts: 11},
		{line: "anna: status w1", minPages: 1, parts: 7},
		{line: "anna: status w3", minPages: 2, parts: 7},
		{line: "anna: status BUF", minPages: 4, parts: 13}, // the track once, then each of 12 enrolments
		{line: "anna: overview", minPages: 4, parts: 77},
		{line: "anna: overdue", minPages: 2},
		{line: "anna: auth pending", minPages: 1},
		{line: "anna: wave report w0", minPages: 3, parts: 7},
		{line: "anna: bølge rapport w1", minPages: 1, parts: 7},
		{line: "anna: remind list", minPages: 2},
	} {
		pages, parts := follow(tc.line)
		if pages < tc.minPages {
			t.Errorf("%s: %d pages, want at least %d", tc.line, pages, tc.minPages)
		}
		if tc.parts > 0 && parts != tc.parts {
			t.Errorf("%s: %d parts over %d pages, want %d", tc.line, parts, pages, tc.parts)
		}
	}
	// Status of all waves pages as status all; a wave named all is still
	// shown by its name.
	if r := f.do("anna: status alle 1"); r.Refused || r.Title != f.do("anna: status").Title {
		t.Errorf("status alle 1: %v", text(r))
	}
	f.ok("anna: wave create all 2027-06-01")
	wantIn(t, f.ok("anna: status all"), `"Title":"Bølge all`)
	// Twenty-four waves: the list has two pages, the closed w0 on them
	// only with --all.
	for i := range 11 {
		f.ok(fmt.Sprintf("anna: wave create x%d 2027-06-01", i))
	}
	hidden := catalog.ClosedWavesHidden.In(catalog.Danish, 1, 1)
	if pages, parts := follow("anna: wave list --all"); pages != 2 || parts != 24 {
		t.Errorf("wave list --all: %d lines over %d pages", parts, pages)
	}
	if all := read.String(); !strings.Contains(all, "w0 – ") || strings.Contains(all, hidden) {
		t.Errorf("wave list --all: %s", all)
	}
	if pages, parts := follow("anna: bølge liste"); pages != 2 || parts != 24 {
		t.Errorf("wave list: %d lines over %d pages", parts, pages)
	}
	if open := read.String(); strings.Contains(open, "w0 – ") || !strings.Contains(open, hidden) {
		t.Errorf("wave list: %s", open)
	}
}

// TestPageCutsAtRowsAndBytes: a page takes rows while they keep within
// pageRows and pageBytes, at least one, and a group split by a page
// boundary heads both parts.
func TestPageCutsAtRowsAndBytes(t *testing.T) {
	long := strings.Repeat("æ", 2000) // 4,000 bytes
	var rows []row
	for i := range 30 {
		rows = append(rows, row{group: "g" + fmt.Sprint(i/10), line: fmt.Sprint(i)})
	}
	if got := pageStarts(rows); !slices.Equal(got, []int{0, 21}) {
		t.Errorf("30 short rows start pages at %v", got)
	}
	rows = []row{{line: long}, {line: long}, {line: long}, {line: long}, sectionRow(Section{Title: "s", Lines: []string{long, long, long, long}}), {line: "x"}}
	if got := pageStarts(rows); !slices.Equal(got, []int{0, 3, 4, 5}) {
		t.Errorf("rows of 4,000 bytes start pages at %v", got)
	}
	// A group's title counts again on each page it heads.
	rows = nil
	for range 7 {
		rows = append(rows, row{group: strings.Repeat("g", 4000), line: strings.Repeat("l", 3000)})
	}
	if got := pageStarts(rows); !slices.Equal(got, []int{0, 2, 4, 6}) {
		t.Errorf("a group of 4,000 bytes and lines of 3,000 start pages at %v", got)
	}
	rows = nil
	for i := range 12 {
		rows = append(rows, sectionRow(Section{Title: fmt.Sprint(i)}))
	}
	if got := pageStarts(rows); !slices.Equal(got, []int{0, 10}) {
		t.Errorf("sections weigh %d rows: pages start at %v", sectionWeight, got)
	}
	var lines []row
	for i := range 25 {
		lines = append(lines, row{group: "g", line: fmt.Sprint(i)})
	}
	r, err := paged(catalog.Danish, "T", lines, 2, pageCommand("x"))
	if err != nil || r.Title != "T (side 2 af 2)" || len(r.Sections) != 1 || r.Sections[0].Title != "g" || len(r.Sections[0].Lines) != 4 || r.Actions != nil {
		t.Errorf("page 2: %+v %v", r, err)
	}
}

// TestLongDigestsShowTheMostUrgent: a digest of more reminders than one
// message holds shows the most urgent that fit, says how many it leaves
// out and how to see everything, and a channel's news says how many there
// were.
func TestLongDigestsShowTheMostUrgent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.ok("maria: auth fix b3/BUF " + commandstest.Note(0, 0, 0))
	var many []notify.Reminder
	for i := range 40 {
		many = append(many, notify.Reminder{Key: fmt.Sprint(i), Kind: notify.AuthAnswered, Wave: "b3", FV: "BUF",
			Due: wave.Date{Year: 2027, Month: time.February, Day: 1 + i%20}, About: "maria", Recipient: "anna"})
	}
	r := f.d.Digest(ctx, notify.Digest{Recipient: "anna", Reminders: many})
	rows, size := pageOf(r)
	shown := rows - 1
	if size > pageBytes+2*commandstest.MaxNote || shown >= 40 || shown < 5 {
		t.Errorf("%d of 40 reminders shown in %d bytes", shown, size)
	}
	if want := catalog.DigestShown.In(catalog.Danish, shown, shown, 40); len(r.Lines) != 1 || r.Lines[0] != want {
		t.Errorf("lines %q, want %q", r.Lines, want)
	}
	if a := r.Actions[len(r.Actions)-1]; a.Command != "my" || a.Label != "Mine opgaver" || r.Lang != catalog.Danish {
		t.Errorf("actions %+v", r.Actions)
	}
	for i := range many {
		many[i].Kind, many[i].Activity, many[i].Recipient = notify.Kind(wave.MilestoneDone), "kickoff", "console:#konsol"
	}
	if news := f.d.Digest(ctx, notify.Digest{Recipient: "console:#konsol", Reminders: many}); len(news.Lines) != 1 ||
		!strings.Contains(news.Lines[0], "af 40 nyheder.") || slices.ContainsFunc(news.Actions, func(a Action) bool { return a.Command == "my" }) {
		t.Errorf("news: %q %+v", news.Lines, news.Actions)
	}
}
