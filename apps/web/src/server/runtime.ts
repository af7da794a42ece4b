/**
 * One API runtime (database pool + cache engine) per Node process. It lives on `globalThis` so
 * that dev-mode module reloads and the separate module graphs Next builds for route handlers and
 * server components all share it instead of opening new pools.
 */
import 'server-only';
import { type ApiRuntime, createApiRuntime } from '@stash/api';
import { attachCacheMetrics } from './metrics';
import { startStatsHistory } from './stats-history';

const KEY = Symbol.for('stash.web.runtime');
const READY = Symbol.for('stash.web.runtime.ready');

type RuntimeHolder = { [KEY]?: Promise<ApiRuntime>; [READY]?: ApiRuntime };

async function start(): Promise<ApiRuntime> {
  const runtime = await createApiRuntime();
  attachCacheMetrics(runtime.deps.cache);
  startStatsHistory(runtime.deps.cache);
  return runtime;
}

/** The shared runtime, created on first use (never at import time, so `next build` needs no database). */
export function getRuntime(): Promise<ApiRuntime> {
  const holder = globalThis as RuntimeHolder;
  let runtime = holder[KEY];
  if (!runtime) {
    runtime = start();
    // A failed start (database down) is retried on the next request instead of being cached forever.
    runtime.then(
      (started) => {
        if (holder[KEY] === runtime) holder[READY] = started;
      },
      () => {
        if (holder[KEY] === runtime) delete holder[KEY];
      },
    );
    holder[KEY] = runtime;
  }
  return runtime;
}

/** The runtime once it has started, without a wait: the API route's hot path skips an await. */
export function readyRuntime(): ApiRuntime | undefined {
  return (globalThis as RuntimeHolder)[READY];
}
