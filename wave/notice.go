package wave

import (
	"slices"
	"time"
)

// Notice is something people must hear about once, at an instant, about
// an enrolment: the forvaltning submitted its authorization list, or it
// delivered its authorization template; or something a subscribed channel
// hears of in its daily digest (a milestone). The reminder engine sends it like
// a reminder, so it reaches each person once.
type Notice struct {
	Kind string    `json:"kind"`
	FV   string    `json:"fv"`
	At   time.Time `json:"at"`
	To   []string  `json:"to"`
	// A milestone (see AddMilestone) says what happened: to which activity
	// (Item), the date it set, and when it happened, which tells two of
	// one kind apart when they share a digest.
	Item     string    `json:"item,omitempty"`
	Date     Date      `json:"date,omitzero"`
	Happened time.Time `json:"happened,omitzero"`
	// By is who made the change a notice tells of, when it names one: who
	// named or removed a contact.
	By string `json:"by,omitempty"`
}

// Notice kinds.
const (
	// NoticeTemplateDelivered tells the KS lead that the forvaltning
	// delivered its authorization template, so authorizing can start.
	NoticeTemplateDelivered = "template-delivered"
	// NoticeContactAdded and NoticeContactRemoved tell the KS lead, in the
	// next digest, that someone else named (Item) a contact of the
	// enrolment or took one off (By did it).
	NoticeContactAdded   = "contact-added"
	NoticeContactRemoved = "contact-removed"
	// NoticeEvalNote asks the enrolment's contacts, once, for the
	// forvaltning's note from the evaluation that was just done.
	NoticeEvalNote = "eval-note"
	// NoticeDateSet tells the other side, in its next digest, of a date
	// set for the forvaltning's own activity (Item) of the enrolment: the
	// KS lead of a contact's date, the contacts of KS's (By set it to
	// Date).
	NoticeDateSet = "date-set"
)

// AddNotice records n and forgets the notices the reminder engine has
// handled (those at or before the wave's watermark). A notice falls due
// after the watermark, also when this replica's clock is behind the
// sweeper's.
func (w *Wave) AddNotice(n Notice) {
	w.Notices = slices.DeleteFunc(w.Notices, func(o Notice) bool { return !o.At.After(w.Reminded) })
	if !n.At.After(w.Reminded) {
		n.At = w.Reminded.Add(time.Millisecond)
	}
	if len(n.To) > 0 {
		w.Notices = append(w.Notices, n)
	}
}
