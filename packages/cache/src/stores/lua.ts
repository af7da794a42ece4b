/**
 * Lua scripts. Each touches only keys of one slot: the entry, its lease and the namespace's
 * clock, origin and tag marks all carry the namespace as `{hash tag}` (see keys.ts), so they run
 * unchanged on a single node and on Redis Cluster.
 *
 * Layout, per namespace (`N` = `<prefix>:{<namespace>}:tg:`):
 *   `N~c`  the namespace clock: an integer that every invalidation in the namespace increments.
 *   `N~o`  the origin: the clock value when this Redis started remembering the namespace.
 *          Both are created together from Redis TIME in microseconds, so a Redis that forgot
 *          (restart, FLUSHALL, a failover that lost writes and was rotated) starts far above any
 *          clock value an old entry or in-flight fill can carry.
 *   `Nh:<tag>` / `Ns:<tag>`  the clock value of the tag's last hard / soft invalidation (absent:
 *          never). Marks carry NO TTL: under a `volatile-*` eviction policy Redis evicts only
 *          keys with one, and an evicted mark would make an entry built before it look valid.
 *   `N~n`  Cluster only: the address of the master that set the origin. A read served by another
 *          master means a failover handed the slot to a node that may have missed invalidations
 *          (replication is asynchronous), so the reader moves the origin first (store side:
 *          redis-store.ts).
 *   `Np:<tag>`  the newest database position (positions.ts: 16 hex digits) a write recorded
 *          with an invalidation of the tag, when the caller passed one. A fill reads it before its
 *          loader runs, so the loader can pick a database replica that has replayed that write.
 *          No TTL and dated and pruned like the marks: it is a mark's companion.
 *   `N~x`  ZSET of the marks (and positions) by when they were set (ms): marks older than the
 *          longest entry lifetime guard nothing (no entry can predate them), and each marking
 *          script deletes up to 100 of those, so marks do not pile up.
 * Scripts that set marks run with `allow-oom`: under `noeviction` with memory full, a mark must
 * still land (it is tiny), or a committed write would stay invisible to readers.
 *   entry  STRING `<header JSON>\n<payload>` (PX until expires-at), header =
 *          {"t": tags, "b": clock read before the loader ran, "n": born-at ms, "f": fresh-until ms,
 *           "x": expires-at ms}.
 * An entry is valid while b >= origin and no tag has a hard mark above b; a soft mark above b makes
 * it stale. An unrelated invalidation moves the clock but no mark this entry carries: nothing else
 * goes stale. A hit is ONE `MGET` (entry, origin, clock, marks); JSON never contains a raw newline,
 * so the first `\n` ends the header. Large integers go through string.format('%.0f'): Lua 5.1's
 * tostring would print them in exponent notation.
 */

/** Sets `nowMs` (Redis TIME in ms), for dating marks. */
const NOW_MS = `
local tm = redis.call('TIME')
local nowMs = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)
`;

/**
 * \`mark(kind, tag, tick)\` sets a mark without a TTL and dates it in N~x; \`prune(lifetime)\` then
 * deletes up to 100 marks older than the longest entry lifetime. \`position(tag, p)\` raises the
 * tag's recorded position to \`p\` ('' = none given), compared in two 32-bit halves because Lua's
 * numbers are doubles. Needs NOW_MS before it.
 */
const MARKS = `
local function mark(kind, tag, tick)
  redis.call('SET', KEYS[2] .. kind .. ':' .. tag, tick)
  redis.call('ZADD', KEYS[2] .. '~x', nowMs, kind .. ':' .. tag)
end
local function later(a, b)
  local ah, bh = tonumber(string.sub(a, 1, 8), 16), tonumber(string.sub(b, 1, 8), 16)
  if ah ~= bh then return ah > bh end
  return tonumber(string.sub(a, 9, 16), 16) > tonumber(string.sub(b, 9, 16), 16)
end
local function position(tag, p)
  if p == '' then return end
  local old = redis.call('GET', KEYS[2] .. 'p:' .. tag)
  if not old or string.len(old) ~= 16 or later(p, old) then redis.call('SET', KEYS[2] .. 'p:' .. tag, p) end
  redis.call('ZADD', KEYS[2] .. '~x', nowMs, 'p:' .. tag)
end
local function prune(lifetime)
  local old = redis.call('ZRANGEBYSCORE', KEYS[2] .. '~x', '-inf', nowMs - tonumber(lifetime), 'LIMIT', 0, 100)
  for _, m in ipairs(old) do
    redis.call('DEL', KEYS[2] .. m)
    redis.call('ZREM', KEYS[2] .. '~x', m)
  end
end
`;

/** First line of every script that sets marks (Redis 7 script flags). */
const ALLOW_OOM = '#!lua flags=allow-oom\n';

/** Creates clock and origin together when either is missing. Sets `o`, `c`, `created`. */
const ENSURE_CLOCK = `
local o = redis.call('GET', KEYS[2] .. '~o')
local c = redis.call('GET', KEYS[2] .. '~c')
local created = 0
if not o or not c then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local start = math.max(now, (tonumber(c) or 0) + 1)
  c = string.format('%.0f', start)
  o = c
  redis.call('SET', KEYS[2] .. '~c', c)
  redis.call('SET', KEYS[2] .. '~o', o)
  created = 1
end
`;

/**
 * KEYS: entry, marks prefix N (carries the slot), lease.
 * ARGV: lease token ('' = none), lease ms, tags the caller knows.
 * Used when plain commands are not enough (redis-reads.ts): no clock yet, or the entry carries
 * tags the caller did not know. With no entry it also takes the fill lease, atomically with
 * finding none. Returns the raw entry ('' = none), lease state (0 free, 1 held by another, 2 held
 * with this token: taken now, or by the caller's `SET NX` just before), tags, {origin, clock,
 * then hard/soft mark per tag}, whether the clock was just created, the master that set the
 * origin, and the recorded position of each tag (read after the marks, see redis-reads.ts).
 */
export const READ_SCRIPT = `${ENSURE_CLOCK}
local raw = redis.pcall('GET', KEYS[1])
-- An unreadable entry (another type, no header) counts as none; the write replaces it.
if type(raw) ~= 'string' or not string.find(raw, '\\n', 1, true) then raw = false end
local tags, seen = {}, {}
for i = 3, #ARGV do
  if not seen[ARGV[i]] then seen[ARGV[i]] = true; tags[#tags + 1] = ARGV[i] end
end
if raw then
  local nl = string.find(raw, '\\n', 1, true)
  for _, t in ipairs(cjson.decode(string.sub(raw, 1, nl - 1)).t) do
    if not seen[t] then seen[t] = true; tags[#tags + 1] = t end
  end
end
local marks = {o, c}
local keys = {}
for _, t in ipairs(tags) do keys[#keys + 1] = KEYS[2] .. 'h:' .. t; keys[#keys + 1] = KEYS[2] .. 's:' .. t end
for i = 1, #keys, 1000 do
  local part = redis.call('MGET', unpack(keys, i, math.min(i + 999, #keys)))
  for _, m in ipairs(part) do marks[#marks + 1] = m or '0' end
end
local positions = {}
for i = 1, #tags, 1000 do
  local names = {}
  for j = i, math.min(i + 999, #tags) do names[#names + 1] = KEYS[2] .. 'p:' .. tags[j] end
  for _, p in ipairs(redis.call('MGET', unpack(names))) do positions[#positions + 1] = p or '' end
end
local holder = redis.call('GET', KEYS[3])
local lease = 0
if holder then
  if holder == ARGV[1] then lease = 2 else lease = 1 end
elseif not raw and ARGV[1] ~= '' then
  redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
  lease = 2
end
return { raw or '', lease, tags, marks, created, redis.call('GET', KEYS[2] .. '~n'), positions }
`;

/**
 * KEYS: entry, marks prefix N, lease, staged entry (written by a plain `SET ... PX` in the same
 *       pipeline, just before; its name carries the entry's slot).
 * ARGV: lease token ('' = none), built-at clock, then every tag (declared and derived alike).
 * The conditional write, without handing the payload to Lua (that alone cost Redis more than
 * the rest): the staged entry is RENAMEd over the entry (O(1), keeps its TTL) unless Redis forgot
 * the namespace since the fill began (no origin, or an origin above built-at) or a tag was
 * hard-invalidated after built-at (origin and marks in one MGET: every redis.call costs); then
 * it is dropped and 0 returned. A staged entry that is gone (it expired) also returns 0. The lease is released in
 * the same step, so waiters never see "no lease, no value" after a successful fill.
 */
export const COMMIT_SCRIPT = `
local built = tonumber(ARGV[2])
local names = {KEYS[2] .. '~o'}
for i = 3, #ARGV do names[#names + 1] = KEYS[2] .. 'h:' .. ARGV[i] end
local ok = true
for i = 1, #names, 1000 do
  local part = redis.call('MGET', unpack(names, i, math.min(i + 999, #names)))
  for j, m in ipairs(part) do
    if (i + j == 2 and (not m or tonumber(m) > built)) or (i + j > 2 and m and tonumber(m) > built) then ok = false end
  end
end
if ok then
  local renamed = redis.pcall('RENAME', KEYS[4], KEYS[1])
  ok = type(renamed) == 'table' and renamed.ok == 'OK'
else
  redis.call('DEL', KEYS[4])
end
if ARGV[1] ~= '' and redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
if ok then return 1 end
return 0
`;

/**
 * KEYS: clock key N~c (carries the slot), marks prefix N.
 * ARGV: 'h' or 's', mark lifetime ms (the longest entry lifetime), the write's position ('' =
 *       none), tags.
 * One tick of the namespace clock marks every tag and records the position with it, in the same
 * atomic step: a fill whose clock read sees the tick sees the position too. Returns the new
 * clock value.
 */
export const INVALIDATE_SCRIPT = `${ALLOW_OOM}${ENSURE_CLOCK}${NOW_MS}${MARKS}
local tick = string.format('%.0f', redis.call('INCR', KEYS[2] .. '~c'))
for i = 4, #ARGV do
  mark(ARGV[1], ARGV[i], tick)
  position(ARGV[i], ARGV[3])
end
prune(ARGV[2])
return tick
`;

/**
 * KEYS: entry, marks prefix N.
 * ARGV: tags JSON, payload, fresh-until, expires-at, since (the clock a writer read before its
 *       transaction committed), born-at ms, pttl, mark lifetime ms, the write's position ('' =
 *       none), then every tag.
 * Write-through: invalidates the tags (one clock tick) and, unless another invalidation of one
 * of them (or a forgotten namespace) came after `since`, stores the writer's value built at that
 * tick. A later write of the same data commits after our commit, so its own mark is above `since`
 * and an older value never lands over a newer one. Returns 1 stored, 0 only invalidated.
 */
export const PRIME_SCRIPT = `${ALLOW_OOM}${ENSURE_CLOCK}${NOW_MS}${MARKS}
local since = tonumber(ARGV[5])
local ok = tonumber(o) <= since
for i = 10, #ARGV do
  local h = redis.call('GET', KEYS[2] .. 'h:' .. ARGV[i])
  if h and tonumber(h) > since then ok = false end
end
local tick = string.format('%.0f', redis.call('INCR', KEYS[2] .. '~c'))
for i = 10, #ARGV do
  mark('h', ARGV[i], tick)
  position(ARGV[i], ARGV[9])
end
prune(ARGV[8])
if not ok then
  redis.call('DEL', KEYS[1])
  return 0
end
local head = '{"t":' .. ARGV[1] .. ',"b":' .. tick .. ',"n":' .. ARGV[6] .. ',"f":' .. ARGV[3] .. ',"x":' .. ARGV[4] .. '}'
redis.call('SET', KEYS[1], head .. '\\n' .. ARGV[2], 'PX', ARGV[7])
return 1
`;

/**
 * KEYS: clock key N~c, marks prefix N. ARGV: the master's address ('' on a single node).
 * Moves the origin to a new clock tick: every entry and in-flight fill of the namespace becomes
 * invalid. Used after a reconnect, or a failover seen on a Cluster, when the server may be a
 * promoted replica that lost writes; records which master did it (N~n).
 */
export const ROTATE_SCRIPT = `${ALLOW_OOM}${ENSURE_CLOCK}
if ARGV[1] ~= '' then redis.call('SET', KEYS[2] .. '~n', ARGV[1]) end
if created == 1 then return o end
local tick = string.format('%.0f', redis.call('INCR', KEYS[2] .. '~c'))
redis.call('SET', KEYS[2] .. '~o', tick)
return tick
`;

/** KEYS: clock key N~c, marks prefix N. The namespace clock (created when missing). */
export const CLOCK_SCRIPT = `${ENSURE_CLOCK}
return c
`;

/** KEYS: lease. ARGV: token, ms. Only the owner may extend (a slow loader keeps its lease). */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** KEYS: lease. ARGV: token. Only the owner may release. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
