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

var (
	slackUserID = regexp.MustCompile(`^[A-Z0-9]+$`)
	teamsUserID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9:._-]*$`)
	fvPattern   = regexp.MustCompile(`^[\p{L}\p{N}]{1,10}$`)
)

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
			return slackUserID.MatchString(rest)
		case "teams":
			return teamsUserID.MatchString(rest)
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

// ValidFV reports whether code can be a forvaltning's code, as it stands
// in references such as b3/BUF and in keys: letters and digits, at most
// 10, as NormalizeFV writes them.
func ValidFV(code string) bool {
	return fvPattern.MatchString(code) && code == NormalizeFV(code)
}
