package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsx builds a workbook whose first sheet holds rows.
func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadGoodFiles(t *testing.T) {
	want := [][]string{{"BrugerID", "Navn", "Autorisation"}, {"NN99", "Søren Ærø", "Attestant; Godkender"}, {"AB12", "Åse", "Indkøber"}}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"semicolons with a byte order mark", []byte("\xEF\xBB\xBFBrugerID;Navn;Autorisation\r\nNN99;Søren Ærø;\"Attestant; Godkender\"\r\nAB12;Åse;Indkøber\r\n")},
		{"commas", []byte("BrugerID,Navn,Autorisation\nNN99,Søren Ærø,Attestant; Godkender\nAB12, Åse ,Indkøber\n")},
		{"tabs", []byte("BrugerID\tNavn\tAutorisation\nNN99\tSøren Ærø\tAttestant; Godkender\nAB12\tÅse\tIndkøber")},
		{"Windows-1252, as Danish Excel saves CSV", []byte("BrugerID;Navn;Autorisation\nNN99;S\xf8ren \xc6r\xf8;\"Attestant; Godkender\"\nAB12;\xc5se;Indk\xf8ber\n")},
		{"a line break inside a quoted cell", []byte("BrugerID;Navn;Autorisation\nNN99;\"Søren\nÆrø\";\"Attestant; Godkender\"\nAB12;Åse;Indkøber\n")},
		{"XLSX", xlsx(t, [][]any{{"BrugerID", "Navn", "Autorisation"}, {"NN99", "Søren Ærø", "Attestant; Godkender"}, {"AB12", "Åse", "Indkøber"}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(got, want) {
				t.Errorf("got %q\nwant %q", got, want)
			}
		})
	}
}

func equal(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") {
			return false
		}
	}
	return true
}

// zipBomb is an XLSX-looking zip whose one part unpacks to size bytes of
// zeros, from a few kilobytes; with forged set, the zip claims the part is
// tiny.
func zipBomb(t *testing.T, size int, forged bool) []byte {
	t.Helper()
	var compressed bytes.Buffer
	fw, _ := flate.NewWriter(&compressed, flate.BestSpeed)
	zeros := make([]byte, 1<<20)
	crc := crc32.NewIEEE()
	for written := 0; written < size; written += len(zeros) {
		fw.Write(zeros)
		crc.Write(zeros)
	}
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	h := &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(compressed.Len()), UncompressedSize64: uint64(size)}
	if forged {
		h.UncompressedSize64 = 1000
	}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(compressed.Bytes())
	zw.Close()
	return b.Bytes()
}

func TestReadRefusesBrokenAndHostileFiles(t *testing.T) {
	wrongRows := strings.Repeat("NN99;x;y\n", MaxRows+1)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"10 MB", bytes.Repeat([]byte("NN99;Navn;Autorisation\n"), 10<<20/23+1), ErrTooBig},
		{"a zip bomb", zipBomb(t, MaxUnzipped+1<<20, false), ErrBomb},
		{"a zip bomb lying about its size", zipBomb(t, MaxUnzipped+1<<20, true), ErrBadXLSX},
		{"a zip that is no workbook", func() []byte {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create("hello.txt")
			w.Write([]byte("hello"))
			zw.Close()
			return b.Bytes()
		}(), ErrBadXLSX},
		{"a cut workbook", xlsx(t, [][]any{{"BrugerID"}})[:300], ErrBadXLSX},
		{"an old .xls", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), ErrOldExcel},
		{"a binary file", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrBinary},
		{"UTF-8 and Windows-1252 mixed", []byte("BrugerID;Navn\nNN99;Søren\nAB12;\xc5se\n"), ErrEncoding},
		{"a stray quote", []byte("BrugerID;Navn\nNN99;\"Søren\n"), ErrBadCSV},
		{"too many rows", []byte("BrugerID;Navn;Autorisation\n" + wrongRows), ErrTooMany},
		{"too many columns", []byte(strings.Repeat("a;", MaxColumns+1) + "\n"), ErrTooMany},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Read = %d rows, %v; want %v", len(got), err, tc.want)
			}
		})
	}
	_, err := Read([]byte("BrugerID;Navn\nNN99;Søren\nAB12;\xc5se\n"))
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 {
		t.Errorf("mixed encodings: %v; want the error on line 3", err)
	}
}

// TestFormulasStayText: a CSV cell made to run a command in a
// spreadsheet is read as the text it is, and written back neutralised,
// in CSV and in XLSX.
func TestFormulasStayText(t *testing.T) {
	hostile := []string{"=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", " =HYPERLINK(\"http://x\")"}
	data := "BrugerID;Autorisation\n"
	for _, h := range hostile {
		data += "NN99;\"" + strings.ReplaceAll(h, `"`, `""`) + "\"\n"
	}
	rows, err := Read([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][1] != hostile[0] {
		t.Errorf("read %q; want the cell as typed", rows[1][1])
	}
	for _, h := range hostile {
		if got := Neutralise(h); !strings.HasPrefix(got, "'") {
			t.Errorf("Neutralise(%q) = %q", h, got)
		}
	}
	for _, safe := range []string{"Attestant", "NN99", "50.000", "", "a=b"} {
		if got := Neutralise(safe); got != safe {
			t.Errorf("Neutralise(%q) = %q; want it unchanged", safe, got)
		}
	}
	table := Table{Sheet: "Rettelser", Title: []string{"=title"}, Header: []string{"BrugerID", "Autorisation", "Beløb"}}
	for i, h := range hostile {
		table.Rows = append(table.Rows, []any{"NN99", h, int64(i * 1000)})
	}
	var csvOut bytes.Buffer
	if err := WriteCSV(&csvOut, table); err != nil {
		t.Fatal(err)
	}
	back, err := Read(csvOut.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hostile {
		if back[i+1][1] != strings.ReplaceAll("'"+h, "\t", " ") {
			t.Errorf("CSV cell %d = %q; want %q", i, back[i+1][1], "'"+h)
		}
	}
	if !bytes.HasPrefix(csvOut.Bytes(), []byte("\xEF\xBB\xBFBrugerID;Autorisation;Beløb\r\n")) {
		t.Errorf("CSV begins %q", csvOut.Bytes()[:40])
	}
	var x bytes.Buffer
	if err := WriteXLSX(&x, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	title, _ := f.GetCellValue("Rettelser", "A1")
	cell, _ := f.GetCellValue("Rettelser", "B4")
	formula, _ := f.GetCellFormula("Rettelser", "B4")
	kind, _ := f.GetCellType("Rettelser", "C5")
	amount, _ := f.GetCellValue("Rettelser", "C5")
	if title != "'=title" || cell != "'"+hostile[0] || formula != "" || amount != "1000" || kind == excelize.CellTypeSharedString || kind == excelize.CellTypeInlineString {
		t.Errorf("XLSX: title %q, B4 %q (formula %q), C5 %q of type %v", title, cell, formula, amount, kind)
	}
}
