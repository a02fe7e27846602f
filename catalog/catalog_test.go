package catalog

import (
	"regexp"
	"slices"
	"testing"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[vsdqTx]`)

func TestEveryMessageInBothLanguagesWithTheSameArguments(t *testing.T) {
	if len(all) < 50 {
		t.Fatalf("only %d messages registered", len(all))
	}
	for _, m := range all {
		if m.da == "" || m.en == "" {
			t.Errorf("message %q / %q lacks a language", m.da, m.en)
		}
		da, en := verb.FindAllString(m.da, -1), verb.FindAllString(m.en, -1)
		slices.Sort(da)
		slices.Sort(en)
		if !slices.Equal(da, en) {
			t.Errorf("verbs differ: %q has %v, %q has %v", m.da, da, m.en, en)
		}
	}
}

func TestIn(t *testing.T) {
	if got := WaveExists.In(English, "b3"); got != `Wave "b3" already exists.` {
		t.Errorf("English = %q", got)
	}
	if got := WaveExists.In(Danish, "b3"); got != `Bølge "b3" findes allerede.` {
		t.Errorf("Danish = %q", got)
	}
	if got := WaveExists.In("fr", "b3"); got != WaveExists.In(Danish, "b3") {
		t.Errorf("unknown language did not fall back to Danish: %q", got)
	}
	if got := OnlyKSOrContact.In(English, "info", "BUF"); got != "Only KS or a contact of BUF may change info." {
		t.Errorf("indexed verbs: %q", got)
	}
}
