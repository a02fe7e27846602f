package catalog

// The log: each entry one sentence, with the values it changed in words.
var (
	LogFromTo        = msg("fra %s til %s", "from %s to %s")
	LogRowsAnswered  = plural("svarede på %d række i autorisationslisten", "svarede på %d rækker i autorisationslisten", "answered %d row of the authorization list", "answered %d rows of the authorization list")
	LogRowsApplied   = plural("markerede %d rettelse som udført i KØR", "markerede %d rettelser som udført i KØR", "marked %d correction applied in KØR", "marked %d corrections applied in KØR")
	LogRowsOK        = plural("%d i orden", "%d i orden", "%d ok", "%d ok")
	LogRowsFix       = plural("%d skal rettes", "%d skal rettes", "%d to correct", "%d to correct")
	LogRowsOpen      = plural("%d mangler svar", "%d mangler svar", "%d awaiting an answer", "%d awaiting an answer")
	LogRowsUnapplied = plural("markerede %d rettelse som ikke udført i KØR", "markerede %d rettelser som ikke udført i KØR", "marked %d correction not applied in KØR", "marked %d corrections not applied in KØR")
	LogAlsoUnapplied = plural("og %d som ikke udført", "og %d som ikke udført", "and %d not applied", "and %d not applied")
	LogRowApplied    = msg("%s er udført i KØR", "%s is applied in KØR")
	LogRowUnapplied  = msg("%s er ikke udført i KØR", "%s is not applied in KØR")
	LogListCounts    = plural("%d af %d bruger skal rettes", "%d af %d brugere skal rettes", "%d of %d user to correct", "%d of %d users to correct")
	LogListAnswered  = msg("indsendte autorisationslisten som forvaltningens tilbagemelding", "submitted the authorization list as the forvaltning's feedback")
	LogStepDone      = msg("færdigt", "done")
	LogStepNotDone   = msg("ikke færdigt", "not done")
	LogDue           = msg("med frist %s", "due %s")
	LogTo            = msg("til %s", "to %s")
)
