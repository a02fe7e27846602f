package wave

import (
	"slices"
	"testing"
	"time"
)

func TestIsChannel(t *testing.T) {
	for id, want := range map[string]bool{
		"slack:#C0123": true, "teams:#19:abc@thread.tacv2": true, "console:#konsol": true,
		"slack:U0123": false, "teams:a1b2": false, "maria": false, "": false,
	} {
		if got := IsChannel(id); got != want {
			t.Errorf("IsChannel(%q) = %v", id, got)
		}
	}
}

func TestSubscriptions(t *testing.T) {
	w := enrolled(t, "BUF", "SUF")
	sub := func(channel, fv string) bool {
		return w.Subscribe(Subscription{Channel: channel, Name: "#" + channel, Address: "addr-" + channel, FV: fv, By: "anna", At: now})
	}
	if !sub("slack:#CALL", "") || !sub("slack:#CBUF", "BUF") || sub("slack:#CBUF", "BUF") {
		t.Fatal("subscribing again is not refused as nothing new, or a first subscription is")
	}
	if got := w.Followers("BUF"); !slices.Equal(got, []string{"slack:#CALL", "slack:#CBUF"}) {
		t.Errorf("followers of BUF = %v", got)
	}
	if got := w.Followers("SUF"); !slices.Equal(got, []string{"slack:#CALL"}) {
		t.Errorf("followers of SUF = %v", got)
	}
	if got := w.Followers(""); len(got) != 2 {
		t.Errorf("a wave-wide milestone reaches %v, want both channels", got)
	}
	if w.Follows("slack:#CBUF", "SUF") || !w.Follows("slack:#CALL", "SUF") || w.Follows("slack:#CBUF", "") {
		t.Error("Follows is wrong")
	}
	if w.Unsubscribe("slack:#CBUF", "") || !w.Unsubscribe("slack:#CBUF", "BUF") || w.Follows("slack:#CBUF", "BUF") {
		t.Error("Unsubscribe is wrong")
	}
}

func TestMilestonesGoToTheFollowersOfTheTime(t *testing.T) {
	w := enrolled(t, "BUF", "SUF")
	w.Reminded = now
	at := now.Add(21 * time.Hour)
	w.AddMilestone(Notice{Kind: MilestoneDone, FV: "BUF", Item: "kickoff", Happened: now}, at)
	if len(w.Notices) != 0 {
		t.Fatalf("a milestone without followers is recorded: %+v", w.Notices)
	}
	w.Subscribe(Subscription{Channel: "slack:#CBUF", FV: "BUF"})
	w.AddMilestone(Notice{Kind: MilestoneDone, FV: "BUF", Item: "kickoff", Happened: now}, at)
	w.AddMilestone(Notice{Kind: MilestoneDone, FV: "SUF", Item: "kickoff", Happened: now}, at)
	if len(w.Notices) != 1 || !slices.Equal(w.Notices[0].To, []string{"slack:#CBUF"}) || !w.Notices[0].At.Equal(at) || !IsMilestone(w.Notices[0].Kind) {
		t.Errorf("notices = %+v", w.Notices)
	}
}

// TestAChannelThatCannotBeReachedIsDropped: the first failure ends the
// channel's subscriptions and is recorded once with its name; subscribing
// again forgets it, so a second drop is heard of too.
func TestAChannelThatCannotBeReachedIsDropped(t *testing.T) {
	w := enrolled(t, "BUF")
	w.Subscribe(Subscription{Channel: "slack:#C1", Name: "#bølge-3"})
	w.Subscribe(Subscription{Channel: "slack:#C1", Name: "#bølge-3", FV: "BUF"})
	f := DeliveryFailure{FV: "BUF", Person: "slack:#C1", At: now, Reason: "undeliverable"}
	if !w.RecordDeliveryFailure(f) || w.RecordDeliveryFailure(f) {
		t.Fatal("the drop was not recorded exactly once")
	}
	if len(w.Subscriptions) != 0 || w.DeliveryFailures[0].Name != "#bølge-3" {
		t.Errorf("after the drop: subscriptions %+v, failures %+v", w.Subscriptions, w.DeliveryFailures)
	}
	w.Subscribe(Subscription{Channel: "slack:#C1", Name: "#bølge-3"})
	if len(w.DeliveryFailures) != 0 {
		t.Errorf("subscribing again keeps the old failure: %+v", w.DeliveryFailures)
	}
	if !w.RecordDeliveryFailure(f) {
		t.Error("a second drop after subscribing again is not recorded")
	}
}
