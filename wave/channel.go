package wave

import (
	"slices"
	"strings"
	"time"
)

// Subscription is a chat channel following a wave, or one enrolment of it:
// the milestones are posted there, so the forvaltning's wider organisation
// hears what happens. Channel is the channel as a recipient of the
// reminder engine ("slack:#C0123", "teams:#19:…@thread.tacv2"); Address is
// how the platform's adapter posts there (a Slack channel id, a Teams
// conversation reference), stored as the adapter gave it.
type Subscription struct {
	Channel string `json:"channel"`
	// Name is how people know the channel ("#bølge-3"); empty when the
	// platform did not say.
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
	// FV is the forvaltning followed; empty for the whole wave.
	FV string    `json:"fv,omitempty"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// IsChannel reports whether a recipient id names a channel ("slack:#C0123",
// "console:#konsol") rather than a person: no person id has a '#'.
func IsChannel(id string) bool {
	_, rest, _ := strings.Cut(id, ":")
	return strings.HasPrefix(rest, "#") || strings.HasPrefix(id, "#")
}

// Subscribe records s, or refreshes the channel's name and address when it
// follows the same already; it reports whether the channel follows
// something new. A channel subscribing again after it was dropped is
// heard of again if it drops again.
func (w *Wave) Subscribe(s Subscription) bool {
	for i, o := range w.Subscriptions {
		if o.Channel == s.Channel {
			w.Subscriptions[i].Name, w.Subscriptions[i].Address = s.Name, s.Address
		}
	}
	if slices.ContainsFunc(w.Subscriptions, func(o Subscription) bool { return o.Channel == s.Channel && o.FV == s.FV }) {
		return false
	}
	w.DeliveryFailures = slices.DeleteFunc(w.DeliveryFailures, func(f DeliveryFailure) bool { return f.Person == s.Channel })
	w.Subscriptions = append(w.Subscriptions, s)
	return true
}

// Unsubscribe stops channel following fv (the whole wave when fv is
// empty); false when it did not.
func (w *Wave) Unsubscribe(channel, fv string) bool {
	n := len(w.Subscriptions)
	w.Subscriptions = slices.DeleteFunc(w.Subscriptions, func(s Subscription) bool { return s.Channel == channel && s.FV == fv })
	return len(w.Subscriptions) < n
}

// Follows reports whether channel hears the milestones of enrolment fv: it
// follows fv or the whole wave. With fv empty, whether it follows the
// whole wave.
func (w *Wave) Follows(channel, fv string) bool {
	return slices.ContainsFunc(w.Subscriptions, func(s Subscription) bool {
		return s.Channel == channel && (s.FV == "" || s.FV == fv)
	})
}

// Subscription returns channel's subscription; false when it follows
// nothing of the wave.
func (w *Wave) Subscription(channel string) (Subscription, bool) {
	i := slices.IndexFunc(w.Subscriptions, func(s Subscription) bool { return s.Channel == channel })
	if i < 0 {
		return Subscription{}, false
	}
	return w.Subscriptions[i], true
}

// Followers lists the channels that hear the milestones of enrolment fv,
// once each; with fv empty, those of the wave as a whole (every channel
// following any of it).
func (w *Wave) Followers(fv string) []string {
	var out []string
	for _, s := range w.Subscriptions {
		if (fv == "" || s.FV == "" || s.FV == fv) && !slices.Contains(out, s.Channel) {
			out = append(out, s.Channel)
		}
	}
	return out
}

// Milestones: what a subscribed channel hears of. Each is recorded as a
// Notice when it happens, for the channels that follow it then, and falls
// due at the next morning's digest.
const (
	MilestoneEnrolled      = "milestone-enrolled"
	MilestoneDone          = "milestone-done"
	MilestoneGoLive        = "milestone-golive"
	MilestoneAuthRequested = "milestone-auth-requested"
	MilestoneAuthAnswered  = "milestone-auth-answered"
	MilestoneAuthApplied   = "milestone-auth-applied"
	MilestoneEvalSet       = "milestone-eval-set"
	MilestoneClosed        = "milestone-closed"
)

// IsMilestone reports whether a notice kind is a milestone for channels.
func IsMilestone(kind string) bool { return strings.HasPrefix(kind, "milestone-") }

// AddMilestone records milestone m, which happened at m.Happened, for the
// channels that follow its enrolment (or, for a wave-wide milestone, any
// part of the wave), due at the digest at. Without followers it records
// nothing.
func (w *Wave) AddMilestone(m Notice, at time.Time) {
	m.To = w.Followers(m.FV)
	m.At = at
	w.AddNotice(m)
}
