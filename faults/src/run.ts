/** Runs the windows in order: reset, setup, load + fault + recovery, teardown, summary. */
import { sleep } from '@stash/harness';
import type { WindowSummary } from './recorder';
import { WINDOWS, type WindowContext } from './windows';

export async function runWindows(
  ctx: WindowContext,
  wanted: (name: string) => boolean,
): Promise<WindowSummary[]> {
  const summaries: WindowSummary[] = [];
  const { load, recorder, timing } = ctx;
  let first = true;
  for (const win of WINDOWS.filter((w) => wanted(w.name) && (!w.needsReplica || ctx.replica))) {
    console.log(`[faults] window: ${win.name} (${win.what})`);
    if (!first && !win.ownStack) await startClean(ctx);
    first = false;
    await win.setup?.(ctx);
    try {
      recorder.begin(win.name);
      load.start(timing.concurrency, timing.maxRequests);
      await sleep(timing.beforeMs);
      recorder.faultStarted();
      await win.inject(ctx);
      recorder.faultEnded(performance.now());
      await sleep(timing.afterMs);
      recorder.end(performance.now());
      await load.stop();
    } finally {
      await load.stop();
      await win.teardown?.(ctx);
    }
    const summary = recorder.summarize(win.name, win.expectWrong === true);
    summaries.push(summary);
    console.log(
      `[faults]   ${summary.requests} requests (${summary.writes} writes, ${summary.checked} exact reads checked, ` +
        `${summary.checkedFromCache} of them from cache), ${summary.wrong} wrong, ${summary.fiveXx} 5xx, ${summary.hangs} hangs, ` +
        `${summary.connErrors} conn errors, p99 ${summary.p99FaultMs} ms during the fault, slowest ${summary.slowestMs} ms, ` +
        `hit rate ${summary.hitShareBefore === null ? '-' : Math.round(summary.hitShareBefore * 100)} % before the fault, ` +
        `back ${summary.hitRecoveryMs === null ? 'never' : `${summary.hitRecoveryMs} ms after it`} ` +
        `(per second after it: ${summary.hitSharesAfter.map((v) => (v === null ? '-' : `${Math.round(v * 100)} %`)).join(', ')})`,
    );
    for (const line of recorder.hangLines(win.name)) console.log(`[faults]     hang: ${line}`);
    for (const line of recorder.connErrorLines(win.name))
      console.log(`[faults]     connection error: ${line}`);
    if (!win.expectWrong && summary.wrong > 0) {
      for (const line of recorder.wrongLines(win.name)) console.log(`[faults]     wrong: ${line}`);
      for (const line of invalidationLog(ctx, recorder.windowStart)) console.log(`[faults]     log: ${line}`);
    }
  }
  return summaries;
}

/**
 * What the instances logged about invalidations during the window (relay deliveries, deliveries
 * that failed), times relative to the window's start: beside a wrong answer, it shows whether
 * the invalidation it missed had reached Redis.
 */
function invalidationLog(ctx: WindowContext, start: number): string[] {
  const apps = ctx.cluster?.stack.apps ?? ctx.stack.apps;
  return apps.flatMap((app) =>
    app
      .logs()
      .split('\n')
      .map((line) => /^\[(\d+)\] (.*(?:outbox|invalidation|relay).*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= start)
      .map((m) => `${app.label} +${Math.round(Number(m[1]) - start)} ms: ${m[2]?.slice(0, 300)}`),
  );
}

/**
 * Each window starts from an empty Redis and fresh app processes, so entries a previous fault
 * left stale (they live until their TTL) are never counted against the next window.
 */
async function startClean(ctx: WindowContext): Promise<void> {
  await Promise.all(ctx.stack.apps.map((app) => app.stop()));
  await ctx.redis.kill();
  await ctx.redis.start();
  await Promise.all(ctx.stack.apps.map((app) => app.restart()));
}
