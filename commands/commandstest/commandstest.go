// Package commandstest holds scenarios that drive the command language the
// way its users do, for the tests and benchmarks of the commands and of
// every adapter that renders their replies.
package commandstest

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/wave"
)

// Step is one line of a scenario: who types it and what. Who is "lead"
// (the KS lead, an admin), a forvaltning's code (that forvaltning's
// contact in every wave) or "clock" (Text is the day the clock moves to,
// at 12:00). In Text, {BUF} stands for a mention of BUF's contact.
type Step struct {
	Who, Text string
}

// Start is when a scenario begins: Wednesday 20 January 2027 at 12:00 in
// Copenhagen, the fixtures' clock.
var Start = wave.Copenhagen().At(wave.Date{Year: 2027, Month: time.January, Day: 20}, 12, 0)

// Day is the day the scenario's clock ends on: Monday 22 February 2027,
// when some feedback is overdue, some answered, some applied.
var Day = wave.Date{Year: 2027, Month: time.February, Day: 22}

// LeadsDay is a KS lead's portfolio: waves waves of all seven
// forvaltninger, starting a fortnight apart from 1 March 2027, planned
// with the bulk commands, the contacts answering the authorization
// feedback in three different ways, KS doing its part here and there; then
// the clock moves to Day. Run in order, every step succeeds.
func LeadsDay(waves int) []Step {
	c := wave.Copenhagen()
	fvs := wave.DefaultForvaltninger
	var out []Step
	add := func(who, format string, args ...any) { out = append(out, Step{who, fmt.Sprintf(format, args...)}) }
	start := wave.Date{Year: 2027, Month: time.March, Day: 1}
	for i := 1; i <= waves; i++ {
		start = c.NextBusinessDay(start)
		id := fmt.Sprintf("w%d", i)
		add("lead", "wave create %s %s Bølge %d", id, start, i)
		add("lead", "wave enroll %s %s", id, strings.Join(fvs, " "))
		for _, fv := range fvs {
			add("lead", "contact %s/%s {%s}", id, fv, fv)
		}
		add("lead", "auth request %s %s", id, c.AddBusinessDays(start, -7))
		add("lead", "done %s kickoff", id)
		if i%2 == 1 {
			add("lead", "done %s pc", id)
		}
		for j, fv := range fvs {
			switch (i + j) % 3 {
			case 0:
				add(fv, "auth ok %s/%s", id, fv)
			case 1:
				add(fv, "auth fix %s/%s NN%d2 skal være godkender", id, fv, j)
			}
			if j%2 == 0 {
				add(fv, "done %s/%s kickoff", id, fv)
			}
			if j == 0 && (i+j)%3 != 2 {
				add("lead", "auth applied %s/%s", id, fv)
			}
		}
		start = start.AddDays(14)
	}
	add("clock", "%s", Day)
	return out
}

// Crowded is LeadsDay grown to the worst case a reply must fit: a closed
// wave w0 and waves open ones, each of all seven forvaltninger and with
// a long name. Every enrolment has a second contact of its own ({FV.i}
// in wave wi); wherever a reply shows notes they are at the 1,000-
// character limit, in Danish (two bytes a letter in UTF-8) with quotes,
// ampersands and angle brackets: the corrections of the authorization
// feedback, in two rounds where KS applied the first, the kick-off and
// the information meeting, a skipped load test. Wave w0 has two
// evaluation notes an enrolment and is closed after both sides skipped
// its evaluations. Run in order, every step succeeds; the clock ends on Day.
func Crowded(waves int) []Step {
	c := wave.Copenhagen()
	fvs := wave.DefaultForvaltninger
	var out []Step
	add := func(who, format string, args ...any) { out = append(out, Step{who, fmt.Sprintf(format, args...)}) }
	start := wave.Date{Year: 2027, Month: time.March, Day: 1}
	for i := 0; i <= waves; i++ {
		start = c.NextBusinessDay(start)
		id := fmt.Sprintf("w%d", i)
		add("lead", "wave create %s %s Bølge %d – selvbetjening i KØR for økonomi, løn, indkøb og fakturagodkendelse", id, start, i)
		add("lead", "wave enroll %s %s", id, strings.Join(fvs, " "))
		for _, fv := range fvs {
			add("lead", "contact %s/%s {%s} {%s.%d}", id, fv, fv, fv, i)
		}
		add("lead", "auth request %s %s", id, c.AddBusinessDays(start, -7))
		add("lead", "done %s kickoff", id)
		if i%2 == 1 {
			add("lead", "done %s pc", id)
		}
		for j, fv := range fvs {
			ref := id + "/" + fv
			switch (i + j) % 3 {
			case 0:
				add(fv, "auth ok %s", ref)
			case 1:
				add(fv, "auth fix %s %s", ref, Note(i, j, 1))
				if j > 0 {
					add("lead", "auth applied %s", ref)
					add("lead", "auth request %s %s", ref, c.AddBusinessDays(start, -3))
					add(fv, "auth fix %s %s", ref, Note(i, j, 2))
				}
			}
			if j%2 == 0 {
				add(fv, "done %s kickoff %s", ref, Note(i, j, 3))
			}
			add(fv, "start %s info %s", ref, Note(i, j, 4))
			if j%3 == 0 {
				add("lead", "skip %s loadtest %s", ref, Note(i, j, 5))
			}
			if j == 0 && (i+j)%3 != 2 {
				add("lead", "auth applied %s", ref)
			}
			if i == 0 {
				add(fv, "eval note %s %s", ref, Note(i, j, 6))
				add(fv, "eval note %s %s", ref, Note(i, j, 7))
				add("lead", "skip %s evaluation %s", ref, Note(i, j, 8))
				add(fv, "skip %s evaluation %s", ref, Note(i, j, 9))
			}
		}
		if i == 0 {
			add("lead", "wave close %s", id)
		}
		start = start.AddDays(14)
	}
	add("clock", "%s", Day)
	return out
}

// MaxNote is the longest note a command takes, in characters.
const MaxNote = 1000

// noteText is what the notes of Crowded say, over and over.
const noteText = "Brugerne på Østerbro og i Sydhavnen skal være godkendere – ikke attestanter; " +
	"»NN12« & »ØB7« mangler adgang til fakturaflowet <KØR>, og økonomichefen ønsker svar før næste styregruppemøde. "

// Note is a note of MaxNote characters, different for each i, j and k.
func Note(i, j, k int) string {
	text := []rune(strings.Repeat(fmt.Sprintf("(%d.%d.%d) %s", i, j, k, noteText), MaxNote/len(noteText)+2))
	return string(text[:MaxNote-1]) + "."
}

// Mentions replaces each {FV} in text with mention(FV), the way a
// platform writes its people ("@maria", "@slack:U123"), and each {FV.i}
// with mention("FV.i").
func Mentions(text string, mention func(fv string) string) string {
	return placeholders.ReplaceAllStringFunc(text, func(m string) string {
		name := m[1 : len(m)-1]
		fv, _, _ := strings.Cut(name, ".")
		if !slices.Contains(wave.DefaultForvaltninger, fv) {
			return m
		}
		return mention(name)
	})
}

var placeholders = regexp.MustCompile(`\{[^{}\s]+\}`)

// StoreDir is a directory for the store of a scenario as long as
// Crowded, removed when t ends: in memory (/dev/shm) where the machine
// has it, since every step is a write that waits for a disk otherwise;
// else t.TempDir().
func StoreDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "wavebot-test-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
