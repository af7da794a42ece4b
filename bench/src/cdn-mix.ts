/**
 * The mixed workload against a CDN: anonymous reads (Zipf searches and agent pages) through the
 * CDN, installs/uninstalls signed in at the origin (each purges what it changed). Counts the
 * anonymous reads the CDN did not answer itself (`Cache-Status` not ending in `varnish; hit`).
 * Signed-in reads are left out: they pass to the origin by design and are not the CDN's to save.
 */
import { callFor, pairKey, send, type Workload, type WriteOp } from '@stash/harness';

export interface CdnMixOptions {
  workload: Workload;
  cookies: Map<number, string>;
  cdnUrl: string;
  originUrl: string;
  /** Operations drawn from the mix (signed-in reads among them are drawn and skipped). */
  ops: number;
  /**
   * Stop after this many seconds even if fewer ops were drawn: a run must outlast the CDN copies'
   * lifetime (up to 300 s) a few times over to count their expiry, which comes in waves.
   */
  seconds?: number;
  concurrency: number;
  /** A progress line this often (ms): the long runs take minutes. */
  progressEveryMs?: number;
}

interface Tally {
  reads: number;
  origin: number;
}

/** Runs the mix and returns its table (markdown). */
export async function originShare(opts: CdnMixOptions): Promise<string> {
  const installed = new Set(opts.workload.world.initialInstalls);
  const whole: Tally = { reads: 0, origin: 0 };
  const secondHalf: Tally = { reads: 0, origin: 0 };
  let writes = 0;
  let failures = 0;
  let drawn = 0;
  const writeMs: number[] = [];
  const warm = await warmUp(opts);
  const started = performance.now();
  // Per window: how fast the reads went and how many the CDN sent on (expiry comes in waves).
  let window: Tally = { reads: 0, origin: 0 };
  const progress = setInterval(() => {
    const s = ((performance.now() - started) / 1000).toFixed(0);
    const w = window;
    window = { reads: 0, origin: 0 };
    console.log(
      `  mix ${s} s: ${drawn}/${opts.ops} ops drawn; last window ${w.reads} anonymous reads, ${w.origin} sent to the origin`,
    );
  }, opts.progressEveryMs ?? 30_000);

  const write = async () => {
    const { userId, workspaceId } = opts.workload.writer();
    const agentId = opts.workload.agent();
    const key = pairKey(workspaceId, agentId);
    const op: WriteOp = { kind: installed.has(key) ? 'uninstall' : 'install', userId, workspaceId, agentId };
    if (op.kind === 'install') installed.add(key);
    else installed.delete(key);
    const sentAt = performance.now();
    const res = await send(opts.originUrl, callFor(op), {
      cookie: opts.cookies.get(userId),
      timeoutMs: 10_000,
    });
    writeMs.push(performance.now() - sentAt);
    if (res.status === 200) writes++;
    else failures++;
  };

  const read = async (kind: 'search' | 'agent', late: boolean) => {
    const res = await fetch(`${opts.cdnUrl}${callFor(opts.workload.read(kind)).path}`);
    await res.text();
    if (res.status !== 200) {
      failures++;
      return;
    }
    const fromOrigin = !/varnish; hit$/.test(res.headers.get('cache-status') ?? '');
    for (const tally of late ? [whole, secondHalf, window] : [whole, window]) {
      tally.reads++;
      if (fromOrigin) tally.origin++;
    }
  };

  const deadline = started + (opts.seconds ?? Number.POSITIVE_INFINITY) * 1000;
  const worker = async () => {
    while (drawn < opts.ops && performance.now() < deadline) {
      const late = drawn++ >= opts.ops / 2 || performance.now() > (started + deadline) / 2;
      const kind = opts.workload.kind();
      if (kind === 'write') await write();
      else if (kind === 'search' || kind === 'agent') await read(kind, late);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  const per1000 = (t: Tally) => ((t.origin / Math.max(1, t.reads)) * 1000).toFixed(1);
  writeMs.sort((a, b) => a - b);
  const writeAt = (q: number) => (writeMs[Math.floor((writeMs.length - 1) * q)] ?? 0).toFixed(0);
  return [
    `Warm-up: ${warm.urls} URLs read once through the CDN (${warm.origin} went to the origin, ${warm.failures} failed) in ${warm.seconds.toFixed(0)} s; then counted:`,
    '',
    '| ops drawn | anonymous reads | reads/s | sent to the origin | per 1,000 reads | per 1,000, second half | writes | write p50 / p99 ms | failed | seconds |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${drawn} | ${whole.reads} | ${(whole.reads / seconds).toFixed(0)} | ${whole.origin} | ${per1000(whole)} | ${per1000(secondHalf)} | ${writes} | ${writeAt(0.5)} / ${writeAt(0.99)} | ${failures} | ${seconds.toFixed(0)} |`,
  ].join('\n');
}

/** Reads every URL the mix's anonymous reads can draw once through the CDN. */
async function warmUp(opts: CdnMixOptions) {
  const world = opts.workload.world;
  const paths = [
    ...world.searches.map((input) => callFor({ kind: 'search', input }).path),
    ...world.agents.map((agentId) => callFor({ kind: 'agent', agentId }).path),
  ];
  const started = performance.now();
  let next = 0;
  let origin = 0;
  let failures = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const res = await fetch(`${opts.cdnUrl}${path}`);
      await res.text();
      if (res.status !== 200) failures++;
      else if (!/varnish; hit$/.test(res.headers.get('cache-status') ?? '')) origin++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { urls: paths.length, origin, failures, seconds: (performance.now() - started) / 1000 };
}
