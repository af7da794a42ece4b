/**
 * wrk (C, one epoll thread: Debian's `wrk`) as the load generator, for the rows where the server
 * is faster than autocannon: a Varnish hit costs Varnish so little that autocannon, in Node, took
 * one of the 2 cores at 17,000 req/s and set the tail it measured. The same generator must drive
 * every row of a comparison (bench:cdn `--generator=wrk` uses it for both).
 *
 * wrk keeps its own latency histogram; a Lua `done` hook prints it as 1,000 quantiles (every
 * 0.1 %), which are recorded into the same HDR histogram the autocannon path fills, so slices
 * combine the same way (to 0.1 % of the requests of each slice).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Measurement, newLatencyHistogram, percentilesMs, type Target } from './load';
import { SEARCH_PATH } from './variants';

const run = promisify(execFile);
const QUANTILES = 1000;

const DONE_HOOK = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("STASH %d %d %d %d %d\\n", summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status))
  for i = 1, ${QUANTILES} do
    io.write(string.format("Q %d\\n", latency:percentile(i * 100 / ${QUANTILES})))
  end
end
`;

export async function measureWithWrk(
  target: Target,
  connections: number,
  durationS: number,
): Promise<Measurement> {
  const url = `${target.url}${target.path ?? SEARCH_PATH}`;
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${url}: not 127.0.0.1`);
  const dir = mkdtempSync(join(tmpdir(), 'stash-wrk-'));
  try {
    const script = join(dir, 'done.lua');
    writeFileSync(script, DONE_HOOK);
    const headers = Object.entries(target.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const seconds = Math.max(1, Math.round(durationS));
    const { stdout } = await run(
      'wrk',
      ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, ...headers, url],
      { timeout: (seconds + 30) * 1000, maxBuffer: 10_000_000 },
    ).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new Error('wrk is not installed: apt-get install -y wrk');
      throw error;
    });
    const totals = /^STASH (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(stdout);
    if (!totals) throw new Error(`wrk printed no totals:\n${stdout}`);
    const [requests, durationUs, bytes, errors, non2xx] = totals.slice(1).map(Number) as number[];
    if ((errors ?? 0) + (non2xx ?? 0) > 0) {
      throw new Error(`${target.variant} @${connections}: ${errors} errors, ${non2xx} non-2xx (wrk)`);
    }
    const latencies = newLatencyHistogram();
    const perQuantile = Math.max(1, Math.round((requests ?? 0) / QUANTILES));
    for (const m of stdout.matchAll(/^Q (\d+)$/gm)) {
      latencies.recordValueWithCount(Math.max(1, Number(m[1])), perQuantile);
    }
    return {
      variant: target.variant,
      connections,
      rps: (requests ?? 0) / ((durationUs ?? 1) / 1e6),
      ...percentilesMs(latencies),
      bytesPerResponse: (bytes ?? 0) / Math.max(1, requests ?? 0),
      latencies,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--generator=autocannon|wrk`: the plan's generator for every row, and how the report names it. */
export function loadGenerator(name: string | undefined): {
  plan: { generator?: typeof measureWithWrk };
  description: string;
} {
  if (name === undefined || name === 'autocannon')
    return { plan: {}, description: 'autocannon 9 in the parent process' };
  if (name === 'wrk')
    return {
      plan: { generator: measureWithWrk },
      description: 'wrk 4.1 (one thread, -t1) as a child process',
    };
  throw new Error(`--generator=autocannon|wrk, got "${name}"`);
}
