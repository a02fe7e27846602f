package metrics

import (
	"context"
	"errors"
	"time"

	"wavebot/storage"
	"wavebot/wave"
)

// Store wraps s so every operation is timed and its failures counted.
func (m *Metrics) Store(s storage.Store) storage.Store { return &store{next: s, m: m} }

type store struct {
	next storage.Store
	m    *Metrics
}

var _ storage.Store = (*store)(nil)

// done records one operation that started at start and ended with *err.
// An update's own refusal (its change function's error) is the caller's
// answer, not a failure of the store: updates count storage's errors only.
func (s *store) done(op string, start time.Time, err *error) {
	s.m.storeDuration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	e := *err
	var kind string
	switch {
	case e == nil, errors.Is(e, storage.ErrNotFound), errors.Is(e, storage.ErrExists), errors.Is(e, context.Canceled):
		return
	case errors.Is(e, storage.ErrFull):
		kind = "full"
	case errors.Is(e, storage.ErrOutcomeUnknown):
		kind = "outcome_unknown"
	case errors.Is(e, storage.ErrUnavailable):
		kind = "unavailable"
	case errors.Is(e, storage.ErrConflict):
		kind = "conflict"
	case errors.Is(e, storage.ErrCorrupt):
		kind = "corrupt"
	case op == "update_wave" || op == "update_person" || op == "update_workflow":
		return
	default:
		kind = "other"
	}
	s.m.storeErrors.WithLabelValues(op, kind).Inc()
}

func (s *store) CreateWave(ctx context.Context, w wave.Wave, ev wave.Event) (err error) {
	defer s.done("create_wave", time.Now(), &err)
	return s.next.CreateWave(ctx, w, ev)
}

func (s *store) Wave(ctx context.Context, id string) (_ wave.Wave, err error) {
	defer s.done("wave", time.Now(), &err)
	return s.next.Wave(ctx, id)
}

func (s *store) Waves(ctx context.Context) (_ []wave.Wave, err error) {
	defer s.done("waves", time.Now(), &err)
	return s.next.Waves(ctx)
}

func (s *store) UpdateWave(ctx context.Context, id string, change storage.WaveChange) (_ wave.Wave, err error) {
	defer s.done("update_wave", time.Now(), &err)
	return s.next.UpdateWave(ctx, id, change)
}

func (s *store) Person(ctx context.Context, id string) (_ wave.Person, err error) {
	defer s.done("person", time.Now(), &err)
	return s.next.Person(ctx, id)
}

func (s *store) EnsurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool) (_ wave.Person, err error) {
	defer s.done("ensure_person", time.Now(), &err)
	return s.next.EnsurePerson(ctx, p, ev, bootstrap)
}

func (s *store) UpdatePerson(ctx context.Context, id string, change storage.PersonChange) (_ wave.Person, err error) {
	defer s.done("update_person", time.Now(), &err)
	return s.next.UpdatePerson(ctx, id, change)
}

func (s *store) Workflow(ctx context.Context, fv string) (_ wave.Workflow, err error) {
	defer s.done("workflow", time.Now(), &err)
	return s.next.Workflow(ctx, fv)
}

func (s *store) UpdateWorkflow(ctx context.Context, initial wave.Workflow, change storage.WorkflowChange) (_ wave.Workflow, err error) {
	defer s.done("update_workflow", time.Now(), &err)
	return s.next.UpdateWorkflow(ctx, initial, change)
}

func (s *store) Events(ctx context.Context, waveID, fv string, limit int) (_ []wave.Event, err error) {
	defer s.done("events", time.Now(), &err)
	return s.next.Events(ctx, waveID, fv, limit)
}

func (s *store) DueWaves(ctx context.Context, until time.Time, limit int) (_ []string, err error) {
	defer s.done("due_waves", time.Now(), &err)
	return s.next.DueWaves(ctx, until, limit)
}

func (s *store) NextDue(ctx context.Context) (_ time.Time, _ bool, err error) {
	defer s.done("next_due", time.Now(), &err)
	return s.next.NextDue(ctx)
}

func (s *store) DeferWave(ctx context.Context, id string, version int64, until time.Time) (err error) {
	defer s.done("defer_wave", time.Now(), &err)
	return s.next.DeferWave(ctx, id, version, until)
}

func (s *store) AuthList(ctx context.Context, waveID, fv string) (_ wave.AuthList, err error) {
	defer s.done("auth_list", time.Now(), &err)
	return s.next.AuthList(ctx, waveID, fv)
}

func (s *store) UpdateAuthList(ctx context.Context, waveID, fv string, change storage.AuthListChange) (_ wave.AuthList, err error) {
	defer s.done("update_auth_list", time.Now(), &err)
	return s.next.UpdateAuthList(ctx, waveID, fv, change)
}

func (s *store) AuthTemplate(ctx context.Context, fv string) (_ wave.AuthTemplate, err error) {
	defer s.done("auth_template", time.Now(), &err)
	return s.next.AuthTemplate(ctx, fv)
}

func (s *store) UpdateAuthTemplate(ctx context.Context, fv string, change storage.AuthTemplateChange) (_ wave.AuthTemplate, err error) {
	defer s.done("update_auth_template", time.Now(), &err)
	return s.next.UpdateAuthTemplate(ctx, fv, change)
}

func (s *store) ClaimRecipient(ctx context.Context, req storage.LaneRequest) (_ storage.LaneClaim, err error) {
	defer s.done("claim_recipient", time.Now(), &err)
	return s.next.ClaimRecipient(ctx, req)
}

func (s *store) RenewRecipient(ctx context.Context, recipient, token string, lease time.Duration) (_ bool, err error) {
	defer s.done("renew_recipient", time.Now(), &err)
	return s.next.RenewRecipient(ctx, recipient, token, lease)
}

func (s *store) SettleRecipient(ctx context.Context, st storage.Settlement) (err error) {
	defer s.done("settle_recipient", time.Now(), &err)
	return s.next.SettleRecipient(ctx, st)
}

func (s *store) ClaimOnce(ctx context.Context, key string, ttl time.Duration) (_ bool, err error) {
	defer s.done("claim_once", time.Now(), &err)
	return s.next.ClaimOnce(ctx, key, ttl)
}

func (s *store) Dump(ctx context.Context, fn func(storage.Part) error) (err error) {
	defer s.done("dump", time.Now(), &err)
	return s.next.Dump(ctx, fn)
}

func (s *store) Load(ctx context.Context, p storage.Part) (err error) {
	defer s.done("load", time.Now(), &err)
	return s.next.Load(ctx, p)
}

func (s *store) Ping(ctx context.Context) (err error) {
	defer s.done("ping", time.Now(), &err)
	return s.next.Ping(ctx)
}

func (s *store) Close() error { return s.next.Close() }
