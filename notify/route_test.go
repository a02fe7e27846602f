package notify

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// identities is a directory of who is reached where.
type identities map[string][]string

func (d identities) Identities(_ context.Context, person string) ([]string, error) {
	ids, ok := d[person]
	if !ok {
		return nil, errors.New("directory down")
	}
	return ids, nil
}

// recording is a notifier that answers per recipient and records who it was asked to reach.
type recording struct {
	answers map[string]error
	asked   []string
}

func (r *recording) Notify(_ context.Context, d Digest) error {
	r.asked = append(r.asked, d.Recipient)
	return r.answers[d.Recipient]
}

// TestLastUsed: a digest goes to one identity only, the one the person
// last wrote from; an identity that can never be reached gives way to
// the next; any other failure is returned for delivery to retry.
func TestLastUsed(t *testing.T) {
	busy := &RateLimitError{RetryAfter: 3}
	gone := errors.Join(ErrUndeliverable, errors.New("app removed"))
	dir := identities{
		"maria":  {"teams:M1", "maria", "slack:UM"},
		"kim":    {"slack:UK", "teams:K1"},
		"vera":   {"teams:V1", "slack:UV"},
		"per":    {"teams:P1"},
		"nobody": nil,
	}
	for _, tc := range []struct {
		person    string
		answers   map[string]error
		wantAsked []string
		wantErr   error
	}{
		{"maria", nil, []string{"teams:M1"}, nil},
		{"kim", map[string]error{"slack:UK": gone}, []string{"slack:UK", "teams:K1"}, nil},
		{"vera", map[string]error{"teams:V1": busy}, []string{"teams:V1"}, busy},
		{"per", map[string]error{"teams:P1": gone}, []string{"teams:P1"}, ErrUndeliverable},
		{"nobody", nil, nil, ErrUndeliverable},
	} {
		next := &recording{answers: tc.answers}
		err := LastUsed{People: dir, Next: next}.Notify(context.Background(), Digest{Recipient: tc.person})
		if !slices.Equal(next.asked, tc.wantAsked) || !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
			t.Errorf("%s: asked %v, err %v; want %v, %v", tc.person, next.asked, err, tc.wantAsked, tc.wantErr)
		}
	}
	if err := (LastUsed{People: dir, Next: &recording{}}).Notify(context.Background(), Digest{Recipient: "stranger"}); err == nil || errors.Is(err, ErrUndeliverable) {
		t.Errorf("a directory failure must be retried: %v", err)
	}
}

// TestAppWideLimitHoldsThePlatformThatSaidIt: slack:U1 is linked to a
// Teams identity and last wrote from Teams, so LastUsed sends their digest
// through Teams; Teams answers with an app-wide limit of ten minutes. That
// wait belongs to Teams: another Teams user is held, a Slack user is not.
func TestAppWideLimitHoldsThePlatformThatSaidIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		teams := &scripted{clk: clk, answers: map[string][]error{
			"teams:29:u1": {&RateLimitError{RetryAfter: 10 * time.Minute, Platform: true}},
		}}
		slack := &scripted{clk: clk}
		n := LastUsed{
			People: identities{"slack:U1": {"teams:29:u1", "slack:U1"}, "slack:U2": {"slack:U2"}, "teams:29:u3": {"teams:29:u3"}},
			Next:   Router{"teams": teams, "slack": slack},
		}
		d := testDelivery(n, ledger, clk)
		if res := d.Send(context.Background(), []Digest{digest("slack:U1")}, t0.Add(time.Minute)); res[0].Sent {
			t.Fatalf("the limited digest was sent: %+v", res[0])
		}
		res := d.Send(context.Background(), []Digest{digest("slack:U2"), digest("teams:29:u3")}, clk.Now().Add(time.Minute))
		if !res[0].Sent {
			t.Errorf("a Slack user is held by Teams' limit: %+v", res[0])
		}
		if res[1].Sent {
			t.Errorf("a Teams user was sent to during Teams' app-wide limit (teams attempts %s)", teams.attempts())
		}
	})
}
