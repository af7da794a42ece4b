/**
 * How the per-operation timeout behaves against a HEALTHY Redis when this process's event loop
 * is busy, and what that says about the default. Run: `pnpm --filter @stash/cache bench:timeout`.
 *
 * For each timeout, the same workload runs twice in one process, side by side: N cached reads
 * (Redis hits) issued in bursts of 20 while the loop is blocked by synchronous work of 0-40 ms
 * after each burst (what a burst of requests, a GC pause or a synchronous bcrypt does). One pass
 * uses a plain `setTimeout` race (the old guard), the other the engine's `withTimeout`, which
 * lets the poll phase read replies that already arrived and grants a late timer its budget
 * again. Reported: reads that "timed out" although Redis was fine, and the true round trip
 * percentiles measured with the loop idle.
 */
import { Redis } from 'ioredis';
import { withTimeout } from '../src/timeout';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const READS = Number(process.env.READS ?? 4000);
const BURST = 20;

function plainTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the loop is ours, not Redis's
  }
}

/** Deterministic pseudo-random block lengths, so both passes see the same load. */
function* blocks(): Generator<number> {
  let x = 42;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield (x % 41) as number;
  }
}

async function falseTimeouts(
  client: Redis,
  guard: (p: Promise<unknown>, ms: number) => Promise<unknown>,
  ms: number,
): Promise<number> {
  let failures = 0;
  const lengths = blocks();
  for (let done = 0; done < READS; done += BURST) {
    const burst = Array.from({ length: BURST }, () =>
      guard(client.mget('bench:timeout:key', 'bench:timeout:c'), ms).then(
        () => 0,
        () => 1,
      ),
    );
    busy(lengths.next().value as number);
    for (const failed of await Promise.all(burst)) failures += failed;
  }
  return failures;
}

async function roundTrips(client: Redis): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    await client.mget('bench:timeout:key', 'bench:timeout:c');
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const client = new Redis(REDIS_URL);
await client.set('bench:timeout:key', 'x'.repeat(10_000), 'PX', 600_000);
const rt = await roundTrips(client);
const at = (q: number) => (rt[Math.min(rt.length - 1, Math.floor(q * rt.length))] ?? 0).toFixed(2);
console.log(
  `Redis MGET round trip, idle loop, ${READS} reads: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, p99.9 ${at(0.999)} ms, max ${at(1)} ms`,
);
console.log(`\n${READS} hits in bursts of ${BURST}, loop blocked 0-40 ms after each burst:`);
console.log('| timeout | plain setTimeout race: false timeouts | engine withTimeout: false timeouts |');
console.log('|---:|---:|---:|');
for (const ms of [20, 50, 100, 250]) {
  const plain = await falseTimeouts(client, plainTimeout, ms);
  const engine = await falseTimeouts(client, (p, t) => withTimeout(p, t, 'read'), ms);
  const pct = (n: number) => `${n} (${((100 * n) / READS).toFixed(1)} %)`;
  console.log(`| ${ms} ms | ${pct(plain)} | ${pct(engine)} |`);
}
await client.del('bench:timeout:key');
client.disconnect();
