package notify

import (
	"time"

	"wavebot/wave"
)

// One-off notices recorded on a wave (wave.Notice), sent once at their
// instant like DeliveryFailed.
const (
	// ListSubmitted tells the KS lead that the forvaltning submitted its
	// authorization list.
	ListSubmitted Kind = wave.NoticeListSubmitted
	// TemplateDelivered tells the KS lead that the forvaltning delivered
	// its authorization template to Brugeradministrationen.
	TemplateDelivered Kind = wave.NoticeTemplateDelivered
)

// oneOff reports whether reminders of the kind are notices that stand on
// their own: each is sent once, whatever else is due about its subject,
// and a snooze does not hold it back.
func (k Kind) oneOff() bool {
	return k == DeliveryFailed || k == ListSubmitted || k == TemplateDelivered
}

// notices are the series of the wave's recorded notices; a notice is
// named by its instant, so two of one kind on one day are both sent.
func notices(w wave.Wave) []series {
	var out []series
	for _, n := range w.Notices {
		out = append(out, series{kind: Kind(n.Kind), fv: n.FV, at: n.At, about: n.At.UTC().Format(time.RFC3339Nano), recipients: n.To})
	}
	return out
}
