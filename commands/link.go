package commands

import (
	"context"
	"errors"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// linkPlatforms are the platforms whose identities can be linked.
var linkPlatforms = []string{"slack", "teams"}

// link makes a platform identity one with a person: "link @maria
// teams:<id>" (or "@teams:<id>", as a Teams mention arrives). The
// identity's record points to the person; the person takes over its role,
// contact duties and addresses; every wave that names the identity names
// the person instead, so each reminder is worked out once, for the person.
// Each step can be run again, so a link cut short by a failure is finished
// by giving the command again. Nobody links identities to themselves or
// their own identity to someone else: that takes another admin.
func (d *Dispatcher) link(ctx context.Context, in Input) (Reply, error) {
	identity, err := personID(strings.TrimPrefix(in.Args[1], "@"))
	if platform, _, _ := strings.Cut(identity, ":"); err != nil || !slices.Contains(linkPlatforms, platform) {
		return Reply{}, refuse(catalog.LinkNotIdentity, typed(in.Args[1]))
	}
	if slices.Contains(in.Me.Identities(), identity) {
		return Reply{}, refuse(catalog.LinkSelf)
	}
	// Check everything that can be checked before anyone is created.
	other, err := d.cfg.Store.Person(ctx, identity)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		other = wave.Person{ID: identity}
	case err != nil:
		return Reply{}, err
	case len(other.Links) > 0:
		return Reply{}, refuse(catalog.LinkHasLinks, mentions(in.Lang, identity))
	}
	p, err := d.mention(ctx, in.Me.ID, in.Args[0], in.Now)
	if err != nil {
		return Reply{}, err
	}
	switch {
	case p.ID == in.Me.ID:
		return Reply{}, refuse(catalog.LinkSelf)
	case p.ID == identity:
		return Reply{Lines: []string{catalog.LinkAlready.In(in.Lang, mentions(in.Lang, identity), mentions(in.Lang, p.ID))}}, nil
	case other.LinkedTo != "" && other.LinkedTo != p.ID:
		return Reply{}, refuse(catalog.LinkTaken, mentions(in.Lang, identity), mentions(in.Lang, other.LinkedTo))
	}
	if mine, ok := p.IdentityOn(wave.Platform(identity)); ok && mine != identity {
		return Reply{}, refuse(catalog.LinkPlatformTaken, mentions(in.Lang, p.ID), mentions(in.Lang, mine))
	}
	already := slices.Contains(p.Links, identity)
	if err := d.linkIdentity(ctx, in, other, p); err != nil {
		return Reply{}, err
	}
	if already {
		return Reply{Lines: []string{catalog.LinkAlready.In(in.Lang, mentions(in.Lang, identity), mentions(in.Lang, p.ID))}}, nil
	}
	return Reply{Lines: []string{catalog.Linked.In(in.Lang, mentions(in.Lang, identity), mentions(in.Lang, p.ID))}}, nil
}

// linkIdentity points identity to person p, lets p absorb the identity's
// record, and renames the identity to p in every wave. A step already
// taken is not taken again, so linking twice writes nothing.
func (d *Dispatcher) linkIdentity(ctx context.Context, in Input, identity wave.Person, p wave.Person) error {
	id, person := identity.ID, p.ID
	ev := wave.Event{At: in.Now, Actor: in.Me.ID, Action: actPersonLink, Item: id, After: person}
	if identity.LinkedTo != person {
		if _, err := d.cfg.Store.EnsurePerson(ctx, wave.Person{ID: id, Role: wave.RoleViewer},
			wave.Event{At: in.Now, Actor: in.Me.ID, Action: actPersonCreate, Item: id}, false); err != nil {
			return err
		}
		linked, err := d.cfg.Store.UpdatePerson(ctx, id, func(q *wave.Person) ([]wave.Event, error) {
			switch {
			case q.LinkedTo != "" && q.LinkedTo != person:
				return nil, refuse(catalog.LinkTaken, mentions(in.Lang, id), mentions(in.Lang, q.LinkedTo))
			case len(q.Links) > 0:
				return nil, refuse(catalog.LinkHasLinks, mentions(in.Lang, id))
			}
			q.LinkedTo = person
			return []wave.Event{ev}, nil
		})
		if err != nil {
			return err
		}
		identity = linked
	}
	if !slices.Contains(p.Links, id) {
		_, err := d.cfg.Store.UpdatePerson(ctx, person, func(q *wave.Person) ([]wave.Event, error) {
			if q.LinkedTo != "" {
				return nil, refuse(catalog.LinkTaken, mentions(in.Lang, person), mentions(in.Lang, q.LinkedTo))
			}
			if !slices.Contains(q.Links, id) {
				q.Links = append(q.Links, id)
			}
			q.Absorb(identity)
			return nil, nil
		})
		if err != nil {
			return err
		}
	}
	waves, err := d.waves(ctx)
	if err != nil {
		return err
	}
	for _, w := range waves {
		if !w.ReplacePerson(id, person) {
			continue
		}
		_, err := d.updateClosedToo(ctx, w.ID, func(w *wave.Wave) ([]wave.Event, error) {
			if !w.ReplacePerson(id, person) {
				return nil, nil
			}
			e := ev
			e.Wave = w.ID
			return []wave.Event{e}, nil
		})
		if err != nil {
			return err
		}
	}
	// Reachable through the identity now: what waited for either goes.
	if p, err = d.cfg.Store.Person(ctx, person); err != nil {
		return err
	}
	d.wake(ctx, p)
	return nil
}
