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
import { cacheOutcome, mutationCall, queryCall, send, sleep, startVarnish } from '@stash/harness';
import {
  type CdnRig,
  FETCH_SLACK_MS,
  isRecord,
  MAX_AGE_S,
  REPURGE_AFTER_S,
  REQUEST_TIMEOUT_MS,
  type Template,
} from './cdn-rig';
import { cdnFailureExpected, type Target } from './load';
import type { WindowContext } from './windows';

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
    expectedFailure: res.status === 0 && cdnFailureExpected(rig.route, ctx.load.targets),
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
