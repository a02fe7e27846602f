package commands

import (
	"context"
	"slices"

	"wavebot/wave"
)

// Presence is who a person is to wavebot, for an adapter that greets them.
type Presence struct {
	// ID is the person's id, after any link is followed.
	ID string
	// Lang is the language wavebot writes to them in.
	Lang string
	// Role says their role in Lang: "admin", "kontaktperson for b3/BUF".
	Role string
}

// Whoami says who the person c names is, loading them as their first
// command would: a person wavebot has not met is created, so the first
// person of a console's fresh store is greeted as the admin they are.
func (d *Dispatcher) Whoami(ctx context.Context, c Caller) (Presence, error) {
	me, err := d.caller(ctx, c)
	if err != nil {
		return Presence{}, err
	}
	lang := d.cfg.Lang
	if me.Lang != "" {
		lang = me.Lang
	}
	var refs []string
	if me.Role == wave.RoleContact {
		waves, err := d.waves(ctx)
		if err != nil {
			return Presence{}, err
		}
		for _, w := range waves {
			for _, e := range w.Enrolments {
				if !w.IsClosed() && e.HasContact(me.ID) {
					refs = append(refs, w.ID+"/"+e.FV)
				}
			}
		}
		slices.Sort(refs)
	}
	return Presence{ID: me.ID, Lang: lang, Role: roleText(lang, me.Role, refs)}, nil
}
