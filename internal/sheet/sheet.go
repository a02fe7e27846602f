// Package sheet reads the tables people upload (CSV or XLSX) and writes
// the ones they download, defensively both ways: an upload is bounded in
// size, in what its zip may unpack to and in rows, and its text must be
// UTF-8 or Windows-1252; a download never carries a cell a spreadsheet
// would run as a formula.
package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits of an upload.
const (
	// MaxUpload is the largest file accepted, in bytes: a list of ten
	// thousand users from KØR is well under a megabyte.
	MaxUpload = 4 << 20
	// MaxUnzipped bounds what the parts of an XLSX may unpack to.
	MaxUnzipped = 32 << 20
	// MaxRows bounds the rows read, the header included.
	MaxRows = 10001
	// MaxColumns bounds the columns read.
	MaxColumns  = 64
	maxZipParts = 500
)

// Errors of Read; each says what to do about it.
var (
	ErrTooBig    = errors.New("sheet: the file is too big")
	ErrBomb      = errors.New("sheet: the spreadsheet unpacks to too much")
	ErrOldExcel  = errors.New("sheet: an old Excel file (.xls)")
	ErrBinary    = errors.New("sheet: not a table")
	ErrBadXLSX   = errors.New("sheet: the spreadsheet cannot be read")
	ErrBadCSV    = errors.New("sheet: the CSV file cannot be read")
	ErrEncoding  = errors.New("sheet: the text is neither UTF-8 nor Windows-1252")
	ErrTooMany   = errors.New("sheet: too many rows or columns")
	errNotSheets = errors.New("sheet: the workbook has no sheet")
)

// LineError is a CSV problem on one line.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Read decodes an uploaded file as a table of trimmed text cells: an
// XLSX workbook's first sheet, or CSV separated by semicolons, commas or
// tabs (whichever the first line uses most) in UTF-8, with or without a
// byte order mark, or in Windows-1252 as Excel saves "CSV" in Denmark.
func Read(data []byte) ([][]string, error) {
	switch {
	case len(data) > MaxUpload:
		return nil, ErrTooBig
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0")):
		return nil, ErrOldExcel
	}
	return readCSV(data)
}

func readXLSX(data []byte) ([][]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadXLSX, err)
	}
	// The sizes a zip declares are what archive/zip lets each part unpack
	// to, so their sum bounds the work before excelize starts.
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > MaxUnzipped || len(zr.File) > maxZipParts {
			return nil, ErrBomb
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadXLSX, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%w: %v", ErrBadXLSX, errNotSheets)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadXLSX, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) == MaxRows {
			return nil, ErrTooMany
		}
		cols, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadXLSX, err)
		}
		if len(cols) > MaxColumns {
			return nil, ErrTooMany
		}
		out = append(out, clean(cols))
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadXLSX, err)
	}
	return out, nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrBinary
	}
	text, err := decode(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = separator(text)
	r.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			line := len(out) + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, &LineError{Line: line, Err: ErrBadCSV}
		}
		if len(out) == MaxRows || len(rec) > MaxColumns {
			return nil, ErrTooMany
		}
		out = append(out, clean(rec))
	}
}

// decode returns data as text: UTF-8 as it is; a file in a single-byte
// encoding (no valid multi-byte UTF-8 sequence in it) as Windows-1252. A
// file that mixes the two is refused, naming the first bad line.
func decode(data []byte) (string, error) {
	if utf8.Valid(data) {
		return string(data), nil
	}
	line, multibyte := 1, false
	bad := 0
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			if bad == 0 {
				bad = line
			}
		case n > 1:
			multibyte = true
		case r == '\n':
			line++
		}
		i += max(n, 1)
	}
	if multibyte {
		return "", &LineError{Line: bad, Err: ErrEncoding}
	}
	var b strings.Builder
	for _, c := range data {
		b.WriteRune(cp1252(c))
	}
	return b.String(), nil
}

// cp1252 maps a Windows-1252 byte to its character.
func cp1252(c byte) rune {
	if c >= 0x80 && c < 0xA0 {
		return win1252[c-0x80]
	}
	return rune(c)
}

// win1252 are the characters of Windows-1252 at 0x80–0x9F; the five holes
// read as the replacement character.
var win1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

// separator is the character the first line separates most cells with,
// outside quotes: ';' (Danish Excel), ',' or a tab.
func separator(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	counts := map[rune]int{}
	quoted := false
	for _, r := range first {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ';'
	for _, r := range []rune{',', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// clean trims each cell and turns a line break or a tab in a cell into a
// space: a cell is one line. Other control characters are left for the
// reader of the table to refuse; a file is not quietly changed.
func clean(cells []string) []string {
	for i, c := range cells {
		cells[i] = strings.TrimSpace(strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' {
				return ' '
			}
			return r
		}, c))
	}
	return cells
}
