package wave

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a person id, the same on every platform.
const (
	// MaxPersonName is the longest plain person name, in characters.
	MaxPersonName = 32
	// MaxPlatformID is the longest platform id ("slack:U123"), in bytes.
	MaxPlatformID = 64
)

var fvPattern = regexp.MustCompile(`^[\p{L}\p{N}]{1,10}$`)

// ValidPersonID reports whether id is a person id as the command
// language writes it: "slack:" and a Slack id of capital letters and
// digits, "teams:" and a Teams id, at most MaxPlatformID bytes, or a
// plain name in lower case of letters (æøå too), digits, '.', '-' and
// '_' that starts with a letter or digit, at most MaxPersonName
// characters.
func ValidPersonID(id string) bool {
	if platform, rest, ok := strings.Cut(id, ":"); ok {
		if len(id) > MaxPlatformID {
			return false
		}
		switch platform {
		case "slack":
			// Capital letters and digits.
			return rest != "" && onlyBytes(rest, func(c byte) bool { return isUpper(c) || isDigit(c) })
		case "teams":
			// A letter or digit, then letters, digits and ":._-".
			return rest != "" && isAlnum(rest[0]) && onlyBytes(rest, func(c byte) bool { return isAlnum(c) || strings.IndexByte(":._-", c) >= 0 })
		}
		return false
	}
	if id == "" || utf8.RuneCountInString(id) > MaxPersonName || id != strings.ToLower(id) {
		return false
	}
	for i, r := range id {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && (i == 0 || !strings.ContainsRune(".-_", r)) {
			return false
		}
	}
	return true
}

// onlyBytes reports whether ok holds for every byte of s. Platform ids
// are checked byte by byte: every chat message checks its sender's, and a
// regular expression took a noticeable share of a message's time.
func onlyBytes(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool { return isUpper(c) || isDigit(c) || 'a' <= c && c <= 'z' }

// ValidFV reports whether code can be a forvaltning's code, as it stands
// in references such as b3/BUF and in keys: letters and digits, at most
// 10, as NormalizeFV writes them.
func ValidFV(code string) bool {
	return fvPattern.MatchString(code) && code == NormalizeFV(code)
}
