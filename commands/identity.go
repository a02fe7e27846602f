package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"wavebot/storage"
	"wavebot/wave"
)

// One person, several platforms. An admin links a platform identity
// ("teams:<id>") to a person (see link.go): the identity's own record
// then says LinkedTo, and the person lists it in Links. Whoever writes as
// a linked identity acts as the person, mentions of it name the person,
// and what adapters store about it (addresses, names) is stored on the
// person. Waves name only the person, so each reminder is worked out
// once, for the person; Identities tells delivery which platform to use.

// follow returns the person a linked identity stands for; p itself when
// it is not linked.
func (d *Dispatcher) follow(ctx context.Context, p wave.Person) (wave.Person, error) {
	if p.LinkedTo == "" {
		return p, nil
	}
	to, err := d.cfg.Store.Person(ctx, p.LinkedTo)
	if err != nil {
		return wave.Person{}, fmt.Errorf("follow link of %s: %w", p.ID, err)
	}
	return to, nil
}

// person loads the person id names, following a link.
func (d *Dispatcher) person(ctx context.Context, id string) (wave.Person, error) {
	p, err := d.cfg.Store.Person(ctx, id)
	if err != nil {
		return wave.Person{}, err
	}
	return d.follow(ctx, p)
}

// acting is the person who acts when someone writes as identity from,
// whose record is p: p, or the person it is linked to. A person with
// linked identities remembers which one they last wrote from.
func (d *Dispatcher) acting(ctx context.Context, from string, p wave.Person) (wave.Person, error) {
	p, err := d.follow(ctx, p)
	if err != nil || len(p.Links) == 0 || p.LastSeen == from || (p.LastSeen == "" && from == p.ID) {
		return p, err
	}
	seen, err := d.cfg.Store.UpdatePerson(ctx, p.ID, func(q *wave.Person) ([]wave.Event, error) {
		q.LastSeen = from
		return nil, nil
	})
	if err != nil {
		// Only where reminders go depends on it; the command goes on.
		d.cfg.Logger.Warn("record the platform a person wrote from", "person", p.ID, "from", from, "err", err)
		return p, nil
	}
	return seen, nil
}

// Identities lists the platform identities that reach person, the one
// they last wrote from first, then their own id, then their other links.
// A person wavebot has not met is reached at their id.
func (d *Dispatcher) Identities(ctx context.Context, person string) ([]string, error) {
	p, err := d.person(ctx, person)
	if errors.Is(err, storage.ErrNotFound) {
		return []string{person}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identities of %s: %w", person, err)
	}
	all := p.Identities()
	var ids []string
	if slices.Contains(all, p.LastSeen) {
		ids = append(ids, p.LastSeen)
	}
	for _, id := range all {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// Identity tells how person appears on platform, for a renderer that
// turns people into the platform's mentions: their identity there (empty
// when they have none) and their display name (empty when unknown).
// Nothing is decided on it, so a replica's read cache may answer it.
func (d *Dispatcher) Identity(ctx context.Context, person, platform string) (id, name string, err error) {
	p, err := d.person(storage.PureRead(ctx), person)
	if errors.Is(err, storage.ErrNotFound) {
		if wave.Platform(person) == platform {
			return person, "", nil
		}
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("identity of %s: %w", person, err)
	}
	id, _ = p.IdentityOn(platform)
	return id, p.Name, nil
}
