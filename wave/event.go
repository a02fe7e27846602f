package wave

import "time"

// Event is one entry of the audit trail: who changed what, when, from what to what.
type Event struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	// Wave and FV say what the event is about; FV is empty for wave-wide
	// events, Wave is empty for people and workflow changes.
	Wave   string `json:"wave,omitempty"`
	FV     string `json:"fv,omitempty"`
	Action string `json:"action"`
	// Item names the activity, step or person the event changed, if any.
	Item   string `json:"item,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}
