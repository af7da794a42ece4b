/**
 * Benchmarks only: the same bytes as a cached marketplace.search answer, from memory, through
 * Next's route handling. The HTTP benchmark compares every Next figure with this one measured in
 * the same run: on a shared machine only a ratio to the framework's own ceiling, taken side by
 * side, says what the cache costs (docs/benchmarks.md, "HTTP load"). Off (404) unless
 * STASH_BENCH_CONSTANT_FILE names the body to serve.
 */
import { readFileSync } from 'node:fs';

let body: Buffer | null = null;

export function constantBytes(): Response {
  const file = process.env.STASH_BENCH_CONSTANT_FILE;
  if (!file) return new Response('Not found', { status: 404 });
  body ??= readFileSync(file);
  return new Response(new Uint8Array(body), { headers: { 'content-type': 'application/json' } });
}
