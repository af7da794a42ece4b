/**
 * The CDN window: Varnish (cdn/stash.vcl) in front of both `next start` instances (through a
 * small TCP balancer, as a load balancer in front of an origin), the instances purging it by tag
 * through a TCP gate the window can shut. Anonymous reads go through Varnish; signed-in reads
 * and writes go to the origin (the VCL would pass them anyway).
 *
 * The load's installs change install counts, which are soft at the CDN (no purge; a copy is at
 * most its `s-maxage`, SOFT_MAX_AGE_S here, old): agent pages read through Varnish are judged
 * with that slack. Skeleton facts must be purged: a writer renames templates at the origin and
 * readers check every name Varnish serves against the rename history (`NameHistory`):
 *
 * - a rename that returned while purging worked: its name from when it returned, but for a CDN
 *   fetch in flight across the write, which the second purge drops (REPURGE_AFTER_S);
 * - a rename while Varnish was down or its purge port refused: the relay retries the purge, and
 *   the hard bound is the `s-maxage` cap (MAX_AGE_S) after it returned;
 * - a rename whose instance was killed right after its commit: the other instance's relay
 *   invalidates and purges it within the crash bound after PostgreSQL confirmed it.
 *
 * Faults, in turn: Varnish restarted (stopped, started empty on its port), the purge port
 * refusing connections for 10 s, app2 killed right after a rename's commit and restarted.
 */
import {
  cacheOutcome,
  freePort,
  mutationCall,
  queryCall,
  type Stack,
  send,
  sleep,
  startStack,
  startTcpGate,
  startVarnish,
  type TcpGate,
  type Varnish,
} from '@stash/harness';
import type { CdnRoute, Target } from './load';
import type { WindowContext } from './windows';

/** The window's CDN settings (README's STASH_CDN_* table): short, so a window can see them. */
/** Above the in-flight bound below, so a skeleton fact left to expire like a count is caught. */
export const SOFT_MAX_AGE_S = 10;
export const MAX_AGE_S = 20;
/** Above the window's hang bound (5 s): a CDN fetch taking longer fails the window anyway. */
export const REPURGE_AFTER_S = 6;
/** A CDN fetch's own time: a copy is stored when its answer arrives, after it was built. */
const FETCH_SLACK_MS = 1_000;
const TEMPLATES = 4;
const REQUEST_TIMEOUT_MS = 10_000;

interface NameVersion {
  name: string;
  startedAt: number;
  /** From when every read must show it or newer, but for `boundMs`. */
  visibleFrom: number;
  /** How much later a CDN may still serve the version before it (ms). */
  boundMs: number;
  why: 'purged' | 'purge impaired' | 'crashed';
}

/** One template's renames, in order (one writer, one rename in flight at a time). */
export class NameHistory {
  readonly versions: NameVersion[];
  pending: { name: string; startedAt: number } | null = null;

  constructor(name: string) {
    this.versions = [{ name, startedAt: -Infinity, visibleFrom: -Infinity, boundMs: 0, why: 'purged' }];
  }

  /**
   * A read over [t0, t1] showed `name`: wrong when a later version had been visible longer than
   * its bound at t0. `lateMs`: how long a later version had been visible (0: current).
   */
  judge(
    name: string,
    t0: number,
    t1: number,
  ): { ok: true; lateMs: number; why?: string } | { ok: false; detail: string; lagMs: number | null } {
    const index = this.versions.findIndex((v) => v.name === name);
    if (index < 0) {
      if (this.pending?.name === name && this.pending.startedAt < t1) return { ok: true, lateMs: 0 };
      return { ok: false, detail: `name "${name}" was never written`, lagMs: null };
    }
    let lateMs = 0;
    let why: string | undefined;
    for (const later of this.versions.slice(index + 1)) {
      const lag = t0 - later.visibleFrom;
      if (lag <= 0) continue;
      if (lag > later.boundMs) {
        return {
          ok: false,
          detail: `name "${name}", but "${later.name}" (${later.why}) was visible ${Math.round(lag)} ms before the read, bound ${later.boundMs} ms`,
          lagMs: Math.round(lag),
        };
      }
      if (lag > lateMs) {
        lateMs = lag;
        why = later.why;
      }
    }
    return { ok: true, lateMs, ...(why ? { why } : {}) };
  }
}

interface Template {
  id: number;
  history: NameHistory;
}

/** What the window runs besides the load: the CDN, its gates, the renamer and its readers. */
export interface CdnRig {
  stack: Stack;
  varnish: Varnish;
  /** The balancer Varnish fetches from. */
  origin: TcpGate;
  /** The path the instances purge through. */
  purgePath: TcpGate;
  route: CdnRoute;
  templates: Template[];
  ownerCookie: string;
  /** Periods purging could not work (Varnish down, the purge port shut): [from, to]. */
  impaired: Array<[number, number]>;
  stopped: boolean;
  paused: boolean;
  loops: Promise<void>[];
  renameInFlight: Promise<void>;
  late: { purged: number; impaired: number; maxPurgedMs: number; maxImpairedMs: number };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export async function startCdnRig(ctx: WindowContext): Promise<CdnRig> {
  const owner = ctx.load.ownerOfTemplates();
  const varnishPort = await freePort();
  const purgePath = await startTcpGate({ host: '127.0.0.1', port: varnishPort });
  const cleanup: Array<() => Promise<void>> = [() => purgePath.shut()];
  try {
    const stack = await startStack({
      databaseUrl: ctx.databaseUrl,
      cache: { redisUrl: ctx.redis.url },
      instances: 2,
      sessionSecret: ctx.stack.sessionSecret,
      env: {
        STASH_FAULT_INJECTION: '1',
        STASH_CDN: 'varnish',
        STASH_CDN_VARNISH_URLS: purgePath.url,
        STASH_CDN_MAX_AGE_S: String(MAX_AGE_S),
        STASH_CDN_SOFT_MAX_AGE_S: String(SOFT_MAX_AGE_S),
        STASH_CDN_REPURGE_AFTER_S: String(REPURGE_AFTER_S),
        // A purge that hangs (Varnish mid-restart) holds a write at most this long: below the
        // 2 s a request may take before it counts as a hang.
        STASH_CDN_PURGE_WAIT_MS: '1000',
      },
    });
    cleanup.push(() => stack.stop());
    ctx.load.targets = stack.apps.map((app) => ({ app, down: false }));
    // Only to instances the window has not taken down: one restarting (or still warming up after
    // its restart) gets no traffic, as a load balancer's health probe would keep it out.
    const origin = await startTcpGate(() =>
      ctx.load.targets.filter((t) => !t.down).map((t) => ({ host: '127.0.0.1', port: t.app.port })),
    );
    cleanup.push(() => origin.shut());
    const varnish = await startVarnish({ backend: origin.url, port: varnishPort });
    const rig: CdnRig = {
      stack,
      varnish,
      origin,
      purgePath,
      route: { url: varnish.url, down: false, countSlackMs: SOFT_MAX_AGE_S * 1000 + ctx.hangBoundMs },
      templates: [],
      ownerCookie: owner.cookie,
      impaired: [],
      stopped: false,
      paused: false,
      loops: [],
      renameInFlight: Promise.resolve(),
      late: { purged: 0, impaired: 0, maxPurgedMs: 0, maxImpairedMs: 0 },
    };
    const url = stack.apps[0]?.url ?? '';
    for (let i = 0; i < TEMPLATES; i++) {
      const name = `CDN window template ${i} r0`;
      const res = await send(
        url,
        mutationCall('templates.create', {
          name,
          description: 'Renamed by the CDN fault window.',
          category: 'productivity',
          steps: [{ name: 'Step', action: 'run' }],
        }),
        { cookie: owner.cookie, timeoutMs: REQUEST_TIMEOUT_MS },
      );
      const id = isRecord(res.data) ? res.data.id : undefined;
      if (res.status !== 200 || typeof id !== 'number') {
        throw new Error(`templates.create answered ${res.status}: ${res.error ?? ''}`);
      }
      rig.templates.push({ id, history: new NameHistory(name) });
    }
    return rig;
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    throw error;
  }
}

/** The renamer and two readers while `window` is the recorder's, until `stopCdnLoad`. */
export function startCdnLoad(ctx: WindowContext, rig: CdnRig, window: string): void {
  let n = 0;
  const elsewhere = () => ctx.recorder.window !== window;
  const renamer = async () => {
    while (!rig.stopped) {
      if (rig.paused || elsewhere()) {
        await sleep(50);
        continue;
      }
      const template = rig.templates[n % rig.templates.length] as Template;
      const target = ctx.load.targets.filter((t) => !t.down)[n % 2] ?? ctx.load.targets.find((t) => !t.down);
      n++;
      if (!target) {
        await sleep(50);
        continue;
      }
      const done = rename(ctx, rig, template, target, `CDN window template ${template.id} r${n}`);
      rig.renameInFlight = done.then(() => {});
      await done;
      await sleep(150);
    }
  };
  const reader = async () => {
    while (!rig.stopped) {
      if (rig.route.down || elsewhere()) {
        await sleep(50);
        continue;
      }
      const template = rig.templates[Math.floor(Math.random() * rig.templates.length)] as Template;
      await readName(ctx, rig, template);
      await sleep(20); // Varnish hits are fast: leave the machine to the rest of the load
    }
  };
  rig.loops = [renamer(), reader(), reader()];
}

export async function stopCdnLoad(rig: CdnRig): Promise<void> {
  rig.stopped = true;
  await Promise.all(rig.loops);
}

export async function stopCdnRig(rig: CdnRig): Promise<void> {
  await stopCdnLoad(rig);
  await rig.varnish.stop();
  await rig.origin.shut();
  await rig.purgePath.shut();
  await rig.stack.stop();
}

const overlaps = (rig: CdnRig, from: number, to: number) =>
  rig.impaired.some(([a, b]) => a <= to && b >= from);

async function rename(
  ctx: WindowContext,
  rig: CdnRig,
  template: Template,
  target: Target,
  name: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const where = { window: ctx.recorder.window, phase: ctx.recorder.phase };
  const t0 = performance.now();
  template.history.pending = { name, startedAt: t0 };
  const res = await send(target.app.url, mutationCall('templates.update', { id: template.id, name }), {
    cookie: rig.ownerCookie,
    headers,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const t1 = performance.now();
  const expectedFailure = res.status === 0 && (target.down || target.expectFailures === true);
  ctx.recorder.record(
    {
      procedure: 'templates.update',
      instance: target.app.label,
      t0,
      t1,
      status: res.status,
      cache: res.cache,
      expectedFailure,
    },
    where,
  );
  const impaired = overlaps(rig, t0, t1);
  if (res.status === 200) {
    template.history.versions.push({
      name,
      startedAt: t0,
      visibleFrom: t1,
      boundMs: (impaired ? MAX_AGE_S * 1000 : REPURGE_AFTER_S * 1000) + FETCH_SLACK_MS,
      why: impaired ? 'purge impaired' : 'purged',
    });
  } else {
    // No answer: PostgreSQL says whether it committed (a crash after commit did).
    if (expectedFailure) await Promise.race([target.app.exited(), sleep(5_000)]);
    const row = await ctx.load.prisma.workflowTemplate.findUniqueOrThrow({
      where: { id: template.id },
      select: { name: true },
    });
    const confirmedAt = performance.now();
    if (row.name === name) {
      template.history.versions.push({
        name,
        startedAt: t0,
        visibleFrom: confirmedAt + ctx.crashBoundMs,
        boundMs: REPURGE_AFTER_S * 1000 + FETCH_SLACK_MS,
        why: 'crashed',
      });
    }
  }
  template.history.pending = null;
  return res.status;
}

async function readName(ctx: WindowContext, rig: CdnRig, template: Template): Promise<void> {
  const recorder = ctx.recorder;
  const where = { window: recorder.window, phase: recorder.phase };
  const call = queryCall('templates.byId', { id: template.id });
  const t0 = performance.now();
  const res = await send(rig.route.url, call, { timeoutMs: REQUEST_TIMEOUT_MS });
  const t1 = performance.now();
  const sample = {
    procedure: `${call.procedure} (cdn)`,
    instance: 'varnish',
    t0,
    t1,
    status: res.status,
    cache: cacheOutcome(call.procedure, res),
    // Also while an instance is being killed: the CDN can only cut a reader whose answer it was
    // streaming from it.
    expectedFailure:
      res.status === 0 &&
      (rig.route.down || ctx.load.targets.some((t) => t.down || t.expectFailures === true)),
  };
  if (res.status !== 200) return recorder.record(sample, where);
  const name = isRecord(res.data) ? res.data.name : undefined;
  const verdict =
    typeof name === 'string'
      ? template.history.judge(name, t0, t1)
      : { ok: false as const, detail: 'templates.byId answer has no name', lagMs: null };
  if (verdict.ok && verdict.lateMs > 0) {
    if (verdict.why === 'purge impaired') {
      rig.late.impaired++;
      rig.late.maxImpairedMs = Math.max(rig.late.maxImpairedMs, Math.round(verdict.lateMs));
    } else {
      rig.late.purged++;
      rig.late.maxPurgedMs = Math.max(rig.late.maxPurgedMs, Math.round(verdict.lateMs));
    }
  }
  recorder.record(
    {
      ...sample,
      checked: true,
      ...(verdict.ok
        ? {}
        : { wrong: { detail: `template ${template.id}: ${verdict.detail}`, lagMs: verdict.lagMs } }),
    },
    where,
  );
}

/** The three faults in turn. */
export async function injectCdnFaults(ctx: WindowContext, rig: CdnRig): Promise<void> {
  // 1. Varnish restarted: stopped, started empty on its port; purges meanwhile are refused.
  const downFrom = performance.now();
  rig.route.down = true;
  rig.impaired.push([downFrom, Number.POSITIVE_INFINITY]);
  ctx.recorder.note('varnishd stopped');
  await rig.varnish.stop();
  await sleep(1_000);
  rig.varnish = await startVarnish({ backend: rig.origin.url, port: rig.varnish.port });
  rig.impaired[rig.impaired.length - 1] = [downFrom, performance.now()];
  rig.route.down = false;
  ctx.recorder.note('varnishd started again (empty)');
  await sleep(2_000);

  // 2. The purge port refuses connections for 10 s: purges fail, the relay retries them.
  const shutFrom = performance.now();
  rig.impaired.push([shutFrom, Number.POSITIVE_INFINITY]);
  await rig.purgePath.shut();
  ctx.recorder.note('purge port shut');
  await sleep(10_000);
  await rig.purgePath.open();
  rig.impaired[rig.impaired.length - 1] = [shutFrom, performance.now()];
  ctx.recorder.note('purge port open again');
  await sleep(2_000);

  // 3. app2 killed right after a rename's commit: app1's relay invalidates and purges it.
  const target = ctx.load.targets[1];
  const template = rig.templates[0];
  if (!target || !template) return ctx.recorder.note('crash skipped: no second instance');
  rig.paused = true;
  await rig.renameInFlight;
  target.expectFailures = true;
  const status = await rename(ctx, rig, template, target, `CDN window template ${template.id} crashed`, {
    'x-stash-fault': 'crash-after-commit',
  });
  target.down = true;
  rig.paused = false;
  ctx.recorder.note(
    `crash rename to ${target.app.label} answered ${status || 'nothing'}; ${target.app.alive() ? 'still running' : 'exited'}`,
  );
  await target.app.restart();
  target.down = false;
  target.expectFailures = false;
}

/** The notes the report prints for the window: how late the accepted reads were. */
export function lateNote(rig: CdnRig): string {
  const { purged, impaired, maxPurgedMs, maxImpairedMs } = rig.late;
  return (
    `template names read through Varnish after a newer rename had returned: ${purged} within the in-flight bound ` +
    `(max ${maxPurgedMs} ms, bound ${REPURGE_AFTER_S * 1000 + FETCH_SLACK_MS} ms), ${impaired} while purging was impaired ` +
    `(max ${maxImpairedMs} ms, bound ${MAX_AGE_S * 1000 + FETCH_SLACK_MS} ms)`
  );
}
