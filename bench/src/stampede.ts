/**
 * The stampede: 200 concurrent identical requests for one cold key, split evenly over the
 * instances, counting how many times the resolver ran (from /api/metrics) for
 *   - a public key never read before (marketplace.search with an input nobody sent),
 *   - a user-scoped key never read before (workspaces.installState, new agent ids),
 *   - a public key just hard-invalidated (marketplace.agent after an install of that agent),
 *   - a user-scoped key just invalidated (workspaces.byId after an install in that workspace).
 */
import {
  type HttpCall,
  mutationCall,
  parseCacheHeader,
  queryCall,
  type Stack,
  send,
  type World,
} from '@stash/harness';
import { difference, totalLoaderRuns } from './metrics';

export interface Burst {
  kind: string;
  procedure: string;
  requests: number;
  /** Loader runs of the procedure's own namespace. */
  loaderRuns: number;
  /** Loader runs of every other namespace during the burst (live facts, authorization). */
  otherLoads: Map<string, number>;
  outcomes: Record<string, number>;
  non200: number;
  ms: number;
}

export interface StampedeOptions {
  stack: Stack;
  world: World;
  cookies: Map<number, string>;
  /** Bursts per kind. */
  reps: number;
  size: number;
}

const TIMEOUT_MS = 30_000;

async function burst(opts: StampedeOptions, kind: string, call: HttpCall, cookie?: string): Promise<Burst> {
  const urls = opts.stack.apps.map((a) => a.url);
  const before = await totalLoaderRuns(urls, opts.stack.metricsToken);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: opts.size }, (_, i) =>
      send(urls[i % urls.length] ?? '', call, { cookie, timeoutMs: TIMEOUT_MS }),
    ),
  );
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 300)); // a background refresh, if any, lands too
  const runs = difference(await totalLoaderRuns(urls, opts.stack.metricsToken), before);
  const outcomes: Record<string, number> = {};
  for (const a of answers) {
    const outcome = parseCacheHeader(a.cache).get(call.procedure) ?? `HTTP ${a.status}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return {
    kind,
    procedure: call.procedure,
    requests: answers.length,
    loaderRuns: runs.get(call.procedure) ?? 0,
    otherLoads: new Map([...runs].filter(([ns, n]) => ns !== call.procedure && n > 0)),
    outcomes,
    non200: answers.filter((a) => a.status !== 200).length,
    ms,
  };
}

/** A member of `workspaceId` and their cookie. */
function memberOf(opts: StampedeOptions, workspaceId: number): { userId: number; cookie: string } {
  const userId = opts.world.members.get(workspaceId)?.[0];
  const cookie = userId === undefined ? undefined : opts.cookies.get(userId);
  if (userId === undefined || !cookie) throw new Error(`no signed-in member of workspace ${workspaceId}`);
  return { userId, cookie };
}

export async function runStampedes(opts: StampedeOptions): Promise<Burst[]> {
  const { world } = opts;
  const url = opts.stack.apps[0]?.url ?? '';
  const out: Burst[] = [];
  // Agents from the end of the pool: the mixed workload's Zipf reads touch them least.
  const agentAt = (i: number) => world.agents[world.agents.length - 1 - i] ?? 1;
  for (let rep = 0; rep < opts.reps; rep++) {
    const workspaceId = world.workspaceIds[rep % world.workspaceIds.length] ?? 1;
    const member = memberOf(opts, workspaceId);

    // A limit no other request uses makes the key new.
    const search = queryCall('marketplace.search', { sortBy: 'rating', limit: 41 - rep });
    out.push(await burst(opts, 'public, cold', search));

    const state = queryCall('workspaces.installState', {
      workspaceId,
      agentIds: [agentAt(100 + rep), agentAt(200 + rep)],
    });
    out.push(await burst(opts, 'user-scoped, cold', state, member.cookie));

    // Warm the key, then an install hard-invalidates it (agent:<id>, workspace:<id>).
    const agentId = agentAt(rep);
    const detail = queryCall('marketplace.agent', { id: agentId });
    await send(url, detail, { timeoutMs: TIMEOUT_MS });
    const install = mutationCall('installs.install', { workspaceId, agentId });
    const installed = await send(url, install, { cookie: member.cookie, timeoutMs: TIMEOUT_MS });
    if (installed.status !== 200) throw new Error(`install failed: ${installed.status} ${installed.error}`);
    out.push(await burst(opts, 'public, just invalidated', detail));

    const byId = queryCall('workspaces.byId', { workspaceId });
    await send(url, byId, { cookie: member.cookie, timeoutMs: TIMEOUT_MS });
    const uninstall = mutationCall('installs.uninstall', { workspaceId, agentId });
    const removed = await send(url, uninstall, { cookie: member.cookie, timeoutMs: TIMEOUT_MS });
    if (removed.status !== 200) throw new Error(`uninstall failed: ${removed.status} ${removed.error}`);
    out.push(await burst(opts, 'user-scoped, just invalidated', byId, member.cookie));
  }
  return out;
}
