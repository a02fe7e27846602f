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
		fmt.Fprintf(&b, "  [%s] → %s\n", a.Label, target(a))
	}
	io.WriteString(w, b.String())
}

// target is what a button does: the command it runs, or the link it opens.
func target(a commands.Action) string {
	if a.URL != "" {
		return a.URL
	}
	return a.Command
}

func writeBody(b *strings.Builder, indent string, p *commands.Progress, fields []commands.Field, lines []string) {
	if p != nil {
		b.WriteString(indent + bar(*p) + "\n")
	}
	for _, f := range fields {
		// A value of several lines keeps them under its label.
		value := strings.ReplaceAll(f.Value, "\n", "\n"+indent+"  ")
		fmt.Fprintf(b, "%s%s: %s\n", indent, f.Label, value)
	}
	for _, l := range lines {
		b.WriteString(indent + l + "\n")
	}
}

// bar draws progress as ten cells, done as '#', skipped as '=' and open
// as '-', followed by its text: [###=------] 3 færdige, 1 sprunget over,
// 5 åbne. Without a text it counts: 3/9.
func bar(p commands.Progress) string {
	done, skipped, open := p.Cells(10)
	return fmt.Sprintf("[%s%s%s] %s", strings.Repeat("#", done), strings.Repeat("=", skipped), strings.Repeat("-", open), p.Label())
}
