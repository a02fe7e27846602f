package commands

import (
	"strconv"
	"strings"

	"wavebot/internal/catalog"
)

// Long answers come in pages, each of which one chat message holds on
// every platform: a Slack message (50 blocks, 3,000 characters a text)
// and a Teams activity (about 28 KB as sent, mentions expanded). The
// commands cut the pages, so a page is the same wherever it is read and
// its next-page button, which runs the command with the page's number,
// gives the same page on every platform. The adapters measure what they
// send and cut only what a page could not foresee.
const (
	// pageRows bounds the rows of one page: three waves of seven
	// forvaltninger in an overview.
	pageRows = 21
	// pageBytes bounds the text of one page, in bytes of UTF-8 (Danish
	// letters take two; a Slack character is never more than its bytes).
	// A row of notes near their 1,000-character limit fills a page sooner
	// than pageRows does: what a page holds besides its text (the card's
	// elements, the mentions Teams spells out) fits in the rest of an
	// activity.
	pageBytes = 12000
	// sectionWeight is the rows a section of fields counts as: it takes
	// more room in a message than a line does.
	sectionWeight = 2
)

// row is one part of a paged answer: a line under its group's title (a
// line of the reply itself when group is empty), or, when sections is
// set, sections that stay together on one page.
type row struct {
	group, line string
	sections    []Section
	// weight is how many rows the row counts as; 1 when zero.
	weight int
}

// sectionRow is a row of whole sections, weighing sectionWeight each.
func sectionRow(s ...Section) row {
	return row{sections: s, weight: sectionWeight * len(s)}
}

// lineRows are lines of the reply itself, one row each.
func lineRows(lines []string) []row {
	rows := make([]row, len(lines))
	for i, l := range lines {
		rows[i] = row{line: l}
	}
	return rows
}

// size is the text the row adds to a page after a row of group prev: its
// group's title where a group starts, its line and its sections.
func (rw row) size(prev string) int {
	n := len(rw.line)
	if rw.group != "" && rw.group != prev {
		n += len(rw.group)
	}
	for _, s := range rw.sections {
		n += s.size()
	}
	return n
}

// size is the section's text in bytes.
func (s Section) size() int {
	n := len(s.Title)
	if s.Progress != nil {
		n += len(s.Progress.Text)
	}
	for _, f := range s.Fields {
		n += len(f.Label) + len(f.Value)
	}
	for _, l := range s.Lines {
		n += len(l)
	}
	return n
}

// pageStarts is where each page of rows begins: a page takes rows while
// they stay within pageRows and pageBytes, and at least one.
func pageStarts(rows []row) []int {
	starts := []int{0}
	weight, size, prev := 0, 0, ""
	for i, rw := range rows {
		w, s := max(rw.weight, 1), rw.size(prev)
		if i > starts[len(starts)-1] && (weight+w > pageRows || size+s > pageBytes) {
			// A new page, which the row's group heads again.
			starts = append(starts, i)
			weight, size, s = 0, 0, rw.size("")
		}
		weight, size, prev = weight+w, size+s, rw.group
	}
	return starts
}

// paged answers rows as page n of the command's pages: sections by
// group, in the rows' order, a group split by a page boundary heading
// both parts; the title says the page, and a button runs the next. page
// is how the command is written with a page number.
func paged(lang, title string, rows []row, n int, page func(int) string) (Reply, error) {
	starts := pageStarts(rows)
	pages := len(starts)
	if n > pages {
		return Reply{}, refuse(catalog.OnlyPages.For(pages), pages)
	}
	r := Reply{Title: title}
	if pages > 1 {
		r.Title += " " + catalog.PageOf.In(lang, n, pages)
	}
	end := len(rows)
	if n < pages {
		end = starts[n]
	}
	group := ""
	for _, rw := range rows[starts[n-1]:end] {
		switch {
		case rw.sections != nil:
			r.Sections = append(r.Sections, rw.sections...)
			group = ""
		case rw.group == "":
			r.Lines = append(r.Lines, rw.line)
		default:
			if rw.group != group {
				r.Sections = append(r.Sections, Section{Title: rw.group})
				group = rw.group
			}
			s := &r.Sections[len(r.Sections)-1]
			s.Lines = append(s.Lines, rw.line)
		}
	}
	if n < pages {
		r.Actions = []Action{{Label: catalog.ButtonNextPage.In(lang), Command: page(n + 1)}}
	}
	return r, nil
}

// pageNumber reads a page number: a whole number from 1.
func pageNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && !strings.ContainsAny(s, "+-")
}

// pageArg reads the optional page number that ends a command's
// arguments; 1 when there is none.
func pageArg(args []string) (int, error) {
	if len(args) == 0 {
		return 1, nil
	}
	n, ok := pageNumber(args[0])
	if !ok {
		return 0, refuse(catalog.BadPage, typed(args[0]))
	}
	return n, nil
}

// pageCommand writes a command with a page number: "my 2".
func pageCommand(command string) func(int) string {
	return func(n int) string { return command + " " + strconv.Itoa(n) }
}
