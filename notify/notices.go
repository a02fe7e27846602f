package notify

import (
	"time"

	"wavebot/wave"
)

// One-off notices recorded on a wave (wave.Notice), sent once at their
// instant like DeliveryFailed.
const (
	// TemplateDelivered tells the KS lead that the forvaltning delivered
	// its authorization template to Brugeradministrationen.
	TemplateDelivered Kind = wave.NoticeTemplateDelivered
)

// notices are the series of the wave's recorded notices; a notice is
// named by its instant, so two of one kind on one day are both sent.
func notices(w wave.Wave) []series {
	var out []series
	for _, n := range w.Notices {
		out = append(out, series{kind: Kind(n.Kind), fv: n.FV, at: n.At, occurrence: n.At.UTC().Format(time.RFC3339Nano), recipients: n.To})
	}
	return out
}
