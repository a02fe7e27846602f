package notify

import (
	"strings"
	"time"

	"wavebot/wave"
)

// Notices that wait for their person. A one-off notice to a person no
// chat platform of the deployment reaches (someone who never wrote to the
// bot on Teams, a name from the console) is not lost: the wave holds it
// (wave.HeldNotice) under the key it was first due with, so it still goes
// out once, and it is tried again at each sending time, and at once when
// the person writes to wavebot or is linked (wave.WakeHeld), for up to
// Delivery.HoldFor after it first fell due; then it is undeliverable, as
// before. A channel's news is not held: a channel that removed the bot is
// dropped at once.

// held are the series of the notices wave w holds, each at its retry.
func held(w wave.Wave) []series {
	var out []series
	for _, h := range w.Held {
		if stands(&w, h) {
			out = append(out, series{kind: Kind(h.Kind), fv: h.FV, activity: h.Item, due: h.Date, about: h.About,
				at: h.Retry, occurrence: h.Occurrence, recipients: []string{h.Person}, since: h.At})
		}
	}
	return out
}

// stands reports whether what a held notice says still holds: a welcome
// only while its person is a contact of the enrolment of an open wave.
func stands(w *wave.Wave, h wave.HeldNotice) bool {
	if Kind(h.Kind) != Welcome {
		return true
	}
	e, err := w.Enrolment(h.FV)
	return err == nil && !w.IsClosed() && e.HasContact(h.Person)
}

// Held lists the notices wave w holds for person that still stand, as
// reminders due at their next try, for a person who asks what waits for
// them.
func (p Policy) Held(w wave.Wave, person string) []Reminder {
	var out []Reminder
	for _, s := range held(w) {
		if s.recipients[0] == person {
			out = append(out, p.reminder(w, s, s.at, person, ""))
		}
	}
	return out
}

// heldNotice is reminder r as the wave holds it, to be tried at retry.
func heldNotice(r Reminder, retry time.Time) wave.HeldNotice {
	return wave.HeldNotice{Kind: string(r.Kind), FV: r.FV, Item: r.Activity, Date: r.Due, About: r.About,
		Occurrence: occurrenceOf(r), Person: r.Recipient, At: r.firstDue(), Retry: retry}
}

// occurrenceOf is the part of r's key that tells it apart from others of
// its subject and kind.
func occurrenceOf(r Reminder) string {
	return strings.TrimSuffix(strings.TrimPrefix(r.Key, r.Subject()+"|"+string(r.Kind)+"|"), "|"+r.Recipient)
}

// firstDue is when r first fell due: its time, or for a held notice when
// it was first held.
func (r Reminder) firstDue() time.Time {
	if !r.Since.IsZero() {
		return r.Since
	}
	return r.At
}
