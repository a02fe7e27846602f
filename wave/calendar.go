package wave

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the calendar must work on machines without a zoneinfo database

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/dk"
)

// MonthDay is a day that recurs every year, such as 24 December.
type MonthDay struct {
	Month time.Month
	Day   int
}

// DefaultClosedDays are the days Copenhagen Municipality closes on top of the
// public holidays: Christmas Eve, New Year's Eve and Constitution Day.
var DefaultClosedDays = []MonthDay{{time.December, 24}, {time.December, 31}, {time.June, 5}}

// ParseMonthDays reads a comma-separated list of MM-DD days ("12-24,12-31").
func ParseMonthDays(s string) ([]MonthDay, error) {
	var out []MonthDay
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		m, d, ok := strings.Cut(f, "-")
		mi, err1 := strconv.Atoi(m)
		di, err2 := strconv.Atoi(d)
		if !ok || err1 != nil || err2 != nil || mi < 1 || mi > 12 || di < 1 || di > daysIn(time.Month(mi), 2024) {
			return nil, fmt.Errorf("%w: closed day %q is not MM-DD", ErrBadDate, f)
		}
		out = append(out, MonthDay{time.Month(mi), di})
	}
	return out, nil
}

// Calendar knows which days the municipality works: Monday to Friday in its
// time zone, minus Danish public holidays and the extra closed days. It is
// immutable and safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	holidays *cal.BusinessCalendar
	closed   map[MonthDay]bool
}

// NewCalendar builds a calendar for loc with Danish public holidays and the
// given extra closed days.
func NewCalendar(loc *time.Location, closed []MonthDay) *Calendar {
	bc := cal.NewBusinessCalendar()
	bc.AddHoliday(dk.Holidays...)
	c := &Calendar{loc: loc, holidays: bc, closed: make(map[MonthDay]bool, len(closed))}
	for _, md := range closed {
		c.closed[md] = true
	}
	return c
}

// Copenhagen returns the default calendar: Europe/Copenhagen with the
// default closed days.
func Copenhagen() *Calendar {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic("wave: embedded tzdata lacks Europe/Copenhagen: " + err.Error())
	}
	return NewCalendar(loc, DefaultClosedDays)
}

// Location is the time zone the calendar's days are counted in.
func (c *Calendar) Location() *time.Location { return c.loc }

// Today returns the calendar day of instant t in the calendar's zone.
func (c *Calendar) Today(t time.Time) Date { return DateOf(t.In(c.loc)) }

// IsBusinessDay reports whether d is a working day.
func (c *Calendar) IsBusinessDay(d Date) bool {
	if c.closed[MonthDay{d.Month, d.Day}] {
		return false
	}
	return c.holidays.IsWorkday(d.In(c.loc, 12, 0))
}

// ClosedDay reports whether d is one of the municipality's own closed days,
// on top of the public holidays.
func (c *Calendar) ClosedDay(d Date) bool { return c.closed[MonthDay{d.Month, d.Day}] }

// NextBusinessDay returns d when it is a working day, else the next one.
func (c *Calendar) NextBusinessDay(d Date) Date {
	for !c.IsBusinessDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// AddBusinessDays moves n working days from d: forward for positive n,
// backward for negative n. With n == 0 it returns d unchanged.
func (c *Calendar) AddBusinessDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return d
}

// BusinessDaysBetween counts working days in (from, to]; negative when to is
// before from.
func (c *Calendar) BusinessDaysBetween(from, to Date) int {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsBusinessDay(d) {
			n++
		}
	}
	return sign * n
}

// At returns the instant of hour:minute on day d in the calendar's zone,
// correct across daylight-saving changes.
func (c *Calendar) At(d Date, hour, minute int) time.Time { return d.In(c.loc, hour, minute) }
