package wave

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2027-02-01", Date{2027, time.February, 1}, true},
		{"01-02-2027", Date{2027, time.February, 1}, true},
		{"1.2.2027", Date{2027, time.February, 1}, true},
		{"29.02.2028", Date{2028, time.February, 29}, true},
		{" 2027-12-31 ", Date{2027, time.December, 31}, true},
		{"2027-02-30", Date{}, false},
		{"29-02-2027", Date{}, false},
		{"2027-13-01", Date{}, false},
		{"2027-00-10", Date{}, false},
		{"2027/02/01", Date{}, false},
		{"27-02-01", Date{}, false},
		{"2027-2-1x", Date{}, false},
		{"+1-02-2027", Date{}, false},
		{"", Date{}, false},
		{"tomorrow", Date{}, false},
		{"2027-02-01-01", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadDate) {
			t.Errorf("ParseDate(%q) error %v is not ErrBadDate", tt.in, err)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2027, time.February, 27}
	if got := d.AddDays(2); got != (Date{2027, time.March, 1}) {
		t.Errorf("AddDays(2) = %v", got)
	}
	if got := d.AddDays(-58); got != (Date{2026, time.December, 31}) {
		t.Errorf("AddDays(-58) = %v", got)
	}
	if !d.Before(d.AddDays(1)) || d.After(d) || d.Compare(d) != 0 {
		t.Error("comparison is wrong")
	}
	var z Date
	if !z.IsZero() || z.String() != "" {
		t.Error("zero date is not unset")
	}
	b, _ := d.MarshalText()
	var back Date
	if err := back.UnmarshalText(b); err != nil || back != d {
		t.Errorf("text round trip: %v, %v", back, err)
	}
}
