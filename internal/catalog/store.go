package catalog

// The store's own state, when it refuses a change.
var (
	StorageFull = msg("Databasen er fuld; intet blev ændret. Giv besked til dem, der driver wavebot.",
		"The store is full; nothing was changed. Tell the people who run wavebot.")
)
