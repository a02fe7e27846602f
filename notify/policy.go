package notify

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"wavebot/wave"
)

// Policy holds the numbers of the reminder policy; a deployment can change
// them. Lead times are in business days.
type Policy struct {
	Calendar *wave.Calendar
	// SendHour and SendMinute are when reminders go out on a business day.
	SendHour, SendMinute int
	// AuthSoon: "due soon" this many business days before the feedback deadline.
	AuthSoon int
	// AuthEscalate: from this many business days after the deadline, the KS lead is told too.
	AuthEscalate int
	// EvalNotices: notices this many business days before the evaluation.
	EvalNotices []int
	// ActivitySoon: "due soon" this many business days before an activity's due date.
	ActivitySoon int
	// NoContactFrom: the KS lead hears daily about an enrolment without a
	// contact from this many business days before the wave starts.
	NoContactFrom int
	// WorkdayEnd is the hour after which a snooze counted in hours waits
	// for the next working morning.
	WorkdayEnd int
	// ListAhead: "remind list" shows what comes within this many business days.
	ListAhead int
}

// DefaultPolicy is the policy of the design: 09:00, D-2, D+3, E-5 and E-1,
// activities D-2, missing contact from 10 days before the start.
func DefaultPolicy(c *wave.Calendar) Policy {
	return Policy{Calendar: c, SendHour: 9, AuthSoon: 2, AuthEscalate: 3, EvalNotices: []int{5, 1}, ActivitySoon: 2, NoContactFrom: 10,
		WorkdayEnd: 17, ListAhead: 10}
}

// settings are the numbers ParsePolicy sets by name, each with where its
// value goes.
func (p *Policy) settings() map[string]*int {
	return map[string]*int{
		"auth_soon": &p.AuthSoon, "auth_escalate": &p.AuthEscalate, "activity_soon": &p.ActivitySoon,
		"no_contact": &p.NoContactFrom, "list_ahead": &p.ListAhead,
	}
}

// ParsePolicy is the default policy on calendar c with the numbers spec
// changes: comma-separated name=value pairs, lead times in business days,
// "send=HH:MM" and "eval=5/1" for the evaluation notices, e.g.
// "send=08:30,auth_soon=3,eval=10/5/1". An empty spec is the default.
func ParsePolicy(c *wave.Calendar, spec string) (Policy, error) {
	p := DefaultPolicy(c)
	numbers := p.settings()
	for field := range strings.SplitSeq(spec, ",") {
		if field = strings.TrimSpace(field); field == "" {
			continue
		}
		name, value, _ := strings.Cut(field, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		var err error
		switch target, ok := numbers[name]; {
		case ok:
			*target, err = leadTime(value)
		case name == "send":
			var t time.Time
			if t, err = time.Parse("15:04", value); err == nil {
				p.SendHour, p.SendMinute = t.Hour(), t.Minute()
			}
		case name == "eval":
			p.EvalNotices = nil
			for n := range strings.SplitSeq(value, "/") {
				var days int
				if days, err = leadTime(n); err != nil {
					break
				}
				p.EvalNotices = append(p.EvalNotices, days)
			}
		default:
			names := slices.Sorted(maps.Keys(numbers))
			return Policy{}, fmt.Errorf("unknown setting %q; known: send, eval, %s", name, strings.Join(names, ", "))
		}
		if err != nil {
			return Policy{}, fmt.Errorf("%s=%q: %w", name, value, err)
		}
	}
	return p, nil
}

// leadTime reads a whole number of business days from 0 to 60.
func leadTime(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 60 {
		return 0, errors.New("want a whole number of days from 0 to 60")
	}
	return n, nil
}
