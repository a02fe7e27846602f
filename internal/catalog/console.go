package catalog

// The console's own texts beyond its commands: the greeting, the kept
// simulated clock and names of one word.
var (
	ConsoleGreeting = msg("Du er %s (%s). Det simulerede ur står på %s. Skriv hjælp for at se kommandoerne.",
		"You are %s (%s). The simulated clock says %s. Type help to see the commands.")
	ConsoleNameOneWord  = msg("Et navn er ét ord: skriv %s.", "A name is one word: type %s.")
	ConsoleNowBackwards = msg("Konsollens ur står allerede på %s (gemt i %s) og går aldrig baglæns. Udelad --now for at fortsætte derfra, eller begynd forfra i en ny mappe med --data.",
		"The console's clock is already at %s (kept in %s) and never goes backwards. Leave out --now to go on from there, or start afresh in a new directory with --data.")
)
