package catalog

// Characters that cannot be shown safely, in what people write and in
// the files they upload.
var (
	UnsafeText = msg("Teksten indeholder et usynligt styretegn (%s), som kan forvrænge det, andre ser. Skriv den igen uden; intet blev ændret.",
		"The text holds an invisible control character (%s) that can garble what others see. Type it again without it; nothing was changed.")
	NameOneLine = msg("Et navn skal stå på én linje; intet blev ændret.", "A name must be on one line; nothing was changed.")
	UnsafeCell  = msg("Række %d, kolonne %d indeholder et usynligt styretegn (%s), som kan forvrænge det, andre ser. Ret filen, og send den igen; intet blev ændret.",
		"Row %d, column %d holds an invisible control character (%s) that can garble what others see. Correct the file and send it again; nothing was changed.")
)
