/**
 * Running a caller's loader: what it asked for through its LoaderContext (skip, its own TTL),
 * its duration in the metrics, and the hard timeout a caller waits at most for a value.
 */
import type { Metrics } from './metrics';
import type { Call } from './options';
import { CacheLoaderTimeoutError } from './timeout';

/** What the loader asked for through its LoaderContext. */
export interface LoaderVerdict {
  ttlMs: number | undefined;
  skip: boolean;
}

export interface Loaded {
  value: unknown;
  verdict: LoaderVerdict;
}

/**
 * `minPosition`: what the store read before this loader said about the entry's tags (see
 * `LoaderContext.minPosition`); undefined when no such read vouches for this run.
 */
export async function runLoader(
  call: Call<unknown>,
  metrics: Metrics,
  minPosition: bigint | undefined,
): Promise<Loaded> {
  const verdict: LoaderVerdict = { ttlMs: undefined, skip: false };
  const started = performance.now();
  let ok = false;
  try {
    const value = await call.loader({
      minPosition,
      setTtl: (ms) => {
        verdict.ttlMs = ms;
      },
      skip: () => {
        verdict.skip = true;
      },
    });
    ok = true;
    return { value, verdict };
  } finally {
    metrics.recordLoader(call.namespace, call.key, performance.now() - started, ok);
  }
}

/** A caller gives up after hardTimeoutMs; the load itself goes on and is still cached. */
export function withHardTimeout<R>(call: Call<unknown>, loading: Promise<R>): Promise<R> {
  const limit = call.hardTimeoutMs;
  if (limit === undefined) return loading;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheLoaderTimeoutError(call.namespace, limit)), limit);
  });
  loading.catch(() => {}); // observed even when the timeout wins
  return Promise.race([loading, expired]).finally(() => clearTimeout(timer));
}
