// Package ical writes iCalendar feeds (RFC 5545) of whole-day events:
// the deadlines and evaluation days a person subscribes to from their
// calendar. Each event has a UID its caller keeps stable, so a calendar
// client that fetches the feed again moves an event whose date changed
// instead of adding a second one.
//
// Deadlines are days, not instants: an event is a DATE value (DTSTART and
// the next day as DTEND), which a client shows on that day wherever it
// is, so no time zone needs to be described. The feed names
// Europe/Copenhagen (X-WR-TIMEZONE) as the zone its days are counted in.
package ical

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"wavebot/wave"
)

// Event is one whole-day event.
type Event struct {
	// UID names the event for good: the same thing keeps its UID when
	// its date or text changes.
	UID         string
	Day         wave.Date
	Summary     string
	Description string
}

// Calendar is a feed.
type Calendar struct {
	// Name is what a client calls the calendar.
	Name string
	// Zone is the time zone its days are counted in.
	Zone string
	// Stamp is when the feed was made (every event's DTSTAMP).
	Stamp  time.Time
	Events []Event
}

// Encode writes the calendar as RFC 5545 text: CRLF line ends, lines
// folded at 75 octets, text values escaped.
func (c Calendar) Encode(w io.Writer) error {
	var b strings.Builder
	line := func(name, value string) { writeFolded(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Koebenhavns Kommune//wavebot//DA")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("NAME", escape(c.Name))
	line("X-WR-CALNAME", escape(c.Name))
	line("X-WR-TIMEZONE", c.Zone)
	line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	line("X-PUBLISHED-TTL", "PT1H")
	stamp := c.Stamp.UTC().Format("20060102T150405Z")
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", escape(e.UID))
		line("DTSTAMP", stamp)
		line("DTSTART;VALUE=DATE", dateValue(e.Day))
		line("DTEND;VALUE=DATE", dateValue(e.Day.AddDays(1)))
		line("SUMMARY", escape(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escape(e.Description))
		}
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}

func dateValue(d wave.Date) string {
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day)
}

// escape writes text as a TEXT value: backslash, semicolon, comma and
// line ends escaped, other control characters left out.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxOctets is the longest a content line may be, its line end left out.
const maxOctets = 75

// writeFolded writes one content line, folded: after every 75 octets (74
// on continuation lines, which start with a space) a CRLF and a space,
// never inside a UTF-8 character.
func writeFolded(b *strings.Builder, s string) {
	limit := maxOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxOctets - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
