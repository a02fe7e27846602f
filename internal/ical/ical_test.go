package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"wavebot/internal/ical/icaltest"
	"wavebot/wave"
)

func TestFeedParsesBack(t *testing.T) {
	long := strings.Repeat("Præsentationsmøde for berørte enheder; KS præsenterer, og alle deltager, ", 3)
	c := Calendar{Name: "wavebot – Maria Jensen", Zone: "Europe/Copenhagen", Stamp: time.Date(2027, 1, 20, 11, 0, 0, 0, time.UTC),
		Events: []Event{
			{UID: "b3.BUF.kickoff@wavebot", Day: wave.Date{Year: 2027, Month: 2, Day: 1}, Summary: "b3/BUF: Opstartsmøde", Description: long + "\nanden linje \\ slut"},
			{UID: "b3.ØKF.auth-feedback@wavebot", Day: wave.Date{Year: 2027, Month: 12, Day: 31}, Summary: "b3/ØKF: tilbagemelding, frist"},
		}}
	var b bytes.Buffer
	if err := c.Encode(&b); err != nil {
		t.Fatal(err)
	}
	cal := icaltest.Parse(t, b.Bytes())
	if name, _ := cal.Props.Text("X-WR-CALNAME"); name != c.Name {
		t.Errorf("calendar name %q", name)
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	for i, e := range events {
		uid, _ := e.Props.Text(goical.PropUID)
		summary, _ := e.Props.Text(goical.PropSummary)
		start, err := e.DateTimeStart(nil)
		end, err2 := e.DateTimeEnd(nil)
		want := c.Events[i]
		if err != nil || err2 != nil || uid != want.UID || summary != want.Summary || wave.DateOf(start) != want.Day || !end.Equal(start.AddDate(0, 0, 1)) {
			t.Errorf("event %d = %q %q %v–%v (%v %v), want %+v", i, uid, summary, start, end, err, err2, want)
		}
		if e.Props.Get(goical.PropDateTimeStart).ValueType() != goical.ValueDate {
			t.Errorf("event %d is not a whole day", i)
		}
	}
	if desc, _ := events[0].Props.Text(goical.PropDescription); desc != c.Events[0].Description {
		t.Errorf("the folded, escaped description came back as %q", desc)
	}
}

func TestFoldingNeverSplitsACharacter(t *testing.T) {
	var b strings.Builder
	writeFolded(&b, "SUMMARY:"+strings.Repeat("æ", 100))
	for _, part := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n ") {
		if !utf8Valid(part) || len(part) > maxOctets {
			t.Errorf("bad fold: %q", part)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
