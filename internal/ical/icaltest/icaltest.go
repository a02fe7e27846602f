// Package icaltest reads iCalendar feeds back in tests, with a maintained
// iCalendar library, as a calendar client would.
package icaltest

import (
	"bytes"
	"io"
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"
)

// maxOctets is the longest a content line may be (RFC 5545, 3.1).
const maxOctets = 75

// Parse reads feed back with github.com/emersion/go-ical and has that
// library check every component against RFC 5545 (the properties each
// must have, and how often each may occur) by encoding it again. It also
// checks the line grammar the library is lenient about: CRLF line ends
// and lines of at most 75 octets.
func Parse(t testing.TB, feed []byte) *goical.Calendar {
	t.Helper()
	for i, line := range strings.SplitAfter(string(feed), "\r\n") {
		if line == "" {
			continue
		}
		body := strings.TrimSuffix(line, "\r\n")
		if body == line || strings.ContainsAny(body, "\r\n") {
			t.Errorf("line %d does not end in CRLF: %q", i+1, line)
		}
		if len(body) > maxOctets {
			t.Errorf("line %d has %d octets: %q", i+1, len(body), line)
		}
	}
	cal, err := goical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed)
	}
	if err := goical.NewEncoder(io.Discard).Encode(cal); err != nil {
		t.Fatalf("the feed breaks RFC 5545: %v", err)
	}
	return cal
}

// Event is what a test checks of an event.
type Event struct {
	UID, Summary string
	// Day is the event's whole day, YYYY-MM-DD.
	Day string
}

// Events lists the feed's events, each a whole day; it fails the test on
// an event that is not.
func Events(t testing.TB, cal *goical.Calendar) []Event {
	t.Helper()
	var out []Event
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(goical.PropUID)
		summary, _ := e.Props.Text(goical.PropSummary)
		start, err := e.DateTimeStart(nil)
		if err != nil || e.Props.Get(goical.PropDateTimeStart).ValueType() != goical.ValueDate {
			t.Fatalf("event %s is not a whole day: %v", uid, err)
		}
		end, err := e.DateTimeEnd(nil)
		if err != nil || !end.Equal(start.AddDate(0, 0, 1)) {
			t.Fatalf("event %s ends %v, not the day after it starts (%v)", uid, end, err)
		}
		out = append(out, Event{UID: uid, Summary: summary, Day: start.Format("2006-01-02")})
	}
	return out
}
