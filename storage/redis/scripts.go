package redis

import goredis "github.com/redis/go-redis/v9"

// The scripts read the time with clockLua: the caller's ARGV value when the
// store has a Clock (tests, the console), else Redis's own TIME, so every
// replica's leases and waits are judged by one clock. Keys expire by
// PEXPIRE and PX, relative to that time, never at an absolute instant:
// Redis judges those by its own wall clock, which a Clock need not match.
const clockLua = `
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

// casScript writes a document if its version is still ARGV[1] ("0": it
// must not exist), with its audit events and its due index entry, once:
// a retry that finds its write id (KEYS[4]) already recorded returns 2
// without writing again.
//
//	KEYS: document, log, due index, write id
//	ARGV: expected version, new version, document,
//	      due score ("" removes the entry, "-" leaves the index alone), due member,
//	      write id ttl ms, events...
var casScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[4]) == 1 then return 2 end
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'doc', ARGV[3])
if ARGV[4] == '' then
  redis.call('ZREM', KEYS[3], ARGV[5])
elseif ARGV[4] ~= '-' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
end
for i = 7, #ARGV do redis.call('XADD', KEYS[2], '*', 'e', ARGV[i]) end
redis.call('SET', KEYS[4], '1', 'PX', ARGV[6])
return 1
`)

// createScript stores a new wave, lists it, indexes it and logs its first
// event in one step; 0 when the id is taken, 2 when this very write (its
// write id) was applied before.
//
//	KEYS: document, log, due index, set of waves, write id
//	ARGV: document, due score ("" for none), wave id, write id ttl ms, event
var createScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[5]) == 1 then return 2 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', '1', 'doc', ARGV[1])
redis.call('SADD', KEYS[4], ARGV[3])
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3]) end
redis.call('XADD', KEYS[2], '*', 'e', ARGV[5])
redis.call('SET', KEYS[5], '1', 'PX', ARGV[4])
return 1
`)

// ensureScript returns a person's document, creating it when missing; with
// ARGV[6] set, the first person ever created gets the admin document
// instead. A retry finds the document it created.
//
//	KEYS: person, first person, log
//	ARGV: id, document, admin document, event, admin event, bootstrap ("1")
var ensureScript = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'doc')
if cur then return cur end
local doc, ev = ARGV[2], ARGV[4]
if ARGV[6] == '1' and redis.call('SET', KEYS[2], ARGV[1], 'NX') then doc, ev = ARGV[3], ARGV[5] end
redis.call('HSET', KEYS[1], 'v', '1', 'doc', doc)
redis.call('XADD', KEYS[3], '*', 'e', ev)
return doc
`)

// claimScript takes the lease on a recipient's lane unless another token
// holds an unexpired one or a wait (the lane's or, with ARGV[4] set, the
// platform's) runs, and reads the outcome and attempts of each reminder
// key: {1, 0, states...} when granted, {0, ms to wait, states...} when
// not. The lane expires with its lease or wait.
//
//	KEYS: lane, platform wait, reminder keys...
//	ARGV: token, lease ms, now ms ("" for Redis's TIME), has a platform ("1")
var claimScript = goredis.NewScript(clockLua + `
local now = clock(ARGV[3])
local lane = redis.call('HMGET', KEYS[1], 'owner', 'until', 'nb')
local owner, untilv, nb = lane[1], tonumber(lane[2]) or 0, tonumber(lane[3]) or 0
local out = {1, 0}
if owner and owner ~= ARGV[1] and untilv > now then
  out = {0, untilv - now}
else
  local wait = nb
  if ARGV[4] == '1' then wait = math.max(wait, tonumber(redis.call('GET', KEYS[2])) or 0) end
  if wait > now then
    out = {0, wait - now}
  else
    untilv = now + tonumber(ARGV[2])
    redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'until', untilv)
    redis.call('PEXPIRE', KEYS[1], math.max(untilv, nb) - now)
  end
end
for i = 3, #KEYS do
  local st = redis.call('HMGET', KEYS[i], 'o', 'a')
  out[#out + 1] = st[1] or ''
  out[#out + 1] = tonumber(st[2]) or 0
end
return out
`)

// renewScript extends the lease of token ARGV[1] by ARGV[2] ms from now;
// 0 when another token owns the lane or nobody does.
//
//	KEYS: lane
//	ARGV: token, lease ms, now ms ("" for Redis's TIME)
var renewScript = goredis.NewScript(clockLua + `
local now = clock(ARGV[3])
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
local untilv = now + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'until', untilv)
local nb = tonumber(redis.call('HGET', KEYS[1], 'nb')) or 0
redis.call('PEXPIRE', KEYS[1], math.max(untilv, nb) - now)
return 1
`)

// settleScript records the outcome of reminder keys (never overwriting a
// final one) or adds failed attempts, sets the recipient's and the
// platform's waits, and releases the lease of token ARGV[1] when asked;
// once per settlement id (KEYS[3]).
//
//	KEYS: lane, platform wait, settlement id, reminder keys...
//	ARGV: token, outcome ("" for pending), failed attempts, wait ms,
//	      platform wait ms (0 when the recipient has no platform), release ("1"),
//	      now ms ("" for Redis's TIME), retention ms, settlement id ttl ms
var settleScript = goredis.NewScript(clockLua + `
if redis.call('EXISTS', KEYS[3]) == 1 then return 2 end
local now = clock(ARGV[7])
for i = 4, #KEYS do
  if not redis.call('HGET', KEYS[i], 'o') then
    if ARGV[2] ~= '' then
      redis.call('HSET', KEYS[i], 'o', ARGV[2])
      redis.call('PEXPIRE', KEYS[i], ARGV[8])
    elseif tonumber(ARGV[3]) > 0 then
      redis.call('HINCRBY', KEYS[i], 'a', ARGV[3])
      redis.call('PEXPIRE', KEYS[i], ARGV[8])
    end
  end
end
local pwait = tonumber(ARGV[5])
if pwait > 0 then
  local pend = math.max(tonumber(redis.call('GET', KEYS[2])) or 0, now + pwait)
  redis.call('SET', KEYS[2], pend, 'PX', pend - now)
end
local lane = redis.call('HMGET', KEYS[1], 'owner', 'until', 'nb')
local owner, untilv, nb = lane[1], tonumber(lane[2]) or 0, tonumber(lane[3]) or 0
if tonumber(ARGV[4]) > 0 then
  nb = math.max(nb, now + tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'nb', nb)
end
if ARGV[6] == '1' and owner == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'owner', 'until')
  untilv = 0
end
local lane_end = math.max(untilv, nb)
if lane_end <= now then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], lane_end - now) end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[9])
return 1
`)

// deferScript moves a subject's due entry (KEYS[2], member ARGV[3]) to
// ARGV[2] when it has one and its document, a wave or a track (KEYS[1]),
// is still at version ARGV[1] ("-1": any): a decision about an older
// version never overrides the entry a later write computed.
var deferScript = goredis.NewScript(`
if ARGV[1] ~= '-1' and redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
return redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[3])
`)

// The loading scripts write a part of a dump: all of a chunk, or nothing
// when any of its documents exists already (0). Each records its write id
// (KEYS[1]) so a retry after a lost reply returns 2 without writing again.

// loadWavesScript stores waves, lists them and indexes their due times.
//
//	KEYS: write id, set of waves, due index, wave documents...
//	ARGV: write id ttl ms, then per wave: id, version, document, due score ("" for none)
var loadWavesScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 4, #KEYS do
  local a = 2 + (i - 4) * 4
  redis.call('HSET', KEYS[i], 'v', ARGV[a + 1], 'doc', ARGV[a + 2])
  redis.call('SADD', KEYS[2], ARGV[a])
  if ARGV[a + 3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[a + 3], ARGV[a]) end
end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

// loadTracksScript stores KØR workflow tracks and indexes their due
// times, like loadWavesScript.
//
//	KEYS: write id, due index, track documents...
//	ARGV: write id ttl ms, then per track: due member, version, document, due score ("" for none)
var loadTracksScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 3, #KEYS do
  local a = 2 + (i - 3) * 4
  redis.call('HSET', KEYS[i], 'v', ARGV[a + 1], 'doc', ARGV[a + 2])
  if ARGV[a + 3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[a + 3], ARGV[a]) end
end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

// loadDocsScript stores documents with their versions.
//
//	KEYS: write id, documents...
//	ARGV: write id ttl ms, then per document: version, document
var loadDocsScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 2, #KEYS do
  local a = 2 + (i - 2) * 2
  redis.call('HSET', KEYS[i], 'v', ARGV[a], 'doc', ARGV[a + 1])
end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

// loadFirstScript records the first person.
//
//	KEYS: write id, first person
//	ARGV: write id ttl ms, person id
var loadFirstScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

// loadEventsScript appends events to an audit log.
//
//	KEYS: write id, log
//	ARGV: write id ttl ms, events...
var loadEventsScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
for i = 2, #ARGV do redis.call('XADD', KEYS[2], '*', 'e', ARGV[i]) end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

// loadLedgerScript stores reminder states with their ends.
//
//	KEYS: write id, reminder keys...
//	ARGV: write id ttl ms, then per key: outcome ("" for pending), failed attempts, end (unix ms)
var loadLedgerScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 2, #KEYS do
  local a = 2 + (i - 2) * 3
  if ARGV[a] ~= '' then redis.call('HSET', KEYS[i], 'o', ARGV[a]) end
  if tonumber(ARGV[a + 1]) > 0 then redis.call('HSET', KEYS[i], 'a', ARGV[a + 1]) end
  redis.call('PEXPIREAT', KEYS[i], ARGV[a + 2])
end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

// loadListsScript stores lists of rows (see lists.go) with their
// versions.
//
//	KEYS: write id, then per list: header, rows, row versions
//	ARGV: write id ttl ms, then per list: version, header version, header,
//	      number of rows n, n × (id, version, row JSON)
var loadListsScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
local a = 2
for i = 2, #KEYS, 3 do
  redis.call('HSET', KEYS[i], 'v', ARGV[a], 'hv', ARGV[a + 1], 'doc', ARGV[a + 2])
  local n = tonumber(ARGV[a + 3])
  a = a + 4
  for j = 1, n do
    redis.call('HSET', KEYS[i + 1], ARGV[a], ARGV[a + 2])
    redis.call('HSET', KEYS[i + 2], ARGV[a], ARGV[a + 1])
    a = a + 3
  end
end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

var scripts = []*goredis.Script{deferScript, casScript, createScript, ensureScript, claimScript, renewScript, settleScript,
	loadWavesScript, loadTracksScript, loadDocsScript, loadFirstScript, loadEventsScript, loadLedgerScript, loadListsScript}
