package wave

import "testing"

func TestUnsafeRune(t *testing.T) {
	tests := []struct {
		s     string
		lines bool
		want  rune
		bad   bool
	}{
		{"Bølge 3 – sundhed", false, 0, false},
		{"første linje\nanden linje", true, 0, false},
		{"første linje\nanden linje", false, '\n', true},
		{"ring\a", true, '\a', true},
		{"\x1b[2Jskærm ryddet", true, 0x1b, true},
		{"linje\rovertrykt", true, '\r', true},
		{"nul\x00", true, 0, true},
		{"tab\t", true, '\t', true},
		{"del\x7f", true, 0x7f, true},
		{"c1\u0085", true, 0x85, true},
		{"b3\u202Eoverskrevet", false, 0x202E, true},
		{"\u202Aembedding", false, 0x202A, true},
		{"isolate\u2066", false, 0x2066, true},
		{"pop\u2069", false, 0x2069, true},
		{"\u200Fmærke", false, 0, false}, // a direction mark is text, not a control
		{"العربية עברית", false, 0, false},
		{"emoji 🎉", false, 0, false},
	}
	for _, tt := range tests {
		r, bad := UnsafeRune(tt.s, tt.lines)
		if bad != tt.bad || (bad && r != tt.want) {
			t.Errorf("UnsafeRune(%q, %v) = %q, %v; want %q, %v", tt.s, tt.lines, r, bad, tt.want, tt.bad)
		}
	}
	if got := RuneCode(0x202E); got != "U+202E" {
		t.Errorf("RuneCode = %s", got)
	}
}
