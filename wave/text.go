package wave

import "fmt"

// UnsafeRune returns the first character of s that can hurt a screen: a
// control character (C0, DEL or C1), other than a line feed where lines
// is set, or a control of the text's direction (U+202A–U+202E,
// U+2066–U+2069), which makes a screen show text in another order than
// it was written (a wave named "b3" that reads as "3b", a note that
// hides what follows it). ok is false when s has none. It is the one
// rule for what people write: names, wave names and notes typed on every
// platform, the fields of the web pages and the cells of uploaded files
// are refused with such a character, never cleaned.
func UnsafeRune(s string, lines bool) (r rune, ok bool) {
	for _, r := range s {
		switch {
		case r == '\n' && lines:
		case r < 0x20, r == 0x7F, r >= 0x80 && r <= 0x9F,
			r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return r, true
		}
	}
	return 0, false
}

// RuneCode names a character by its code point, as "U+202E": how a
// refusal names a character it cannot show.
func RuneCode(r rune) string { return fmt.Sprintf("U+%04X", r) }
