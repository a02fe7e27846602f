package console

import (
	"fmt"
	"io"
	"strings"

	"wavebot/commands"
)

// Render writes a reply as plain text.
func Render(w io.Writer, r commands.Reply) {
	var b strings.Builder
	if r.Title != "" {
		b.WriteString(r.Title + "\n")
	}
	writeBody(&b, "  ", r.Progress, r.Fields, nil)
	for i, l := range r.Lines {
		switch {
		case r.Refused && i == 0:
			b.WriteString("✗ " + l + "\n")
		case r.Title != "" || r.Refused:
			b.WriteString("  " + l + "\n")
		default:
			b.WriteString(l + "\n")
		}
	}
	for _, s := range r.Sections {
		b.WriteString("  ▸ " + s.Title + "\n")
		writeBody(&b, "    ", s.Progress, s.Fields, s.Lines)
	}
	for _, a := range r.Actions {
		fmt.Fprintf(&b, "  [%s] → %s\n", a.Label, a.Command)
	}
	io.WriteString(w, b.String())
}

func writeBody(b *strings.Builder, indent string, p *commands.Progress, fields []commands.Field, lines []string) {
	if p != nil {
		b.WriteString(indent + bar(*p) + "\n")
	}
	for _, f := range fields {
		fmt.Fprintf(b, "%s%s: %s\n", indent, f.Label, f.Value)
	}
	for _, l := range lines {
		b.WriteString(indent + l + "\n")
	}
}

// bar draws progress as ten cells: [####------] 4/9.
func bar(p commands.Progress) string {
	const width = 10
	filled := 0
	if p.Total > 0 {
		filled = p.Done * width / p.Total
	}
	return fmt.Sprintf("[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat("-", width-filled), p.Done, p.Total)
}
