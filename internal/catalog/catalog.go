// Package catalog holds every sentence wavebot says to people, in Danish
// (the default) and English. Handlers and reminders pick messages from here
// by name, so no user-facing text is scattered through the code and a
// translation is reviewed in one place.
package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Languages wavebot speaks; Danish is the default.
const (
	Danish  = "da"
	English = "en"
)

// Message is one sentence in both languages, with fmt verbs for its arguments.
type Message struct {
	da, en string
}

// In renders the message in lang (anything but "en" is Danish).
func (m Message) In(lang string, args ...any) string {
	format := m.da
	if lang == English {
		format = m.en
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// texts are the messages read as Danish or English prose; placeholders
// are the argument names of usage lines, which keep command words.
var texts, placeholders []Message

func msg(da, en string) Message {
	m := Message{da: da, en: en}
	texts = append(texts, m)
	return m
}

// placeholder is the name of a command's argument in a usage line, such as
// AKTIVITET or ÅÅÅÅ-MM-DD. It may contain command words (done, undo).
func placeholder(da, en string) Message {
	m := Message{da: da, en: en}
	placeholders = append(placeholders, m)
	return m
}

// Plural is a message worded by a count: one form for exactly one, the
// other for every other number.
type Plural struct {
	one, other Message
}

func plural(oneDA, otherDA, oneEN, otherEN string) Plural {
	return Plural{one: msg(oneDA, oneEN), other: msg(otherDA, otherEN)}
}

// In renders the form for n with args.
func (p Plural) In(lang string, n int, args ...any) string {
	return p.For(n).In(lang, args...)
}

// For is the form for n, as a message of its own.
func (p Plural) For(n int) Message {
	if n == 1 {
		return p.one
	}
	return p.other
}

var and = msg("og", "and")

// List joins items as a sentence does: "BUF", "BUF og SUF", "BUF, SUF og TMF".
func List(lang string, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + and.In(lang) + " " + items[len(items)-1]
}

// Some names items in lang as List does when there are at most most+1
// of them (or most is zero); otherwise the first most, and how many more.
func Some(lang string, items []string, most int) string {
	if most <= 0 || len(items) <= most+1 {
		return List(lang, items)
	}
	return UnitsMore.In(lang, strings.Join(items[:most], ", "), len(items)-most)
}

var (
	monthsDA   = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
	weekdaysDA = [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}
)

// Date writes a day as running text does: "15. februar 2027", "15 February 2027".
func Date(lang string, year int, month time.Month, day int) string {
	if month < time.January || month > time.December {
		return fmt.Sprintf("%04d-%02d-%02d", year, int(month), day)
	}
	// Concatenated rather than formatted: a status writes a dozen dates.
	if lang == English {
		return strconv.Itoa(day) + " " + month.String() + " " + strconv.Itoa(year)
	}
	return strconv.Itoa(day) + ". " + monthsDA[month-1] + " " + strconv.Itoa(year)
}

// Moment writes an instant, in its own location, with its weekday and
// time: "fredag 12. februar 2027 kl. 9.00", "Friday 12 February 2027 at 09:00".
func Moment(lang string, t time.Time) string {
	y, m, d := t.Date()
	if lang == English {
		return fmt.Sprintf("%s %s at %02d:%02d", t.Weekday(), Date(lang, y, m, d), t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%s %s kl. %d.%02d", weekdaysDA[t.Weekday()], Date(lang, y, m, d), t.Hour(), t.Minute())
}

// Kroner writes an amount of whole kroner as a reader of lang expects:
// "50.000 kr.", "DKK 50,000".
func Kroner(lang string, n int64) string {
	s := fmt.Sprint(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var groups []string
	for len(s) > 3 {
		groups = append([]string{s[len(s)-3:]}, groups...)
		s = s[:len(s)-3]
	}
	groups = append([]string{s}, groups...)
	if lang == English {
		return "DKK " + sign + strings.Join(groups, ",")
	}
	return sign + strings.Join(groups, ".") + " kr."
}

// Weekday names a day of the week in lang: "lørdag", "Saturday".
func Weekday(lang string, d time.Weekday) string {
	if lang == English {
		return d.String()
	}
	return weekdaysDA[d]
}

// SupportedLang reports whether wavebot speaks lang.
func SupportedLang(lang string) bool { return lang == Danish || lang == English }
