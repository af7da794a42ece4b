/**
 * Lua scripts. Each touches only keys of one slot: the entry, its lease and the tag-generation
 * counters of its namespace all carry the namespace as `{hash tag}` (see keys.ts), so they run
 * unchanged on a single node and on Redis Cluster.
 *
 * Layout: entry = STRING `<header JSON>\n<payload>` (PX until expires-at), header =
 *           {"t": tags, "g": [hard, soft, ...] per tag, "f": fresh-until ms, "x": expires-at ms}
 *         generations = one integer STRING per counter: `<gens prefix>h:<tag>`, `...s:<tag>`
 *           and the namespace epochs `<gens prefix>~eh` / `~es` (absent = 0).
 * Plain strings, so a hit is ONE `MGET` of the entry and every counter it needs (no pipeline,
 * no script). JSON never contains a raw newline, so the first `\n` ends the header.
 */

/**
 * KEYS: entry, gens prefix (not a key itself; it carries the slot), lease.
 * ARGV: lease token ('' = none), lease ms, tags the caller knows.
 * Used when the direct MGET is not enough: no entry (then it also takes the fill lease,
 * atomically with finding none), tags the caller did not know, or an exact lease state.
 * Returns the raw entry ('' = none), lease state (0 free, 1 held by another, 2 acquired by this
 * call), tags, current generations (epochs first, then hard/soft per tag).
 */
export const READ_SCRIPT = `
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
local keys = {KEYS[2] .. '~eh', KEYS[2] .. '~es'}
for _, t in ipairs(tags) do keys[#keys + 1] = KEYS[2] .. 'h:' .. t; keys[#keys + 1] = KEYS[2] .. 's:' .. t end
local gens = {}
for i = 1, #keys, 1000 do
  local part = redis.call('MGET', unpack(keys, i, math.min(i + 999, #keys)))
  for _, g in ipairs(part) do gens[#gens + 1] = g or '0' end
end
local lease = redis.call('EXISTS', KEYS[3])
if lease == 0 and not raw and ARGV[1] ~= '' then
  redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
  lease = 2
end
return { raw or '', lease, tags, gens }
`;

/**
 * KEYS: entry, gens prefix, lease.
 * ARGV: tags JSON, payload, freshUntil, expiresAt, lease token ('' = none), start epoch hard,
 *       start epoch soft, pttl, n = number of start tags, n × (tag, hard, soft), then late tags.
 * Refuses (returns 0) when a start tag was hard-invalidated since the fill began, or when any
 * hard invalidation happened in the namespace and the value carries late tags. Releases the
 * lease in the same step so waiters never see "no lease, no value" after a successful fill.
 */
export const WRITE_SCRIPT = `
if ARGV[5] ~= '' and redis.call('GET', KEYS[3]) == ARGV[5] then redis.call('DEL', KEYS[3]) end
local g = KEYS[2]
local eh = redis.call('GET', g .. '~eh') or '0'
local es = redis.call('GET', g .. '~es') or '0'
local n = tonumber(ARGV[9])
local gens = {}
local i = 10
for _ = 1, n do
  local current = redis.call('GET', g .. 'h:' .. ARGV[i]) or '0'
  if current ~= ARGV[i + 1] then return 0 end
  gens[#gens + 1] = ARGV[i + 1]; gens[#gens + 1] = ARGV[i + 2]
  i = i + 3
end
if i <= #ARGV and eh ~= ARGV[6] then return 0 end
while i <= #ARGV do
  local c = redis.call('MGET', g .. 'h:' .. ARGV[i], g .. 's:' .. ARGV[i])
  gens[#gens + 1] = c[1] or '0'
  if es ~= ARGV[7] then gens[#gens + 1] = '-1' else gens[#gens + 1] = c[2] or '0' end
  i = i + 1
end
local head = '{"t":' .. ARGV[1] .. ',"g":[' .. table.concat(gens, ',') .. '],"f":' .. ARGV[3] .. ',"x":' .. ARGV[4] .. '}'
redis.call('SET', KEYS[1], head .. '\\n' .. ARGV[2], 'PX', ARGV[8])
return 1
`;

/** KEYS: lease. ARGV: token. Only the owner may release. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
