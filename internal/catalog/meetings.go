package catalog

// The forvaltning's own planning: its information meetings, its units,
// the dates each side sets of the forvaltning's activities, and where the
// user guides and KS økonomisupport are found.

// Commands, their arguments and who may run them.
var (
	SumInfo         = msg("registrer et informationsmøde, planlagt eller holdt, og de enheder, det er for, adskilt med komma (alle: alle kendte enheder; fjern: slet mødet)", "record an information meeting, planned or held, and the units it is for, separated by commas (all: every known unit; remove: delete the meeting)")
	SumUnits        = msg("forvaltningens enheder, og hvilke af dem der endnu ikke har haft informationsmøde; tilføj eller fjern enheder, adskilt med komma", "the forvaltning's units, and which of them have not had an information meeting yet; add or remove units, separated by commas")
	SumGuides       = msg("brugervejledningerne til løsningerne, og hvordan I når KS økonomisupport", "the user guides to the solutions, and how to reach KS finance support")
	ArgMeetingUnits = placeholder("ENHED, … | alle | fjern", "UNIT, … | all | remove")
	ArgUnitChange   = placeholder("tilføj ENHED, … | fjern ENHED, … | SIDE", "add UNIT, … | remove UNIT, … | PAGE")
	PermPlanSide    = msg("KS enhver aktivitet, en tovholder for tilmeldingen forvaltningens egne", "KS any activity, a contact of the enrolment the forvaltning's own")
	PermReadOrFV    = msg("alle kan se dem; en tovholder for tilmeldingen ændrer dem", "anyone reads them; a contact of the enrolment changes them")
)

// Information meetings.
var (
	MeetingPlanned   = msg("%s: Informationsmødet %s er registreret som planlagt.", "%s: The information meeting on %s is recorded as planned.")
	MeetingHeld      = msg("%s: Informationsmødet %s er registreret som holdt.", "%s: The information meeting on %s is recorded as held.")
	MeetingPlannedAt = msg("%s: Informationsmødet %s er registreret som planlagt for %s.", "%s: The information meeting on %s is recorded as planned for %s.")
	MeetingHeldAt    = msg("%s: Informationsmødet %s er registreret som holdt for %s.", "%s: The information meeting on %s is recorded as held for %s.")
	MeetingMore      = msg("%s: Informationsmødet %s er nu også for %s.", "%s: The information meeting on %s is now for %s too.")
	MeetingUnchanged = msg("%s: Informationsmødet %s er allerede registreret for disse enheder; intet er ændret.", "%s: The information meeting on %s is already recorded for those units; nothing changed.")
	MeetingNoUnits   = msg("Skriv, hvilke enheder mødet er for, med: informationsmøde %s %s ENHED, …", "Say which units the meeting is for with: info %s %s UNIT, …")
	MeetingCancelled = msg("%s: Informationsmødet %s er slettet.", "%s: The information meeting on %s is deleted.")
	MeetingNone      = msg("%s har intet informationsmøde den %s.", "%s has no information meeting on %s.")
	MeetingNewUnits  = plural("%s var ikke blandt forvaltningens enheder og er nu tilføjet.", "%s var ikke blandt forvaltningens enheder og er nu tilføjet.", "%s was not among the forvaltning's units and is now added.", "%s were not among the forvaltning's units and are now added.")
	MeetingAfterDue  = msg("Bemærk: Mødet ligger efter fristen for »%[1]s« (%[2]s). Flyt fristen med: frist %[3]s info %[4]s", "Note: the meeting comes after the due date of “%[1]s” (%[2]s). Move the due date with: due %[3]s info %[4]s")
	MeetingNoKnown   = msg("%s har ingen enheder endnu, så »alle« nævner ingen. Skriv enhederne, adskilt med komma.", "%s has no units yet, so “all” names none. Write the units, separated by commas.")
	MeetingBeforeGo  = msg("Bemærk: Mødet ligger på eller efter go-live (%s); brugerne skal være informeret, før løsningerne tages i brug.", "Note: the meeting is on or after go-live (%s); the users are to be informed before the solutions go live.")
	MeetingTooMany   = msg("%s har allerede %d informationsmøder registreret; slet et, før et nyt kommer til.", "%s already has %d information meetings recorded; delete one before adding another.")
	MeetingRecordFV  = msg("Informationsmøder og enheder registrerer forvaltningen selv: kun en tovholder for %s må ændre dem.", "Information meetings and units are the forvaltning's own record: only a contact of %s may change them.")
	MeetingLine      = msg("◆ Informationsmøde %s – %s – %s (registreret af %s)", "◆ Information meeting %s – %s – %s (recorded by %s)")
	MeetingLineAll   = msg("◆ Informationsmøde %s – %s (registreret af %s)", "◆ Information meeting %s – %s (recorded by %s)")
	MeetingsEarlier  = plural("%d tidligere informationsmøde står i bølgens afslutningsrapport: bølge rapport %s", "%d tidligere informationsmøder står i bølgens afslutningsrapport: bølge rapport %s", "%d earlier information meeting is in the wave's close-out report: wave report %s", "%d earlier information meetings are in the wave's close-out report: wave report %s")
	MeetingWasHeld   = msg("holdt", "held")
	MeetingIsPlanned = msg("planlagt", "planned")
	LabelMeetings    = msg("Informationsmøder", "Information meetings")
	MeetingsNone     = msg("ingen registreret", "none recorded")
	MeetingReport    = msg("%s – %s – %s – registreret af %s", "%s – %s – %s – recorded by %s")
	MeetingReportAll = msg("%s – %s – registreret af %s", "%s – %s – recorded by %s")
	ReportKindMeet   = msg("informationsmøde", "information meeting")
	LegendMeeting    = msg("Informationsmøde", "Information meeting")
	InfoDoneMissing  = plural("Bemærk: %d enhed har ikke haft informationsmøde: %s.", "Bemærk: %d enheder har ikke haft informationsmøde: %s.", "Note: %d unit has not had an information meeting: %s.", "Note: %d units have not had an information meeting: %s.")
	ActMeeting       = msg("registrerede informationsmødet", "recorded the information meeting")
	ActMeetingCancel = msg("slettede informationsmødet", "deleted the information meeting")
)

// Units.
var (
	UnitsTitle = msg("Enheder i %s", "Units of %s")
	// The units' counts agree with the number of units, the first argument.
	UnitsInformed = plural("%[2]d af %[1]d enhed har haft informationsmøde.", "%[2]d af %[1]d enheder har haft informationsmøde.",
		"%[2]d of %[1]d unit has had an information meeting.", "%[2]d of %[1]d units have had an information meeting.")
	UnitsInformedPlan = plural("%[2]d af %[1]d enhed har haft informationsmøde; %[3]d har et planlagt.", "%[2]d af %[1]d enheder har haft informationsmøde; %[3]d har et planlagt.",
		"%[2]d of %[1]d unit has had an information meeting; %[3]d has one planned.", "%[2]d of %[1]d units have had an information meeting; %[3]d have one planned.")
	UnitsAllInformed = plural("%d af 1 enhed har haft informationsmøde.", "Alle %d enheder har haft informationsmøde.",
		"%d of 1 unit has had an information meeting.", "All %d units have had an information meeting.")
	UnitsMissingHead  = msg("Uden informationsmøde endnu:", "Without an information meeting yet:")
	UnitsPlannedHead  = msg("Med et planlagt informationsmøde:", "With an information meeting planned:")
	UnitsPlannedItem  = msg("%s – %s", "%s – %s")
	UnitsNone         = msg("%s har ingen enheder endnu. De kommer fra Enhed-kolonnen i autorisationslisten, når KS indlæser den.", "%s has no units yet. They come from the Unit column of the authorization list when KS uploads it.")
	UnitsNoneFV       = msg("Tilføj dem selv med: enheder %s tilføj ENHED, …", "Add them yourselves with: units %s add UNIT, …")
	UnitsPlanFV       = msg("Registrer et møde med: informationsmøde %s ÅÅÅÅ-MM-DD ENHED, …", "Record a meeting with: info %s YYYY-MM-DD UNIT, …")
	UnitsAdded        = plural("%s: %s er tilføjet forvaltningens enheder; der er nu %d.", "%s: %s er tilføjet forvaltningens enheder; der er nu %d.", "%s: %s is added to the forvaltning's units; there are now %d.", "%s: %s are added to the forvaltning's units; there are now %d.")
	UnitsKnown        = msg("%s har allerede %s blandt sine enheder; intet er ændret.", "%s has %s among its units already; nothing changed.")
	UnitsRemoved      = plural("%s: %s er fjernet fra forvaltningens enheder; der er nu %d. Møderne, der var for den, står fortsat.", "%s: %s er fjernet fra forvaltningens enheder; der er nu %d. Møderne, der var for dem, står fortsat.", "%s: %s is removed from the forvaltning's units; there are now %d. The meetings it had stay on record.", "%s: %s are removed from the forvaltning's units; there are now %d. The meetings they had stay on record.")
	UnitsUnknown      = plural("%s har ingen enhed ved navn %s; intet er ændret.", "%s har ingen enheder ved navnene %s; intet er ændret.", "%s has no unit named %s; nothing changed.", "%s has no units named %s; nothing changed.")
	UnitsBadChange    = msg("»%s« er hverken tilføj, fjern eller et sidetal.", "“%s” is neither add, remove nor a page number.")
	UnitsNoNames      = msg("Skriv enhedernes navne, adskilt med komma.", "Write the units' names, separated by commas.")
	UnitBad           = msg("»%s« er ikke navnet på en enhed: det er tomt eller rummer tegn, der ikke kan skrives.", "“%s” is not the name of a unit: it is empty or holds characters that cannot be written.")
	UnitTooLong       = msg("Enhedens navn »%s« er længere end %d tegn.", "The unit's name “%s” is longer than %d characters.")
	UnitsTooMany      = msg("%s kan højst have %d enheder.", "%s can have at most %d units.")
	UnitsFromList     = plural("%d enhed fra listens Enhed-kolonne er ny for %s og er tilføjet forvaltningens enheder.", "%d enheder fra listens Enhed-kolonne er nye for %s og er tilføjet forvaltningens enheder.", "%d unit of the list's Unit column is new to %s and added to the forvaltning's units.", "%d units of the list's Unit column are new to %s and added to the forvaltning's units.")
	UnitsFromListFail = msg("Listen er indlæst, men dens enheder kunne ikke gemmes hos %s lige nu; forvaltningens tovholdere kan tilføje dem.", "The list is uploaded, but its units could not be saved with %s just now; the forvaltning's contacts can add them.")
	UnitsMore         = msg("%s og %d andre", "%s and %d more")
	ActUnitsAdd       = msg("tilføjede enhederne", "added the units")
	ActUnitsRemove    = msg("fjernede enhederne", "removed the units")
	ActUnitsFromList  = msg("tilføjede enheder fra autorisationslisten", "added units from the authorization list")
	RemindGoLiveUnits = msg("Enheder uden informationsmøde endnu: %s.", "Units without an information meeting yet: %s.")
)

// Dates of the forvaltning's activities, set by one side and told to the
// other.
var (
	DueTellLead     = msg("KS-projektlederen %s får besked om den nye frist med de næste påmindelser.", "The KS lead %s is told of the new date with the next reminders.")
	DueTellContacts = msg("Forvaltningens tovholdere får besked om den nye frist med de næste påmindelser.", "The forvaltning's contacts are told of the new date with the next reminders.")
	RemindDateByFV  = msg("%s: %s har sat fristen for »%s« til %s.", "%s: %s set the due date of “%s” to %s.")
	RemindDateByKS  = msg("%s: KS (%s) har sat fristen for forvaltningens aktivitet »%s« til %s.", "%s: KS (%s) set the due date of the forvaltning's activity “%s” to %s.")
	DueOnlyFVOwn    = msg("»%[1]s« er ikke forvaltningens egen aktivitet: dens frist sætter KS. Forvaltningen sætter selv fristerne for %[2]s.", "“%[1]s” is not the forvaltning's own activity: KS sets its date. The forvaltning sets the dates of %[2]s itself.")
	DueBeforeGoLive = msg("Bemærk: »%s« ligger på eller efter go-live (%s); brugerne skal være klar, før løsningerne tages i brug.", "Note: “%s” is on or after go-live (%s); the users are to be ready before the solutions go live.")
)

// User guides and KS økonomisupport.
var (
	GuidesTitle       = msg("Brugervejledninger og KS økonomisupport", "User guides and KS finance support")
	GuidesTitleWave   = msg("Brugervejledninger og KS økonomisupport – bølge %s", "User guides and KS finance support – wave %s")
	GuidesByLead      = msg("KS-projektlederen %s giver jer brugervejledningerne til løsningerne.", "The KS lead %s gives you the user guides to the solutions.")
	GuidesByAnyLead   = msg("KS-projektlederen for jeres bølge giver jer brugervejledningerne til løsningerne.", "The KS lead of your wave gives you the user guides to the solutions.")
	SupportHead       = msg("KS økonomisupport vejleder også i brugen af løsningerne:", "KS finance support also guides users in the solutions:")
	SupportPhone      = msg("• Telefon: %s", "• Phone: %s")
	SupportEmail      = msg("• E-mail: %s", "• E-mail: %s")
	SupportWeb        = msg("• Hjemmeside: %s", "• Web page: %s")
	SupportHours      = msg("• Åbent: %s", "• Open: %s")
	SupportByLead     = msg("KS økonomisupport vejleder også i brugen af løsningerne; KS-projektlederen %s fortæller, hvordan I når dem.", "KS finance support also guides users in the solutions; the KS lead %s tells you how to reach it.")
	SupportByAnyLead  = msg("KS økonomisupport vejleder også i brugen af løsningerne; KS-projektlederen for jeres bølge fortæller, hvordan I når dem.", "KS finance support also guides users in the solutions; the KS lead of your wave tells you how to reach it.")
	GuidesPointer     = msg("Brugervejledningerne og KS økonomisupport finder du når som helst med: vejledninger %s", "You find the user guides and KS finance support at any time with: guides %s")
	GuidesPointerHelp = msg("Brugervejledningerne og KS økonomisupport finder du med: vejledninger", "You find the user guides and KS finance support with: guides")
)
