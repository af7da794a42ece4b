/** Load generation (autocannon) and the checks that run before any number is trusted. */

import { CACHE_HEADER } from '@stash/api';
import autocannon from 'autocannon';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import { EXPECTED_CACHE_HEADER, EXPECTED_STATUS, SEARCH_PATH, type Variant } from './variants';

export interface Target {
  variant: Variant;
  url: string;
  headers: Record<string, string>;
  /** Defaults to marketplace.search with its default input. */
  path?: string;
}

export interface Measurement {
  variant: Variant;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  bytesPerResponse: number;
  /** Every response's latency in µs: a cell's slices merge into one distribution. */
  latencies: Histogram;
  /**
   * The same without each connection's first response (autocannon only; wrk cannot tell them
   * apart). A slice opens all its connections at once and a busy server accepts them late, so
   * with few requests per connection those first responses alone can fill the top 1 %: this is
   * the tail of serving on open connections, as a client that keeps its connections sees it.
   */
  onOpenConnections?: Histogram;
}

/** Latencies in µs, from 1 µs to 10 min, 3 significant digits (autocannon's own precision). */
export function newLatencyHistogram(): Histogram {
  return buildHistogram({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** p50 and p99 in ms, as the tables print them. */
export function percentilesMs(h: Histogram): { p50: number; p99: number } {
  const ms = (us: number) => Math.round(us / 100) / 10;
  return { p50: ms(h.getValueAtPercentile(50)), p99: ms(h.getValueAtPercentile(99)) };
}

function assertLoopback(url: string): void {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${url}: not 127.0.0.1`);
}

export async function get(
  target: Target,
): Promise<{ status: number; cache: string | null; body: string; etag: string | null }> {
  assertLoopback(target.url);
  const res = await fetch(`${target.url}${target.path ?? SEARCH_PATH}`, { headers: target.headers });
  const etag = res.headers.get('etag');
  return { status: res.status, cache: res.headers.get(CACHE_HEADER), body: await res.text(), etag };
}

/**
 * Two requests (the first may fill the cache); the second must be a 200 with the expected
 * `x-stash-cache` value and exactly the reference body.
 */
export async function verify(target: Target, reference: string): Promise<void> {
  await get(target);
  const { status, cache, body } = await get(target);
  const expected = EXPECTED_CACHE_HEADER[target.variant];
  const expectedStatus = EXPECTED_STATUS[target.variant] ?? 200;
  // A 304 has no body: the client already holds the reference bytes.
  const expectedBody = expectedStatus === 304 ? '' : reference;
  const problems = [
    status !== expectedStatus && `status ${status}, expected ${expectedStatus}`,
    cache !== expected && `${CACHE_HEADER} is ${JSON.stringify(cache)}, expected ${JSON.stringify(expected)}`,
    body !== expectedBody &&
      `body differs from the reference (${body.length} vs ${expectedBody.length} bytes)`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${target.variant}: ${problems.join('; ')}`);
}

export async function measure(
  target: Target,
  connections: number,
  durationS: number,
  warmupS: number,
): Promise<Measurement> {
  assertLoopback(target.url);
  const options = { url: `${target.url}${target.path ?? SEARCH_PATH}`, connections, headers: target.headers };
  if (warmupS > 0) await autocannon({ ...options, duration: warmupS });
  const latencies = newLatencyHistogram();
  const onOpenConnections = newLatencyHistogram();
  const answered = new WeakSet<object>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ ...options, duration: durationS }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    run.on('response', (client, _status, _bytes, responseTimeMs) => {
      const us = Math.max(1, Math.round(responseTimeMs * 1000));
      latencies.recordValue(us);
      if (answered.has(client)) onOpenConnections.recordValue(us);
      else answered.add(client);
    });
  });
  // autocannon counts a 304 as non-2xx: the revalidation variant expects exactly those.
  const expected304 =
    EXPECTED_STATUS[target.variant] === 304 ? (result.statusCodeStats?.['304']?.count ?? 0) : 0;
  const failed = result.errors + result.timeouts + result.non2xx - expected304;
  if (failed > 0) {
    throw new Error(
      `${target.variant} @${connections}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
    );
  }
  return {
    variant: target.variant,
    connections,
    rps: result.requests.total / result.duration,
    ...percentilesMs(latencies),
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
    latencies,
    onOpenConnections,
  };
}

/**
 * One cell from its slices: requests over time, and percentiles of all its responses together.
 * (The worst slice's p99 was a knife edge at 50 connections: each slice opens 50 connections at
 * once, and a busy Node server accepts them one per event-loop turn, so ~25 first requests wait
 * 0.3-1 s; at 2 s slices that is about 1 % of a slice. docs/benchmarks.md, "Where the 50-connection
 * tail went"; `pnpm --filter @stash/bench bench:accept-burst` shows it on a bare node server.)
 */
export function combineSlices(parts: Measurement[]): Measurement {
  const first = parts[0];
  if (!first) throw new Error('no measurement');
  const latencies = newLatencyHistogram();
  for (const part of parts) latencies.add(part.latencies);
  const open = parts.every((part) => part.onOpenConnections) ? newLatencyHistogram() : undefined;
  for (const part of parts) if (open && part.onOpenConnections) open.add(part.onOpenConnections);
  return {
    ...first,
    rps: parts.reduce((sum, p) => sum + p.rps, 0) / parts.length, // equal slices: the mean rate
    ...percentilesMs(latencies),
    latencies,
    ...(open ? { onOpenConnections: open } : {}),
  };
}

/**
 * Every target at each connection count, each cell `rounds` slices of `durationS / rounds` taken
 * round-robin over the targets (the order flips every round, and between connection counts): on a
 * shared machine the load moves within seconds, and slices side by side see the same machine, one
 * long run per target does not. Prints each cell as it is done.
 */
export async function measureSideBySide(
  targets: readonly Target[],
  plan: {
    connections: readonly number[];
    durationS: number;
    warmupS: number;
    rounds: number;
    /** The load generator for every row (default autocannon, `measure`). */
    generator?: (target: Target, connections: number, durationS: number) => Promise<Measurement>;
  },
): Promise<Measurement[]> {
  const load =
    plan.generator ?? ((target, connections, durationS) => measure(target, connections, durationS, 0));
  const rows: Measurement[] = [];
  for (const [i, connections] of plan.connections.entries()) {
    const slices = new Map<Target, Measurement[]>(targets.map((t) => [t, []]));
    for (const target of targets) await load(target, connections, plan.warmupS);
    for (let round = 0; round < plan.rounds; round++) {
      const order = (i + round) % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order)
        slices.get(target)?.push(await load(target, connections, plan.durationS / plan.rounds));
    }
    for (const [target, parts] of slices) {
      const row = combineSlices(parts);
      console.log(`  ${target.variant} @${connections}: ${Math.round(row.rps)} req/s, p99 ${row.p99} ms`);
      rows.push(row);
    }
  }
  return rows;
}
