package sheet

import (
	"testing"
)

// FuzzRead feeds Read any bytes: it never panics, and what it returns
// stays within the limits.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"BrugerID;Navn\nNN99;Søren\n", "a,b\n\"c\nd\",e", "\xEF\xBB\xBFx\ty", "S\xf8ren", "Søren\xf8", "PK\x03\x04garbage", "\xD0\xCF\x11\xE0", "\"unclosed",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Read(data)
		if err != nil {
			return
		}
		if len(rows) > MaxRows {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			if len(r) > MaxColumns {
				t.Fatalf("%d columns", len(r))
			}
		}
	})
}
