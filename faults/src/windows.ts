/**
 * The faults the suite injects (a stalled app, Redis stopped, killed or flushed, pub/sub
 * connections killed, an app crash after commit, a cluster node restart), one window each, plus
 * the baseline and the oracle's self-check. A window runs the load for `before` ms, injects its
 * fault (the "fault" phase lasts as long as `inject`), then keeps the load running for `after`
 * ms to see the system recover. Setup and teardown (e.g. starting a cluster) are not measured.
 */

import type { ReplicatedPostgres } from '@stash/db/testing';
import {
  type RedisCluster,
  type RedisServer,
  type Stack,
  sleep,
  startRedisCluster,
  startStack,
} from '@stash/harness';
import { injectCdnFaults, lateNote, startCdnLoad, stopCdnLoad } from './cdn';
import { type CdnRig, startCdnRig, stopCdnRig } from './cdn-rig';
import { crashAfterCommit } from './crash';
import type { LoadRunner, Target } from './load';
import type { Recorder } from './recorder';

export interface Timing {
  beforeMs: number;
  faultMs: number;
  /** ...and at least this many writes during it (capped at 4 × faultMs), so a slow machine still writes enough. */
  faultWrites: number;
  afterMs: number;
  concurrency: number;
  /** Cap on requests per window, so a window is bounded in count as well as in time. */
  maxRequests: number;
  crashes: number;
}

export interface WindowContext {
  load: LoadRunner;
  recorder: Recorder;
  redis: RedisServer;
  stack: Stack;
  timing: Timing;
  databaseUrl: string;
  /** After PostgreSQL confirms a crashed write, how long reads may still show the old state. */
  crashBoundMs: number;
  /** Set by the cluster window's setup. */
  cluster?: { redis: RedisCluster; stack: Stack };
  /** The rig runs on a primary + lagging replica (`--replica-lag-ms`). */
  replica?: ReplicatedPostgres;
  /** Any request slower than this fails its window (the CDN window's fetch slack uses it). */
  hangBoundMs: number;
  /** Set by the CDN window's setup. */
  cdn?: CdnRig;
}

export interface FaultWindow {
  name: string;
  what: string;
  /** A calibration window: it must produce wrong answers, or the oracle is blind. */
  expectWrong?: boolean;
  /** Runs only when the rig reads from a replica (`--replica-lag-ms`). */
  needsReplica?: boolean;
  /** Starts its own Redis and instances in setup (so the usual clean restart is skipped). */
  ownStack?: boolean;
  setup?(ctx: WindowContext): Promise<void>;
  inject(ctx: WindowContext): Promise<void>;
  teardown?(ctx: WindowContext): Promise<void>;
}

const CDN_WINDOW = 'CDN: Varnish restart, purge port refusing, crash after commit';

const targetsOf = (stack: Stack): Target[] => stack.apps.map((app) => ({ app, down: false }));

/**
 * Repeats `step` for the fault phase: at least `faultMs` and at least `faultWrites` writes, at
 * most 4 × `faultMs`. Bounding by writes keeps a window meaningful when a busy machine serves
 * few requests per second.
 */
async function duringFault(ctx: WindowContext, step: () => Promise<void>): Promise<void> {
  const { faultMs, faultWrites } = ctx.timing;
  const start = performance.now();
  const writesAtStart = ctx.load.writesDone;
  for (;;) {
    const elapsed = performance.now() - start;
    const enough = elapsed >= faultMs && ctx.load.writesDone - writesAtStart >= faultWrites;
    if (enough || elapsed >= 4 * faultMs) return;
    await step();
  }
}

const idle = () => sleep(100);

export const WINDOWS: FaultWindow[] = [
  {
    name: 'baseline',
    what: 'no fault: two instances, one Redis, mixed load',
    inject: (ctx) => duringFault(ctx, idle),
  },
  {
    name: 'app CPU stall',
    what: 'SIGSTOP an app process group for 300 ms, SIGCONT, every 800 ms, alternating instances',
    async inject(ctx) {
      let i = 0;
      await duringFault(ctx, async () => {
        const app = ctx.stack.apps[i++ % ctx.stack.apps.length];
        app?.signal('SIGSTOP');
        await sleep(300);
        app?.signal('SIGCONT');
        await sleep(500);
      });
    },
  },
  {
    name: 'Redis SIGSTOP 10 s',
    what: 'SIGSTOP redis-server for 10 s, then SIGCONT',
    async inject(ctx) {
      ctx.redis.signal('SIGSTOP');
      await sleep(10_000);
      ctx.redis.signal('SIGCONT');
    },
  },
  {
    name: 'Redis kill -9, empty restart',
    what: 'SIGKILL redis-server, 1 s down, start it empty on the same port; the fault phase goes on until enough writes followed',
    async inject(ctx) {
      await ctx.redis.kill();
      await sleep(1_000);
      await ctx.redis.start();
      // Fills and deferred invalidations that straddle the restart are what can go wrong here.
      await duringFault(ctx, idle);
    },
  },
  {
    name: 'FLUSHALL + new instance',
    what: 'FLUSHALL, start a third instance; during the fault phase every write goes through it',
    async inject(ctx) {
      await ctx.redis.cli('FLUSHALL');
      const app = await ctx.stack.addInstance('app3');
      const target: Target = { app, down: false };
      // As in the issue: the new instance writes, the two that registered before the flush read.
      ctx.load.writeTargets = [target];
      await duringFault(ctx, idle);
      ctx.load.writeTargets = null;
    },
    async teardown(ctx) {
      ctx.load.writeTargets = null;
      await Promise.all(ctx.stack.apps.splice(2).map((app) => app.stop()));
    },
  },
  {
    name: 'pub/sub connections killed',
    what: 'CLIENT KILL TYPE pubsub every second',
    async inject(ctx) {
      await duringFault(ctx, async () => {
        await ctx.redis.cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
        await sleep(1_000);
      });
    },
  },
  {
    name: 'app crash after commit',
    what: 'a write with `x-stash-fault: crash-after-commit` kills app2 after the DB commit; restart it',
    async inject(ctx) {
      for (let i = 0; i < ctx.timing.crashes; i++) {
        await crashAfterCommit(ctx);
        await sleep(1_000);
      }
    },
  },
  {
    name: 'replica lagging, then stopped',
    what: 'fills may read a streaming replica applying each commit --replica-lag-ms late; half the fault phase lagging, then the replica stopped (pg_ctl -m immediate), started again after the window',
    needsReplica: true,
    async inject(ctx) {
      const replica = ctx.replica;
      if (!replica) throw new Error('this window needs --replica-lag-ms');
      await duringFault(ctx, idle);
      ctx.recorder.note('replica stopped');
      await replica.stopReplica();
      await duringFault(ctx, idle);
    },
    async teardown(ctx) {
      await ctx.replica?.startReplica();
    },
  },
  {
    name: CDN_WINDOW,
    ownStack: true,
    what:
      'Varnish (cdn/stash.vcl) in front of both instances, anonymous reads through it, signed-in reads and writes at the origin, ' +
      'a writer renaming templates (purged) besides the installs (counts soft at the CDN): Varnish restarted empty, ' +
      "its purge port refusing connections for 10 s, app2 killed right after a rename's commit",
    async setup(ctx) {
      // Its own instances (with STASH_CDN set, the load's targets from now on) on the same
      // database, on a Redis started empty.
      await Promise.all(ctx.stack.apps.map((app) => app.stop()));
      await ctx.redis.kill();
      await ctx.redis.start();
      const rig = await startCdnRig(ctx);
      ctx.cdn = rig;
      ctx.load.cdn = rig.route;
      startCdnLoad(ctx, rig, CDN_WINDOW);
    },
    async inject(ctx) {
      if (!ctx.cdn) throw new Error('the CDN window has no rig');
      await injectCdnFaults(ctx, ctx.cdn);
    },
    async teardown(ctx) {
      ctx.load.cdn = null;
      const rig = ctx.cdn;
      ctx.cdn = undefined;
      if (rig) {
        await stopCdnLoad(rig);
        await stopCdnRig(rig);
        ctx.recorder.note(lateNote(rig));
      }
      ctx.load.targets = targetsOf(ctx.stack);
    },
  },
  {
    name: 'oracle self-check',
    what: 'calibration, no fault: writes go straight to PostgreSQL without invalidation; the oracle must flag reads',
    expectWrong: true,
    async setup(ctx) {
      ctx.load.behindTheCache = true;
    },
    inject: (ctx) => duringFault(ctx, idle),
    async teardown(ctx) {
      ctx.load.behindTheCache = false;
    },
  },
  {
    name: 'cluster node restart',
    ownStack: true,
    what: '3-master cluster: restart (SIGTERM, start empty) the node holding the pub/sub subscribers',
    async setup(ctx) {
      await Promise.all(ctx.stack.apps.map((app) => app.stop()));
      const redis = await startRedisCluster();
      try {
        const stack = await startStack({
          databaseUrl: ctx.databaseUrl,
          cache: { clusterNodes: redis.seeds },
          instances: 2,
          sessionSecret: ctx.stack.sessionSecret,
          env: { STASH_FAULT_INJECTION: '1' },
        });
        ctx.cluster = { redis, stack };
        ctx.load.targets = targetsOf(stack);
      } catch (error) {
        await redis.stop();
        throw error;
      }
    },
    async inject(ctx) {
      const nodes = ctx.cluster?.redis.nodes ?? [];
      let node = nodes[0];
      let holdsPubsub = false;
      for (const candidate of nodes) {
        if ((await candidate.cli('CLIENT', 'LIST', 'TYPE', 'pubsub')).trim()) {
          node = candidate;
          holdsPubsub = true;
        }
      }
      if (!node) throw new Error('cluster has no nodes');
      ctx.recorder.note(
        `restarted node :${node.port} (${holdsPubsub ? 'it held pub/sub clients' : 'no node had pub/sub clients: the first one'})`,
      );
      await node.stop();
      await sleep(1_000);
      await node.start();
      await ctx.cluster?.redis.waitHealthy();
    },
    async teardown(ctx) {
      await ctx.cluster?.stack.stop();
      await ctx.cluster?.redis.stop();
    },
  },
];
