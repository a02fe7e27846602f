package commands

import (
	"wavebot/internal/catalog"
	"wavebot/wave"
)

// Argument lists that several commands share.
var (
	argsActivity = []Arg{{Name: catalog.ArgRef}, {Name: catalog.ArgActivity}, {Name: catalog.ArgNote, Optional: true, Rest: true}}
	argsRef      = []Arg{{Name: catalog.ArgRef}}
)

// commands declares the whole command language once. Order is the order of
// help.
func (d *Dispatcher) commands() []*Command {
	return []*Command{
		{Name: "help", Aliases: []string{"hjælp", "hjaelp"}, Args: []Arg{{Name: catalog.ArgCommand, Optional: true, Rest: true}}, Summary: catalog.SumHelp, PureRead: true, Run: d.help},
		{Name: "wave", Aliases: []string{"bølge", "bolge"}, Sub: []*Command{
			{Name: "create", Aliases: []string{"opret"}, Args: []Arg{{Name: catalog.ArgID}, {Name: catalog.ArgDate}, {Name: catalog.ArgName, Optional: true, Rest: true}},
				Summary: catalog.SumWaveCreate, Perm: KSOnly, Run: d.waveCreate},
			{Name: "list", Aliases: []string{"liste"}, Args: []Arg{{Name: catalog.ArgAll, Optional: true}, {Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumWaveList, PureRead: true, Run: d.waveList},
			{Name: "show", Aliases: []string{"vis"}, Args: []Arg{{Name: catalog.ArgID}}, Summary: catalog.SumWaveShow, PureRead: true, Run: d.waveShow},
			{Name: "enroll", Aliases: []string{"tilmeld"}, Args: []Arg{{Name: catalog.ArgID}, {Name: catalog.ArgFVs, Rest: true}}, Summary: catalog.SumWaveEnroll, Perm: KSOnly, Run: d.waveEnroll},
			{Name: "lead", Aliases: []string{"leder"}, Args: []Arg{{Name: catalog.ArgID}, {Name: catalog.ArgPerson}}, Summary: catalog.SumWaveLead, Perm: KSOnly, Run: d.waveLead},
			{Name: "move", Aliases: []string{"flyt"}, Args: []Arg{{Name: catalog.ArgID}, {Name: catalog.ArgDate}}, Summary: catalog.SumWaveMove, Perm: KSOnly, Run: d.waveMove},
			{Name: "close", Aliases: []string{"luk"}, Args: []Arg{{Name: catalog.ArgID}}, Summary: catalog.SumWaveClose, Perm: KSOnly, Run: d.waveClose},
			{Name: "report", Aliases: []string{"rapport"}, Args: []Arg{{Name: catalog.ArgID}, {Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumWaveReport, Run: d.waveReport},
		}},
		{Name: "overview", Aliases: []string{"oversigt"}, Args: []Arg{{Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumOverview, PureRead: true, Run: d.overview},
		{Name: "contact", Aliases: []string{"kontakt"}, Args: []Arg{{Name: catalog.ArgRef}, {Name: catalog.ArgContacts, Rest: true}}, Summary: catalog.SumContact, Perm: KSOrContact, Run: d.contact},
		{Name: "status", Args: []Arg{{Name: catalog.ArgWaveOrRef, Optional: true}, {Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumStatus, PureRead: true, Run: d.status},
		{Name: "overdue", Aliases: []string{"overskredet"}, Args: []Arg{{Name: catalog.ArgFV, Optional: true}, {Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumOverdue, PureRead: true, Run: d.overdue},
		{Name: "done", Aliases: []string{"færdig", "faerdig"}, Args: []Arg{{Name: catalog.ArgWaveRef}, {Name: catalog.ArgActivity}, {Name: catalog.ArgNote, Optional: true, Rest: true}},
			Summary: catalog.SumDone, Perm: ResponsibleSide, Run: d.setStatus(wave.StatusDone)},
		{Name: "start", Aliases: []string{"begynd"}, Args: argsActivity, Summary: catalog.SumStart, Perm: ResponsibleSide, Run: d.setStatus(wave.StatusDoing)},
		{Name: "block", Aliases: []string{"bloker", "blokeret"}, Args: argsActivity, Summary: catalog.SumBlock, Perm: ResponsibleSide, Run: d.setStatus(wave.StatusBlocked)},
		{Name: "skip", Aliases: []string{"spring"}, Args: []Arg{{Name: catalog.ArgRef}, {Name: catalog.ArgActivity}, {Name: catalog.ArgReason, Rest: true}},
			Summary: catalog.SumSkip, Perm: ResponsibleSide, Run: d.setStatus(wave.StatusSkipped)},
		{Name: "training", Aliases: []string{"uddannelse"}, Args: []Arg{{Name: catalog.ArgRef}, {Name: catalog.ArgTraining, Rest: true}}, Summary: catalog.SumTraining, Perm: ContactOnly, Run: d.training},
		{Name: "info", Aliases: []string{"informationsmøde", "informationsmoede"}, Args: []Arg{{Name: catalog.ArgRef}, {Name: catalog.ArgDate}, {Name: catalog.ArgMeetingUnits, Optional: true, Rest: true}},
			Summary: catalog.SumInfo, Perm: ContactOnly, Run: d.info},
		{Name: "units", Aliases: []string{"enheder"}, Args: []Arg{{Name: catalog.ArgRef}, {Name: catalog.ArgUnitChange, Optional: true, Rest: true}}, Summary: catalog.SumUnits, Perm: ReadOrFV, Run: d.units},
		{Name: "due", Aliases: []string{"frist"}, Args: []Arg{{Name: catalog.ArgWaveRef}, {Name: catalog.ArgActivity}, {Name: catalog.ArgDate}}, Summary: catalog.SumDue, Perm: PlanSide, Run: d.due},
		{Name: "auth", Aliases: []string{"autorisation"}, Sub: []*Command{
			{Name: "request", Aliases: []string{"anmod"}, Args: []Arg{{Name: catalog.ArgWaveRef}, {Name: catalog.ArgDate}}, Summary: catalog.SumAuthRequest, Perm: KSOnly, Run: d.authRequest},
			{Name: "ok", Args: argsRef, Summary: catalog.SumAuthOK, Perm: ContactOnly, Run: d.authAnswer(true)},
			{Name: "fix", Aliases: []string{"ret"}, Args: []Arg{{Name: catalog.ArgRef}, {Name: catalog.ArgNote, Rest: true}}, Summary: catalog.SumAuthFix, Perm: ContactOnly, Run: d.authAnswer(false)},
			{Name: "applied", Aliases: []string{"udført", "udfoert"}, Args: argsRef, Summary: catalog.SumAuthApplied, Perm: KSOnly, Run: d.authApplied},
			{Name: "list", Aliases: []string{"liste"}, Args: argsRef, Summary: catalog.SumAuthList, Perm: KSOrContact, Run: d.authList},
			{Name: "pending", Aliases: []string{"afventer"}, Args: []Arg{{Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumAuthPending, Run: d.authPending},
		}},
		{Name: "eval", Aliases: []string{"evaluering"}, Args: []Arg{{Name: catalog.ArgEval, Rest: true}}, Summary: catalog.SumEvalNote, Perm: KSOrContact, Run: d.eval},
		{Name: "workflow", Aliases: []string{"arbejdsgang"}, Args: []Arg{{Name: catalog.ArgFVOrRef}, {Name: catalog.ArgStepChange, Optional: true, Rest: true}},
			Summary: catalog.SumWorkflow, Perm: StepSide, Run: d.workflow},
		{Name: "my", Aliases: []string{"mine"}, Args: []Arg{{Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumMy, PureRead: true, Run: d.my},
		{Name: "subscribe", Aliases: []string{"abonner", "abonnér"}, Args: []Arg{{Name: catalog.ArgWaveRef}}, Summary: catalog.SumSubscribe, Perm: KSOrContact, Run: d.subscribe},
		{Name: "unsubscribe", Aliases: []string{"afmeld"}, Args: []Arg{{Name: catalog.ArgWaveRef}}, Summary: catalog.SumUnsubscribe, Perm: KSOrContact, Run: d.unsubscribe},
		{Name: "timeline", Aliases: []string{"tidslinje"}, Args: []Arg{{Name: catalog.ArgID}}, Summary: catalog.SumTimeline, Run: d.timelineCmd},
		{Name: "guides", Aliases: []string{"vejledninger"}, Args: []Arg{{Name: catalog.ArgID, Optional: true}}, Summary: catalog.SumGuides, PureRead: true, Run: d.guides},
		{Name: "calendar", Aliases: []string{"kalender"}, Args: []Arg{{Name: catalog.ArgCalendar, Optional: true}}, Summary: catalog.SumCalendar, Run: d.calendar},
		{Name: "remind", Aliases: []string{"påmind", "paamind"}, Sub: []*Command{
			{Name: "list", Aliases: []string{"liste"}, Args: []Arg{{Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumRemindList, Run: d.remindList},
			{Name: "snooze", Aliases: []string{"udsæt", "udsaet"}, Args: []Arg{{Name: catalog.ArgSubject}, {Name: catalog.ArgDuration}}, Summary: catalog.SumRemindSnooze, Run: d.remindSnooze},
		}},
		{Name: "log", Args: []Arg{{Name: catalog.ArgLogRef}, {Name: catalog.ArgPage, Optional: true}}, Summary: catalog.SumLog, Run: d.log},
		{Name: "role", Aliases: []string{"rolle"}, Args: []Arg{{Name: catalog.ArgPerson}, {Name: catalog.ArgRole}, {Name: catalog.ArgFV, Optional: true}}, Summary: catalog.SumRole, Perm: AdminOnly, Run: d.role},
		{Name: "link", Aliases: []string{"knyt"}, Args: []Arg{{Name: catalog.ArgPerson}, {Name: catalog.ArgIdentity}}, Summary: catalog.SumLink, Perm: AdminOnly, Run: d.link},
		{Name: "lang", Aliases: []string{"sprog"}, Args: []Arg{{Name: catalog.ArgLang}}, Summary: catalog.SumLang, Run: d.lang},
	}
}
