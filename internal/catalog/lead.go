package catalog

import (
	"fmt"
	"time"
)

// A KS lead's day across waves: overviews, planning a whole wave at once,
// channels that follow a wave, the timeline, closing a wave and the
// calendar feed.

var monthsShortDA = [...]string{"jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."}

// ShortDate writes a day briefly, for lists and overviews: "1. feb.",
// "1 Feb".
func ShortDate(lang string, year int, month time.Month, day int) string {
	if month < time.January || month > time.December {
		return fmt.Sprintf("%04d-%02d-%02d", year, int(month), day)
	}
	if lang == English {
		return fmt.Sprintf("%d %s", day, month.String()[:3])
	}
	return fmt.Sprintf("%d. %s", day, monthsShortDA[month-1])
}

// MonthShort names a month briefly, for a picture's axis: "feb.", "Feb".
func MonthShort(lang string, month time.Month) string {
	if lang == English {
		return month.String()[:3]
	}
	return monthsShortDA[month-1]
}

// Overviews across waves.
var (
	SumOverview        = msg("alle aktive bølger og deres forvaltninger i én oversigt, de mest presserende først", "every open wave and its forvaltninger in one overview, the most urgent first")
	SumAuthPending     = msg("hvem der ikke har givet tilbagemelding på autorisationerne, og siden hvornår", "who has not sent the authorization feedback, and since when")
	SumOverdue         = msg("alt, der er overskredet, samlet efter hvem der skal gøre noget; med FV kun den forvaltning", "everything overdue, grouped by who owes it; with FV that forvaltning only")
	OverviewTitle      = msg("Oversigt over aktive bølger", "Overview of open waves")
	WaveHeading        = msg("%s – %s – start %s", "%s – %s – starts %s")
	OverviewRow        = msg("%s: %s · autorisationer: %s · næste frist: %s", "%s: %s · authorizations: %s · next deadline: %s")
	AuthShortNone      = msg("ikke bedt om endnu", "not requested yet")
	AuthShortWaiting   = msg("venter, frist %s", "waiting, due %s")
	AuthShortOverdue   = msg("venter, frist %s – OVERSKREDET", "waiting, due %s – OVERDUE")
	AuthShortAnswered  = msg("besvaret, tildeles senest %s", "answered, to be applied by %s")
	AuthShortApplyLate = msg("besvaret, tildeles senest %s – OVERSKREDET", "answered, to be applied by %s – OVERDUE")
	AuthShortApplied   = msg("tildelt", "applied")
	AuthShortSkipped   = msg("sprunget over", "skipped")
	NextShort          = msg("%s %s", "%s %s")
	NextShortAuth      = msg("%s tilbagemelding på autorisationerne", "%s authorization feedback")
	NextShortApply     = msg("%s KS tildeler autorisationerne", "%s KS applies the authorizations")
	PageOf             = msg("(side %d af %d)", "(page %d of %d)")
	ButtonNextPage     = msg("Næste side", "Next page")
	OnlyPages          = plural("Der er kun %d side.", "Der er kun %d sider.", "There is only %d page.", "There are only %d pages.")
	BadPage            = msg("»%s« er ikke et sidetal.", "“%s” is not a page number.")
	AuthPendingTitle   = msg("Afventer tilbagemelding på autorisationerne", "Waiting for authorization feedback")
	AuthPendingRow     = msg("%s: bedt om %s, frist %s – %s – %s", "%s: asked %s, due %s – %s – %s")
	AuthPendingNone    = msg("Ingen venter på tilbagemelding: alle anmodninger er besvaret.", "Nobody is waiting: every request is answered.")
	AuthPendingNobody  = msg("Ingen venter på tilbagemelding.", "Nobody is waiting for feedback.")
	AuthNotAsked       = msg("KS har endnu ikke bedt om tilbagemelding fra: %s.", "KS has not yet asked for feedback from: %s.")
	DueToday           = msg("frist i dag", "due today")
	DueIn              = plural("om %d arbejdsdag", "om %d arbejdsdage", "in %d business day", "in %d business days")
	OverdueBy          = plural("OVERSKREDET med %d arbejdsdag", "OVERSKREDET med %d arbejdsdage", "OVERDUE by %d business day", "OVERDUE by %d business days")
	OverdueTitle       = msg("Overskredet", "Overdue")
	OverdueTitleFV     = msg("Overskredet – %s", "Overdue – %s")
	OwedByLead         = msg("%s (KS-projektleder)", "%s (KS lead)")
	OwedByContacts     = plural("%s (tovholder)", "%s (tovholdere)", "%s (contact)", "%s (contacts)")
	OwedNoContact      = msg("%s har ingen tovholder", "%s has no contact")
	OwedNoLead         = msg("Bølge %s har ingen KS-projektleder", "Wave %s has no KS lead")
	OverdueItem        = msg("%s: »%s« – frist %s, %s", "%s: “%s” – due %s, %s")
	OverdueAuthItem    = msg("%s: tilbagemelding på autorisationerne – frist %s, %s", "%s: authorization feedback – due %s, %s")
	OverdueApplyItem   = msg("%s: tildel autorisationerne – frist %s, %s", "%s: apply the authorizations – due %s, %s")
	OverdueStepItem    = msg("%s: KØR workflow-trinnet »%s« – frist %s, %s", "%s: KØR workflow step “%s” – due %s, %s")
	OverdueTrainItem   = msg("%s: beslut, om brugerne skal uddannes – frist %s, %s", "%s: decide whether the users need training – due %s, %s")
	DaysOver           = plural("%d arbejdsdag over", "%d arbejdsdage over", "%d business day over", "%d business days over")
	NothingOverdue     = msg("Intet er overskredet.", "Nothing is overdue.")
	ArgPage            = placeholder("SIDE", "PAGE")
)

// Planning a whole wave at once.
var (
	ArgWaveRef        = placeholder("ID[/FV]", "ID[/FV]")
	BulkRefused       = msg("Intet er ændret for nogen af bølgens forvaltninger. %s", "Nothing was changed for any forvaltning of the wave. %s")
	NoEnrolmentsYet   = msg("Ingen forvaltninger er tilmeldt bølge %s endnu; intet er ændret.", "No forvaltning is enrolled in wave %s yet; nothing changed.")
	DueSetAll         = msg("Bølge %s: »%s« har nu frist %s for %s.", "Wave %s: “%s” is now due %s for %s.")
	DueUnchangedAll   = msg("Bølge %s: »%s« har allerede frist %s for alle tilmeldte; intet er ændret.", "Wave %s: “%s” is already due %s for every enrolment; nothing changed.")
	DueClosedLeft     = msg("Ikke ændret, fordi aktiviteten er færdig eller sprunget over: %s.", "Not changed, as the activity is done or skipped: %s.")
	DueUnchangedOpen  = msg("Bølge %s: »%s« har allerede frist %s, hvor den er åben, og er færdig eller sprunget over for %s; intet er ændret.", "Wave %s: “%s” is already due %s where it is open, and done or skipped for %s; nothing changed.")
	DueAllClosed      = msg("Bølge %s: »%s« er færdig eller sprunget over for alle tilmeldte, så ingen frist er ændret.", "Wave %s: “%s” is done or skipped for every enrolment, so no due date changed.")
	AuthRequestedAll  = msg("Bølge %s: KS har bedt %s om tilbagemelding på autorisationerne senest %s.", "Wave %s: KS has asked %s for the authorization feedback by %s.")
	AuthRequestSkip   = msg("Ikke spurgt, fordi autorisationerne allerede er tildelt eller sprunget over: %s.", "Not asked, as the authorizations are applied or skipped already: %s.")
	AuthRequestNoOne  = msg("Bølge %s: KS har allerede bedt alle om tilbagemelding senest %s, eller autorisationerne er klaret; intet er ændret.", "Wave %s: every forvaltning is already asked for its feedback by %s, or its authorizations are done; nothing changed.")
	NoContactsWarning = msg("Bemærk: %s har ingen tovholder, så ingen får påmindelser om fristen.", "Note: %s has no contact, so nobody is reminded of the deadline.")
	DoneAllConfirmed  = msg("Bølge %s: KS' del af »%s« er bekræftet for %s.", "Wave %s: KS's part of “%s” is confirmed for %s.")
	DoneAllNowDone    = msg("Nu færdig: %s.", "Now done: %s.")
	DoneAllWaiting    = msg("Venter nu på forvaltningen: %s.", "Now waiting for the forvaltning: %s.")
	DoneAllUnchanged  = msg("Bølge %s: KS' del af »%s« er allerede bekræftet for alle tilmeldte; intet er ændret.", "Wave %s: KS's part of “%s” is already confirmed for every enrolment; nothing changed.")
	SumWaveMove       = msg("flyt bølgens start; de frister, der ikke er sat i hånden, flytter med", "move the wave's start; the dates not set by hand move with it")
	WaveMoved         = msg("Bølge %s starter nu %s i stedet for %s.", "Wave %s now starts %s instead of %s.")
	WaveMovedLine     = msg("»%s«: %s → %s (%s)", "“%s”: %s → %s (%s)")
	WaveMovedNone     = msg("Ingen frister flyttede: de åbne er sat i hånden.", "No date moved: the open ones are set by hand.")
	WaveMovedNoneOpen = msg("Ingen frister flyttede: bølgen har ingen åbne frister.", "No date moved: the wave has no open dates.")
	WaveMovedKept     = msg("Beholdt, fordi fristen er sat i hånden: %s.", "Kept, as the date was set by hand: %s.")
	WaveMovedKeptItem = msg("»%s« for %s (%s)", "“%s” for %s (%s)")
	WaveMoveUnchanged = msg("Bølge %s starter allerede %s; intet er ændret.", "Wave %s already starts %s; nothing changed.")
	ActWaveMove       = msg("flyttede bølgens start", "moved the wave's start")
)

// Closing a wave and its report.
var (
	SumWaveClose       = msg("luk bølgen efter evalueringerne: påmindelserne stopper, og bølgen kan stadig læses", "close the wave after its evaluations: the reminders stop, and the wave can still be read")
	SumWaveReport      = msg("bølgens afslutningsrapport: frister og udført, arbejdsdage for sent, autorisationsrunder, uddannelse, informationsmøder og evalueringsnoter", "the wave's close-out report: dates planned and done, business days late, authorization rounds, training, information meetings and evaluation notes")
	SumEvalNote        = msg("sæt dato for evalueringen, eller noter hvad den viste, til afslutningsrapporten", "set the evaluation date, or note what it showed, for the close-out report")
	ArgEval            = placeholder("ID/FV ÅÅÅÅ-MM-DD | notat ID/FV TEKST …", "ID/FV YYYY-MM-DD | note ID/FV TEXT …")
	ArgText            = placeholder("TEKST …", "TEXT …")
	ArgAll             = placeholder("--alle", "--all")
	BadAllFlag         = msg("»%s« kendes ikke: skriv bølge liste --alle for også at se de lukkede bølger.", "“%s” is not known: write wave list --all to see the closed waves too.")
	WaveIsClosed       = msg("Bølge %[1]s blev lukket %[2]s og ændres ikke længere. Den kan stadig læses med status %[1]s og bølge rapport %[1]s.", "Wave %[1]s was closed on %[2]s and is not changed any more. It can still be read with status %[1]s and wave report %[1]s.")
	WaveClosedMsg      = msg("Bølge %[1]s er lukket. Ingen får flere påmindelser om den; den kan stadig læses med status %[1]s og bølge rapport %[1]s.", "Wave %[1]s is closed. Nobody is reminded of it any more; it can still be read with status %[1]s and wave report %[1]s.")
	WaveAlreadyClosed  = msg("Bølge %s er allerede lukket; intet er ændret.", "Wave %s is closed already; nothing changed.")
	EvaluationsOpen    = msg("Bølge %s lukkes først efter evalueringerne, og de mangler for %s. Marker dem som færdige eller sprunget over.", "Wave %s is closed after its evaluations, which are still open for %s. Mark them done or skipped.")
	ActWaveClose       = msg("lukkede bølgen", "closed the wave")
	LabelClosed        = msg("Lukket", "Closed")
	ClosedOnBy         = msg("%s af %s", "%s by %s")
	WaveLineClosed     = msg("%s – lukket %s", "%s – closed %s")
	ClosedWavesHidden  = plural("%d lukket bølge vises med: bølge liste --alle", "%d lukkede bølger vises med: bølge liste --alle", "%d closed wave is shown by: wave list --all", "%d closed waves are shown by: wave list --all")
	EvalNoteSaved      = msg("%s: Noten fra evalueringen er gemt til afslutningsrapporten.", "%s: The note from the evaluation is saved for the close-out report.")
	EvalNoteUnchanged  = msg("%s: Den note er allerede gemt; intet er ændret.", "%s: That note is saved already; nothing changed.")
	ActEvalNote        = msg("noterede fra evalueringen", "noted from the evaluation")
	ReportTitle        = msg("Afslutningsrapport – %s – %s", "Close-out report – %s – %s")
	ReportClosed       = msg("Bølgen blev lukket %s af %s.", "The wave was closed on %s by %s.")
	ReportNotClosed    = msg("Bølgen er ikke lukket endnu; rapporten viser, hvor den står i dag.", "The wave is not closed yet; the report shows where it stands today.")
	ReportActivity     = msg("%s: planlagt %s, %s", "%s: planned %s, %s")
	ReportOnTime       = msg("færdig %s – til tiden", "done %s – on time")
	ReportLate         = plural("færdig %s – %d arbejdsdag for sent", "færdig %s – %d arbejdsdage for sent", "done %s – %d business day late", "done %s – %d business days late")
	ReportSkipped      = msg("sprunget over", "skipped")
	ReportNotDone      = msg("ikke færdig", "not done")
	LabelTraining      = msg("Uddannelse", "Training")
	ReportTrainingNo   = msg("ingen uddannelse", "no training")
	ReportTrainingYes  = msg("forvaltningen uddanner selv senest %s", "the forvaltning trains its users by %s")
	ReportUndecided    = msg("ikke besluttet", "not decided")
	LabelAuthRounds    = msg("Autorisationsrunder", "Authorization rounds")
	ReportNoRounds     = msg("KS bad ikke om tilbagemelding", "KS did not ask for feedback")
	ReportRound        = msg("%d. runde: bedt om %s, frist %s; %s; %s", "round %d: asked %s, due %s; %s; %s")
	ReportRoundOK      = msg("bekræftet %s", "confirmed %s")
	ReportRoundFix     = msg("rettelser %s: %s", "corrections %s: %s")
	ReportRoundNoReply = msg("ikke besvaret", "not answered")
	ReportApplied      = msg("tildelt %s", "applied %s")
	ReportNotApplied   = msg("ikke tildelt", "not applied")
	LabelEvalNotes     = msg("Evalueringsnoter", "Evaluation notes")
	ReportNoNotes      = msg("ingen noter", "no notes")
	ReportNote         = msg("%s (%s, %s)", "%s (%s, %s)")
	ReportColWave      = msg("bølge", "wave")
	ReportColFV        = msg("forvaltning", "forvaltning")
	ReportColKind      = msg("emne", "subject")
	ReportColTitle     = msg("titel", "title")
	ReportColParty     = msg("ansvarlig", "responsible")
	ReportColPlanned   = msg("planlagt", "planned")
	ReportColDone      = msg("udført", "done")
	ReportColLate      = msg("arbejdsdage for sent", "business days late")
	ReportColNote      = msg("note", "note")
	ReportKindActivity = msg("aktivitet", "activity")
	ReportKindRound    = msg("autorisationsrunde", "authorization round")
	ReportKindTraining = msg("uddannelse", "training")
	ReportKindNote     = msg("evalueringsnote", "evaluation note")
)

// Channels that follow a wave.
var (
	SumSubscribe         = msg("skriv i en kanal: kanalen får bølgens milepæle, samlet højst én gang pr. arbejdsdag", "type in a channel: the channel gets the wave's milestones, together at most once a business day")
	SumUnsubscribe       = msg("skriv i kanalen: kanalen får ikke flere milepæle fra bølgen", "type in the channel: the channel gets no more milestones of the wave")
	SubscribeNoChannel   = msg("Skriv kommandoen i den kanal, der skal have beskederne; i en direkte besked kan den ikke bruges.", "Type the command in the channel that is to get the messages; it does not work in a direct message.")
	SubscribeWhoWave     = msg("KS eller en tovholder i bølgen", "KS or a contact in the wave")
	ThisChannel          = msg("Kanalen", "The channel")
	WaveWord             = msg("bølge %s", "wave %s")
	Subscribed           = msg("%s følger nu %s. Milepælene kommer samlet kl. %s hver arbejdsdag, når der er nyt.", "%s now follows %s. The milestones come together at %s on business days when there is news.")
	SubscribeUnchanged   = msg("%s følger allerede %s; intet er ændret.", "%s follows %s already; nothing changed.")
	Unsubscribed         = msg("%s følger ikke længere %s.", "%s no longer follows %s.")
	UnsubscribeUnchanged = msg("%s følger ikke %s; intet er ændret.", "%s does not follow %s; nothing changed.")
	ActSubscribe         = msg("lod en kanal følge", "had a channel follow")
	ActUnsubscribe       = msg("stoppede en kanal i at følge", "stopped a channel following")
	MilestonesTitle      = msg("Nyt fra bølgerne", "News from the waves")
	MilestoneEnrolled    = msg("%s er tilmeldt bølgen.", "%s is enrolled in the wave.")
	MilestoneDone        = msg("%s: »%s« er færdig.", "%s: “%s” is done.")
	MilestoneGoLive      = msg("%s: Go-live er gennemført; løsningerne er taget i brug.", "%s: Go-live is done; the solutions are in use.")
	MilestoneAuthAsked   = msg("%s: KS har bedt forvaltningen om tilbagemelding på autorisationerne senest %s.", "%s: KS has asked the forvaltning for its authorization feedback by %s.")
	MilestoneAuthAnswer  = msg("%s: Forvaltningen har givet tilbagemelding på autorisationerne.", "%s: The forvaltning has sent its authorization feedback.")
	MilestoneAuthApplied = msg("%s: KS har tildelt autorisationerne.", "%s: KS has applied the authorizations.")
	MilestoneEvalSet     = msg("%s: Evalueringen er planlagt til %s.", "%s: The evaluation is planned for %s.")
	MilestoneClosed      = msg("Bølge %s er afsluttet og lukket.", "Wave %s is finished and closed.")
	RemindChannelDropped = msg("%s: Kanalen %s kan ikke længere nås – wavebot er måske fjernet fra den – og følger ikke bølgen mere. Skriv abonner i kanalen igen, når wavebot er tilbage.", "%s: The channel %s cannot be reached any more – wavebot may have been removed from it – and no longer follows the wave. Type subscribe in the channel again once wavebot is back.")
)

// The timeline picture.
var (
	SumTimeline      = msg("bølgens tidslinje som billede: én række pr. forvaltning og aktivitet", "the wave's timeline as a picture: one row per forvaltning and activity")
	TimelineTitle    = msg("Tidslinje – %s – %s", "Timeline – %s – %s")
	TimelineAlt      = plural("Tidslinje for bølge %s: %d forvaltning, fra %s til %s", "Tidslinje for bølge %s: %d forvaltninger, fra %s til %s", "Timeline of wave %s: %d forvaltning, from %s to %s", "Timeline of wave %s: %d forvaltninger, from %s to %s")
	TimelineLegend   = msg("Farven viser, hvem der er ansvarlig: blå er KS, orange er forvaltningen, grøn er begge. Den røde streg er i dag; en fyldt bjælke er færdig, en rød kant overskredet.", "The colour shows who is responsible: blue is KS, orange the forvaltning, green both. The red line is today; a filled bar is done, a red border overdue.")
	TimelineFile     = msg("tidslinje-%s.png", "timeline-%s.png")
	LegendKS         = msg("KS", "KS")
	LegendFV         = msg("Forvaltningen", "The forvaltning")
	LegendBoth       = msg("Begge", "Both")
	LegendDone       = msg("Færdig", "Done")
	LegendOverdue    = msg("Overskredet", "Overdue")
	LegendToday      = msg("I dag", "Today")
	ConsoleImage     = msg("Billedet er gemt i %s.", "The picture is saved in %s.")
	ConsoleImageFail = msg("Billedet kunne ikke gemmes: %s", "The picture could not be saved: %s")
	SlackImageDM     = msg("Billedet kunne ikke lægges her, så det er sendt til dig som direkte besked.", "The picture could not be posted here, so it was sent to you as a direct message.")
)

// The calendar feed.
var (
	SumCalendar      = msg("din private kalender med frister og evalueringer på tværs af bølgerne; nulstil giver en ny adresse og lukker den gamle", "your private calendar of deadlines and evaluations across the waves; reset gives a new address and closes the old one")
	ArgCalendar      = placeholder("nulstil", "reset")
	BadCalendarArg   = msg("»%s« kendes ikke: skriv kalender eller kalender nulstil.", "“%s” is not known: write calendar or calendar reset.")
	CalendarLink     = msg("Din kalender: %s", "Your calendar: %s")
	CalendarHow      = msg("Abonnér på adressen i din kalender (i Outlook: Tilføj kalender, Fra internettet). Den viser dine frister og evalueringsdatoer og følger med, når de ændres. Adressen er personlig, så del den ikke; kalender nulstil giver en ny og lukker den gamle.", "Subscribe to the address in your calendar (in Outlook: Add calendar, From internet). It shows your deadlines and evaluation dates and follows when they change. The address is personal, so do not share it; calendar reset gives a new one and closes the old.")
	CalendarReset    = msg("Din kalender har fået en ny adresse, og den gamle virker ikke længere.", "Your calendar has a new address, and the old one no longer works.")
	ButtonCalendar   = msg("Åbn kalenderen", "Open the calendar")
	CalendarName     = msg("wavebot – %s", "wavebot – %s")
	CalActivity      = msg("%s: %s", "%s: %s")
	CalAuthFeedback  = msg("%s: tilbagemelding på autorisationerne", "%s: authorization feedback")
	CalApply         = msg("%s: KS tildeler autorisationerne", "%s: KS applies the authorizations")
	CalTraining      = msg("%s: beslut om uddannelse af brugerne", "%s: decide on training the users")
	CalStep          = msg("%s: KØR workflow – %s", "%s: KØR workflow – %s")
	CalDescription   = msg("Bølge %s (%s). Se status med: status %s", "Wave %s (%s). See the status with: status %s")
	ActCalendar      = msg("fik en ny kalenderadresse", "got a new calendar address")
	CalendarNotFound = msg("Kalenderen findes ikke: adressen er forkert eller nulstillet. Skriv kalender til wavebot for at få den nye.", "There is no such calendar: the address is wrong or was reset. Write calendar to wavebot for the new one.")
)
