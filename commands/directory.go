package commands

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// Once reports whether this is the first time key is seen within ttl: an
// adapter runs a platform event that is retried, or reaches several
// replicas, once. The key is the adapter's own ("slack:event:Ev123").
func (d *Dispatcher) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	first, err := d.cfg.Store.ClaimOnce(ctx, key, ttl)
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	return first, nil
}

// Address returns how person is reached on platform, as the platform's
// adapter stored it (a Slack DM channel, a Teams conversation reference);
// empty when nothing is stored.
func (d *Dispatcher) Address(ctx context.Context, person, platform string) (string, error) {
	p, err := d.person(ctx, person)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return p.Addresses[platform], nil
}

// SetAddress stores how person is reached on platform, creating the person
// (viewer) when wavebot has not met them yet. Storing the address it
// already has writes nothing.
func (d *Dispatcher) SetAddress(ctx context.Context, person, platform, address string) error {
	return d.changePerson(ctx, person, addressChange(platform, address))
}

// SetName stores the person's display name as their platform knows it,
// for texts read outside that platform. The same name again writes
// nothing; a name that cannot be shown safely (wave.UnsafeRune) is
// refused and changes nothing.
func (d *Dispatcher) SetName(ctx context.Context, person, name string) error {
	if err := safeName(person, name); err != nil {
		return err
	}
	return d.changePerson(ctx, person, nameChange(name))
}

// SetContact stores what an adapter learns of the sender of every
// message, as SetName and SetAddress do, in one change: their name,
// unless empty, and how they are reached on platform. A name that cannot
// be shown safely is refused and the address is still stored.
func (d *Dispatcher) SetContact(ctx context.Context, person, name, platform, address string) error {
	change := addressChange(platform, address)
	var nameErr error
	if name != "" {
		if nameErr = safeName(person, name); nameErr == nil {
			setAddress, setName := change, nameChange(name)
			change = func(p *wave.Person) bool {
				changedAddress := setAddress(p)
				changedName := setName(p)
				return changedAddress || changedName
			}
		}
	}
	if err := d.changePerson(ctx, person, change); err != nil {
		return err
	}
	return nameErr
}

// safeName refuses a name that cannot be shown safely.
func safeName(person, name string) error {
	if r, bad := wave.UnsafeRune(name, false); bad {
		return fmt.Errorf("name of %s: %w", person, refuse(catalog.UnsafeText, wave.RuneCode(r)))
	}
	return nil
}

// addressChange sets how a person is reached on platform; false when it
// already was so.
func addressChange(platform, address string) func(p *wave.Person) bool {
	return func(p *wave.Person) bool {
		if p.Addresses[platform] == address {
			return false
		}
		p.Addresses = maps.Clone(p.Addresses)
		if p.Addresses == nil {
			p.Addresses = map[string]string{}
		}
		p.Addresses[platform] = address
		return true
	}
}

// nameChange sets a person's display name; false when it already was.
func nameChange(name string) func(p *wave.Person) bool {
	return func(p *wave.Person) bool {
		if p.Name == name {
			return false
		}
		p.Name = name
		return true
	}
}

// changePerson applies change to person, created on first contact (or to
// the person a linked identity stands for), and writes only when change
// reports a difference. These are facts about how
// to reach someone, not decisions, so they leave no audit event.
//
// An adapter stores them with every message, and they have mostly not
// changed: a pure read, which a replica's cache may answer, tells so,
// and then nothing more is read or written. They rule nothing, so the
// cache's bound is theirs too: when another replica stored a different
// value within the last second, that value stays, as if it had come
// after this one; the next message stores this one again. A difference
// is written on what the store holds, as every change is.
func (d *Dispatcher) changePerson(ctx context.Context, id string, change func(p *wave.Person) bool) error {
	id, err := personID(id)
	if err != nil {
		return fmt.Errorf("change person: %w", err)
	}
	if p, err := d.person(storage.PureRead(ctx), id); err == nil && !change(&p) {
		return nil
	}
	p, err := d.cfg.Store.EnsurePerson(ctx, wave.Person{ID: id, Role: wave.RoleViewer},
		wave.Event{At: d.cfg.Clock.Now(), Actor: id, Action: actPersonCreate, Item: id}, false)
	if err == nil {
		p, err = d.follow(ctx, p)
	}
	if err != nil {
		return fmt.Errorf("load person %s: %w", id, err)
	}
	if !change(&p) {
		return nil
	}
	id = p.ID
	p, err = d.cfg.Store.UpdatePerson(ctx, id, func(p *wave.Person) ([]wave.Event, error) {
		change(p)
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("change person %s: %w", id, err)
	}
	// How to reach them is new: what waited for them can go.
	d.wake(ctx, p)
	return nil
}
