package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Neutralise makes a cell safe to open in a spreadsheet: text that a
// spreadsheet would read as a formula (starting with =, +, -, @, a tab or
// a carriage return, also after spaces) gets a leading apostrophe, which
// spreadsheets show as text. This is OWASP's advice against CSV injection.
func Neutralise(s string) string {
	t := strings.TrimLeft(s, " ")
	if t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return "'" + s
	}
	return s
}

// Table is a download: a title block of lines above the header, the
// header, and rows whose cells are text (string) or whole numbers (int64,
// kept as numbers in XLSX).
type Table struct {
	Sheet  string
	Title  []string
	Header []string
	Rows   [][]any
}

// WriteCSV writes t as CSV the way Danish Excel opens it directly: UTF-8
// with a byte order mark, semicolons, CRLF line ends; every text cell
// neutralised. The title block is left out: a CSV is for machines.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\xEF\xBB\xBF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	cw.Write(neutraliseAll(t.Header))
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, c := range r {
			if s, ok := c.(string); ok {
				rec[i] = Neutralise(s)
			} else {
				rec[i] = fmt.Sprint(c)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func neutraliseAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = Neutralise(c)
	}
	return out
}

// WriteXLSX writes t as a workbook of one sheet: the title block in bold,
// an empty line, the header in bold with a filter, frozen under it, and
// the rows; text neutralised, numbers as numbers.
func WriteXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Sheet
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	row := 1
	for _, line := range t.Title {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetCellStr(sheet, cell, Neutralise(line)); err != nil {
			return err
		}
		f.SetCellStyle(sheet, cell, cell, bold)
		row++
	}
	if len(t.Title) > 0 {
		row++
	}
	headerRow := row
	first, _ := excelize.CoordinatesToCellName(1, headerRow)
	last, _ := excelize.CoordinatesToCellName(max(len(t.Header), 1), headerRow)
	header := make([]any, len(t.Header))
	for i, h := range t.Header {
		header[i] = Neutralise(h)
	}
	if err := f.SetSheetRow(sheet, first, &header); err != nil {
		return err
	}
	f.SetCellStyle(sheet, first, last, bold)
	for _, r := range t.Rows {
		row++
		cells := make([]any, len(r))
		for i, c := range r {
			if s, ok := c.(string); ok {
				cells[i] = Neutralise(s)
			} else {
				cells[i] = c
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	end, _ := excelize.CoordinatesToCellName(max(len(t.Header), 1), max(row, headerRow))
	if err := f.AutoFilter(sheet, first+":"+end, nil); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	lastCol, _ := excelize.ColumnNumberToName(max(len(t.Header), 1))
	if err := f.SetColWidth(sheet, "A", lastCol, 22); err != nil {
		return err
	}
	return f.Write(w)
}
