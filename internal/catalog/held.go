package catalog

// Notices that wait for a person no chat platform reaches yet.
var (
	WaitingTitle = msg("Beskeder, der venter på dig", "Messages waiting for you")
	WaitingIntro = msg("wavebot har endnu ikke kunnet nå dig i Slack eller Teams. Beskederne sendes, så snart du skriver til wavebot dér, eller en administrator knytter dig til en identitet, wavebot kan nå.",
		"wavebot has not yet been able to reach you in Slack or Teams. The messages go out as soon as you write to wavebot there, or an admin links you to an identity wavebot can reach.")
	WaitingNotice = msg("%s (venter siden %s, højst til %s)", "%s (waiting since %s, until %s at the latest)")
)
