/** How long an entry is fresh and how long it is kept (fresh + grace), cut at the longest lifetime. */
export interface Lifetime {
  freshUntil: number;
  expiresAt: number;
}

export function lifetimeOf(
  now: number,
  ttlMs: number,
  opts: { jitter: number; graceMs: number; maxLifetimeMs: number },
): Lifetime {
  // Jitter shortens each entry a little, so entries written together do not expire together.
  const freshFor = ttlMs * (1 - opts.jitter * Math.random());
  const lifetime = Math.min(freshFor + opts.graceMs, opts.maxLifetimeMs);
  const freshUntil = Math.floor(now + Math.min(freshFor, lifetime));
  return { freshUntil, expiresAt: Math.max(freshUntil, Math.floor(now + lifetime)) };
}
