package catalog

// Who may do what, as the source's "opgaver og ansvar" assigns it: KS
// leads, each side answers for its own part of shared work, the
// forvaltning chooses its contacts, and a wave closes with both.

// One person, one side.
var (
	ContactIsKS   = msg("%s er KS-medarbejder og kan derfor ikke være forvaltningens tovholder: hver person taler for én side.", "%s is KS staff and so cannot be the forvaltning's contact: each person speaks for one side.")
	RoleIsContact = msg("%[1]s er tovholder for %[2]s og kan derfor ikke få en KS-rolle: hver person taler for én side. Fjern først %[1]s som tovholder med: %[3]s", "%[1]s is a contact of %[2]s and so cannot have a KS role: each person speaks for one side. Take %[1]s off the contacts first with: %[3]s")
	RemoveContact = msg("kontakt %s fjern %s", "contact %s remove %s")
	BothSides     = msg("Du er KS-medarbejder og står også som tovholder for %s; her taler du kun for KS.", "You are KS staff and also stand as a contact of %s; here you speak for KS only.")
	SamePerson    = msg("%[1]s: %[2]s har allerede givet sit ord for %[3]s om »%[4]s«, så %[5]s ord skal komme fra en anden person.", "%[1]s: %[2]s has already given the word for %[3]s on “%[4]s”, so %[5]s word must come from someone else.")
	SideOfKS      = msg("KS'", "KS's")
	SideOfFV      = msg("forvaltningens", "the forvaltning's")
	SideKSFirst   = msg("KS", "KS")
	SideFVFirst   = msg("Forvaltningen", "The forvaltning")
	LeadNotKSAsk  = msg("%s er ikke KS-medarbejder og kan derfor ikke være KS-projektleder. Bed en administrator om at give rollen ks først.", "%s is not KS staff and so cannot be the KS lead. Ask an admin to give the role ks first.")
)

// Who may run a command, beyond the kinds of the command table.
var (
	PermKSOrContactOf = msg("KS eller en tovholder for %s", "KS or a contact of %s")
	OnlyContact       = msg("»%[1]s« er forvaltningens opgave: kun en tovholder for %[2]s må ændre den.", "“%[1]s” is the forvaltning's task: only a contact of %[2]s may change it.")
	DoneAllFV         = msg("»%s« er forvaltningens opgave: hver forvaltnings tovholdere melder den færdig.", "“%s” is the forvaltning's task: each forvaltning's contacts mark it done.")
	NoWavesYet        = msg("Der er ingen bølger endnu.", "There are no waves yet.")
	NoContactYet      = msg("ingen endnu", "none yet")
	NoContactsLeftFV  = msg("%s har nu ingen tovholder. KS-projektlederen får påmindelser, til en ny er udpeget.", "%s now has no contact. The KS lead is reminded until a new one is named.")
	AuthDoneByApplyKS = msg("»%[1]s« bliver færdig, når KS har tildelt autorisationerne efter forvaltningens tilbagemelding: bed om den med autorisation anmod %[2]s ÅÅÅÅ-MM-DD, og marker dem som tildelt med autorisation udført %[2]s, når forvaltningen har svaret.", "“%[1]s” is done when KS has applied the authorizations the forvaltning reported: ask for the feedback with auth request %[2]s YYYY-MM-DD, and mark them applied with auth applied %[2]s once the forvaltning has answered.")
	AuthDoneByApplyFV = msg("»%[1]s« bliver færdig, når KS har tildelt autorisationerne efter forvaltningens tilbagemelding. Når KS har bedt om den, svarer I med autorisation ok %[2]s eller autorisation ret %[2]s NOTE.", "“%[1]s” is done when KS has applied the authorizations the forvaltning reported. Once KS has asked for the feedback, you answer with auth ok %[2]s or auth fix %[2]s NOTE.")
)

// Shared work: each side's word, done or skip.
var (
	SkipWordGiven   = msg("%[1]s: %[2]s vil springe »%[3]s« over (%[4]s); den springes over, når %[5]s også har sagt det.", "%[1]s: %[2]s wants to skip “%[3]s” (%[4]s); it is skipped when %[5]s has said so too.")
	BothSkipped     = msg("%s: Begge sider har sagt, at »%s« springes over, så den er nu sprunget over.", "%s: Both sides have said “%s” is to be skipped, so it is now skipped.")
	SkipWordSame    = msg("%s: %s har allerede sagt, at »%s« springes over; intet er ændret.", "%s: %s has already said “%s” is to be skipped; nothing changed.")
	SkipAgainstDone = msg("%[1]s: %[2]s har meldt sin del af »%[3]s« færdig, så den springes ikke over; meld jeres del færdig i stedet.", "%[1]s: %[2]s has marked its part of “%[3]s” done, so it is not skipped; mark your part done instead.")
	DoneAgainstSkip = msg("%[1]s: %[2]s vil springe »%[3]s« over (%[4]s), så den meldes ikke færdig; giv %[5]s ord med: spring %[1]s %[6]s BEGRUNDELSE", "%[1]s: %[2]s wants to skip “%[3]s” (%[4]s), so it is not marked done; give %[5]s word with: skip %[1]s %[6]s REASON")
	SkipProposed    = msg("%s vil springe den over: %s", "%s wants to skip it: %s")
	WaitingForWord  = msg("venter på %s ord", "waiting for %s word")
	ActSkipWord     = msg("ville springe over", "wanted to skip")
)

// The order the source implies.
var (
	GoLiveWaits           = plural("%s: Go-live kan ikke meldes færdig endnu: %s er hverken færdig eller sprunget over.", "%s: Go-live kan ikke meldes færdig endnu: %s er hverken færdige eller sprunget over.", "%s: Go-live cannot be marked done yet: %s is neither done nor skipped.", "%s: Go-live cannot be marked done yet: %s are neither done nor skipped.")
	EvaluationAfterGoLive = msg("%s: Evalueringen kommer efter go-live, som hverken er færdig eller sprunget over endnu.", "%s: The evaluation comes after go-live, which is neither done nor skipped yet.")
	GoLiveBefore          = msg("Bemærk: Go-live for %s er %s, men %s skal være på plads før go-live.", "Note: go-live of %s is %s, but %s must be in place before go-live.")
	GoLiveBeforeItem      = msg("»%s« (frist %s)", "“%s” (due %s)")
	StartsClose           = plural("Bemærk: Bølge %s starter %s, kun %d arbejdsdag fra denne bølges start; bølgerne skal starte forskudt af hinanden.", "Bemærk: Bølge %s starter %s, kun %d arbejdsdage fra denne bølges start; bølgerne skal starte forskudt af hinanden.", "Note: wave %s starts %s, only %d business day from this wave's start; waves are to start staggered.", "Note: wave %s starts %s, only %d business days from this wave's start; waves are to start staggered.")
	StartsSameDay         = msg("Bemærk: Bølge %s starter samme dag, %s; bølgerne skal starte forskudt af hinanden.", "Note: wave %s starts the same day, %s; waves are to start staggered.")
	OverdueFeedback       = msg("tilbagemelding på autorisationerne", "authorization feedback")
	OverdueApply          = msg("KS tildeler autorisationerne", "KS applies the authorizations")
)

// Evaluation and close-out, with the forvaltning; the contacts' group.
var (
	RemindEvalNote       = msg("%[1]s: Evalueringen er holdt. Skriv forvaltningens note fra evalueringen til afslutningsrapporten med: evaluering notat %[1]s TEKST", "%[1]s: The evaluation is held. Write the forvaltning's note from it for the close-out report with: eval note %[1]s TEXT")
	RemindCloseDue       = msg("Bølge %[1]s: Alle evalueringer er holdt eller sprunget over. Luk bølgen med: bølge luk %[1]s", "Wave %[1]s: Every evaluation is held or skipped. Close the wave with: wave close %[1]s")
	ButtonClose          = msg("Luk bølgen", "Close the wave")
	ReadyToClose         = msg("klar til at lukke", "ready to close")
	ReadyToCloseLine     = msg("Alle evalueringer er holdt eller sprunget over; bølgen er klar til at lukke.", "Every evaluation is held or skipped; the wave is ready to close.")
	ReadyToCloseKS       = msg("Alle evalueringer er holdt eller sprunget over; luk bølgen med: bølge luk %s", "Every evaluation is held or skipped; close the wave with: wave close %s")
	TaskClose            = msg("Bølge %[1]s: alle evalueringer er holdt eller sprunget over – luk bølgen (bølge luk %[1]s)", "Wave %[1]s: every evaluation is held or skipped – close the wave (wave close %[1]s)")
	ReportFVNotes        = msg("Forvaltninger med evalueringsnote: %s.", "Forvaltninger with an evaluation note: %s.")
	ReportFVNoNotes      = msg("Forvaltninger uden evalueringsnote: %s.", "Forvaltninger without an evaluation note: %s.")
	RemindContactAdded   = msg("%s: %s har gjort %s til tovholder. Tovholdere nu: %s.", "%s: %s named %s a contact. Contacts now: %s.")
	RemindContactRemoved = msg("%s: %s har fjernet %s som tovholder. Tovholdere nu: %s.", "%s: %s took %s off the contacts. Contacts now: %s.")
)
