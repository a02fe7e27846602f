package wave

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Column is a column a table from a file must or may have: what it is
// called in Danish and English files. Headers are compared without case,
// spaces and punctuation, so "Org.nr." and "org nr" are one header.
type Column struct {
	Key      string
	Headers  []string
	Required bool
}

// ImportProblem is a reason a file cannot be read as a list: a missing or
// doubled column, or a row that cannot be read. Line is the file's line
// (the header is line 1), 0 for the whole file.
type ImportProblem struct {
	Line  int
	Kind  ImportProblemKind
	Value string
	// Other is a second line, for a duplicate.
	Other int
}

// ImportProblemKind names what is wrong with a file.
type ImportProblemKind int

// What can be wrong with a file of rows.
const (
	ImportNoRows ImportProblemKind = iota + 1
	ImportMissingColumn
	ImportDoubleColumn
	ImportTooManyRows
	ImportNoUser
	ImportBadUser
	ImportDuplicate
	ImportTooLong
	ImportNoValue
	ImportBadNumber
	ImportUnknownParent
	ImportCycle
)

// Import is a table read from a file: the rows under the header, keyed by
// column, with the line each came from.
type Import struct {
	Rows  []map[string]string
	Lines []int
	// Ignored are the file's headers that name no column.
	Ignored []string
}

// normHeader is a header without case, spaces and punctuation.
func normHeader(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ReadTable maps a table's first non-empty row to columns by header name
// and returns the rows under it with their cells trimmed; fully empty rows
// are left out. It fails when a required column is missing or two headers
// name one column.
func ReadTable(table [][]string, columns []Column, maxRows int) (Import, []ImportProblem) {
	first := 0
	for first < len(table) && blank(table[first]) {
		first++
	}
	if first == len(table) {
		return Import{}, []ImportProblem{{Kind: ImportNoRows}}
	}
	index := map[string]int{}
	var imp Import
	var problems []ImportProblem
	for i, h := range table[first] {
		n := normHeader(h)
		key := ""
		for _, c := range columns {
			for _, name := range c.Headers {
				if normHeader(name) == n {
					key = c.Key
				}
			}
		}
		switch _, dup := index[key]; {
		case n == "":
		case key == "":
			imp.Ignored = append(imp.Ignored, strings.TrimSpace(h))
		case dup:
			problems = append(problems, ImportProblem{Line: first + 1, Kind: ImportDoubleColumn, Value: strings.TrimSpace(h)})
		default:
			index[key] = i
		}
	}
	for _, c := range columns {
		if _, ok := index[c.Key]; c.Required && !ok {
			problems = append(problems, ImportProblem{Line: first + 1, Kind: ImportMissingColumn, Value: c.Headers[0]})
		}
	}
	if len(problems) > 0 {
		return Import{}, problems
	}
	for i := first + 1; i < len(table); i++ {
		if blank(table[i]) {
			continue
		}
		if len(imp.Rows) == maxRows {
			return Import{}, []ImportProblem{{Line: i + 1, Kind: ImportTooManyRows, Value: strconv.Itoa(maxRows)}}
		}
		row := map[string]string{}
		for key, col := range index {
			if col < len(table[i]) {
				row[key] = strings.TrimSpace(table[i][col])
			}
		}
		imp.Rows = append(imp.Rows, row)
		imp.Lines = append(imp.Lines, i+1)
	}
	if len(imp.Rows) == 0 {
		return Import{}, []ImportProblem{{Line: first + 1, Kind: ImportNoRows}}
	}
	return imp, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Columns of the list of authorizations KS pulls from KØR.
const (
	ColUser    = "user"
	ColName    = "name"
	ColUnit    = "unit"
	ColCurrent = "current"
)

// AuthListColumns are the columns of KØR's list of users' authorizations,
// by the names Danish and English exports give them.
var AuthListColumns = []Column{
	{Key: ColUser, Required: true, Headers: []string{"BrugerID", "Bruger", "Bruger-ID", "Brugernavn", "Initialer", "User ID", "User", "Username", "Login"}},
	{Key: ColName, Headers: []string{"Navn", "Fulde navn", "Medarbejder", "Name", "Full name", "Employee"}},
	{Key: ColUnit, Headers: []string{"Org.nr.", "Organisationsnummer", "Enhed", "Afdeling", "Org.enhed", "Org unit", "Unit", "Department"}},
	{Key: ColCurrent, Required: true, Headers: []string{"Autorisation", "Autorisationer", "Nuværende autorisation", "Eksisterende autorisation",
		"Rolle", "Roller", "Rettigheder", "Authorization", "Authorisation", "Authorizations", "Current authorization", "Role", "Roles", "Rights"}},
}

// ReadAuthList reads the rows of KØR's list of authorizations from a
// table, and names the file's columns it does not use. Every row must have a valid user id and an authorization, and
// no user may appear twice with the same authorization. Any problem
// refuses the whole file: a list with holes would be answered as if
// complete.
func ReadAuthList(table [][]string) (rows []AuthRow, ignored []string, problems []ImportProblem) {
	imp, problems := ReadTable(table, AuthListColumns, MaxListRows)
	if len(problems) > 0 {
		return nil, nil, problems
	}
	seen := map[string]int{}
	for i, r := range imp.Rows {
		line := imp.Lines[i]
		row := AuthRow{User: strings.ToUpper(r[ColUser]), Name: r[ColName], Unit: r[ColUnit], Current: r[ColCurrent]}
		switch {
		case row.User == "":
			problems = append(problems, ImportProblem{Line: line, Kind: ImportNoUser})
			continue
		case !ValidUserID(row.User):
			problems = append(problems, ImportProblem{Line: line, Kind: ImportBadUser, Value: shorten(r[ColUser])})
			continue
		case row.Current == "":
			problems = append(problems, ImportProblem{Line: line, Kind: ImportNoValue, Value: AuthListColumns[3].Headers[0]})
			continue
		}
		for _, v := range []string{row.Name, row.Unit, row.Current} {
			if utf8.RuneCountInString(v) > MaxRowText {
				problems = append(problems, ImportProblem{Line: line, Kind: ImportTooLong, Value: shorten(v)})
			}
		}
		key := row.User + "\x00" + strings.ToLower(row.Current)
		if first, dup := seen[key]; dup {
			problems = append(problems, ImportProblem{Line: line, Kind: ImportDuplicate, Value: row.User, Other: first})
			continue
		}
		seen[key] = line
		rows = append(rows, row)
	}
	if len(problems) > 0 {
		return nil, nil, problems
	}
	return rows, imp.Ignored, nil
}
