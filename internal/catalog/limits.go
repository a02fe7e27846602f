package catalog

// Answers that fit their platform: what a digest too long for one
// message says of what it leaves out, and what an adapter says when it had to cut
// an answer or leave a picture out.
var (
	DigestShown = plural("Her er den mest presserende af %[2]d påmindelser. Se alt, hvad du skal gøre, med: mine",
		"Her er de %[1]d mest presserende af %[2]d påmindelser. Se alt, hvad du skal gøre, med: mine",
		"Here is the most urgent of %[2]d reminders. See everything you owe with: my",
		"Here are the %[1]d most urgent of %[2]d reminders. See everything you owe with: my")
	ButtonMy = msg("Mine opgaver", "My tasks")
	ReplyCut = msg("Svaret er afkortet her, fordi det er for langt til én besked.",
		"The answer is cut short here, as it is too long for one message.")
	PictureTooLarge = msg("Billedet er for stort til at blive sendt med i Teams. Det vises her, når wavebots websider er sat op (WAVEBOT_PUBLIC_URL).",
		"The picture is too large to be sent in Teams. It shows here once wavebot's web pages are set up (WAVEBOT_PUBLIC_URL).")
)
