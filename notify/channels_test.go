package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"wavebot/storage"
	"wavebot/wave"
)

func TestDigestAtIsTheNextSendingTime(t *testing.T) {
	p := DefaultPolicy(cph)
	for _, tc := range []struct{ happened, want time.Time }{
		{cph.At(day("2027-02-16"), 8, 0), cph.At(day("2027-02-16"), 9, 0)},  // Tuesday morning: the same day
		{cph.At(day("2027-02-16"), 9, 0), cph.At(day("2027-02-17"), 9, 0)},  // at the sending time: the next
		{cph.At(day("2027-02-19"), 12, 0), cph.At(day("2027-02-22"), 9, 0)}, // Friday noon: Monday
		{cph.At(day("2027-03-24"), 15, 0), cph.At(day("2027-03-30"), 9, 0)}, // before Easter: after Easter Monday
	} {
		if got := p.DigestAt(tc.happened); !got.Equal(tc.want) {
			t.Errorf("DigestAt(%v) = %v, want %v", tc.happened, got, tc.want)
		}
	}
}

// channelWave is the feedback wave with channel #buf following BUF and
// channel #all the whole wave, and three milestones of Tuesday: two for
// BUF, one of the wave.
func channelWave(t testing.TB) wave.Wave {
	w := feedbackWave(t, "2027-02-26")
	w.Reminded = cph.At(day("2027-02-16"), 10, 0)
	w.Subscribe(wave.Subscription{Channel: "slack:#CBUF", Address: "CBUF", FV: "BUF"})
	w.Subscribe(wave.Subscription{Channel: "teams:#19:all@thread.tacv2", Address: `{"conversation":{"id":"19:all@thread.tacv2"}}`})
	at := DefaultPolicy(cph).DigestAt(w.Reminded)
	for i, m := range []wave.Notice{
		{Kind: wave.MilestoneDone, FV: "BUF", Item: "kickoff"},
		{Kind: wave.MilestoneAuthRequested, FV: "BUF", Date: day("2027-02-26")},
		{Kind: wave.MilestoneEnrolled, FV: "SUF"},
	} {
		m.Happened = w.Reminded.Add(time.Duration(i+1) * time.Minute)
		w.AddMilestone(m, at)
	}
	return w
}

// TestMilestonesGoToTheirChannelsOnceADay: each channel hears what it
// follows at the next morning's sending time, with the address its
// subscription holds; nobody else hears of milestones, and a channel that
// stopped following hears nothing more.
func TestMilestonesGoToTheirChannelsOnceADay(t *testing.T) {
	p := DefaultPolicy(cph)
	w := channelWave(t)
	morning := cph.At(day("2027-02-17"), 9, 0)
	due := p.Due(w, w.Reminded, morning.Add(-time.Minute))
	if slices.ContainsFunc(due, func(r Reminder) bool { return r.Kind.Milestone() }) {
		t.Errorf("milestones before the morning's digest: %v", due)
	}
	var got []string
	for _, r := range p.Due(w, w.Reminded, morning) {
		if r.Kind.Milestone() {
			if !r.At.Equal(morning) || !r.Kind.Notice() {
				t.Errorf("%s at %v", r.Key, r.At)
			}
			got = append(got, fmt.Sprintf("%s %s %s", r.Recipient, r.Kind, r.Address))
		}
	}
	want := []string{
		"slack:#CBUF milestone-done CBUF",
		"slack:#CBUF milestone-auth-requested CBUF",
		`teams:#19:all@thread.tacv2 milestone-done {"conversation":{"id":"19:all@thread.tacv2"}}`,
		`teams:#19:all@thread.tacv2 milestone-auth-requested {"conversation":{"id":"19:all@thread.tacv2"}}`,
		`teams:#19:all@thread.tacv2 milestone-enrolled {"conversation":{"id":"19:all@thread.tacv2"}}`,
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("milestones:\n%s\nwant\n%s", got, want)
	}
	if next, ok := p.Next(w, w.Reminded); !ok || next.After(morning) {
		t.Errorf("Next = %v, %v: the due index must wake the sweeper for the digest", next, ok)
	}
	w.Unsubscribe("slack:#CBUF", "BUF")
	for _, r := range p.Due(w, w.Reminded, morning) {
		if r.Recipient == "slack:#CBUF" {
			t.Errorf("a channel that stopped following hears %s", r.Key)
		}
	}
}

// TestAClosedWaveRemindsNobody: once closed, a wave's reminders stop; its
// channels still hear the close.
func TestAClosedWaveRemindsNobody(t *testing.T) {
	p := DefaultPolicy(cph)
	w := channelWave(t)
	w.Notices = nil
	w.Closed = &wave.Closure{By: "anna", At: w.Reminded}
	w.AddMilestone(wave.Notice{Kind: wave.MilestoneClosed, Happened: w.Reminded}, p.DigestAt(w.Reminded))
	var kinds []string
	for _, r := range p.Due(w, w.Reminded, cph.At(day("2027-03-31"), 12, 0)) {
		kinds = append(kinds, r.Recipient+" "+string(r.Kind))
	}
	slices.Sort(kinds)
	want := []string{"slack:#CBUF milestone-closed", "teams:#19:all@thread.tacv2 milestone-closed"}
	if !slices.Equal(kinds, want) {
		t.Errorf("a closed wave sends %v, want only %v", kinds, want)
	}
}

// TestAChannelThatRemovedTheBotIsDroppedOnce: the channel's platform says
// it can never deliver; after that one failure the channel's subscription
// is gone, the lead hears once, and the next milestone is not tried.
func TestAChannelThatRemovedTheBotIsDroppedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(cph.At(day("2027-02-16"), 10, 0))
		w := channelWave(t)
		s := boltWave(t, clk, w)
		n := &counter{fail: map[string]error{"slack:#CBUF": fmt.Errorf("%w: not_in_channel", ErrUndeliverable)}}
		sw := sweeper(s, n, clk)
		runFor(sw, 24*time.Hour)
		got, err := s.Wave(context.Background(), "b3")
		if err != nil {
			t.Fatal(err)
		}
		if got.Follows("slack:#CBUF", "BUF") || !got.Follows("teams:#19:all@thread.tacv2", "BUF") {
			t.Errorf("subscriptions after the failure: %+v", got.Subscriptions)
		}
		if n.attempts["slack:#CBUF"] != 1 {
			t.Errorf("%d attempts at the dropped channel, want 1", n.attempts["slack:#CBUF"])
		}
		lead := n.keys(got.Lead)
		if len(lead) != 1 || !strings.HasPrefix(lead[0], "b3/BUF|delivery-failed|slack:#CBUF@") || state(t, s, got.Lead, lead[0]).Outcome != storage.Delivered {
			t.Errorf("the lead got %v, want one notice of the dropped channel", lead)
		}
		if len(n.keys("teams:#19:all@thread.tacv2")) != 3 || n.messages["teams:#19:all@thread.tacv2"] != 1 {
			t.Errorf("the other channel got %v in %d messages, want 3 milestones in one digest",
				n.keys("teams:#19:all@thread.tacv2"), n.messages["teams:#19:all@thread.tacv2"])
		}
		// A later milestone goes only where the wave is still followed.
		if _, err := s.UpdateWave(context.Background(), "b3", func(w *wave.Wave) ([]wave.Event, error) {
			w.AddMilestone(wave.Notice{Kind: wave.MilestoneDone, FV: "BUF", Item: "info", Happened: clk.Now()}, DefaultPolicy(cph).DigestAt(clk.Now()))
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		runFor(sw, 24*time.Hour)
		if n.attempts["slack:#CBUF"] != 1 || n.messages["teams:#19:all@thread.tacv2"] != 2 {
			t.Errorf("after the drop: %d attempts at the dropped channel, %d digests to the other",
				n.attempts["slack:#CBUF"], n.messages["teams:#19:all@thread.tacv2"])
		}
	})
}
