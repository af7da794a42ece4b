/**
 * `pnpm test:faults [--short]`: the fault suite (read-your-writes, no 5xx and no hang while Redis,
 * its connections or an instance fail). Two production instances (`next start`)
 * on their own redis-server and their own PostgreSQL database, a mixed load checked by a
 * read-your-writes oracle, one window per fault. Prints the table, writes it into
 * docs/reliability.md ("Faults") and exits 1 when a window fails (src/verdict.ts: wrong answers,
 * 5xx, unexpected connection errors, a request over the hang bound, hangs over 2 s unless
 * reported only, a hit rate not back in time after the fault, too few reads checked), or
 * PostgreSQL disagrees with the oracle at the end.
 *
 *   options: --short (CI size, a few minutes)  --only=baseline,cluster   (windows whose name
 *            contains one of these)  --crash-bound-ms=5000  --no-doc  --seed=1
 *            --busy=2 (busy-loop processes beside the run, for the "CPU saturated" check)
 *            --hang-bound-ms=5000 (any slower request fails its window)
 *            --hangs-report-only (CI: requests over 2 s are reported, not failures)
 *            --replica-lag-ms=2000 (the rig on a primary + streaming replica this far behind,
 *            every instance reading cache fills from it; adds the "replica" window)
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pairKey, sourceState, startBusyLoops, startRig, Teardown, Workload } from '@stash/harness';
import { Checker } from './src/checks';
import { LoadRunner } from './src/load';
import { METHOD } from './src/method';
import { AgentHistory } from './src/oracle';
import { HANG_MS, Recorder } from './src/recorder';
import { failures, notes, table, writeReliabilityDoc } from './src/report';
import { runWindows } from './src/run';
import { compareWithDatabase } from './src/truth';
import type { Bounds } from './src/verdict';
import type { Timing } from './src/windows';

const { values: opts } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    only: { type: 'string' },
    'crash-bound-ms': { type: 'string', default: '5000' },
    'no-doc': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    busy: { type: 'string', default: '0' },
    // Any request slower than this fails its window. 5 s: 2.2 times the slowest request CI runs
    // beside two busy loops recorded (an install of 2,253 ms during a cluster node restart),
    // and half the 10 s after which a request is abandoned (docs/reliability.md).
    'hang-bound-ms': { type: 'string', default: '5000' },
    // CI: requests over 2 s are counted and reported, not failures: on a shared 2-core box the
    // load, not the code, decides whether a write that waits out a timeout takes 1.9 or 2.1 s.
    'hangs-report-only': { type: 'boolean', default: false },
    // Instances read cache fills from a streaming replica this far behind (and the replica
    // window runs); unset: no replica, as before.
    'replica-lag-ms': { type: 'string' },
  },
  allowPositionals: true,
});

const TIMING: Timing = opts.short
  ? {
      beforeMs: 2_000,
      faultMs: 5_000,
      faultWrites: 15,
      afterMs: 6_000,
      concurrency: 6,
      maxRequests: 20_000,
      crashes: 2,
    }
  : {
      beforeMs: 5_000,
      faultMs: 20_000,
      faultWrites: 60,
      afterMs: 15_000,
      concurrency: 8,
      maxRequests: 100_000,
      crashes: 5,
    };
/** Small: migrations + seed in a couple of seconds; enough agents for lists that change. */
/**
 * What a window must show besides no harm (src/verdict.ts). Short windows judge 100 to 970 exact
 * reads on this machine and a busy day (docs/reliability.md), so 50 is far below a working run
 * and far above a broken one. The hit rate gets most of the time after the fault to come back.
 */
const BOUNDS: Bounds = {
  hangMs: Number(opts['hang-bound-ms']),
  fineHangMs: HANG_MS,
  fineHangs: opts['hangs-report-only'] ? 'report' : 'fail',
  minChecked: opts.short ? 50 : 200,
  hitRecoveryMs: opts.short ? 4_000 : 10_000,
  crashBoundMs: Number(opts['crash-bound-ms']),
};
const SEED = { agents: 300, templates: 20, users: 8, workspaces: 6 };
const WRITE_POOL = 40;
const SEARCHES = 200;
const REPO_ROOT = join(import.meta.dirname, '..');

const teardown = new Teardown();

async function main(): Promise<number> {
  const started = Date.now();
  const loadAtStart = loadavg().map((l) => l.toFixed(2));
  const busy = Number(opts.busy);
  startBusyLoops(busy, teardown);
  const replicaLagMs = opts['replica-lag-ms'] === undefined ? undefined : Number(opts['replica-lag-ms']);
  const { db, redis, stack, world, cookies, replica } = await startRig({
    seed: SEED,
    ...(replicaLagMs === undefined ? {} : { replicaLagMs }),
    instances: 2,
    agents: WRITE_POOL,
    searches: SEARCHES,
    env: { STASH_FAULT_INJECTION: '1' },
    teardown,
    log: (line) => console.log(`[faults] ${line}`),
  });
  const histories = new Map(
    world.agents.map((id) => [
      id,
      new AgentHistory(
        world.initialCounts.get(id) ?? 0,
        world.workspaceIds.filter((w) => world.initialInstalls.has(pairKey(w, id))),
      ),
    ]),
  );

  const recorder = new Recorder();
  const load = new LoadRunner({
    workload: new Workload(world, Number(opts.seed)),
    histories,
    checker: new Checker(world, histories, () => recorder.windowStart),
    recorder,
    cookies,
    prisma: db.prisma,
    crashBoundMs: Number(opts['crash-bound-ms']),
  });
  load.targets = stack.apps.map((app) => ({ app, down: false }));
  const only = opts.only?.split(',').map((s) => s.trim().toLowerCase());
  const summaries = await runWindows(
    {
      load,
      recorder,
      redis,
      stack,
      timing: TIMING,
      databaseUrl: db.url,
      crashBoundMs: Number(opts['crash-bound-ms']),
      hangBoundMs: BOUNDS.hangMs,
      ...(replica ? { replica } : {}),
    },
    (name) => !only || only.some((o) => name.toLowerCase().includes(o)),
  );
  const dbProblems = await compareWithDatabase(db.prisma, histories);

  const command = `pnpm test:faults${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const seconds = Math.round((Date.now() - started) / 1000);
  const bad = failures(summaries, BOUNDS);
  const hangsReported = summaries.reduce((n, s) => n + (s.expectWrong ? 0 : s.hangs), 0);
  const verdict =
    bad.length === 0 && dbProblems.length === 0
      ? `PASS: no wrong answers, 5xx${BOUNDS.fineHangs === 'fail' ? ', hangs' : ''} or unexpected connection errors, no request over ${BOUNDS.hangMs} ms, the hit rate back within ${BOUNDS.hitRecoveryMs} ms of each fault, at least ${BOUNDS.minChecked} exact reads checked per window; PostgreSQL matches the oracle.${BOUNDS.fineHangs === 'report' ? ` Hangs over ${HANG_MS} ms (reported only): ${hangsReported}.` : ''}`
      : `FAIL: ${bad.join(', ') || 'no window'} failed${dbProblems.length ? `; PostgreSQL disagrees with the oracle (${dbProblems.length} agents)` : ''}.`;
  const section = [
    `Command: \`${command}\` (${opts.short ? 'short mode' : 'full mode'}, ${seconds} s in total).`,
    `Source: ${sourceState()}. Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; load average ` +
      `${loadAtStart.join(' / ')} at the start and ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')} at the end (1 / 5 / 15 min). Run at ${new Date().toISOString()}.`,
    `Per window: ${TIMING.beforeMs / 1000} s of load before the fault, the fault (where it has a duration: ${TIMING.faultMs / 1000} s and ${TIMING.faultWrites} writes at least, 4 × that time at most), ` +
      `${TIMING.afterMs / 1000} s after it; ${TIMING.concurrency} concurrent clients; seed ${JSON.stringify(SEED)}, ` +
      `${WRITE_POOL} agents written, ${SEARCHES} distinct searches; crash bound ${opts['crash-bound-ms']} ms; hang bound ${BOUNDS.hangMs} ms.`,
    '',
    table(summaries),
    '',
    notes(summaries),
    '',
    dbProblems.length
      ? `PostgreSQL vs oracle:\n${dbProblems.map((p) => `- ${p}`).join('\n')}`
      : 'PostgreSQL at the end matches the oracle for every written agent.',
    '',
    `Verdict: ${verdict}`,
  ].join('\n');
  console.log(`\n${section}\n`);
  if (!opts['no-doc'] && !opts.only) {
    const title = `Last run${opts.short ? ', short mode' : ', full mode'}${busy > 0 ? `, ${busy} busy-loop processes beside it` : ''}`;
    writeReliabilityDoc(join(REPO_ROOT, 'docs/reliability.md'), METHOD, title, section);
  }
  return bad.length === 0 && dbProblems.length === 0 ? 0 : 1;
}

await teardown.runMain(main);
// Keep-alive sockets to the stopped apps would hold the process open for a while.
process.exit(process.exitCode ?? 1);
