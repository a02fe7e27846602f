package wave

import (
	"testing"
	"time"
)

func day(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestIsBusinessDay(t *testing.T) {
	c := Copenhagen()
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2027-02-01", true, "Monday"},
		{"2027-02-06", false, "Saturday"},
		{"2027-02-07", false, "Sunday"},
		{"2027-03-25", false, "Maundy Thursday"},
		{"2027-03-26", false, "Good Friday"},
		{"2027-03-29", false, "Easter Monday"},
		{"2027-03-30", true, "Tuesday after Easter"},
		{"2027-04-23", true, "former General Prayer Day, abolished from 2024"},
		{"2027-05-06", false, "Ascension Day"},
		{"2027-05-07", true, "Friday after Ascension"},
		{"2027-05-17", false, "Whit Monday"},
		{"2026-06-05", false, "Constitution Day (Friday)"},
		{"2026-12-24", false, "Christmas Eve (closed day)"},
		{"2026-12-25", false, "Christmas Day"},
		{"2027-12-27", true, "Monday after Christmas"},
		{"2026-12-31", false, "New Year's Eve (closed day)"},
		{"2027-01-01", false, "New Year's Day"},
		{"2027-01-04", true, "first Monday of 2027"},
	}
	for _, tt := range tests {
		if got := c.IsBusinessDay(day(tt.day)); got != tt.want {
			t.Errorf("IsBusinessDay(%s, %s) = %v, want %v", tt.day, tt.why, got, tt.want)
		}
	}
}

func TestClosedDaysAreConfigurable(t *testing.T) {
	c := NewCalendar(Copenhagen().Location(), nil)
	if !c.IsBusinessDay(day("2026-12-24")) {
		t.Error("without extra closed days, Christmas Eve (Thursday) is a business day")
	}
	extra, err := ParseMonthDays("12-24, 07-01")
	if err != nil {
		t.Fatal(err)
	}
	c = NewCalendar(c.Location(), extra)
	if c.IsBusinessDay(day("2027-07-01")) || c.IsBusinessDay(day("2026-12-24")) {
		t.Error("configured closed days are business days")
	}
	for _, bad := range []string{"13-01", "02-30", "x", "12"} {
		if _, err := ParseMonthDays(bad); err == nil {
			t.Errorf("ParseMonthDays(%q) accepted", bad)
		}
	}
}

func TestAddBusinessDays(t *testing.T) {
	c := Copenhagen()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2027-02-15", -2, "2027-02-11"},
		{"2027-02-15", 3, "2027-02-18"},
		{"2027-02-12", 1, "2027-02-15"},  // over a weekend
		{"2027-03-24", 1, "2027-03-30"},  // over Easter
		{"2027-03-31", -3, "2027-03-23"}, // back over Easter
		{"2026-12-23", 1, "2026-12-28"},  // over Christmas
		{"2026-12-30", 1, "2027-01-04"},  // over New Year
		{"2027-02-06", 0, "2027-02-06"},
	}
	for _, tt := range tests {
		if got := c.AddBusinessDays(day(tt.from), tt.n); got != day(tt.want) {
			t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	if got := c.BusinessDaysBetween(day("2027-03-24"), day("2027-03-31")); got != 2 {
		t.Errorf("BusinessDaysBetween over Easter = %d, want 2", got)
	}
	if got := c.BusinessDaysBetween(day("2027-03-31"), day("2027-03-24")); got != -2 {
		t.Errorf("BusinessDaysBetween backwards = %d, want -2", got)
	}
}

func TestAtAcrossDaylightSaving(t *testing.T) {
	c := Copenhagen()
	tests := []struct {
		day     string
		wantUTC string
	}{
		{"2027-03-26", "2027-03-26T08:00:00Z"}, // winter time, UTC+1
		{"2027-03-28", "2027-03-28T07:00:00Z"}, // last Sunday of March: summer time from 02:00
		{"2027-10-30", "2027-10-30T07:00:00Z"},
		{"2027-10-31", "2027-10-31T08:00:00Z"}, // last Sunday of October: back to winter time
	}
	for _, tt := range tests {
		if got := c.At(day(tt.day), 9, 0).UTC().Format(time.RFC3339); got != tt.wantUTC {
			t.Errorf("09:00 on %s = %s UTC, want %s", tt.day, got, tt.wantUTC)
		}
	}
	// An instant late on a UTC day is already the next day in Copenhagen.
	late := time.Date(2027, 3, 25, 23, 30, 0, 0, time.UTC)
	if got := c.Today(late); got != day("2027-03-26") {
		t.Errorf("Today(%v) = %s, want 2027-03-26", late, got)
	}
}
