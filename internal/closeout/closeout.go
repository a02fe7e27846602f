// Package closeout is a wave's close-out report for the steering group:
// per forvaltning, each activity's date planned against when it was done
// and how many business days late, the authorization rounds, the training
// decision, the information meetings with the units they reached, and the
// evaluation notes. The commands build it from a wave and
// its audit trail; this package writes it as Markdown or as CSV (which
// Danish Excel opens directly), in Danish or English.
package closeout

import (
	"fmt"
	"io"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/internal/sheet"
	"wavebot/wave"
)

// Report is a wave's close-out.
type Report struct {
	Wave, Name string
	Start      wave.Date
	Lead       string
	// Closed and ClosedBy say when and by whom the wave was closed; zero
	// for a wave still open, whose report shows where it stands.
	Closed     wave.Date
	ClosedBy   string
	Enrolments []Enrolment
}

// Enrolment is one forvaltning's part of the report.
type Enrolment struct {
	FV         string
	Activities []Activity
	Rounds     []Round
	// Training is the forvaltning's decision; nil when it made none.
	Training *wave.TrainingDecision
	// TrainingDue is the date the forvaltning trains by, when it does.
	TrainingDue wave.Date
	Notes       []wave.EvalNote
	// FVNoted is set when the forvaltning gave its own note from the
	// evaluation.
	FVNoted bool
	// Workflow is the forvaltning's KØR workflow track as it stands: its
	// own, not the wave's; nil when it was never worked on. Its
	// agreements' By are mentions.
	Workflow *wave.Workflow
	// Meetings are the forvaltning's information meetings, by date.
	Meetings []Meeting
	// Units counts the forvaltning's units, UnitsHeld those that had an
	// information meeting.
	Units, UnitsHeld int
}

// Meeting is one information meeting: its day, whether it was held by
// the report's day, the units it was for and who recorded it.
type Meeting struct {
	Date  wave.Date
	Held  bool
	Units []string
	By    string
}

// Text says the meeting in lang: "18. januar 2027 – holdt – Husum Skole,
// Ungdomsskolen – registreret af @maria"; with most above zero, it names
// that many units and counts the rest.
func (m Meeting) Text(lang string, most int) string {
	if len(m.Units) == 0 {
		return catalog.MeetingReportAll.In(lang, day(lang, m.Date), m.state(lang), m.By)
	}
	return catalog.MeetingReport.In(lang, day(lang, m.Date), m.state(lang), catalog.Some(lang, m.Units, most), m.By)
}

func (m Meeting) state(lang string) string {
	if m.Held {
		return catalog.MeetingWasHeld.In(lang)
	}
	return catalog.MeetingIsPlanned.In(lang)
}

// MeetingsText says the enrolment's information meetings in lang, a line
// each naming at most most units (all when most is zero), and how many of
// its units had one; that none are recorded when there are none.
func (e Enrolment) MeetingsText(lang string, most int) []string {
	var out []string
	for _, m := range e.Meetings {
		out = append(out, m.Text(lang, most))
	}
	if len(out) == 0 {
		out = append(out, catalog.MeetingsNone.In(lang))
	}
	if e.Units > 0 {
		out = append(out, catalog.UnitsInformed.In(lang, e.Units, e.Units, e.UnitsHeld))
	}
	return out
}

// WorkflowText says where the forvaltning's KØR workflow stands in lang:
// steps done, and what KS takes on by agreement.
func (e Enrolment) WorkflowText(lang string) string {
	if e.Workflow == nil {
		return catalog.ReportNoWorkflow.In(lang)
	}
	done, total := e.Workflow.Steps.Progress()
	text := catalog.ReportWorkflow.In(lang, done, total)
	var parts []string
	for _, a := range e.Workflow.Agreements {
		kind := catalog.AgreementPM.In(lang)
		if a.Kind == wave.AgreementTeaching {
			kind = catalog.AgreementTeachingMsg.In(lang)
		}
		parts = append(parts, catalog.TrackAgreement.In(lang, kind, a.By, day(lang, wave.DateOf(a.At))))
	}
	if len(parts) > 0 {
		text += "; " + catalog.ReportAgreement.In(lang, catalog.List(lang, parts))
	}
	return text
}

// Activity is one activity planned against done.
type Activity struct {
	Key              string
	TitleDA, TitleEN string
	Responsible      wave.Party
	Planned, Done    wave.Date
	Status           wave.Status
	// Late is how many business days after its date it was done; zero
	// when on time or not done.
	Late int
	Note string
}

// Title is the activity's title in lang.
func (a Activity) Title(lang string) string {
	return wave.Activity{TitleDA: a.TitleDA, TitleEN: a.TitleEN}.Title(lang)
}

// Round is one round of the authorization feedback: asked for, answered
// (ok or with corrections), applied. A request that replaced an
// unanswered one belongs to the same round, with its new date.
type Round struct {
	Asked, Due wave.Date
	Answered   wave.Date
	OK         bool
	Note       string
	Applied    wave.Date
}

// day writes a date as running text, "–" for none.
func day(lang string, d wave.Date) string {
	if d.IsZero() {
		return "–"
	}
	return catalog.Date(lang, d.Year, d.Month, d.Day)
}

// Outcome says what became of the activity in lang: done on time, done n
// business days late, skipped, or not done.
func (a Activity) Outcome(lang string) string {
	switch {
	case a.Status == wave.StatusSkipped:
		return catalog.ReportSkipped.In(lang)
	case a.Done.IsZero():
		return catalog.ReportNotDone.In(lang)
	case a.Late > 0:
		return catalog.ReportLate.In(lang, a.Late, day(lang, a.Done), a.Late)
	}
	return catalog.ReportOnTime.In(lang, day(lang, a.Done))
}

// DoneText says when the activity was done, or that it was skipped or is
// not done, in lang.
func (a Activity) DoneText(lang string) string {
	switch {
	case a.Status == wave.StatusSkipped:
		return catalog.ReportSkipped.In(lang)
	case a.Done.IsZero():
		return catalog.ReportNotDone.In(lang)
	}
	return day(lang, a.Done)
}

// Text says the round in lang: "1. runde: bedt om …, frist …; bekræftet …; tildelt …".
func (r Round) Text(lang string, n int) string {
	answer := catalog.ReportRoundNoReply.In(lang)
	switch {
	case !r.Answered.IsZero() && r.OK:
		answer = catalog.ReportRoundOK.In(lang, day(lang, r.Answered))
	case !r.Answered.IsZero():
		answer = catalog.ReportRoundFix.In(lang, day(lang, r.Answered), r.Note)
	}
	applied := catalog.ReportNotApplied.In(lang)
	if !r.Applied.IsZero() {
		applied = catalog.ReportApplied.In(lang, day(lang, r.Applied))
	}
	return catalog.ReportRound.In(lang, n, day(lang, r.Asked), day(lang, r.Due), answer, applied)
}

// TrainingText says the training decision in lang.
func (e Enrolment) TrainingText(lang string) string {
	t := e.Training
	switch {
	case t == nil:
		return catalog.ReportUndecided.In(lang)
	case t.Needed:
		return catalog.ReportTrainingYes.In(lang, day(lang, e.TrainingDue))
	case t.Reason != "":
		return catalog.ReportTrainingNo.In(lang) + " – " + t.Reason
	}
	return catalog.ReportTrainingNo.In(lang)
}

// NoteText says an evaluation note in lang: the text, who wrote it, when.
func NoteText(lang string, n wave.EvalNote) string {
	return catalog.ReportNote.In(lang, n.Text, n.By, day(lang, wave.DateOf(n.At)))
}

// Heading is the report's first line: its title.
func (r Report) Heading(lang string) string {
	return catalog.ReportTitle.In(lang, r.Wave, r.Name)
}

// State says whether and when the wave was closed, in lang.
func (r Report) State(lang string) string {
	if r.Closed.IsZero() {
		return catalog.ReportNotClosed.In(lang)
	}
	return catalog.ReportClosed.In(lang, day(lang, r.Closed), r.ClosedBy)
}

// Noted says, in lang, which forvaltninger gave their note from the
// evaluation and which did not; a line each, none when there are none.
func (r Report) Noted(lang string) []string {
	var noted, not []string
	for _, e := range r.Enrolments {
		if e.FVNoted {
			noted = append(noted, e.FV)
		} else {
			not = append(not, e.FV)
		}
	}
	var out []string
	if len(noted) > 0 {
		out = append(out, catalog.ReportFVNotes.In(lang, catalog.List(lang, noted)))
	}
	if len(not) > 0 {
		out = append(out, catalog.ReportFVNoNotes.In(lang, catalog.List(lang, not)))
	}
	return out
}

// markdownCell escapes text for a Markdown table cell.
var markdownCell = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ")

// Markdown writes the report as a Markdown document: a heading, the
// wave's facts, then per forvaltning a table of its activities and lists
// of its authorization rounds, training decision and evaluation notes.
func (r Report) Markdown(w io.Writer, lang string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", markdownCell.Replace(r.Heading(lang)), r.State(lang))
	fmt.Fprintf(&b, "- %s: %s\n- %s: %s\n", catalog.LabelStart.In(lang), day(lang, r.Start), catalog.LabelLead.In(lang), orDash(r.Lead))
	for _, line := range r.Noted(lang) {
		fmt.Fprintf(&b, "- %s\n", line)
	}
	for _, e := range r.Enrolments {
		fmt.Fprintf(&b, "\n## %s/%s\n\n", r.Wave, e.FV)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n", capital(catalog.ReportKindActivity.In(lang)),
			capital(catalog.ReportColParty.In(lang)), capital(catalog.ReportColPlanned.In(lang)), capital(catalog.ReportColDone.In(lang)), capital(catalog.ReportColLate.In(lang)))
		for _, a := range e.Activities {
			late := "–"
			if !a.Done.IsZero() {
				late = fmt.Sprint(a.Late)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", markdownCell.Replace(a.Title(lang)), a.Responsible, day(lang, a.Planned),
				markdownCell.Replace(a.DoneText(lang)), late)
		}
		fmt.Fprintf(&b, "\n**%s:** %s\n\n**%s:** %s\n\n**%s:**\n\n", catalog.LabelTraining.In(lang), e.TrainingText(lang),
			catalog.LabelWorkflow.In(lang), markdownCell.Replace(e.WorkflowText(lang)), catalog.LabelAuthRounds.In(lang))
		if len(e.Rounds) == 0 {
			fmt.Fprintf(&b, "- %s\n", catalog.ReportNoRounds.In(lang))
		}
		for i, rd := range e.Rounds {
			fmt.Fprintf(&b, "- %s\n", rd.Text(lang, i+1))
		}
		fmt.Fprintf(&b, "\n**%s:**\n\n", catalog.LabelMeetings.In(lang))
		for _, line := range e.MeetingsText(lang, 0) {
			fmt.Fprintf(&b, "- %s\n", line)
		}
		fmt.Fprintf(&b, "\n**%s:**\n\n", catalog.LabelEvalNotes.In(lang))
		if len(e.Notes) == 0 {
			fmt.Fprintf(&b, "- %s\n", catalog.ReportNoNotes.In(lang))
		}
		for _, n := range e.Notes {
			fmt.Fprintf(&b, "- %s\n", NoteText(lang, n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CSV writes the report as one table for a spreadsheet: a row per
// activity, authorization round, training decision and evaluation note,
// each naming its wave, forvaltning and kind; dates as YYYY-MM-DD.
func (r Report) CSV(w io.Writer, lang string) error {
	t := sheet.Table{Header: []string{
		catalog.ReportColWave.In(lang), catalog.ReportColFV.In(lang), catalog.ReportColKind.In(lang), catalog.ReportColTitle.In(lang),
		catalog.ReportColParty.In(lang), catalog.ReportColPlanned.In(lang), catalog.ReportColDone.In(lang), catalog.ReportColLate.In(lang),
		catalog.ReportColNote.In(lang),
	}}
	add := func(fv string, kind catalog.Message, title, party string, planned, done wave.Date, late any, note string) {
		t.Rows = append(t.Rows, []any{r.Wave, fv, kind.In(lang), title, party, planned.String(), done.String(), late, note})
	}
	for _, e := range r.Enrolments {
		for _, a := range e.Activities {
			note := a.Note
			if a.Status == wave.StatusSkipped && note != "" {
				note = catalog.ReportSkipped.In(lang) + " – " + note
			} else if a.Status == wave.StatusSkipped {
				note = catalog.ReportSkipped.In(lang)
			}
			var late any = ""
			if !a.Done.IsZero() {
				late = int64(a.Late)
			}
			add(e.FV, catalog.ReportKindActivity, a.Title(lang), string(a.Responsible), a.Planned, a.Done, late, note)
		}
		for i, rd := range e.Rounds {
			add(e.FV, catalog.ReportKindRound, rd.Text(lang, i+1), string(wave.PartyBoth), rd.Due, rd.Applied, "", rd.Note)
		}
		add(e.FV, catalog.ReportKindTraining, e.TrainingText(lang), string(wave.PartyFV), e.TrainingDue, wave.Date{}, "", "")
		add(e.FV, catalog.LabelWorkflow, e.WorkflowText(lang), string(wave.PartyFV), wave.Date{}, wave.Date{}, "", "")
		for _, m := range e.Meetings {
			held := wave.Date{}
			if m.Held {
				held = m.Date
			}
			add(e.FV, catalog.ReportKindMeet, strings.Join(m.Units, ", "), string(wave.PartyFV), m.Date, held, "", m.By)
		}
		for _, n := range e.Notes {
			add(e.FV, catalog.ReportKindNote, n.Text, n.By, wave.Date{}, wave.DateOf(n.At), "", "")
		}
	}
	return sheet.WriteCSV(w, t)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// capital starts s with a capital letter, for a column heading.
func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
