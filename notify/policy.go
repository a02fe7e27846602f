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
	// ActivitySoon: "due soon" this many business days before an
	// activity's, a workflow step's or KS's apply-by date.
	ActivitySoon int
	// AuthApply: KS applies the authorizations this many business days
	// after the forvaltning answered.
	AuthApply int
	// NoContactAfter: the KS lead hears about an enrolment without a
	// contact from this many business days after it was enrolled.
	NoContactAfter int
	// RepeatDaily and RepeatEvery: what is overdue, or an enrolment
	// without a contact, is repeated every business day for its first
	// RepeatDaily business days, then every RepeatEvery business days.
	// The KS lead's escalation of the feedback stays daily.
	RepeatDaily, RepeatEvery int
	// WorkdayEnd is the hour after which a snooze counted in hours waits
	// for the next working morning.
	WorkdayEnd int
	// ListAhead: "remind list" shows what comes within this many business days.
	ListAhead int
}

// DefaultPolicy is the policy of the design: 09:00, D-2, D+3, E-5 and E-1,
// activities D-2, authorizations applied within 3 business days of the
// answer, a missing contact from the business day after enrolment, and
// what is overdue daily for 3 business days, then weekly.
func DefaultPolicy(c *wave.Calendar) Policy {
	return Policy{Calendar: c, SendHour: 9, AuthSoon: 2, AuthEscalate: 3, EvalNotices: []int{5, 1}, ActivitySoon: 2, AuthApply: 3,
		NoContactAfter: 1, RepeatDaily: 3, RepeatEvery: 5, WorkdayEnd: 17, ListAhead: 10}
}

// settings are the numbers ParsePolicy sets by name, each with where its
// value goes.
func (p *Policy) settings() map[string]*int {
	return map[string]*int{
		"auth_soon": &p.AuthSoon, "auth_escalate": &p.AuthEscalate, "activity_soon": &p.ActivitySoon, "auth_apply": &p.AuthApply,
		"no_contact_after": &p.NoContactAfter, "repeat_daily": &p.RepeatDaily, "repeat_every": &p.RepeatEvery, "list_ahead": &p.ListAhead,
	}
}

// atLeastOne are the settings that count occurrences, so never zero.
var atLeastOne = []string{"repeat_daily", "repeat_every"}

// ParsePolicy is the default policy on calendar c with the numbers spec
// changes: comma-separated name=value pairs, lead times in business days,
// "send=HH:MM" and "eval=5/1" for the evaluation notices, e.g.
// "send=08:30,auth_soon=3,eval=10/5/1,repeat_every=10". An empty spec is
// the default.
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
			if err == nil && *target == 0 && slices.Contains(atLeastOne, name) {
				err = errors.New("want a whole number of days from 1 to 60")
			}
		case name == "no_contact":
			// It counted back from the wave's start; the reminder now
			// counts from the enrolment, so the old number means another day.
			return Policy{}, errors.New(`"no_contact" is replaced by "no_contact_after": business days after enrolment (default 1)`)
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

// Spec writes the policy as ParsePolicy reads it, every number named:
// what "wavebot config" prints.
func (p Policy) Spec() string {
	var eval []string
	for _, n := range p.EvalNotices {
		eval = append(eval, strconv.Itoa(n))
	}
	fields := []string{fmt.Sprintf("send=%02d:%02d", p.SendHour, p.SendMinute), "eval=" + strings.Join(eval, "/")}
	numbers := p.settings()
	for _, name := range slices.Sorted(maps.Keys(numbers)) {
		fields = append(fields, fmt.Sprintf("%s=%d", name, *numbers[name]))
	}
	return strings.Join(fields, ",")
}
