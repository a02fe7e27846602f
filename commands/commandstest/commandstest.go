// Package commandstest holds scenarios that drive the command language the
// way its users do, for the tests and benchmarks of the commands and of
// every adapter that renders their replies.
package commandstest

import (
	"fmt"
	"strings"
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

// Mentions replaces each {FV} in text with mention(FV), the way a
// platform writes its people ("@maria", "@slack:U123").
func Mentions(text string, mention func(fv string) string) string {
	for _, fv := range wave.DefaultForvaltninger {
		text = strings.ReplaceAll(text, "{"+fv+"}", mention(fv))
	}
	return text
}
