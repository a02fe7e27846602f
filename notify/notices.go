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
	// ContactAdded and ContactRemoved tell the KS lead, in the next
	// digest, that someone else changed an enrolment's contacts: About
	// was named or taken off, By did it.
	ContactAdded   Kind = wave.NoticeContactAdded
	ContactRemoved Kind = wave.NoticeContactRemoved
	// EvalNote asks an enrolment's contacts, once, for the forvaltning's
	// note from the evaluation just done.
	EvalNote Kind = wave.NoticeEvalNote
	// DateSet tells one side, in its next digest, of the date the other
	// set for the forvaltning's own activity: By set Activity to Due.
	DateSet Kind = wave.NoticeDateSet
)

// notices are the series of the wave's recorded notices; a notice is
// named by its instant, so two of one kind on one day are both sent, and
// a change of contacts by the person it named too, as one command names
// several at once. A
// milestone goes to each channel that followed it when it happened and
// follows it still, at the address its subscription holds; it is named by
// when it happened, as a digest gathers many.
func notices(w wave.Wave) []series {
	var out []series
	for _, n := range w.Notices {
		if n.Kind == wave.NoticeEvalNote {
			// The forvaltning that gave its note is not asked for it.
			if e, err := w.Enrolment(n.FV); err != nil || e.FVNoted() {
				continue
			}
		}
		s := series{kind: Kind(n.Kind), fv: n.FV, activity: n.Item, due: n.Date, at: n.At, occurrence: n.At.UTC().Format(time.RFC3339Nano), recipients: n.To}
		switch k := Kind(n.Kind); k {
		case ContactAdded, ContactRemoved:
			s.activity, s.about, s.by = "", n.Item, n.By
			s.occurrence = n.Item + "@" + n.Happened.UTC().Format(time.RFC3339Nano)
		case DateSet:
			s.by, s.occurrence = n.By, n.Happened.UTC().Format(time.RFC3339Nano)
		}
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
