package jsonquote

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encoded is s as encoding/json writes it.
func encoded(t *testing.T, s string, escapeHTML bool) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// FuzzAppend: whatever the string, Append writes what
// encoding/json writes, after what was there.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", "Bølge 3 – færdig", "\x00\x1f\x7f\b\f\n\r\t", `"quoted" \ back`, "<at>&</at>", "\xff\xfe", "\u2028\u2029", "é\xc3", "\uFFFD literal"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, escapeHTML := range []bool{false, true} {
			got := Append([]byte("x"), s, escapeHTML)
			if want := append([]byte("x"), encoded(t, s, escapeHTML)...); !bytes.Equal(got, want) {
				t.Fatalf("Append(%q, %v) = %s, want %s", s, escapeHTML, got, want)
			}
		}
	})
}
