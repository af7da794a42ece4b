/**
 * The mixed workload through autocannon: Zipf searches, agent details and workspace reads
 * with ~5 % installs/uninstalls, over every instance of a stack at once. Counts each
 * procedure's cache outcome from `x-stash-cache`, and the resolver runs from /api/metrics.
 */
import {
  CACHE_HEADER,
  callFor,
  type Op,
  pairKey,
  parseCacheHeader,
  type Stack,
  userOf,
  type Workload,
} from '@stash/harness';
import autocannon from 'autocannon';
import { difference, totalLoaderRuns } from './metrics';

export const OUTCOMES = ['hit', 'stale', 'miss', 'bypass', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface ProcedureTally {
  reads: number;
  outcomes: Record<Outcome, number>;
  loaderRuns: number;
}

export interface InstanceLatency {
  label: string;
  /** The circuit breaker in front of Redis after the run, from /api/health. */
  breaker: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface MixedResult {
  procedures: Map<string, ProcedureTally>;
  writes: number;
  /** Reads whose response named no cache outcome (e.g. a 5xx). */
  unlabeled: number;
  instances: InstanceLatency[];
}

export interface MixedOptions {
  stack: Stack;
  workload: Workload;
  cookies: Map<number, string>;
  /** Connections per instance. */
  connections: number;
  durationS: number;
  warmupS: number;
}

/** The next request: a read of the mix, or a write that toggles a pair (installs what is not). */
export function nextOp(workload: Workload, installed: Set<string>): Op {
  const kind = workload.kind();
  if (kind !== 'write') return workload.read(kind);
  const agentId = workload.agent();
  const { userId, workspaceId } = workload.writer();
  const key = pairKey(workspaceId, agentId);
  const install = !installed.has(key);
  if (install) installed.add(key);
  else installed.delete(key);
  return { kind: install ? 'install' : 'uninstall', userId, workspaceId, agentId };
}

function headerValue(headers: NodeJS.Dict<string | string[]> | undefined, name: string): string | null {
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === name && v !== undefined) return Array.isArray(v) ? v.join(', ') : v;
  }
  return null;
}

async function load(
  opts: MixedOptions,
  durationS: number,
  result: MixedResult | null,
): Promise<InstanceLatency[]> {
  const installed = new Set(opts.workload.world.initialInstalls);
  const runs = opts.stack.apps.map(async (app) => {
    const res = await autocannon({
      url: app.url,
      connections: opts.connections,
      duration: durationS,
      requests: [
        {
          setupRequest: (req) => {
            const op = nextOp(opts.workload, installed);
            const call = callFor(op);
            const user = userOf(op);
            const cookie = user === null ? undefined : opts.cookies.get(user);
            return {
              ...req,
              method: call.method,
              path: call.path,
              body: call.body ?? '',
              headers: {
                ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
                ...(cookie ? { cookie } : {}),
              },
            };
          },
          onResponse: (status, _body, _context, headers) => {
            if (!result) return;
            const report = parseCacheHeader(headerValue(headers, CACHE_HEADER));
            if (report.size === 0) {
              if (status === 200) result.writes++;
              else result.unlabeled++;
              return;
            }
            for (const [procedure, outcome] of report) {
              const t = result.procedures.get(procedure) ?? {
                reads: 0,
                outcomes: { hit: 0, stale: 0, miss: 0, bypass: 0, error: 0 },
                loaderRuns: 0,
              };
              t.reads++;
              if ((OUTCOMES as readonly string[]).includes(outcome)) t.outcomes[outcome as Outcome]++;
              result.procedures.set(procedure, t);
            }
          },
        },
      ],
    });
    const health = (await (await fetch(`${app.url}/api/health`)).json()) as { cache?: { breaker?: string } };
    return {
      label: app.label,
      breaker: health.cache?.breaker ?? '?',
      requests: res.requests.total,
      rps: res.requests.total / res.duration,
      p50: res.latency.p50,
      p99: res.latency.p99,
      non2xx: res.non2xx,
      errors: res.errors + res.timeouts,
    };
  });
  return Promise.all(runs);
}

export async function runMixed(opts: MixedOptions): Promise<MixedResult> {
  const urls = opts.stack.apps.map((a) => a.url);
  if (opts.warmupS > 0) await load(opts, opts.warmupS, null);
  const before = await totalLoaderRuns(urls, opts.stack.metricsToken);
  const result: MixedResult = { procedures: new Map(), writes: 0, unlabeled: 0, instances: [] };
  result.instances = await load(opts, opts.durationS, result);
  // Background refreshes started by the last reads finish within moments.
  await new Promise((r) => setTimeout(r, 500));
  const runs = difference(await totalLoaderRuns(urls, opts.stack.metricsToken), before);
  // Loads outside procedures (live facts overlaid on entries, authorization lookups) count too:
  // they get rows of their own with no reads, and are part of the total.
  for (const [procedure, n] of runs) {
    const t = result.procedures.get(procedure);
    if (t) t.loaderRuns = n;
    else if (n > 0)
      result.procedures.set(procedure, {
        reads: 0,
        outcomes: { hit: 0, stale: 0, miss: 0, bypass: 0, error: 0 },
        loaderRuns: n,
      });
  }
  return result;
}
