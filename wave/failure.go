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
	// Name is the channel's name when Person is a subscribed channel.
	Name string `json:"name,omitempty"`
}

// RecordDeliveryFailure adds f unless a failure to reach the same person
// is recorded already; it reports whether it added it. A channel that
// cannot be reached is dropped at once: its subscriptions end, and the
// failure is recorded unless the channel no longer followed the wave.
func (w *Wave) RecordDeliveryFailure(f DeliveryFailure) bool {
	if IsChannel(f.Person) {
		s, ok := w.Subscription(f.Person)
		if !ok {
			return false
		}
		f.Name = s.Name
		w.Subscriptions = slices.DeleteFunc(w.Subscriptions, func(s Subscription) bool { return s.Channel == f.Person })
		w.DeliveryFailures = slices.DeleteFunc(w.DeliveryFailures, func(o DeliveryFailure) bool { return o.Person == f.Person })
		w.DeliveryFailures = append(w.DeliveryFailures, f)
		return true
	}
	if slices.ContainsFunc(w.DeliveryFailures, func(o DeliveryFailure) bool { return o.Person == f.Person }) {
		return false
	}
	w.DeliveryFailures = append(w.DeliveryFailures, f)
	return true
}
