package notify

import (
	"context"
	"errors"
	"fmt"
)

// Identities tells which platform identities reach a person ("slack:U1",
// "teams:<id>"), the one they last wrote from first.
type Identities interface {
	Identities(ctx context.Context, person string) ([]string, error)
}

// LastUsed delivers each digest once, to the identity its recipient last
// wrote from, so a person linked on two platforms hears each reminder on
// one of them. When that platform can never reach them (ErrUndeliverable)
// it tries their other identities in turn; any other failure is returned
// for delivery to retry.
type LastUsed struct {
	People Identities
	// Next delivers to one identity: a Router.
	Next Notifier
}

// Notify delivers d to the first of its recipient's identities that can
// be reached.
func (l LastUsed) Notify(ctx context.Context, d Digest) error {
	ids, err := l.People.Identities(ctx, d.Recipient)
	if err != nil {
		return fmt.Errorf("find where to reach %s: %w", d.Recipient, err)
	}
	var failed []error
	for _, id := range ids {
		to := d
		to.Recipient = id
		err := l.Next.Notify(ctx, to)
		if err == nil || !errors.Is(err, ErrUndeliverable) {
			return err
		}
		failed = append(failed, err)
	}
	if len(failed) == 0 {
		return fmt.Errorf("%w: %s has no identity on any platform", ErrUndeliverable, d.Recipient)
	}
	return errors.Join(failed...)
}

// PlatformOf is the platform a digest to person goes through: that of the
// identity they last wrote from.
func (l LastUsed) PlatformOf(ctx context.Context, person string) (string, error) {
	ids, err := l.People.Identities(ctx, person)
	if err != nil || len(ids) == 0 {
		return PlatformOf(person), err
	}
	return PlatformOf(ids[0]), nil
}
