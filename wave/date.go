package wave

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil calendar day without a time zone: a due date, a wave start,
// an evaluation day. Keeping dates apart from instants means a deadline never
// shifts by a day when it is rendered in another zone. The zero Date is "unset".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrBadDate reports text that is not a date in one of the accepted forms, or
// names a day that does not exist (2027-02-30).
var ErrBadDate = errors.New("wave: bad date")

// ParseDate reads YYYY-MM-DD, and the forms Danish users type: DD-MM-YYYY and
// DD.MM.YYYY. Impossible days are rejected, never normalised.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	var parts []string
	var yearFirst bool
	switch {
	case strings.Count(s, "-") == 2:
		parts = strings.Split(s, "-")
		yearFirst = len(parts[0]) == 4
	case strings.Count(s, ".") == 2:
		parts = strings.Split(s, ".")
	default:
		return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	if yearFirst {
		parts[0], parts[2] = parts[2], parts[0]
	}
	// parts is now day, month, year.
	if len(parts[2]) != 4 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 {
		return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || strings.ContainsAny(p, "+-") {
			return Date{}, fmt.Errorf("%w: %q", ErrBadDate, s)
		}
		n[i] = v
	}
	d := Date{Year: n[2], Month: time.Month(n[1]), Day: n[0]}
	if !d.valid() {
		return Date{}, fmt.Errorf("%w: %q does not exist", ErrBadDate, s)
	}
	return d, nil
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

func (d Date) valid() bool {
	if d.Year < 1900 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Month, d.Year)
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// In returns the instant the day starts at hour:minute in loc.
func (d Date) In(loc *time.Location, hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
}

// AddDays returns the date n calendar days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.In(time.UTC, 12, 0).Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String renders the date as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText stores the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
