package commands

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"wavebot/wave"
)

// rawLog is what a log entry shows when it prints what the code stores
// instead of a sentence: an arrow between two values, a boolean, a
// decision's key, a count's code.
var rawLog = regexp.MustCompile(`→|\btrue\b|\bfalse\b|: (ok|fix|open)\b|\brows:|\d+/\d+\b`)

// logPages reads every page of "log REF" as anna, following the next-page
// buttons, and returns the pages' entries in order.
func logPages(t *testing.T, f *fixture, ref string) (lines []string, pages int) {
	t.Helper()
	command := "log " + ref
	for command != "" {
		r := f.do("anna: " + command)
		if r.Refused {
			t.Fatalf("%s: %v", command, r.Lines)
		}
		pages++
		lines = append(lines, r.Lines...)
		command = ""
		for _, a := range r.Actions {
			if strings.HasPrefix(a.Command, "log ") {
				command = a.Command
			}
		}
		if pages > 50 {
			t.Fatal("the pages never end")
		}
	}
	return lines, pages
}

// TestLogPages (issue 22, point 9): the log of an enrolment, a wave and a
// forvaltning comes in pages of the project's pager, which together hold
// every entry, newest first; a page beyond the last is refused and
// changes nothing.
func TestLogPages(t *testing.T) {
	f := newFixture(t)
	days := []string{"2027-01-25", "2027-01-22"}
	for i := range 30 {
		f.ok("anna: due b3/BUF info " + days[i%2])
	}
	for _, ref := range []string{"b3/BUF", "b3", "BUF"} {
		lines, pages := logPages(t, f, ref)
		if pages < 2 {
			t.Errorf("log %s: %d page", ref, pages)
		}
		// Each change is one entry, newest first, none twice.
		changes := 0
		for i, l := range lines {
			if strings.Contains(l, "ændrede fristen for »Informationsmøde i forvaltningen for brugere«") {
				changes++
			}
			if i > 0 && l[:16] > lines[i-1][:16] {
				t.Errorf("log %s: %q comes after the older %q", ref, l, lines[i-1])
			}
		}
		if changes != 30 {
			t.Errorf("log %s: %d changes of the date over %d pages, want 30:\n%s", ref, changes, pages, strings.Join(lines, "\n"))
		}
		f.unchangedBy(fmt.Sprintf("anna: log %s %d", ref, pages+1), fmt.Sprintf("Der er kun %d sider.", pages))
	}
	first, second := f.do("anna: log b3/BUF"), f.do("anna: log b3/BUF 2")
	if !strings.Contains(first.Title, "(side 1 af") || !strings.Contains(second.Title, "(side 2 af") {
		t.Errorf("titles %q, %q", first.Title, second.Title)
	}
	if len(first.Actions) != 1 || first.Actions[0].Command != "log b3/BUF 2" || slices.Equal(first.Lines, second.Lines) {
		t.Errorf("page 1 leads to %+v", first.Actions)
	}
	f.refused("anna: log b3/BUF nul", "»nul«")
}

// TestLogReadsAsSentences (issue 22, point 9): every entry of the log of
// an enrolment that went through its whole process, the authorization
// list and the KØR workflow included, is a Danish sentence: no key, no
// boolean, no arrow, no code of a count; a list sent from its page is one
// entry with its counts, and KS's marks on the corrections one entry a
// save.
func TestLogReadsAsSentences(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	for _, line := range []string{
		"anna: auth request b3/BUF 2027-01-27", "anna: done b3/BUF kickoff", "maria: done b3/BUF kickoff",
		"maria: start b3/BUF info", "maria: done b3/BUF info holdt", "anna: due b3/BUF pc 2027-01-26",
		"maria: training b3/BUF no", "anna: skip b3/BUF loadtest få brugere", "maria: contact b3/BUF @jens",
		"maria: contact b3/BUF fjern @jens", "maria: remind snooze b3/BUF/evaluering 1d",
		"maria: workflow BUF done group", "maria: workflow BUF undo group", "maria: workflow BUF due decisions 2027-02-05",
		"anna: workflow BUF done presentation", "maria: lang en", "maria: lang da",
	} {
		f.ok(line)
	}
	f.upload(3)
	l, _ := f.store.AuthList(ctx, "b3", "BUF")
	edits := []wave.RowEdit{
		{ID: 1, Seen: l.Rows[0].Version, Decision: wave.DecisionOK},
		{ID: 2, Seen: l.Rows[1].Version, Decision: wave.DecisionFix, Wanted: "Godkender"},
		{ID: 3, Seen: l.Rows[2].Version, Decision: wave.DecisionFix, Wanted: "Attestant"},
	}
	if r := f.d.SaveAuthRows(ctx, "maria", "b3", "BUF", l.Round, edits); r.Refused {
		t.Fatalf("save: %v", r.Lines)
	}
	f.clock.Advance(2 * 60 * 60 * 1e9)
	if r := f.d.SubmitAuthList(ctx, "maria", "b3", "BUF", l.Round); r.Refused {
		t.Fatalf("submit: %v", r.Lines)
	}
	l, _ = f.store.AuthList(ctx, "b3", "BUF")
	mark := func(applied bool, ids ...int) {
		var edits []wave.AppliedEdit
		for _, id := range ids {
			r, _ := l.Row(id)
			edits = append(edits, wave.AppliedEdit{ID: id, Seen: r.Version, Applied: applied})
		}
		if r := f.d.ApplyAuthRows(ctx, "anna", "b3", "BUF", l.Round, edits); r.Refused {
			t.Fatalf("apply: %v", r.Lines)
		}
		l, _ = f.store.AuthList(ctx, "b3", "BUF")
	}
	mark(true, 2, 3)
	mark(false, 3)

	lines, _ := logPages(t, f, "b3/BUF")
	log := strings.Join(lines, "\n")
	for _, want := range []string{
		"@maria b3/BUF: svarede på 3 rækker i autorisationslisten: 1 i orden og 2 skal rettes",
		"@maria b3/BUF: indsendte autorisationslisten som forvaltningens tilbagemelding: 2 af 3 brugere skal rettes",
		"@anna b3/BUF: markerede 2 rettelser som udført i KØR",
		"@anna b3/BUF: markerede 1 rettelse som ikke udført i KØR",
		"@anna b3/BUF: bad om tilbagemelding på autorisationerne med frist 27. januar 2027",
		"ændrede status for »Informationsmøde i forvaltningen for brugere« fra i gang til færdig",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	// The list sent from its page is one entry.
	if strings.Count(log, "autorisationslisten som forvaltningens tilbagemelding") != 1 || strings.Contains(log, "gav tilbagemelding på autorisationerne") {
		t.Errorf("the submission is not one entry:\n%s", log)
	}
	for _, ref := range []string{"b3/BUF", "BUF", "b3"} {
		lines, _ := logPages(t, f, ref)
		for _, l := range lines {
			if m := rawLog.FindString(l[len("2027-01-20 12:00"):]); m != "" {
				t.Errorf("log %s: %q shows %q", ref, l, m)
			}
		}
		for i := 1; ; i++ {
			r := f.do(fmt.Sprintf("anna: log %s %d", ref, i))
			if r.Refused {
				break
			}
			for _, fault := range danishFaults(f.d, r) {
				t.Errorf("log %s: %s", ref, fault)
			}
		}
	}
}
