package closeout

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wavebot/wave"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// report is a close-out with each kind of line: on time, late, skipped,
// not done; two rounds; a training decision; two information meetings,
// one for no unit in particular; notes with a table's pipe and a
// spreadsheet formula in them.
func report() Report {
	d := func(s string) wave.Date { v, _ := wave.ParseDate(s); return v }
	return Report{Wave: "b3", Name: "Bølge 3 | pilot", Start: d("2027-03-01"), Lead: "@anna", Closed: d("2027-05-14"), ClosedBy: "@anna",
		Enrolments: []Enrolment{{
			FV: "BUF",
			Activities: []Activity{
				{Key: "kickoff", TitleDA: "Opstartsmøde i forvaltningen", TitleEN: "Kick-off meeting", Responsible: wave.PartyBoth, Planned: d("2027-01-21"), Done: d("2027-01-21"), Status: wave.StatusDone},
				{Key: "info", TitleDA: "Informationsmøde", TitleEN: "Information meeting", Responsible: wave.PartyFV, Planned: d("2027-02-10"), Done: d("2027-02-22"), Status: wave.StatusDone, Late: 8, Note: "=HYPERLINK(\"x\")"},
				{Key: "training", TitleDA: "Uddannelse af brugere", TitleEN: "User training", Responsible: wave.PartyFV, Planned: d("2027-02-22"), Status: wave.StatusSkipped, Note: "som netbank"},
				{Key: "loadtest", TitleDA: "Belastningstest", TitleEN: "Load test", Responsible: wave.PartyKS, Planned: d("2027-03-22"), Status: wave.StatusTodo},
			},
			Rounds: []Round{
				{Asked: d("2027-01-20"), Due: d("2027-02-19"), Answered: d("2027-01-25"), Note: "NN12 | godkender", Applied: d("2027-01-27")},
				{Asked: d("2027-02-01"), Due: d("2027-02-19"), Answered: d("2027-02-03"), OK: true},
			},
			Training: &wave.TrainingDecision{Reason: "som netbank", By: "maria"},
			Notes:    []wave.EvalNote{{Text: "god proces | samme plan", By: "@maria", At: time.Date(2027, 5, 12, 10, 0, 0, 0, time.UTC)}},
			FVNoted:  true,
			Meetings: []Meeting{{Date: d("2027-02-03"), Held: true, Units: []string{"Husum Skole", "Center for Økonomi | løn"}, By: "@maria"},
				{Date: d("2027-02-10"), Held: true, By: "@jens"}},
			Units: 3, UnitsHeld: 2,
			Workflow: func() *wave.Workflow {
				w := wave.NewWorkflow("BUF", wave.DefaultTemplate(), time.Time{})
				w.Steps[0].Done, w.Steps[1].Done = true, true
				w.Agree(wave.Agreement{Kind: wave.AgreementProjectManagement, By: "@maria", At: time.Date(2027, 2, 3, 10, 0, 0, 0, time.UTC)})
				return &w
			}(),
		}, {FV: "SUF"}},
	}
}

// TestReport compares the Markdown and the CSV, in Danish and English,
// with testdata/TestReport.* (go test -update rewrites them).
func TestReport(t *testing.T) {
	for _, lang := range []string{"da", "en"} {
		var md, csv bytes.Buffer
		if err := report().Markdown(&md, lang); err != nil {
			t.Fatal(err)
		}
		if err := report().CSV(&csv, lang); err != nil {
			t.Fatal(err)
		}
		for ext, got := range map[string][]byte{lang + ".md": md.Bytes(), lang + ".csv": csv.Bytes()} {
			golden := filepath.Join("testdata", t.Name()+"."+ext)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs (go test -update accepts it):\n%s", golden, got)
			}
		}
		if lang == "da" {
			for _, want := range []string{
				"# Afslutningsrapport – b3 – Bølge 3 \\| pilot", // a pipe never breaks the table
				"| Informationsmøde | FV | 10. februar 2027 | 22. februar 2027 | 8 |",
				"| Belastningstest | KS | 22. marts 2027 | ikke færdig | – |",
				"- 1. runde: bedt om 20. januar 2027, frist 19. februar 2027; rettelser 25. januar 2027: NN12 | godkender; tildelt 27. januar 2027",
				"- 2. runde: bedt om 1. februar 2027, frist 19. februar 2027; bekræftet 3. februar 2027; ikke tildelt",
				"**Uddannelse:** ingen uddannelse – som netbank",
				"**Informationsmøder:**\n\n- 3. februar 2027 – holdt – Husum Skole og Center for Økonomi | løn – registreret af @maria\n- 10. februar 2027 – holdt – registreret af @jens\n- 2 af 3 enheder har haft informationsmøde.",
				"## b3/SUF\n\n| Aktivitet",
				"**Informationsmøder:**\n\n- ingen registreret\n",
			} {
				if !strings.Contains(md.String(), want) {
					t.Errorf("Markdown lacks %q", want)
				}
			}
			for _, want := range []string{"\xEF\xBB\xBFbølge;forvaltning;", ";\"'=HYPERLINK", "b3;BUF;aktivitet;Uddannelse af brugere;FV;2027-02-22;;;sprunget over – som netbank\r\n",
				"b3;BUF;informationsmøde;Husum Skole, Center for Økonomi | løn;FV;2027-02-03;2027-02-03;;'@maria\r\n"} {
				if !strings.Contains(csv.String(), want) {
					t.Errorf("CSV lacks %q", want)
				}
			}
		}
	}
}
