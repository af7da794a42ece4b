/**
 * Cache keys of the stored responses (public and private) for the requests seen lately: hashing
 * the request on every hit cost ~2-3 % of one. Bounded by emptying it when full (popular requests
 * come straight back).
 */
const keys = new Map<string, string>();
const MAX_REMEMBERED_KEYS = 10_000;

/** The key for `parts` (everything the key depends on), built by `build` the first time. */
export function rememberedKey(parts: readonly string[], build: () => string): string {
  const memo = parts.join('\u0000');
  let key = keys.get(memo);
  if (key === undefined) {
    key = build();
    if (keys.size >= MAX_REMEMBERED_KEYS) keys.clear();
    keys.set(memo, key);
  }
  return key;
}
