package commands

import (
	"context"
	"errors"

	"wavebot/storage"
)

// Name returns the display name stored for person; empty when wavebot has
// none or has not met them, so an adapter knows to ask its platform once
// and keep the answer with SetName.
func (d *Dispatcher) Name(ctx context.Context, person string) (string, error) {
	p, err := d.cfg.Store.Person(ctx, person)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return p.Name, nil
}
