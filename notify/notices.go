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
// named by its instant, so two of one kind on one day are both sent. A
// milestone goes to each channel that followed it when it happened and
// follows it still, at the address its subscription holds; it is named by
// when it happened, as a digest gathers many.
func notices(w wave.Wave) []series {
	var out []series
	for _, n := range w.Notices {
		s := series{kind: Kind(n.Kind), fv: n.FV, activity: n.Item, due: n.Date, at: n.At, occurrence: n.At.UTC().Format(time.RFC3339Nano), recipients: n.To}
		if !wave.IsMilestone(n.Kind) {
			out = append(out, s)
			continue
		}
		s.occurrence, s.happened = n.Happened.UTC().Format(time.RFC3339Nano), n.Happened
		for _, channel := range n.To {
			sub, ok := w.Subscription(channel)
			if !ok || (!w.Follows(channel, n.FV) && n.Kind != wave.MilestoneClosed) {
				continue
			}
			c := s
			c.recipients, c.address = []string{channel}, sub.Address
			out = append(out, c)
		}
	}
	return out
}

// DigestAt is when a channel hears of a milestone that happened at t: at
// the first sending time after t, so a channel gets at most one digest a
// business day.
func (p Policy) DigestAt(t time.Time) time.Time {
	c := p.Calendar
	d := c.NextBusinessDay(c.Today(t))
	if !p.at(d).After(t) {
		d = c.AddBusinessDays(d, 1)
	}
	return p.at(d)
}
