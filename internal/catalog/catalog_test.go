package catalog

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[vsdqTx]`)

func TestEveryMessageInBothLanguagesWithTheSameArguments(t *testing.T) {
	if len(texts) < 50 || len(placeholders) < 10 {
		t.Fatalf("only %d messages and %d placeholders registered", len(texts), len(placeholders))
	}
	for _, m := range append(slices.Clone(texts), placeholders...) {
		if m.da == "" || m.en == "" {
			t.Errorf("message %q / %q lacks a language", m.da, m.en)
		}
		if strings.Contains(m.da+m.en, "%q") {
			t.Errorf("message %q quotes with escapes; quote input as typed", m.da)
		}
		da, en := verb.FindAllString(m.da, -1), verb.FindAllString(m.en, -1)
		slices.Sort(da)
		slices.Sort(en)
		if !slices.Equal(da, en) {
			t.Errorf("verbs differ: %q has %v, %q has %v", m.da, da, m.en, en)
		}
	}
}

// english are words a Danish text must not contain: the English status
// words and keys the code uses internally, and the English command names,
// which have Danish aliases to write instead.
var english = []string{
	"todo", "doing", "done", "blocked", "skipped", "requested", "answered", "applied", "viewer", "contact",
	"kickoff", "training", "golive", "loadtest", "evaluation", "auth",
	"help", "wave", "create", "enroll", "lead", "skip", "fix", "request", "undo", "remind", "snooze", "show", "due", "eval", "role", "my",
	"units", "guides", "add", "remove",
}

// englishWords returns the words of text that are in english.
func englishWords(text string) []string {
	var found []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if slices.Contains(english, strings.ToLower(w)) {
			found = append(found, w)
		}
	}
	return found
}

// TestDanishTextsHaveNoEnglishWords reads every Danish text word by word.
// Usage placeholders are left out: usage lines keep the command names.
func TestDanishTextsHaveNoEnglishWords(t *testing.T) {
	for _, m := range texts {
		if found := englishWords(m.da); len(found) > 0 {
			t.Errorf("Danish text %q contains the English words %q", m.da, found)
		}
	}
	// The check itself catches the texts of the issue.
	for _, bad := range []string{"status for kickoff: todo → done", "Næste frist: 25. januar 2027 training", "Marker den med done eller skip."} {
		if len(englishWords(bad)) == 0 {
			t.Errorf("%q passes the check", bad)
		}
	}
}

func TestIn(t *testing.T) {
	if got := WaveExists.In(English, "b3"); got != "Wave “b3” already exists." {
		t.Errorf("English = %q", got)
	}
	if got := WaveExists.In(Danish, `Ærø"`); got != `Bølge »Ærø"« findes allerede.` {
		t.Errorf("Danish = %q", got)
	}
	if got := WaveExists.In("fr", "b3"); got != WaveExists.In(Danish, "b3") {
		t.Errorf("unknown language did not fall back to Danish: %q", got)
	}
	if got := OnlyKSOrContact.In(English, "Information meeting for users", "BUF"); got != "Only KS or a contact of BUF may change “Information meeting for users”." {
		t.Errorf("indexed verbs: %q", got)
	}
}

func TestPluralAndList(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{ProgressDone.In(Danish, 1, 1), "1 færdig"},
		{ProgressDone.In(Danish, 2, 2), "2 færdige"},
		{ProgressOpen.In(Danish, 0, 0), "0 åbne"},
		{OverdueCount.In(Danish, 1, 1), "1 overskredet"},
		{OverdueCount.In(Danish, 3, 3), "3 overskredne"},
		{ContactsSet.In(Danish, 2, "@søren og @ole", "b3/BUF"), "@søren og @ole er nu tovholdere for b3/BUF."},
		{ContactsSet.In(English, 1, "@maria", "b3/BUF"), "@maria is now a contact of b3/BUF."},
		{List(Danish, nil), ""},
		{List(Danish, []string{"BUF"}), "BUF"},
		{List(Danish, []string{"BUF", "SUF"}), "BUF og SUF"},
		{List(English, []string{"BUF", "SUF", "TMF"}), "BUF, SUF and TMF"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDatesAsWritten(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	friday := time.Date(2027, 2, 12, 9, 5, 0, 0, cph)
	for _, tc := range []struct{ got, want string }{
		{Date(Danish, 2027, time.February, 15), "15. februar 2027"},
		{Date(English, 2027, time.February, 15), "15 February 2027"},
		{Date(Danish, 2027, time.May, 1), "1. maj 2027"},
		{Moment(Danish, friday), "fredag 12. februar 2027 kl. 9.05"},
		{Moment(English, friday), "Friday 12 February 2027 at 09:05"},
		{Moment(Danish, friday.AddDate(0, 0, 2)), "søndag 14. februar 2027 kl. 9.05"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestUnitCountsAgree: a forvaltning with one unit reads "enhed", one
// with more "enheder", in every form of the units' count.
func TestUnitCountsAgree(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{UnitsInformed.In(Danish, 1, 1, 0), "0 af 1 enhed har haft informationsmøde."},
		{UnitsInformed.In(Danish, 12, 12, 8), "8 af 12 enheder har haft informationsmøde."},
		{UnitsInformedPlan.In(Danish, 1, 1, 0, 1), "0 af 1 enhed har haft informationsmøde; 1 har et planlagt."},
		{UnitsInformedPlan.In(Danish, 8, 8, 0, 7), "0 af 8 enheder har haft informationsmøde; 7 har et planlagt."},
		{UnitsAllInformed.In(Danish, 1, 1), "1 af 1 enhed har haft informationsmøde."},
		{UnitsAllInformed.In(Danish, 8, 8), "Alle 8 enheder har haft informationsmøde."},
		{DecisionsSaved.In(Danish, 1, 12), "De centrale beslutninger er gemt. Stillingsniveauer: 1. Enheder i org.nr. hierarkiet: 12."},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
