// Package catalog holds every sentence wavebot says to people, in Danish
// (the default) and English. Handlers and reminders pick messages from here
// by name, so no user-facing text is scattered through the code and a
// translation is reviewed in one place.
package catalog

import "fmt"

// Languages wavebot speaks; Danish is the default.
const (
	Danish  = "da"
	English = "en"
)

// Message is one sentence in both languages, with fmt verbs for its arguments.
type Message struct {
	da, en string
}

// In renders the message in lang (anything but "en" is Danish).
func (m Message) In(lang string, args ...any) string {
	format := m.da
	if lang == English {
		format = m.en
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

var all []Message

func msg(da, en string) Message {
	m := Message{da: da, en: en}
	all = append(all, m)
	return m
}

// SupportedLang reports whether wavebot speaks lang.
func SupportedLang(lang string) bool { return lang == Danish || lang == English }
