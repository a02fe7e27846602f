package notify

import (
	"slices"
	"strings"
	"time"

	"wavebot/storage"
	"wavebot/wave"
)

// A forvaltning's KØR workflow track is a subject of reminders of its own,
// whether the forvaltning is in no wave, one or several: its dated steps
// remind the side that has still to do its part, and the teaching
// sessions KS holds under an agreement remind KS. The forvaltning's side
// is the track's contacts (the central working group); while project
// management is agreed, KS hears of the forvaltning's steps too, as it
// may do them. KS's side is named by TrackKS.

var _ storage.Due = Policy{}

// WaveDue is when wave w's next reminder after its watermark falls due:
// the wave's entry in the due index.
func (p Policy) WaveDue(w wave.Wave) (time.Time, bool) { return p.Next(w, w.Reminded) }

// TrackDue is when track t's next reminder after its watermark falls due:
// the track's entry in the due index. Who at KS hears KS's part is
// decided when the reminder goes out; the index only needs to know that
// someone does.
func (p Policy) TrackDue(t wave.Workflow) (time.Time, bool) {
	return p.NextTrack(t, []string{"KS"}, t.Reminded)
}

// TrackKS is who at KS hears the KS side of forvaltning fv's track: the
// KS leads of the open waves the forvaltning is in; when it is in none,
// the KS person who last acted on the track (wave.Workflow.KS); nobody
// when KS has never touched the track, which then has no KS part under
// way. Each stays answerable: a lead for their waves' forvaltninger, the
// KS person for what they took on.
func TrackKS(waves []wave.Wave, t wave.Workflow) []string {
	var leads []string
	for _, w := range waves {
		if _, err := w.Enrolment(t.FV); err != nil || w.IsClosed() || w.Lead == "" || slices.Contains(leads, w.Lead) {
			continue
		}
		leads = append(leads, w.Lead)
	}
	if len(leads) == 0 && t.KS != "" {
		leads = []string{t.KS}
	}
	slices.Sort(leads)
	return leads
}

// trackSeries lists every reminder track t's state calls for, KS's part
// to ks.
func (p Policy) trackSeries(t wave.Workflow, ks []string) []series {
	c := p.Calendar
	var out []series
	add := func(s series) {
		s.recipients = slices.DeleteFunc(slices.Clone(s.recipients), func(r string) bool { return r == "" })
		if len(s.recipients) > 0 {
			out = append(out, s)
		}
	}
	dated := func(soon, overdue Kind, key string, due wave.Date, to []string) {
		add(series{kind: soon, fv: t.FV, activity: key, due: due, first: c.AddBusinessDays(due, -p.ActivitySoon), recipients: to})
		add(series{kind: overdue, fv: t.FV, activity: key, due: due, first: c.AddBusinessDays(due, 1), repeat: thinning, recipients: to})
	}
	for _, n := range t.Notices {
		add(series{kind: Kind(n.Kind), fv: t.FV, activity: n.Item, due: n.Date, at: n.At, occurrence: n.At.UTC().Format(time.RFC3339Nano), recipients: n.To})
	}
	for _, f := range t.DeliveryFailures {
		if !slices.Contains(ks, f.Person) {
			add(series{kind: DeliveryFailed, fv: t.FV, at: f.At, about: f.Person, occurrence: f.Person, recipients: ks})
		}
	}
	for _, person := range t.Contacts {
		if at := t.ContactSince[person]; !at.IsZero() {
			add(series{kind: TrackWelcome, fv: t.FV, at: at, occurrence: at.UTC().Format(time.RFC3339Nano), recipients: []string{person}})
		}
	}
	fv := t.Contacts
	if t.Agreed(wave.AgreementProjectManagement) {
		fv = union(fv, ks)
	}
	for _, s := range t.Steps {
		if s.Done || s.Due.IsZero() {
			continue
		}
		var to []string
		for _, side := range s.Waiting() {
			if side == wave.PartyFV {
				to = union(to, fv)
			} else {
				to = union(to, ks)
			}
		}
		dated(StepSoon, StepOverdue, s.Key, s.Due, to)
	}
	for _, session := range t.Teaching {
		if !session.Held {
			dated(TeachingSoon, TeachingOverdue, wave.TeachingKey(session.Date), session.Date, ks)
		}
	}
	return out
}

// trackReminder is occurrence at of series s of track t for one recipient.
func (p Policy) trackReminder(t wave.Workflow) reminderFunc {
	return func(s series, at time.Time, person, occurrence string) Reminder {
		if s.occurrence != "" {
			occurrence = s.occurrence
		}
		r := Reminder{At: at, Kind: s.kind, FV: t.FV, Activity: s.activity, Due: s.due, Recipient: person, About: s.about}
		r.Key = strings.Join([]string{r.Subject(), string(s.kind), occurrence, person}, "|")
		return r
	}
}

// TrackReminders returns the reminders of track t whose time falls in
// (from, to], KS's part to ks, as Due does for a wave.
func (p Policy) TrackReminders(t wave.Workflow, ks []string, from, to time.Time) []Reminder {
	return p.dueOf(p.trackSeries(t, ks), t.Snoozes, from, to, p.trackReminder(t))
}

// NextTrack returns when track t's next reminder after instant falls due,
// KS's part to ks; false when its state calls for none.
func (p Policy) NextTrack(t wave.Workflow, ks []string, instant time.Time) (time.Time, bool) {
	return p.nextOf(p.trackSeries(t, ks), t.Snoozes, instant)
}

// PendingTrack lists what person hears next about track t, as Pending
// does for a wave.
func (p Policy) PendingTrack(t wave.Workflow, ks []string, person string, now time.Time) []Pending {
	return p.pendingOf(p.trackSeries(t, ks), t.Snoozes, person, now, p.trackReminder(t))
}

// TrackSubjects lists the steps and teaching sessions of track t that
// person gets reminders about, other than one-off notices, each once.
func (p Policy) TrackSubjects(t wave.Workflow, ks []string, person string) []string {
	var out []string
	for _, s := range p.trackSeries(t, ks) {
		if !s.kind.Notice() && slices.Contains(s.recipients, person) && !slices.Contains(out, s.activity) {
			out = append(out, s.activity)
		}
	}
	return out
}
