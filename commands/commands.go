package commands

import "wavebot/catalog"

// commands declares the whole command language once. Order is the order of
// help.
func (d *Dispatcher) commands() []*Command {
	return []*Command{
		{Name: "help", Aliases: []string{"hjælp", "hjaelp"}, Usage: "help [COMMAND]", Summary: catalog.SumHelp, Run: d.help},
		{Name: "wave", Aliases: []string{"bølge", "bolge"}, Sub: []*Command{
			{Name: "create", Aliases: []string{"opret"}, Usage: "wave create ID YYYY-MM-DD [NAME...]", Summary: catalog.SumWaveCreate, Perm: AdminOnly, Run: d.waveCreate},
			{Name: "list", Aliases: []string{"liste"}, Usage: "wave list", Summary: catalog.SumWaveList, Run: d.waveList},
			{Name: "show", Aliases: []string{"vis"}, Usage: "wave show ID", Summary: catalog.SumWaveShow, Run: d.waveShow},
			{Name: "enroll", Aliases: []string{"tilmeld"}, Usage: "wave enroll ID FV [FV...]", Summary: catalog.SumWaveEnroll, Perm: AdminOnly, Run: d.waveEnroll},
			{Name: "lead", Aliases: []string{"leder"}, Usage: "wave lead ID @person", Summary: catalog.SumWaveLead, Perm: AdminOnly, Run: d.waveLead},
		}},
		{Name: "contact", Aliases: []string{"kontakt"}, Usage: "contact ID/FV @person [@person...]", Summary: catalog.SumContact, Perm: AdminOrContact, Run: d.contact},
		{Name: "status", Usage: "status [ID | ID/FV]", Summary: catalog.SumStatus, Run: d.status},
		{Name: "done", Aliases: []string{"færdig", "faerdig"}, Usage: "done ID/FV ACTIVITY [NOTE...]", Summary: catalog.SumDone, Perm: ResponsibleSide, Run: d.setStatus(statusDone)},
		{Name: "start", Aliases: []string{"begynd"}, Usage: "start ID/FV ACTIVITY [NOTE...]", Summary: catalog.SumStart, Perm: ResponsibleSide, Run: d.setStatus(statusDoing)},
		{Name: "block", Aliases: []string{"blokeret", "bloker"}, Usage: "block ID/FV ACTIVITY [NOTE...]", Summary: catalog.SumBlock, Perm: ResponsibleSide, Run: d.setStatus(statusBlocked)},
		{Name: "skip", Aliases: []string{"spring"}, Usage: "skip ID/FV ACTIVITY [NOTE...]", Summary: catalog.SumSkip, Perm: ResponsibleSide, Run: d.setStatus(statusSkipped)},
		{Name: "due", Aliases: []string{"frist"}, Usage: "due ID/FV ACTIVITY YYYY-MM-DD", Summary: catalog.SumDue, Perm: KSOnly, Run: d.due},
		{Name: "auth", Aliases: []string{"autorisation"}, Sub: []*Command{
			{Name: "request", Aliases: []string{"anmod"}, Usage: "auth request ID/FV YYYY-MM-DD", Summary: catalog.SumAuthRequest, Perm: KSOnly, Run: d.authRequest},
			{Name: "ok", Usage: "auth ok ID/FV", Summary: catalog.SumAuthOK, Perm: ContactOnly, Run: d.authAnswer(true)},
			{Name: "fix", Aliases: []string{"ret"}, Usage: "auth fix ID/FV NOTE...", Summary: catalog.SumAuthFix, Perm: ContactOnly, Run: d.authAnswer(false)},
			{Name: "applied", Aliases: []string{"udført", "udfoert"}, Usage: "auth applied ID/FV", Summary: catalog.SumAuthApplied, Perm: KSOnly, Run: d.authApplied},
		}},
		{Name: "eval", Aliases: []string{"evaluering"}, Usage: "eval ID/FV YYYY-MM-DD", Summary: catalog.SumEval, Perm: KSOrContact, Run: d.eval},
		{Name: "workflow", Aliases: []string{"arbejdsgang"}, Usage: "workflow FV [done STEP | undo STEP]", Summary: catalog.SumWorkflow, Perm: ResponsibleSide, Run: d.workflow},
		{Name: "my", Aliases: []string{"mine"}, Usage: "my", Summary: catalog.SumMy, Run: d.my},
		{Name: "remind", Aliases: []string{"påmind", "paamind"}, Sub: []*Command{
			{Name: "list", Aliases: []string{"liste"}, Usage: "remind list", Summary: catalog.SumRemindList, Run: d.remindList},
			{Name: "snooze", Aliases: []string{"udsæt", "udsaet"}, Usage: "remind snooze REF DURATION", Summary: catalog.SumRemindSnooze, Run: d.remindSnooze},
		}},
		{Name: "log", Usage: "log ID[/FV]", Summary: catalog.SumLog, Run: d.log},
		{Name: "role", Aliases: []string{"rolle"}, Usage: "role @person admin|ks|viewer|contact FV", Summary: catalog.SumRole, Perm: AdminOnly, Run: d.role},
		{Name: "link", Aliases: []string{"knyt"}, Usage: "link @person slack:ID|teams:ID", Summary: catalog.SumLink, Perm: AdminOnly, Run: d.link},
		{Name: "lang", Aliases: []string{"sprog"}, Usage: "lang da|en", Summary: catalog.SumLang, Run: d.lang},
	}
}
