package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/storage"
	"wavebot/wave"
)

// Lists of rows (see storage.Table), in the deployment's hash slot like
// everything else:
//
//	{P}al:WAVE/FV        hash: v = version of the whole, hv = version of the header, doc = header JSON
//	{P}al:WAVE/FV:rows   hash: row id -> row JSON
//	{P}al:WAVE/FV:rv     hash: row id -> row version
//	{P}at:FV (+ :rows, :rv)   a forvaltning's authorization template, the same way
//
// An authorization list's events go to its wave's audit stream, a
// template's to the stream of people and workflow tracks.

func (s *Store) authListKey(waveID, fv string) string { return s.key("al:", waveID, "/", fv) }
func (s *Store) templateKey(fv string) string         { return s.key("at:", fv) }

// readTable reads a list in one MULTI/EXEC, so header and rows are of one
// moment.
func (s *Store) readTable(ctx context.Context, key string) (storage.Table, error) {
	var t storage.Table
	var head *goredis.SliceCmd
	var rows, versions *goredis.MapStringStringCmd
	err := s.call(ctx, "read "+key, false, func(ctx context.Context) error {
		_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			head = p.HMGet(ctx, key, "v", "hv", "doc")
			rows = p.HGetAll(ctx, key+":rows")
			versions = p.HGetAll(ctx, key+":rv")
			return nil
		})
		return err
	})
	if err != nil {
		return t, err
	}
	h := head.Val()
	doc, _ := h[2].(string)
	if doc == "" {
		return t, nil
	}
	v, _ := h[0].(string)
	hv, _ := h[1].(string)
	var err1, err2 error
	t.Header = []byte(doc)
	t.Version, err1 = strconv.ParseInt(v, 10, 64)
	t.HeaderVersion, err2 = strconv.ParseInt(hv, 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return t, fmt.Errorf("read %s: %w: bad version: %w", key, storage.ErrCorrupt, err)
	}
	vs := versions.Val()
	for id, row := range rows.Val() {
		n, err1 := strconv.Atoi(id)
		rv, err2 := strconv.ParseInt(vs[id], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return t, fmt.Errorf("read %s row %q: %w: %w", key, id, storage.ErrCorrupt, err)
		}
		t.Rows = append(t.Rows, storage.TableRow{ID: n, Version: rv, Doc: []byte(row)})
	}
	slices.SortFunc(t.Rows, func(a, b storage.TableRow) int { return a.ID - b.ID })
	return t, nil
}

// updateTable runs change under the table's compare-and-set until it wins,
// at most maxAttempts times. A write of rows alone loses only to a write
// of the same rows or of the header, so people saving different rows do
// not retry.
func updateTable[D any](ctx context.Context, s *Store, key, log string, codec storage.Codec[D], initial D, change func(*D) ([]wave.Event, error)) (D, error) {
	var zero D
	for attempt := range maxAttempts {
		t, err := s.readTable(ctx, key)
		if err != nil {
			return zero, err
		}
		d, w, events, err := codec.Update(t, initial, change)
		if err != nil {
			return zero, err
		}
		if w.Empty() && len(events) == 0 {
			return d, nil
		}
		mode := "rows"
		if w.Whole {
			mode = "whole"
		}
		args := []any{mode, t.Version, t.HeaderVersion, string(w.Header), writeIDTTL.Milliseconds(), len(w.Rows)}
		for i, r := range w.Rows {
			args = append(args, r.ID, w.Read[i], string(r.Doc))
		}
		args = append(args, len(w.Deleted))
		for _, id := range w.Deleted {
			args = append(args, id)
		}
		for _, ev := range events {
			b, err := json.Marshal(ev)
			if err != nil {
				return zero, fmt.Errorf("encode event: %w", err)
			}
			args = append(args, b)
		}
		wid := newWriteID()
		var won int
		err = s.call(ctx, "write "+key, true, func(ctx context.Context) error {
			var err error
			won, err = tableScript.Run(ctx, s.rdb, []string{key, key + ":rows", key + ":rv", log, s.writeKey(wid)}, args...).Int()
			return err
		})
		if err != nil {
			return zero, err
		}
		if won > 0 {
			return d, nil
		}
		if err := backoff(ctx, attempt); err != nil {
			return zero, err
		}
	}
	return zero, storage.ErrConflict
}

// tableScript writes what an update of a list changed, if what it read
// still stands: with mode "whole", the whole list's version; with mode
// "rows", the header's version and the version of each row it writes. It
// returns 1 when it wrote, 0 when another writer came first, and 2 when
// this very write (its write id, KEYS[5]) was applied before.
//
//	KEYS: header, rows, row versions, log, write id
//	ARGV: mode, version read, header version read, new header ("" keeps it),
//	      write id ttl ms, number of rows n, n × (id, version read, row JSON),
//	      number of deleted rows m, m × id, events...
var tableScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[5]) == 1 then return 2 end
local h = redis.call('HMGET', KEYS[1], 'v', 'hv')
local v, hv = tonumber(h[1]) or 0, tonumber(h[2]) or 0
if ARGV[1] == 'whole' then
  if v ~= tonumber(ARGV[2]) then return 0 end
elseif hv ~= tonumber(ARGV[3]) then
  return 0
end
local n = tonumber(ARGV[6])
local i = 7
for j = 0, n - 1 do
  local read = tonumber(redis.call('HGET', KEYS[3], ARGV[i + 3 * j])) or 0
  if read ~= tonumber(ARGV[i + 3 * j + 1]) then return 0 end
end
for j = 0, n - 1 do
  local id = ARGV[i + 3 * j]
  redis.call('HSET', KEYS[2], id, ARGV[i + 3 * j + 2])
  redis.call('HSET', KEYS[3], id, tonumber(ARGV[i + 3 * j + 1]) + 1)
end
i = i + 3 * n
local m = tonumber(ARGV[i])
for j = 1, m do
  redis.call('HDEL', KEYS[2], ARGV[i + j])
  redis.call('HDEL', KEYS[3], ARGV[i + j])
end
i = i + m + 1
redis.call('HSET', KEYS[1], 'v', v + 1)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'hv', hv + 1, 'doc', ARGV[4]) end
for k = i, #ARGV do redis.call('XADD', KEYS[4], '*', 'e', ARGV[k]) end
redis.call('SET', KEYS[5], '1', 'PX', ARGV[5])
return 1
`)

// loadTable reads a list; ErrNotFound if it was never stored.
func loadTable[D any](ctx context.Context, s *Store, key string, codec storage.Codec[D]) (D, error) {
	var zero D
	t, err := s.readTable(ctx, key)
	if err != nil {
		return zero, err
	}
	if t.Header == nil {
		return zero, storage.ErrNotFound
	}
	return codec.Load(t, zero)
}

// AuthList loads an enrolment's authorization list.
func (s *Store) AuthList(ctx context.Context, waveID, fv string) (wave.AuthList, error) {
	l, err := loadTable(ctx, s, s.authListKey(waveID, fv), storage.AuthLists)
	if err != nil {
		return wave.AuthList{}, fmt.Errorf("load authorization list %s/%s: %w", waveID, fv, err)
	}
	return l, nil
}

// UpdateAuthList applies change to an enrolment's authorization list.
func (s *Store) UpdateAuthList(ctx context.Context, waveID, fv string, change storage.AuthListChange) (wave.AuthList, error) {
	l, err := updateTable(ctx, s, s.authListKey(waveID, fv), s.waveLog(waveID), storage.AuthLists, wave.AuthList{Wave: waveID, FV: fv}, change)
	if err != nil {
		return wave.AuthList{}, fmt.Errorf("update authorization list %s/%s: %w", waveID, fv, err)
	}
	return l, nil
}

// AuthTemplate loads a forvaltning's authorization template.
func (s *Store) AuthTemplate(ctx context.Context, fv string) (wave.AuthTemplate, error) {
	t, err := loadTable(ctx, s, s.templateKey(fv), storage.AuthTemplates)
	if err != nil {
		return wave.AuthTemplate{}, fmt.Errorf("load authorization template %s: %w", fv, err)
	}
	return t, nil
}

// UpdateAuthTemplate applies change to a forvaltning's authorization template.
func (s *Store) UpdateAuthTemplate(ctx context.Context, fv string, change storage.AuthTemplateChange) (wave.AuthTemplate, error) {
	t, err := updateTable(ctx, s, s.templateKey(fv), s.globalLog(), storage.AuthTemplates, wave.AuthTemplate{FV: fv}, change)
	if err != nil {
		return wave.AuthTemplate{}, fmt.Errorf("update authorization template %s: %w", fv, err)
	}
	return t, nil
}
