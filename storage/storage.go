// Package storage declares what wavebot keeps and how: the Store interface
// that the bbolt and Redis implementations share, and its errors. The
// conformance suite in storagetest holds every implementation to the same
// guarantees.
package storage

import (
	"context"
	"errors"
	"strings"
	"time"

	"wavebot/wave"
)

// Errors every Store returns, wrapped with what was being done.
var (
	ErrNotFound = errors.New("storage: not found")
	ErrExists   = errors.New("storage: already exists")
	// ErrConflict means an update kept losing to concurrent writers and gave
	// up; nothing was changed.
	ErrConflict = errors.New("storage: too many concurrent updates")
	// ErrCorrupt means a stored document could not be decoded; the error
	// names it.
	ErrCorrupt = errors.New("storage: corrupt document")
	// ErrUnavailable means the store could not be reached. Nothing was
	// changed, unless the error is also ErrOutcomeUnknown.
	ErrUnavailable = errors.New("storage: unavailable")
	// ErrOutcomeUnknown comes with ErrUnavailable when a change was sent
	// and the store stopped answering before it said whether it applied
	// it: the change may be stored.
	ErrOutcomeUnknown = errors.New("storage: the change may or may not be stored")
	// ErrFull means the store refused a change for want of room: Redis at
	// its maxmemory with eviction off, a full disk under bbolt. Nothing
	// was changed.
	ErrFull = errors.New("storage: full")
)

// WaveChange changes a wave in place and returns the audit events that
// describe the change. Returning an error aborts the update: nothing is
// written. It may be called more than once when writers race, so it must not
// have side effects.
type WaveChange func(w *wave.Wave) ([]wave.Event, error)

// PersonChange changes a person in place, like WaveChange.
type PersonChange func(p *wave.Person) ([]wave.Event, error)

// WorkflowChange changes a workflow track in place, like WaveChange.
type WorkflowChange func(w *wave.Workflow) ([]wave.Event, error)

// AuthListChange changes an authorization list in place, like WaveChange.
type AuthListChange func(l *wave.AuthList) ([]wave.Event, error)

// AuthTemplateChange changes an authorization template in place, like
// WaveChange.
type AuthTemplateChange func(t *wave.AuthTemplate) ([]wave.Event, error)

// Store keeps waves, people, workflow tracks and the audit trail. Every
// update of one document is atomic together with its audit events, and
// concurrent updates of the same document lose nothing.
type Store interface {
	// CreateWave stores a new wave; ErrExists if the id is taken.
	CreateWave(ctx context.Context, w wave.Wave, ev wave.Event) error
	// Wave loads one wave; ErrNotFound if there is none.
	Wave(ctx context.Context, id string) (wave.Wave, error)
	// Waves loads every wave, ordered by start date then id. A wave that
	// cannot be decoded is left out and named in an ErrCorrupt error
	// returned with the others.
	Waves(ctx context.Context) ([]wave.Wave, error)
	// UpdateWave applies change atomically and returns the stored result.
	UpdateWave(ctx context.Context, id string, change WaveChange) (wave.Wave, error)

	// Person loads one person; ErrNotFound if there is none.
	Person(ctx context.Context, id string) (wave.Person, error)
	// EnsurePerson returns the stored person with p's id, creating p when
	// there is none. With bootstrap set, the first person a store ever
	// creates becomes admin: whoever opens a fresh console installation
	// runs it. A server names its admins instead.
	EnsurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool) (wave.Person, error)
	// UpdatePerson applies change atomically; ErrNotFound if there is none.
	UpdatePerson(ctx context.Context, id string, change PersonChange) (wave.Person, error)

	// Workflow loads the KØR workflow track of forvaltning fv; ErrNotFound
	// if it was never changed.
	Workflow(ctx context.Context, fv string) (wave.Workflow, error)
	// UpdateWorkflow applies change to fv's track, starting from initial
	// when it was never stored, and recomputes the track's entry in the
	// due index (TrackSubject) in the same write.
	UpdateWorkflow(ctx context.Context, initial wave.Workflow, change WorkflowChange) (wave.Workflow, error)

	// AuthList loads the authorization list of enrolment waveID/fv;
	// ErrNotFound if none was ever stored.
	AuthList(ctx context.Context, waveID, fv string) (wave.AuthList, error)
	// UpdateAuthList applies change to the list, starting from an empty
	// one when none is stored. Writers of different rows never conflict
	// (see Table); its events go to the wave's audit trail.
	UpdateAuthList(ctx context.Context, waveID, fv string, change AuthListChange) (wave.AuthList, error)
	// AuthTemplate loads forvaltning fv's authorization template;
	// ErrNotFound if none was ever stored.
	AuthTemplate(ctx context.Context, fv string) (wave.AuthTemplate, error)
	// UpdateAuthTemplate applies change to the template like
	// UpdateAuthList; its events go to the audit trail of workflow tracks.
	UpdateAuthTemplate(ctx context.Context, fv string, change AuthTemplateChange) (wave.AuthTemplate, error)

	// Events returns the audit trail of a wave, newest first, at most limit
	// entries; with fv set, only that enrolment's events.
	Events(ctx context.Context, waveID, fv string, limit int) ([]wave.Event, error)

	// DueWaves lists the subjects whose next reminder is due at or before
	// until, earliest first, at most limit: wave ids, and KØR workflow
	// tracks named by TrackSubject. Every write of a wave or a track
	// recomputes its entry with the store's Due, so a sweep reads only
	// what is due.
	DueWaves(ctx context.Context, until time.Time, limit int) ([]string, error)
	// NextDue returns the earliest time in the due index; false when the
	// index is empty.
	NextDue(ctx context.Context) (time.Time, bool, error)
	// DeferWave moves subject id's entry in the due index to until, when
	// it has one and the wave (or, for a TrackSubject, the track) is still
	// at version: a subject whose reminders cannot go out now is looked at
	// again then, and does not hold up the others. One written since keeps
	// the entry its write computed, and the next write recomputes it as
	// usual. AnyVersion defers a subject that cannot be read.
	DeferWave(ctx context.Context, id string, version int64, until time.Time) error

	// ClaimRecipient takes the lease on one recipient's deliveries, so one
	// replica at a time sends to that person; see Lane.
	ClaimRecipient(ctx context.Context, req LaneRequest) (LaneClaim, error)
	// RenewRecipient extends the caller's lease by lease from now; false
	// when the caller no longer holds it, because another replica took it
	// after it ran out.
	RenewRecipient(ctx context.Context, recipient, token string, lease time.Duration) (bool, error)
	// SettleRecipient records what became of a recipient's reminders and
	// when the next message may go to them, and ends the caller's lease
	// when asked. Outcomes are recorded whoever holds the lease: they are
	// what happened.
	SettleRecipient(ctx context.Context, s Settlement) error

	// ClaimOnce records key until ttl has passed and reports whether this
	// call recorded it: of several calls with one key, exactly one gets
	// true. Adapters run a platform event that is retried or reaches
	// several replicas once.
	ClaimOnce(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// Dump hands the whole state to fn a part at a time, in this order:
	// waves, people, workflow tracks, authorization lists (by their
	// enrolment's reference "wave/forvaltning" as text), authorization
	// templates, the first person, the audit logs (the log of people and
	// workflow tracks first, then each wave's by id; events oldest first,
	// one log's parts in a row) and the reminder ledger. Each kind is
	// sorted (waves as Waves sorts them, the rest by id or key), so two
	// stores holding the same state dump the same parts; fn never gets an
	// empty part. Lists come whole, batched as ListBatcher says. Leases,
	// waits and ClaimOnce records are left out: they end within minutes
	// or hours. An error from fn stops the dump and is returned.
	Dump(ctx context.Context, fn func(Part) error) error
	// Load writes a part of a dump into the store, recomputing the due
	// index of its waves and tracks; ErrExists, with nothing of that write stored,
	// when a document, a list, the first person or a ledger entry in it
	// is stored already. A list is stored with the versions it carries,
	// its own and its rows'. Events are appended to the log the part
	// names. Restoring a dump is loading its parts in order into an empty
	// store.
	Load(ctx context.Context, p Part) error

	// Ping reports whether the store can be reached.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// AnyVersion asks DeferWave to defer a subject whatever its version.
const AnyVersion = -1

// Due says when a subject's next reminder falls due, for the due index;
// false when none is. The reminder rules implement it (notify.Policy);
// storage only keeps what it says.
type Due interface {
	WaveDue(w wave.Wave) (time.Time, bool)
	TrackDue(t wave.Workflow) (time.Time, bool)
}

// DueFunc is a Due of waves only: no track is ever due.
type DueFunc func(w wave.Wave) (time.Time, bool)

// WaveDue calls f.
func (f DueFunc) WaveDue(w wave.Wave) (time.Time, bool) { return f(w) }

// TrackDue reports nothing due.
func (f DueFunc) TrackDue(wave.Workflow) (time.Time, bool) { return time.Time{}, false }

// trackPrefix starts the due index's name of a track: a wave id has no
// ':' (wave.ValidID), so the two never meet.
const trackPrefix = "workflow:"

// TrackSubject names forvaltning fv's KØR workflow track in the due index.
func TrackSubject(fv string) string { return trackPrefix + fv }

// TrackOf reads a due index subject: the forvaltning whose track it
// names, false for a wave id.
func TrackOf(subject string) (string, bool) { return strings.CutPrefix(subject, trackPrefix) }

// The reminder ledger. Reminders go out by recipient: a replica takes a
// lease on a recipient (a lane), reads the state of the reminders it means
// to send them, sends one message and settles: each reminder's outcome,
// and how long the next message to that person must wait (pacing, or a
// platform's Retry-After). Leases and waits are judged by one clock, the
// store's (Redis's TIME; the bolt process's clock), never by the
// replicas', so replicas whose clocks disagree still agree on a lease.
// Every claim carries its owner's token, and only the owner renews or
// releases it. Lane records expire with their lease and wait; reminder
// outcomes are kept for LedgerRetention.

// LedgerRetention is how long the ledger remembers a reminder's outcome:
// far longer than any wave, so a reminder is never sent twice, and short
// enough that the ledger does not grow for ever.
const LedgerRetention = 400 * 24 * time.Hour

// Outcome is what became of a reminder.
type Outcome string

// Outcomes. All but Pending are final: the reminder is never tried again.
const (
	// Pending: not delivered yet.
	Pending Outcome = ""
	// Delivered: the platform accepted it.
	Delivered Outcome = "delivered"
	// GaveUp: it failed too often, across sweeps; the KS lead is told.
	GaveUp Outcome = "gave-up"
	// Undeliverable: the recipient cannot be reached on any platform of
	// the deployment; the KS lead is told.
	Undeliverable Outcome = "undeliverable"
)

// Final reports whether nothing more will be tried.
func (o Outcome) Final() bool { return o != Pending }

// ReminderState is the ledger's record of one reminder key.
type ReminderState struct {
	Outcome Outcome
	// Attempts counts failed attempts so far, across sweeps and replicas.
	Attempts int
}

// LaneRequest asks for the lease on one recipient.
type LaneRequest struct {
	Recipient string
	// Platform is the recipient's chat platform ("slack"); a wait set for
	// the whole platform (an app-wide rate limit) holds the claim too.
	// Empty for none.
	Platform string
	// Token identifies the caller's claim; a retried claim with the same
	// token finds its own lease.
	Token string
	Lease time.Duration
	// Keys are the reminders the caller means to send; the claim returns
	// their states, read under the lease when it is granted.
	Keys []string
}

// LaneClaim is the answer to ClaimRecipient.
type LaneClaim struct {
	Granted bool
	// Wait is, when the claim was refused, how long until it could be
	// granted: the rest of another replica's lease, or of a wait.
	Wait time.Duration
	// States holds the state of each requested key, in order: a refused
	// claimer learns which reminders need nothing more.
	States []ReminderState
}

// Settlement is what a replica reports about a recipient's reminders.
type Settlement struct {
	Recipient, Platform, Token string
	// Keys get Outcome; with Outcome Pending their failed attempts grow by
	// Failed instead. A final outcome is never overwritten.
	Keys    []string
	Outcome Outcome
	Failed  int
	// NotBefore: no message goes to the recipient before this much time
	// has passed, by the store's clock.
	NotBefore time.Duration
	// PlatformNotBefore: no message goes to anyone on Platform before this
	// much time has passed.
	PlatformNotBefore time.Duration
	// Release ends the caller's lease, if it still holds it.
	Release bool
	// ID makes a retried settlement count once; the caller picks it.
	ID string
}

// Part is a piece of a store's whole state, as Dump hands it out and
// Load takes it: usually one kind of record, a bounded number of them.
type Part struct {
	Waves     []wave.Wave
	People    []wave.Person
	Workflows []wave.Workflow
	// AuthLists and Templates hold lists of rows, each whole: its rows,
	// its Version and every row's Version, which the pages send back to
	// notice a change made meanwhile.
	AuthLists []wave.AuthList
	Templates []wave.AuthTemplate
	// FirstPerson is the id of the first person the store created: the
	// console's bootstrap admin, who stays the only one.
	FirstPerson string
	// Log names the audit log Events belong to: a wave's id, or "" for
	// the log of people and workflow tracks.
	Log    string
	Events []wave.Event
	Ledger []LedgerEntry
}

// Empty reports whether the part holds nothing.
func (p Part) Empty() bool {
	return len(p.Waves) == 0 && len(p.People) == 0 && len(p.Workflows) == 0 && len(p.AuthLists) == 0 &&
		len(p.Templates) == 0 && p.FirstPerson == "" && len(p.Events) == 0 && len(p.Ledger) == 0
}

// LedgerEntry is the ledger's record of one reminder key and when the
// ledger forgets it, to the millisecond.
type LedgerEntry struct {
	Key string
	ReminderState
	Expires time.Time
}
