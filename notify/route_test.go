package notify

import (
	"context"
	"errors"
	"slices"
	"testing"
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
