/**
 * The closed-loop load generator: `concurrency` workers send the mixed workload to the live
 * instances until told to stop (or a request cap is reached), check every answer against the
 * oracle and record it. Writes go through the oracle so at most one per agent is in flight.
 */
import type { PrismaClient } from '@stash/db';
import {
  cacheOutcome,
  callFor,
  mutationCall,
  type ReadOp,
  send,
  userOf,
  type WebApp,
  type Workload,
} from '@stash/harness';
import type { Checker } from './checks';
import type { AgentHistory } from './oracle';
import type { Recorder } from './recorder';
import { agentState, writeBehindTheCache } from './truth';

/** Past this a request is abandoned; it is far above the 2 s hang bound, so it counts as one. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface Target {
  app: WebApp;
  /** Set by a window while it has the instance killed or restarting: no new requests go there. */
  down: boolean;
  /** Set by a window about to kill the instance: its connection errors are expected. */
  expectFailures?: boolean;
}

/**
 * A CDN the anonymous reads go through (the CDN window); signed-in reads and writes stay at the
 * origin, as the VCL would pass them anyway.
 */
export interface CdnRoute {
  url: string;
  /** Set while the window has it stopped: no reads go there, and failures then are expected. */
  down: boolean;
  /** How much older than a returned write an install count it serves may be (the soft bound). */
  countSlackMs: number;
}

const failureExpected = (t: Target) => t.down || t.expectFailures === true || !t.app.alive();

/**
 * A read through the CDN that got no answer is expected while the CDN is stopped, or while the
 * window takes an instance down: the CDN may have been streaming that instance's answer, and can
 * only cut the reader's connection then, as any proxy would.
 */
export const cdnFailureExpected = (route: CdnRoute, targets: Target[]) =>
  route.down || targets.some(failureExpected);

export interface LoadDeps {
  workload: Workload;
  histories: Map<number, AgentHistory>;
  checker: Checker;
  recorder: Recorder;
  cookies: Map<number, string>;
  prisma: PrismaClient;
  /** Grace for a write that died with an instance a window killed (see `write`). */
  crashBoundMs: number;
}

/** Who installs which agent where: what a window or a worker picks before sending. */
export interface AgentWrite {
  agentId: number;
  workspaceId: number;
  userId: number;
}

export interface WriteOptions extends AgentWrite {
  target: Target;
  headers?: Record<string, string>;
  /** Extra time after PostgreSQL confirmed an unknown outcome before reads must show it. */
  settleGraceMs?: number;
}

export class LoadRunner {
  targets: Target[] = [];
  /** When set, writes go only to these (e.g. the instance started after a FLUSHALL). */
  writeTargets: Target[] | null = null;
  /** When set, anonymous reads go through this CDN. */
  cdn: CdnRoute | null = null;
  /** Oracle self-check: writes go straight to PostgreSQL, skipping the API and its invalidation. */
  behindTheCache = false;
  /** Writes finished since the runner was created (the fault windows wait for enough of them). */
  writesDone = 0;
  private stopped = true;
  private workers: Promise<void>[] = [];
  private sent = 0;
  /** Agents a window keeps to itself: the load reads them but writes none (see `holdAgent`). */
  private readonly held = new Set<number>();

  constructor(private readonly deps: LoadDeps) {}

  /**
   * Keeps the load's own writes off one agent until `releaseAgent`, so a window that waits for a
   * value to show (the crash window's convergence) is not chasing a count the load moved on.
   */
  holdAgent(agentId: number): void {
    this.held.add(agentId);
  }

  releaseAgent(agentId: number): void {
    this.held.delete(agentId);
  }

  private writable(agentId: number): boolean {
    return !this.held.has(agentId) && !this.deps.histories.get(agentId)?.pending;
  }

  /** A signed-in user and their cookie (the first seeded user the load has one for). */
  ownerOfTemplates(): { userId: number; cookie: string } {
    for (const user of this.deps.workload.world.users) {
      const cookie = this.deps.cookies.get(user.id);
      if (cookie) return { userId: user.id, cookie };
    }
    throw new Error('no signed-in user');
  }

  get prisma(): PrismaClient {
    return this.deps.prisma;
  }

  start(concurrency: number, maxRequests: number): void {
    this.stopped = false;
    this.sent = 0;
    this.workers = Array.from({ length: concurrency }, () => this.worker(maxRequests));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  /** A write the oracle allows now (its agent has nothing in flight and is not held), or null. */
  idleWrite(): AgentWrite | null {
    for (let tries = 0; tries < 100; tries++) {
      const agentId = this.deps.workload.agent();
      if (this.writable(agentId)) return { agentId, ...this.deps.workload.writer() };
    }
    return null;
  }

  private live(list: Target[]): Target | null {
    const up = list.filter((t) => !t.down);
    return up[Math.floor(this.deps.workload.random() * up.length)] ?? null;
  }

  private async worker(maxRequests: number): Promise<void> {
    while (!this.stopped && this.sent < maxRequests) {
      this.sent++;
      const kind = this.deps.workload.kind();
      if (kind === 'write') {
        const agentId = this.deps.workload.agent();
        const target = this.live(this.writeTargets ?? this.targets);
        // Another write to this agent is in flight, or a window holds it: read instead.
        if (target && this.writable(agentId)) {
          await this.write({ target, agentId, ...this.deps.workload.writer() });
          continue;
        }
      }
      await this.read(this.deps.workload.read(kind === 'write' ? 'agent' : kind));
    }
  }

  private where() {
    return { window: this.deps.recorder.window, phase: this.deps.recorder.phase };
  }

  async read(op: ReadOp): Promise<void> {
    const user = userOf(op);
    const cdn = user === null ? this.cdn : null;
    const target = cdn ? null : this.live(this.targets);
    if (cdn?.down || (!cdn && !target)) return new Promise((r) => setTimeout(r, 50));
    const via = cdn
      ? { url: cdn.url, label: 'varnish' }
      : { url: target?.app.url ?? '', label: target?.app.label ?? '' };
    const where = this.where();
    const call = callFor(op);
    const t0 = performance.now();
    const res = await send(via.url, call, {
      cookie: user === null ? undefined : this.deps.cookies.get(user),
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const t1 = performance.now();
    const sample = {
      procedure: call.procedure,
      instance: via.label,
      t0,
      t1,
      status: res.status,
      cache: cacheOutcome(call.procedure, res),
      expectedFailure:
        res.status === 0 &&
        (cdn ? cdnFailureExpected(cdn, this.targets) : target !== null && failureExpected(target)),
    };
    if (res.status !== 200) return this.deps.recorder.record(sample, where);
    if (op.kind === 'search') {
      const { lagMs } = this.deps.checker.listLag(res.data, t0, t1);
      return this.deps.recorder.record({ ...sample, listLagMs: lagMs }, where);
    }
    const verdict = this.deps.checker.exact(op, res.data, t0, t1, cdn?.countSlackMs ?? 0);
    const wrong =
      verdict && !verdict.ok ? { detail: verdict.detail ?? '', lagMs: verdict.lagMs ?? null } : undefined;
    this.deps.recorder.record({ ...sample, checked: verdict !== null, ...(wrong ? { wrong } : {}) }, where);
  }

  /**
   * One serialized write. A 200 settles it with the server's count; anything else (5xx, a
   * dropped connection, a crash) leaves the outcome unknown, so PostgreSQL settles it.
   * Returns the HTTP status (0: no answer).
   */
  async write(opts: WriteOptions): Promise<number> {
    const h = this.deps.histories.get(opts.agentId);
    if (!h) throw new Error(`agent ${opts.agentId} is not in the write pool`);
    const where = this.where();
    const t0 = performance.now();
    const kind = h.begin(opts.workspaceId, t0);
    this.writesDone++;
    const call = mutationCall(`installs.${kind}`, { workspaceId: opts.workspaceId, agentId: opts.agentId });
    if (this.behindTheCache) {
      await writeBehindTheCache(this.deps.prisma, { ...opts, install: kind === 'install' });
      h.settle(await agentState(this.deps.prisma, opts.agentId), performance.now());
      const t1 = performance.now();
      const sample = {
        procedure: `${call.procedure} (SQL)`,
        instance: 'postgres',
        t0,
        t1,
        status: 200,
        cache: null,
      };
      this.deps.recorder.record(sample, where);
      return 200;
    }
    const res = await send(opts.target.app.url, call, {
      cookie: this.deps.cookies.get(opts.userId),
      headers: opts.headers,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const t1 = performance.now();
    const data = res.data as { installCount?: number } | null;
    if (res.status === 200 && typeof data?.installCount === 'number') {
      h.settle({ count: data.installCount, installedIn: h.pending?.next.installedIn ?? new Set() }, t1);
    } else {
      const db = await agentState(this.deps.prisma, opts.agentId);
      // A write that died with its instance may have committed without invalidating, like the
      // designated crash write: the product repairs that within the crash bound, not at once.
      const died = res.status === 0 && failureExpected(opts.target);
      h.settle(db, performance.now() + (opts.settleGraceMs ?? (died ? this.deps.crashBoundMs : 0)));
    }
    this.deps.recorder.record(
      {
        procedure: call.procedure,
        instance: opts.target.app.label,
        t0,
        t1,
        status: res.status,
        cache: res.cache,
        expectedFailure: res.status === 0 && failureExpected(opts.target),
      },
      where,
    );
    return res.status;
  }
}
