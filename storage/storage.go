// Package storage declares what wavebot keeps and how: the Store interface
// that the bbolt and Redis implementations share, and its errors. The
// conformance suite in storagetest holds every implementation to the same
// guarantees.
package storage

import (
	"context"
	"errors"
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
	// ErrUnavailable means the store could not be reached; nothing was changed.
	ErrUnavailable = errors.New("storage: unavailable")
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

	// Workflow loads the workflow track of forvaltning fv; ErrNotFound if it
	// was never changed.
	Workflow(ctx context.Context, fv string) (wave.Workflow, error)
	// UpdateWorkflow applies change to fv's track, starting from initial
	// when it was never stored.
	UpdateWorkflow(ctx context.Context, initial wave.Workflow, change WorkflowChange) (wave.Workflow, error)

	// Events returns the audit trail of a wave, newest first, at most limit
	// entries; with fv set, only that enrolment's events.
	Events(ctx context.Context, waveID, fv string, limit int) ([]wave.Event, error)

	// DueWaves lists the ids of waves whose next reminder is due at or
	// before until, earliest first, at most limit. Every write of a wave
	// recomputes its entry with the store's DueFunc, so a sweep reads only
	// what is due.
	DueWaves(ctx context.Context, until time.Time, limit int) ([]string, error)
	// NextDue returns the earliest time in the due index; false when the
	// index is empty.
	NextDue(ctx context.Context) (time.Time, bool, error)
	// ClaimReminder takes a lease on reminder key until now+lease, so one
	// replica delivers it; see Claim.
	ClaimReminder(ctx context.Context, key string, now time.Time, lease time.Duration) (Claim, error)
	// CompleteReminder records that reminder key was delivered; it is never
	// claimed again.
	CompleteReminder(ctx context.Context, key string) error

	// ClaimOnce records key until ttl has passed and reports whether this
	// call recorded it: of several calls with one key, exactly one gets
	// true. Adapters run a platform event that is retried or reaches
	// several replicas once.
	ClaimOnce(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// Ping reports whether the store can be reached.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// DueFunc says when a wave's next reminder falls due; false when none is.
type DueFunc func(w wave.Wave) (time.Time, bool)

// Claim is the outcome of ClaimReminder.
type Claim int

// Claim outcomes.
const (
	// Claimed: the caller holds the lease and should deliver.
	Claimed Claim = iota
	// Held: another replica holds an unexpired lease.
	Held
	// Delivered: the reminder was delivered already.
	Delivered
)
