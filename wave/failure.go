package wave

import (
	"slices"
	"time"
)

// DeliveryFailure records that wavebot could not bring a person a reminder
// about an enrolment of the wave: the platform never took it, or there is
// no way to reach the person. The wave's KS lead is told once per person.
type DeliveryFailure struct {
	FV     string    `json:"fv"`
	Person string    `json:"person"`
	At     time.Time `json:"at"`
	// Reason is "gave-up" (it kept failing) or "undeliverable" (no
	// platform of the deployment reaches the person).
	Reason string `json:"reason"`
}

// RecordDeliveryFailure adds f unless a failure to reach the same person
// is recorded already; it reports whether it added it.
func (w *Wave) RecordDeliveryFailure(f DeliveryFailure) bool {
	if slices.ContainsFunc(w.DeliveryFailures, func(o DeliveryFailure) bool { return o.Person == f.Person }) {
		return false
	}
	w.DeliveryFailures = append(w.DeliveryFailures, f)
	return true
}
