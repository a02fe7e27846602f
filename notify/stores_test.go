package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// The reminder engine on each store: the storage conformance suite knows
// no reminder rules, so the rules' whole timeline is run here, through the
// sweeper, against every store a deployment can have.

// storePolicy is the default policy, whose due function each store keeps
// its due index with.
var storePolicy = DefaultPolicy(cph)

// enrolledAt is when storagetest.NewWave enrols its forvaltninger.
var enrolledAt = time.Date(2027, 1, 10, 11, 0, 0, 0, time.UTC)

// TestRemindersFollowTheRulesOnEachStore runs remindersFollowTheRules
// on bbolt, on a Redis server and on a Redis Cluster.
func TestRemindersFollowTheRulesOnEachStore(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) (storage.Store, error)
	}{
		{"bolt", func(t *testing.T) (storage.Store, error) { return bolt.Open(t.TempDir(), dueFunc(storePolicy)) }},
		{"redis", func(t *testing.T) (storage.Store, error) {
			return redis.Open(context.Background(), redistest.URL(t), redistest.Prefix(t), dueFunc(storePolicy))
		}},
		{"cluster", func(t *testing.T) (storage.Store, error) {
			return redis.Open(context.Background(), redistest.ClusterURL(t), redistest.Prefix(t), dueFunc(storePolicy))
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s, err := st.open(t)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			clk := clock.NewFake(enrolledAt)
			switch s := s.(type) {
			case *bolt.Store:
				s.Clock = clk
			case *redis.Store:
				s.Clock = clk
			}
			remindersFollowTheRules(t, s, clk)
		})
	}
}

// recorder is a notifier that writes each reminder down and counts the
// messages.
type recorder struct {
	mu       sync.Mutex
	lines    []string
	messages int
}

func (r *recorder) Notify(_ context.Context, d Digest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages++
	for _, rem := range d.Reminders {
		r.lines = append(r.lines, reminderLine(rem))
	}
	return nil
}

func reminderLine(r Reminder) string {
	return fmt.Sprintf("%s %s %s %s", r.At.In(cph.Location()).Format("2006-01-02 15:04"), r.Kind, r.Subject(), r.Recipient)
}

// remindersTimeline is what wave b3 of remindersFollowTheRules must
// send, worked out by hand from the policy and the wave. Reminders go out
// at 09:00 on business days; what is overdue, and an enrolment without a
// contact, repeats daily for three business days and then every fifth
// (weekly); the lead's escalation stays daily.
//
// The wave starts Monday 1 February 2027, so training and pc are due 25
// January (start - 5 business days) and the evaluation 1 April (+40, over
// Easter: 25, 26 and 29 March are holidays). Both forvaltninger are
// enrolled on Sunday 10 January.
//   - SUF has no contact until 21 January 12:00: the lead hears from the
//     business day after enrolment, 11 January, then on the 12th and 13th,
//     then a week after the 13th, on the 20th; the 27th never comes.
//     Sofie, named on the 21st at 12:00, is welcomed at that moment.
//   - SUF's pc (KS) is due soon on 21 January (D-2) and overdue on 26, 27
//     and 28 January, then weekly: 4, 11 and 18 February; it is done on
//     22 February at 12:00, before the 25th.
//   - BUF's training waits for maria's decision: due soon on 21 January,
//     overdue on 26, 27 and 28 January; she decides against it on the
//     28th at 12:00, so the 4 February repeat never comes.
//   - BUF's feedback is due 15 February: soon on the 11th (D-2), today on
//     the 15th, overdue on the 16th, 17th and 18th; maria snoozes it for
//     four hours on the 16th at 10:00, so it comes back at 14:00. The
//     lead's escalation starts on the 18th (D+3) and stays daily: the
//     18th and 19th. Maria answers on the 19th at 12:00, before the weekly
//     repeat on the 25th, and the lead is told at that moment.
//   - Applying is due 24 February (the answer + 3 business days): the
//     lead hears it is due soon on the 22nd (D-2); anna applies on the
//     24th at 12:00, so it is never overdue.
//   - The evaluation notices go out 22 and 31 March (E-5, E-1) to both;
//     the evaluation is done on 1 April, so it is never overdue, and the
//     lead is reminded to close the wave from the next business day: 2
//     and 5 April.
var remindersTimeline = []string{
	"2027-01-11 09:00 no-contact b3/SUF anna",
	"2027-01-12 09:00 no-contact b3/SUF anna",
	"2027-01-13 09:00 no-contact b3/SUF anna",
	"2027-01-20 09:00 no-contact b3/SUF anna",
	"2027-01-21 09:00 activity-soon b3/SUF/pc anna",
	"2027-01-21 09:00 decision-soon b3/BUF/training maria",
	"2027-01-21 12:00 welcome b3/SUF sofie",
	"2027-01-26 09:00 activity-overdue b3/SUF/pc anna",
	"2027-01-26 09:00 decision-overdue b3/BUF/training maria",
	"2027-01-27 09:00 activity-overdue b3/SUF/pc anna",
	"2027-01-27 09:00 decision-overdue b3/BUF/training maria",
	"2027-01-28 09:00 activity-overdue b3/SUF/pc anna",
	"2027-01-28 09:00 decision-overdue b3/BUF/training maria",
	"2027-02-04 09:00 activity-overdue b3/SUF/pc anna",
	"2027-02-11 09:00 activity-overdue b3/SUF/pc anna",
	"2027-02-11 09:00 auth-soon b3/BUF maria",
	"2027-02-15 09:00 auth-today b3/BUF maria",
	"2027-02-16 09:00 auth-overdue b3/BUF maria",
	"2027-02-16 14:00 auth-overdue b3/BUF maria",
	"2027-02-17 09:00 auth-overdue b3/BUF maria",
	"2027-02-18 09:00 activity-overdue b3/SUF/pc anna",
	"2027-02-18 09:00 auth-escalate b3/BUF anna",
	"2027-02-18 09:00 auth-overdue b3/BUF maria",
	"2027-02-19 09:00 auth-escalate b3/BUF anna",
	"2027-02-19 12:00 auth-answered b3/BUF anna",
	"2027-02-22 09:00 apply-soon b3/BUF/auth anna",
	"2027-03-22 09:00 eval-notice b3/BUF/evaluation anna",
	"2027-03-22 09:00 eval-notice b3/BUF/evaluation maria",
	"2027-03-31 09:00 eval-notice b3/BUF/evaluation anna",
	"2027-03-31 09:00 eval-notice b3/BUF/evaluation maria",
	"2027-04-02 09:00 close-due b3/ anna",
	"2027-04-05 09:00 close-due b3/ anna",
	// KFF is in no wave; its KØR workflow track is a subject of its own.
	// Jens is named its contact on 11 January at 12:00; the working
	// group is due 3 February (soon on 1 February, overdue on the 4th, 5th
	// and 8th; done on the 8th at 12:00); a teaching session KS holds on
	// 3 March reminds kim, the KS person who set it up, on 1 March, and is
	// held on the 3rd at 12:00.
	"2027-01-11 12:00 track-welcome KFF jens",
	"2027-02-01 09:00 step-soon KFF/group jens",
	"2027-02-04 09:00 step-overdue KFF/group jens",
	"2027-02-05 09:00 step-overdue KFF/group jens",
	"2027-02-08 09:00 step-overdue KFF/group jens",
	"2027-03-01 09:00 teaching-soon KFF/undervisning-2027-03-03 kim",
}

// remindersFollowTheRules runs a wave hour by hour for three months
// through the sweeper on the store, changing it on the way by writes (a
// contact named, the training decided, a snooze, the feedback answered
// and applied, activities done), with a forvaltning's KØR workflow track
// in no wave beside it, and
// checks that the store's due index, ledger and watermark send exactly
// the timeline worked out by hand, each reminder once, and one message
// per person and hour.
func remindersFollowTheRules(t *testing.T, s storage.Store, clk *clock.Fake) {
	ctx := context.Background()
	at := func(date string, h int) time.Time {
		d, _ := wave.ParseDate(date)
		return cph.At(d, h, 0)
	}
	w := storagetest.NewWave(t, "b3", "BUF", "SUF")
	buf, suf := &w.Enrolments[0], &w.Enrolments[1]
	buf.AddContacts(enrolledAt, "maria")
	for _, a := range buf.Activities {
		if a.Key != "training" && a.Key != wave.EvaluationActivity {
			buf.SetStatus(a.Key, wave.StatusDone, "", "anna", enrolledAt)
		}
	}
	due, _ := wave.ParseDate("2027-02-15")
	buf.RequestAuth(due, "anna", enrolledAt)
	for _, a := range suf.Activities {
		if a.Key != "pc" {
			suf.SetStatus(a.Key, wave.StatusSkipped, "", "anna", enrolledAt)
		}
	}
	start := at("2027-01-11", 0)
	w.Reminded = start
	if err := s.CreateWave(ctx, w, wave.Event{At: enrolledAt, Actor: "anna", Wave: "b3", Action: "wave.create"}); err != nil {
		t.Fatal(err)
	}
	kff := wave.NewWorkflow("KFF", wave.DefaultTemplate(), start)
	kff.KS = "kim"
	kff.Steps[0].Due, _ = wave.ParseDate("2027-02-03")
	if _, err := s.UpdateWorkflow(ctx, kff, func(*wave.Workflow) ([]wave.Event, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	teaching, _ := wave.ParseDate("2027-03-03")
	trackChanges := map[time.Time]func(w *wave.Workflow){
		at("2027-01-11", 12): func(w *wave.Workflow) { w.AddContacts(w.NoticeAt(at("2027-01-11", 12)), "jens") },
		at("2027-02-08", 12): func(w *wave.Workflow) {
			w.Steps.Confirm("group", []wave.Party{wave.PartyFV}, "jens", at("2027-02-08", 12))
		},
		at("2027-02-24", 12): func(w *wave.Workflow) {
			w.Agree(wave.Agreement{Kind: wave.AgreementTeaching, By: "jens", At: at("2027-02-24", 12)})
			w.AddTeaching(wave.TeachingSession{Date: teaching, By: "kim", At: at("2027-02-24", 12)})
		},
		at("2027-03-03", 12): func(w *wave.Workflow) { s, _ := w.TeachingOn(teaching); s.Held = true },
	}
	changes := map[time.Time]func(w *wave.Wave){
		at("2027-01-21", 12): func(w *wave.Wave) { w.Enrolments[1].AddContacts(w.NoticeAt(at("2027-01-21", 12)), "sofie") },
		at("2027-01-28", 12): func(w *wave.Wave) {
			w.Enrolments[0].DecideTraining(false, "", wave.Date{}, "maria", at("2027-01-28", 12))
		},
		at("2027-02-16", 10): func(w *wave.Wave) {
			w.Snooze(wave.Snooze{FV: "BUF", Person: "maria", Until: storePolicy.SnoozeUntil(at("2027-02-16", 10), 0, 4)})
		},
		at("2027-02-19", 12): func(w *wave.Wave) {
			applyBy := cph.AddBusinessDays(cph.Today(at("2027-02-19", 12)), storePolicy.AuthApply)
			w.Enrolments[0].AnswerAuth(true, "", "maria", w.NoticeAt(at("2027-02-19", 12)), applyBy)
		},
		at("2027-02-24", 12): func(w *wave.Wave) { w.Enrolments[0].ApplyAuth("anna", at("2027-02-24", 12)) },
		at("2027-02-22", 12): func(w *wave.Wave) { w.Enrolments[1].SetStatus("pc", wave.StatusDone, "", "anna", enrolledAt) },
		at("2027-04-01", 14): func(w *wave.Wave) {
			w.Enrolments[0].SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", at("2027-04-01", 14))
			w.Enrolments[1].SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", at("2027-04-01", 14))
		},
	}
	clk.Set(start)
	got := &recorder{}
	sw := &Sweeper{Store: s, Policy: storePolicy, Delivery: NewDelivery(got, s, clk), Clock: clk, Batch: 10,
		MaxRounds: 10, Logger: slog.New(slog.DiscardHandler)}
	for now := start.Add(time.Hour); now.Before(at("2027-04-06", 0)); now = now.Add(time.Hour) {
		clk.Set(now)
		if change, ok := changes[now]; ok {
			if _, err := s.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) { change(w); return nil, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if change, ok := trackChanges[now]; ok {
			if _, err := s.UpdateWorkflow(ctx, kff, func(w *wave.Workflow) ([]wave.Event, error) { change(w); return nil, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := sw.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(got.lines)
	if g, w := strings.Join(got.lines, "\n"), strings.Join(slices.Sorted(slices.Values(remindersTimeline)), "\n"); g != w {
		t.Errorf("the store sent:\n%s\nthe timeline is:\n%s", g, w)
	}
	// One message per person and sending time: anna's two reminders at
	// 09:00 on 18 February came as one.
	messages := map[string]bool{}
	for _, l := range remindersTimeline {
		f := strings.Fields(l)
		messages[f[0]+" "+f[1]+" "+f[4]] = true
	}
	if got.messages != len(messages) {
		t.Errorf("%d messages, want %d: one per person and sending time", got.messages, len(messages))
	}
}
