package web

import (
	"html/template"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// pageTexts are the texts the page templates show, by the name they use
// ({{.T "Save"}}); every sentence itself is in the catalog.
var pageTexts = map[string]catalog.Message{
	"AcceptOf":            catalog.PageAcceptOf,
	"AllUnits":            catalog.PageAllUnits,
	"AmountOf":            catalog.PageAmountOf,
	"AppliedFor":          catalog.PageAppliedFor,
	"BackToTemplate":      catalog.PageBackToTemplate,
	"BulkButton":          catalog.PageBulkButton,
	"BulkDecision":        catalog.PageBulkDecision,
	"BulkLegend":          catalog.PageBulkLegend,
	"BulkWanted":          catalog.PageBulkWanted,
	"CSV":                 catalog.PageCSV,
	"ChangesHeading":      catalog.PageChangesHeading,
	"ChangesHelp":         catalog.PageChangesHelp,
	"ColAccept":           catalog.PageColAccept,
	"ColAmount":           catalog.PageColAmount,
	"ColApplied":          catalog.PageColApplied,
	"ColCurrent":          catalog.PageColCurrent,
	"ColDecidedBy":        catalog.PageColDecidedBy,
	"ColDecision":         catalog.PageColDecision,
	"ColDelete":           catalog.PageColDelete,
	"ColLevel":            catalog.PageColLevel,
	"ColLimit":            catalog.PageColLimit,
	"ColName":             catalog.PageColName,
	"ColNote":             catalog.PageColNote,
	"ColOrgNr":            catalog.PageColOrgNr,
	"ColRole":             catalog.PageColRole,
	"ColRow":              catalog.PageColRow,
	"ColUnit":             catalog.PageColUnit,
	"ColUser":             catalog.PageColUser,
	"ColWanted":           catalog.PageColWanted,
	"CompleteDecisions":   catalog.PageCompleteDecisions,
	"CompleteHelp":        catalog.PageCompleteHelp,
	"ConfirmNoChanges":    catalog.PageConfirmNoChanges,
	"Counts":              catalog.PageCounts,
	"DecisionFix":         catalog.PageDecisionFix,
	"DecisionFor":         catalog.PageDecisionFor,
	"DecisionOK":          catalog.PageDecisionOK,
	"DecisionOpen":        catalog.PageDecisionOpen,
	"DecisionsHeading":    catalog.PageDecisionsHeading,
	"DecisionsHelp":       catalog.PageDecisionsHelp,
	"DecisionsNone":       catalog.PageDecisionsNone,
	"DecisionsSummary":    catalog.PageDecisionsSummary,
	"DeleteOf":            catalog.PageDeleteOf,
	"Deliver":             catalog.PageDeliver,
	"DeliverConfirm":      catalog.PageDeliverConfirm,
	"DeliverHelp":         catalog.PageDeliverHelp,
	"DeliveredAt":         catalog.PageDeliveredAt,
	"Download":            catalog.PageDownload,
	"DownloadChanges":     catalog.PageDownloadChanges,
	"DownloadTemplate":    catalog.PageDownloadTemplate,
	"EditDecisions":       catalog.PageEditDecisions,
	"Excel":               catalog.PageExcel,
	"Filter":              catalog.PageFilter,
	"FilterLabel":         catalog.PageFilterLabel,
	"Forvaltning":         catalog.PageForvaltning,
	"Koncernservice":      catalog.PageKoncernservice,
	"LevelLimit":          catalog.PageLevelLimit,
	"LevelName":           catalog.PageLevelName,
	"LevelOf":             catalog.PageLevelOf,
	"LevelsHelp":          catalog.PageLevelsHelp,
	"LevelsLegend":        catalog.PageLevelsLegend,
	"NameOf":              catalog.PageNameOf,
	"NewAmount":           catalog.PageNewAmount,
	"NewLevel":            catalog.PageNewLevel,
	"NewName":             catalog.PageNewName,
	"NewOrgNr":            catalog.PageNewOrgNr,
	"NewRole":             catalog.PageNewRole,
	"NewRow":              catalog.PageNewRow,
	"NewUser":             catalog.PageNewUser,
	"NoChanges":           catalog.PageNoChanges,
	"NoListYet":           catalog.PageNoListYet,
	"NoOpenRequest":       catalog.PageNoOpenRequest,
	"NoProblems":          catalog.PageNoProblems,
	"NoteFor":             catalog.PageNoteFor,
	"OrgNrOf":             catalog.PageOrgNrOf,
	"ProblemsCount":       catalog.PageProblemsCount,
	"ProblemsHeading":     catalog.PageProblemsHeading,
	"Request":             catalog.PageRequest,
	"RoleOf":              catalog.PageRoleOf,
	"RolesLegend":         catalog.PageRolesLegend,
	"RowsHeading":         catalog.PageRowsHeading,
	"RowsHelp":            catalog.PageRowsHelp,
	"Save":                catalog.PageSave,
	"SaveApplied":         catalog.PageSaveApplied,
	"SaveDecisions":       catalog.PageSaveDecisions,
	"SaveDraft":           catalog.PageSaveDraft,
	"Search":              catalog.PageSearch,
	"SelectAll":           catalog.PageSelectAll,
	"SelectRow":           catalog.PageSelectRow,
	"Show":                catalog.PageShow,
	"ShowAll":             catalog.PageShowAll,
	"ShowDecisions":       catalog.PageShowDecisions,
	"ShowFix":             catalog.PageShowFix,
	"ShowOK":              catalog.PageShowOK,
	"ShowOpen":            catalog.PageShowOpen,
	"Shown":               catalog.PageShown,
	"ShownFormat":         catalog.PageShownFormat,
	"SignedInAs":          catalog.PageSignedInAs,
	"SkipToContent":       catalog.PageSkipToContent,
	"StepDone":            catalog.PageStepDone,
	"StepOpen":            catalog.PageStepOpen,
	"StepsHeading":        catalog.PageStepsHeading,
	"Submit":              catalog.PageSubmit,
	"SubmitConfirm":       catalog.PageSubmitConfirm,
	"SubmitHelp":          catalog.PageSubmitHelp,
	"SubmittedBy":         catalog.PageSubmittedBy,
	"TemplateRowsHeading": catalog.PageTemplateRowsHeading,
	"TemplateRowsHelp":    catalog.PageTemplateRowsHelp,
	"UnitFilter":          catalog.PageUnitFilter,
	"UnitFilterLabel":     catalog.PageUnitFilterLabel,
	"UnitsFileHelp":       catalog.PageUnitsFileHelp,
	"UnitsFileLabel":      catalog.PageUnitsFileLabel,
	"UnitsHelp":           catalog.PageUnitsHelp,
	"UnitsLabel":          catalog.PageUnitsLabel,
	"UnitsLegend":         catalog.PageUnitsLegend,
	"UploadButton":        catalog.PageUploadButton,
	"UploadFileHelp":      catalog.PageUploadFileHelp,
	"UploadHeading":       catalog.PageUploadHeading,
	"UploadHelp":          catalog.PageUploadHelp,
	"UploadLabel":         catalog.PageUploadLabel,
	"UserOf":              catalog.PageUserOf,
	"WantedFor":           catalog.PageWantedFor,
	"Wave":                catalog.PageWave,
}

// T is the page text key in the page's language, with args.
func (b base) T(key string, args ...any) string {
	m, ok := pageTexts[key]
	if !ok {
		return "‹" + key + "›"
	}
	return m.In(b.Lang, args...)
}

// funcs are the template functions beyond the pages' methods.
var funcs = template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}

// DecisionText is a decision in words.
func (b base) DecisionText(d wave.Decision) string {
	switch d {
	case wave.DecisionOK:
		return catalog.PageDecisionOK.In(b.Lang)
	case wave.DecisionFix:
		return catalog.PageDecisionFix.In(b.Lang)
	}
	return catalog.PageDecisionOpen.In(b.Lang)
}

// SortAttr is the aria-sort attribute of the column key.
func (p listPage) SortAttr(key string) template.HTMLAttr {
	switch {
	case p.Query.Sort != key:
		return ""
	case p.Query.Desc:
		return ` aria-sort="descending"`
	}
	return ` aria-sort="ascending"`
}

// Kroner writes an amount as the page's reader expects: "50.000 kr.".
func (b base) Kroner(n int64) string { return catalog.Kroner(b.Lang, n) }

// When writes an instant as a day and a time.
func (b base) When(t time.Time) string {
	return t.Format("2006-01-02 15:04")
}

// RoleText is a role by its name in the page's language.
func (b base) RoleText(role string) string {
	if r, ok := wave.ParseWorkflowRole(role); ok {
		return roleLabels[r].In(b.Lang)
	}
	return role
}

// RoleOptions are the options of a role select with selected chosen; a
// value that is no role is kept as an option, so saving again keeps it.
func (p templatePage) RoleOptions(selected string) template.HTML {
	var b strings.Builder
	b.WriteString(`<option value="">–</option>`)
	known := false
	for _, r := range p.Roles {
		known = known || r.Key == selected
		option(&b, r.Key, r.Label, r.Key == selected)
	}
	if !known && selected != "" {
		option(&b, selected, selected, true)
	}
	return template.HTML(b.String())
}

// LevelOptions are the options of a level select, the decided levels.
func (p templatePage) LevelOptions(selected string) template.HTML {
	var b strings.Builder
	b.WriteString(`<option value="">–</option>`)
	known := false
	for _, l := range p.V.Template.Decisions.Levels {
		match := strings.EqualFold(l.Name, selected)
		known = known || match
		option(&b, l.Name, l.Name+" (≤ "+p.Kroner(l.Limit)+")", match)
	}
	if !known && selected != "" {
		option(&b, selected, selected, true)
	}
	return template.HTML(b.String())
}

func option(b *strings.Builder, value, label string, selected bool) {
	b.WriteString(`<option value="` + template.HTMLEscapeString(value) + `"`)
	if selected {
		b.WriteString(" selected")
	}
	b.WriteString(">" + template.HTMLEscapeString(label) + "</option>")
}
