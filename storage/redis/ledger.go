package redis

import (
	"context"
	"fmt"
	"time"

	"wavebot/storage"
)

// ClaimRecipient takes the lease on a recipient when nobody else holds it
// and no wait runs, and reads the requested keys' states, in one script.
func (s *Store) ClaimRecipient(ctx context.Context, req storage.LaneRequest) (storage.LaneClaim, error) {
	keys := []string{s.laneKey(req.Recipient), s.platformKey(req.Platform)}
	for _, k := range req.Keys {
		keys = append(keys, s.reminderKey(k))
	}
	var out []any
	err := s.call(ctx, "claim recipient "+req.Recipient, true, func(ctx context.Context) error {
		var err error
		out, err = claimScript.Run(ctx, s.rdb, keys, req.Token, req.Lease.Milliseconds(), s.now(), flag(req.Platform != "")).Slice()
		return err
	})
	if err != nil {
		return storage.LaneClaim{}, err
	}
	wait, ok := out[1].(int64)
	if len(out) != 2+2*len(req.Keys) || !ok {
		return storage.LaneClaim{}, fmt.Errorf("claim recipient %s: unexpected answer %v", req.Recipient, out)
	}
	claim := storage.LaneClaim{Granted: out[0] == int64(1), Wait: time.Duration(wait) * time.Millisecond}
	for i := 2; i < len(out); i += 2 {
		outcome, _ := out[i].(string)
		attempts, _ := out[i+1].(int64)
		claim.States = append(claim.States, storage.ReminderState{Outcome: storage.Outcome(outcome), Attempts: int(attempts)})
	}
	return claim, nil
}

// RenewRecipient extends the caller's lease; false when it is not the owner.
func (s *Store) RenewRecipient(ctx context.Context, recipient, token string, lease time.Duration) (bool, error) {
	var renewed int
	err := s.call(ctx, "renew recipient "+recipient, true, func(ctx context.Context) error {
		var err error
		renewed, err = renewScript.Run(ctx, s.rdb, []string{s.laneKey(recipient)}, token, lease.Milliseconds(), s.now()).Int()
		return err
	})
	return renewed == 1, err
}

// SettleRecipient records the keys' outcome and the waits, and releases
// the caller's lease when asked, once per settlement id.
func (s *Store) SettleRecipient(ctx context.Context, st storage.Settlement) error {
	id := st.ID
	if id == "" {
		id = newWriteID()
	}
	keys := []string{s.laneKey(st.Recipient), s.platformKey(st.Platform), s.writeKey("settle:" + id)}
	for _, k := range st.Keys {
		keys = append(keys, s.reminderKey(k))
	}
	platformWait := st.PlatformNotBefore
	if st.Platform == "" {
		platformWait = 0 // a recipient without a platform has no platform to hold
	}
	return s.call(ctx, "settle recipient "+st.Recipient, true, func(ctx context.Context) error {
		return settleScript.Run(ctx, s.rdb, keys, st.Token, string(st.Outcome), st.Failed,
			st.NotBefore.Milliseconds(), platformWait.Milliseconds(), flag(st.Release), s.now(),
			storage.LedgerRetention.Milliseconds(), writeIDTTL.Milliseconds()).Err()
	})
}

// flag is a boolean as the scripts read it.
func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
