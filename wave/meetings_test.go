package wave

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestUnitName(t *testing.T) {
	for in, want := range map[string]string{
		"Husum Skole":                  "Husum Skole",
		"  Skolen på\tAmager  Fælled ": "Skolen på Amager Fælled",
		"1234":                         "1234",
	} {
		if got, err := UnitName(in); err != nil || got != want {
			t.Errorf("UnitName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "   ", "Husum\x00Skole", "Husum\u202eSkole", "\xff", strings.Repeat("x", MaxRowText+1)} {
		if got, err := UnitName(in); err == nil {
			t.Errorf("UnitName(%q) = %q, want an error", in, got)
		}
	}
	if _, err := UnitName(strings.Repeat("x", MaxRowText+1)); !errors.Is(err, ErrUnitTooLong) {
		t.Errorf("a long name: %v", err)
	}
}

// TestUnits: units are known once, whatever their case; removing names
// the unknown ones; the list is bounded.
func TestUnits(t *testing.T) {
	var e Enrolment
	added, err := e.AddUnits("Husum Skole", "Sundhedsplejen", "husum skole")
	if err != nil || !slices.Equal(added, []string{"Husum Skole", "Sundhedsplejen"}) {
		t.Fatalf("AddUnits = %v, %v", added, err)
	}
	if added, _ := e.AddUnits("SUNDHEDSPLEJEN", "Ungdomsskolen"); !slices.Equal(added, []string{"Ungdomsskolen"}) {
		t.Errorf("again: %v", added)
	}
	if u, ok := e.Unit("ungdomsskolen"); !ok || u != "Ungdomsskolen" {
		t.Errorf("Unit = %q, %v", u, ok)
	}
	removed, unknown := e.RemoveUnits("sundhedsplejen", "Valby Skole")
	if !slices.Equal(removed, []string{"Sundhedsplejen"}) || !slices.Equal(unknown, []string{"Valby Skole"}) ||
		!slices.Equal(e.Units, []string{"Husum Skole", "Ungdomsskolen"}) {
		t.Errorf("RemoveUnits = %v, %v; units %v", removed, unknown, e.Units)
	}
	e.RemoveUnits("Husum Skole", "Ungdomsskolen")
	if e.Units != nil {
		t.Errorf("no units left, yet %#v", e.Units)
	}
	many := make([]string, MaxUnits+1)
	for i := range many {
		many[i] = "enhed " + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
	}
	if _, err := e.AddUnits(many...); !errors.Is(err, ErrTooManyUnits) || e.Units != nil {
		t.Errorf("too many: %v, %d units kept", err, len(e.Units))
	}
}

// TestMeetings: a meeting names its units, adding those not known; a
// second meeting is a meeting of its own, one on the same day names more
// units; a unit is informed once its meeting's day has come.
func TestMeetings(t *testing.T) {
	var e Enrolment
	e.AddUnits("Husum Skole", "Sundhedsplejen", "Ungdomsskolen", "Center for Økonomi")
	feb10, feb17 := day("2027-02-10"), day("2027-02-17")
	added, changed, err := e.RecordMeeting(feb17, []string{"ungdomsskolen", "Daginstitution Valby Syd"}, "maria", now)
	if err != nil || !changed || !slices.Equal(added, []string{"Daginstitution Valby Syd"}) {
		t.Fatalf("RecordMeeting = %v, %v, %v", added, changed, err)
	}
	if _, changed, _ := e.RecordMeeting(feb10, []string{"Husum Skole", "Sundhedsplejen"}, "jens", now); !changed {
		t.Error("a second meeting changed nothing")
	}
	if len(e.Meetings) != 2 || e.Meetings[0].Date != feb10 || e.Meetings[1].By != "maria" || !slices.Equal(e.Meetings[1].Units, []string{"Ungdomsskolen", "Daginstitution Valby Syd"}) {
		t.Errorf("meetings: %+v", e.Meetings)
	}
	if _, changed, _ := e.RecordMeeting(feb10, []string{"sundhedsplejen"}, "maria", now); changed {
		t.Error("the same unit again changed the meeting")
	}
	if _, changed, _ := e.RecordMeeting(feb10, []string{"Center for Økonomi"}, "maria", now); !changed {
		t.Error("one more unit on the same day changed nothing")
	}
	if m, _ := e.Meeting(feb10); m.By != "maria" || len(m.Units) != 3 {
		t.Errorf("the meeting of 10 February: %+v", m)
	}
	held, planned, missing := e.UnitsInformed(feb10)
	if !slices.Equal(held, []string{"Husum Skole", "Sundhedsplejen", "Center for Økonomi"}) ||
		!slices.Equal(planned, []string{"Ungdomsskolen", "Daginstitution Valby Syd"}) || missing != nil {
		t.Errorf("on 10 February: held %v, planned %v, missing %v", held, planned, missing)
	}
	if !e.CancelMeeting(feb17) || e.CancelMeeting(feb17) {
		t.Error("cancelling the meeting of 17 February")
	}
	if _, _, missing := e.UnitsInformed(feb17); !slices.Equal(missing, []string{"Ungdomsskolen", "Daginstitution Valby Syd"}) {
		t.Errorf("missing after the cancellation: %v", missing)
	}
	for i := len(e.Meetings); i < MaxMeetings; i++ {
		e.Meetings = append(e.Meetings, Meeting{Date: feb17.AddDays(i)})
	}
	units := slices.Clone(e.Units)
	if _, _, err := e.RecordMeeting(day("2028-01-01"), []string{"Ny Enhed"}, "maria", now); !errors.Is(err, ErrTooManyMeets) || !slices.Equal(e.Units, units) {
		t.Errorf("one meeting too many: %v; units %v", err, e.Units)
	}
}

// TestRemoveUnitsNamedTwice: a unit named twice, in any case, is removed
// once and is not also unknown; an unknown name named twice is unknown
// once.
func TestRemoveUnitsNamedTwice(t *testing.T) {
	e := Enrolment{Units: []string{"Husum Skole", "Ungdomsskolen"}}
	removed, unknown := e.RemoveUnits("husum skole", "HUSUM SKOLE", "Valby", "valby")
	if !slices.Equal(removed, []string{"Husum Skole"}) || !slices.Equal(unknown, []string{"Valby"}) {
		t.Errorf("RemoveUnits = removed %q, unknown %q; want [Husum Skole], [Valby]", removed, unknown)
	}
	if !slices.Equal(e.Units, []string{"Ungdomsskolen"}) {
		t.Errorf("units left %q", e.Units)
	}
}
