/**
 * Lua scripts. Each touches only keys of one slot: the entry, its lease and the tag-generation
 * hash of its namespace all carry the namespace as `{hash tag}` (see keys.ts), so they run
 * unchanged on a single node and on Redis Cluster.
 *
 * Layout: entry = HASH { m = JSON {t: tags}, g = "h,s,h,s,..." generations, v = payload,
 *                        f = fresh-until ms, x = expires-at ms }  (PEXPIRE until x)
 *         generations = HASH per namespace { "h:<tag>", "s:<tag>", "~eh", "~es" }
 */

/**
 * KEYS: entry, generations, lease. ARGV: lease token ('' = none), lease ms, tags the caller
 * knows. One round trip per read; on a cold miss (no entry at all) it also tries to take the
 * fill lease, so a miss costs two round trips (read+lease, write+release), not three.
 * Returns meta, gens, payload, fresh, expires, lease state (0 free, 1 held by another,
 * 2 acquired by this call), tags, current generations (epochs first).
 */
export const READ_SCRIPT = `
local e = redis.call('HMGET', KEYS[1], 'm', 'g', 'v', 'f', 'x')
local tags, seen = {}, {}
for i = 3, #ARGV do
  if not seen[ARGV[i]] then seen[ARGV[i]] = true; tags[#tags + 1] = ARGV[i] end
end
if e[1] then
  for _, t in ipairs(cjson.decode(e[1]).t) do
    if not seen[t] then seen[t] = true; tags[#tags + 1] = t end
  end
end
local fields = {'~eh', '~es'}
for _, t in ipairs(tags) do fields[#fields + 1] = 'h:' .. t; fields[#fields + 1] = 's:' .. t end
local gens = {}
for i = 1, #fields, 1000 do
  local part = redis.call('HMGET', KEYS[2], unpack(fields, i, math.min(i + 999, #fields)))
  for _, g in ipairs(part) do gens[#gens + 1] = g or '0' end
end
local lease = redis.call('EXISTS', KEYS[3])
if lease == 0 and not e[1] and ARGV[1] ~= '' then
  redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
  lease = 2
end
return { e[1] or '', e[2] or '', e[3] or '', e[4] or '0', e[5] or '0', lease, tags, gens }
`;

/**
 * KEYS: entry, generations, lease.
 * ARGV: meta JSON, payload, freshUntil, expiresAt, lease token ('' = none), start epoch hard,
 *       start epoch soft, pttl, n = number of start tags, n × (tag, hard, soft), then late tags.
 * Refuses (returns 0) when a start tag was hard-invalidated since the fill began, or when any
 * hard invalidation happened in the namespace and the value carries late tags. Releases the
 * lease in the same step so waiters never see "no lease, no value" after a successful fill.
 */
export const WRITE_SCRIPT = `
if ARGV[5] ~= '' and redis.call('GET', KEYS[3]) == ARGV[5] then redis.call('DEL', KEYS[3]) end
local eh = redis.call('HGET', KEYS[2], '~eh') or '0'
local es = redis.call('HGET', KEYS[2], '~es') or '0'
local n = tonumber(ARGV[9])
local gens = {}
local i = 10
for _ = 1, n do
  local current = redis.call('HGET', KEYS[2], 'h:' .. ARGV[i]) or '0'
  if current ~= ARGV[i + 1] then return 0 end
  gens[#gens + 1] = ARGV[i + 1]; gens[#gens + 1] = ARGV[i + 2]
  i = i + 3
end
if i <= #ARGV and eh ~= ARGV[6] then return 0 end
while i <= #ARGV do
  local g = redis.call('HMGET', KEYS[2], 'h:' .. ARGV[i], 's:' .. ARGV[i])
  gens[#gens + 1] = g[1] or '0'
  if es ~= ARGV[7] then gens[#gens + 1] = '-1' else gens[#gens + 1] = g[2] or '0' end
  i = i + 1
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'm', ARGV[1], 'g', table.concat(gens, ','), 'v', ARGV[2], 'f', ARGV[3], 'x', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
return 1
`;

/** KEYS: generations. ARGV: 'h' | 's', tags... Bumps each tag and the namespace epoch. */
export const INVALIDATE_SCRIPT = `
local kind = ARGV[1]
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[1], kind .. ':' .. ARGV[i], 1) end
redis.call('HINCRBY', KEYS[1], '~e' .. kind, 1)
return 1
`;

/** KEYS: lease. ARGV: token. Only the owner may release. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
