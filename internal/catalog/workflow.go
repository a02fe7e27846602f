package catalog

// A forvaltning's own KØR workflow: one track per forvaltning, in a wave
// or not, with its central working group, the agreements by which KS
// takes on project management or teaching, and KS's teaching sessions.
var (
	FVInNoWave           = msg("%[1]s er ikke tilmeldt nogen bølge. Forvaltningens KØR workflow følges for sig: workflow %[1]s", "%[1]s is not enrolled in any wave. Its KØR workflow is followed on its own: workflow %[1]s")
	FVInNoWaveKS         = msg("%[1]s er ikke tilmeldt nogen bølge. Forvaltningens KØR workflow følges for sig: workflow %[1]s. Tilmeld den med: bølge tilmeld ID %[1]s", "%[1]s is not enrolled in any wave. Its KØR workflow is followed on its own: workflow %[1]s. Enrol it with: wave enroll ID %[1]s")
	TaskTeaching         = msg("%s: %s KØR workflow – undervisning ved KS", "%s: %s KØR workflow – teaching by KS")
	TrackName            = msg("KØR workflow i %s", "KØR workflow in %s")
	TrackContacts        = msg("Central arbejdsgruppe (tovholdere): %s", "Central working group (contacts): %s")
	TrackNoContacts      = msg("Central arbejdsgruppe: ingen endnu. KS udpeger den første tovholder: workflow %s kontakt @person", "Central working group: none yet. KS names the first contact: workflow %s contact @person")
	TrackKS              = msg("KS' kontaktperson for forløbet: %s (får KS' påmindelser)", "KS's contact for the track: %s (gets KS's reminders)")
	TrackKSNobody        = msg("KS' kontaktperson for forløbet: ingen endnu; det bliver den første fra KS, der arbejder med forløbet", "KS's contact for the track: none yet; it will be the first person at KS who works on the track")
	TrackAgreements      = msg("Efter konkret aftale varetager KS: %s", "By agreement KS takes on: %s")
	TrackAgreement       = msg("%s (aftalt af %s %s)", "%s (agreed by %s on %s)")
	TrackAgreementNote   = msg("%s (aftalt af %s %s: %s)", "%s (agreed by %s on %s: %s)")
	AgreementPM          = msg("projektledelse", "project management")
	AgreementTeachingMsg = msg("undervisning", "teaching")
	TeachingPlannedLine  = msg("○ Undervisning ved KS %s", "○ Teaching by KS on %s")
	TeachingHeldLine     = msg("✓ Undervisning ved KS %s – holdt", "✓ Teaching by KS on %s – held")

	TrackKSTold         = msg("%s, KS' kontaktperson for forløbet, har fået besked om, at autorisationen kan begynde.", "%s, KS's contact for the track, has been told that authorizing can start.")
	TrackWelcomed       = plural("%s får en velkomst med trinnene i KØR workflow.", "%s får en velkomst med trinnene i KØR workflow.", "%s will get a welcome with the steps of KØR workflow.", "%s will get a welcome with the steps of KØR workflow.")
	TrackNoContactsLeft = msg("KØR workflow i %[1]s har nu ingen tovholder. KS udpeger en ny med: workflow %[1]s kontakt @person", "KØR workflow in %[1]s now has no contact. KS names a new one with: workflow %[1]s contact @person")

	StepOnlyTrackContact = msg("»%[1]s« er forvaltningens trin: kun en tovholder for KØR workflow i %[2]s må gøre det eller sætte frist (KS kun efter aftale om projektledelse).", "“%[1]s” is the forvaltning's step: only a contact of KØR workflow in %[2]s may do it or date it (KS only under an agreement on project management).")
	StepOnlyKSOrContact  = msg("Kun KS eller en tovholder for KØR workflow i %[2]s må ændre »%[1]s«.", "Only KS or a contact of KØR workflow in %[2]s may change “%[1]s”.")

	AgreementRecorded  = msg("%s: KS varetager nu %s efter konkret aftale.", "%s: KS now takes on %s by agreement.")
	AgreementUnchanged = msg("%s: Aftalen om %s står allerede sådan; intet er ændret.", "%s: The agreement on %s stands as it is; nothing changed.")
	AgreementEnded     = msg("%s: Aftalen om %s er afsluttet; forvaltningen varetager den selv igen.", "%s: The agreement on %s has ended; the forvaltning takes it on itself again.")
	AgreementNone      = msg("%s har ingen aftale med KS om det; intet er ændret.", "%s has no such agreement with KS; nothing changed.")
	AgreementByContact = msg("Kun en tovholder for %s kan indgå eller afslutte en aftale med KS.", "Only a contact of %s can make or end an agreement with KS.")
	ArgAgreement       = placeholder("projektledelse | undervisning | slut", "projektledelse | undervisning | end")
	UnknownAgreement   = msg("Ukendt aftale »%s«. Skriv projektledelse, undervisning eller slut.", "Unknown agreement “%s”. Write projektledelse, undervisning or end.")

	TeachingNeedsAgreement = msg("%[1]s har ingen aftale om undervisning. En tovholder indgår den med: workflow %[2]s aftale undervisning", "%[1]s has no agreement on teaching. A contact makes it with: workflow %[2]s agreement undervisning")
	TeachingOnlyKS         = msg("Undervisningen er KS' opgave efter aftalen: kun KS planlægger den og markerer den som holdt.", "The teaching is KS's task under the agreement: only KS plans it and marks it held.")
	TeachingAdded          = msg("%s: Undervisning ved KS er planlagt %s. KS påmindes, indtil den er markeret som holdt.", "%s: Teaching by KS is planned on %s. KS is reminded until it is marked held.")
	TeachingExists         = msg("%s: Der er allerede planlagt undervisning %s; intet er ændret.", "%s: Teaching is already planned on %s; nothing changed.")
	TeachingMissing        = msg("%s: Der er ingen undervisning %s.", "%s: There is no teaching on %s.")
	TeachingMarkedHeld     = msg("%s: Undervisningen %s er holdt.", "%s: The teaching on %s was held.")
	TeachingAlreadyHeld    = msg("%s: Undervisningen %s er allerede markeret som holdt; intet er ændret.", "%s: The teaching on %s is already marked held; nothing changed.")
	TeachingCancelled      = msg("%s: Undervisningen %s er aflyst.", "%s: The teaching on %s is cancelled.")

	RemindTeachingSoon    = msg("%s: KS holder undervisning %s efter aftalen med forvaltningen. Marker den som holdt bagefter.", "%s: KS holds teaching on %s under the agreement with the forvaltning. Mark it held afterwards.")
	RemindTeachingOverdue = msg("%s: Undervisningen %s er ikke markeret som holdt. Marker den som holdt, eller aflys den.", "%s: The teaching on %s is not marked held. Mark it held, or cancel it.")
	RemindTrackWelcome    = msg("%[1]s: Du er tovholder for KØR workflow i %[2]s, som forvaltningen selv implementerer. Se trinnene med: workflow %[2]s", "%[1]s: You are a contact of KØR workflow in %[2]s, which the forvaltning implements itself. See the steps with: workflow %[2]s")
	ButtonTeachingHeld    = msg("Marker som holdt", "Mark held")

	ActAgreement     = msg("indgik aftale med KS om", "made an agreement with KS on")
	ActAgreementEnd  = msg("afsluttede aftalen med KS om", "ended the agreement with KS on")
	ActTeaching      = msg("ændrede undervisningen", "changed the teaching")
	ActTrackMoved    = msg("samlede forvaltningens forløb for KØR workflow i ét; de mindre fremskredne (forvaltningens eget står som tomt) blev lagt til side", "brought the forvaltning's KØR workflow tracks into one; the less advanced ones (empty: the forvaltning's own) were set aside")
	TeachingPlanned  = msg("planlagt", "planned")
	TeachingHeld     = msg("holdt", "held")
	TeachingCancel   = msg("aflyst", "cancelled")
	ReportAgreement  = msg("efter konkret aftale varetager KS: %s", "by agreement KS takes on: %s")
	ReportWorkflow   = msg("%d af %d trin færdige", "%d of %d steps done")
	ReportNoWorkflow = msg("ikke påbegyndt", "not begun")
	LabelWorkflow    = msg("KØR workflow", "KØR workflow")
)
