/**
 * Invalidation as the cache grows: stash's tag invalidation next to the SCAN-and-delete-by-
 * pattern approach (`SCAN MATCH marketplace:agents:*` + `DEL`), with 10k, 100k and 1M cached
 * entries. Run: `pnpm --filter @stash/cache bench:invalidation` (options: `--sizes=10000,100000`,
 * `--reps=15`, `--scan-reps=5`).
 *
 * Everything runs against a throw-away `redis-server` on a spare port (no persistence), so a
 * million keys never land in the Redis other work shares; it is killed at the end. Per size:
 * the keyspace is filled with `DEBUG POPULATE` (entries of 200 bytes), 100 of them under the
 * pattern's prefix; then the two approaches run in alternating batches (same machine state for
 * both). Wall time per invalidation is each call timed on its own (median, max); Redis CPU is
 * `INFO cpu` (used_cpu_sys + used_cpu_user) across a batch, divided by its calls.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { buildCacheKey, createCache } from '../src/index';
import { startRedis } from '../test/support/redis';

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    reps: { type: 'string', default: '15' },
    'scan-reps': { type: 'string', default: '5' },
  },
});
const SIZES = opts.sizes.split(',').map(Number);
const REPS = Number(opts.reps);
const SCAN_REPS = Number(opts['scan-reps']);
const PATTERN_KEYS = 100; // what one invalidation must drop in the pattern approach
/** About as many namespaces as the API registers (one per cached procedure, plus memberships). */
const NAMESPACES = Array.from({ length: 10 }, (_, i) => `procedure.${i}`);
NAMESPACES[0] = 'marketplace.agents';
const quiet = { warn() {}, info() {} };

interface Figures {
  medianMs: number;
  maxMs: number;
  redisCpuMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

async function redisCpuMs(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

/**
 * Runs `op` `reps` times, each timed alone. Redis CPU is read around the whole batch, or around
 * each call when `before` must run in between (it recreates what the previous call deleted and
 * is not measured); the INFO calls themselves cost ~0.05 ms, noise next to a SCAN.
 */
async function batch(
  admin: Redis,
  reps: number,
  op: () => Promise<unknown>,
  before?: () => Promise<unknown>,
) {
  const times: number[] = [];
  let cpu = 0;
  const batchStart = before ? 0 : await redisCpuMs(admin);
  for (let i = 0; i < reps; i++) {
    if (before) await before();
    const cpuBefore = before ? await redisCpuMs(admin) : 0;
    const started = performance.now();
    await op();
    times.push(performance.now() - started);
    if (before) cpu += (await redisCpuMs(admin)) - cpuBefore;
  }
  if (!before) cpu = (await redisCpuMs(admin)) - batchStart;
  return { times, cpu };
}

/** Invalidation by key pattern, without tags: walk the whole keyspace for it, delete what matches. */
async function scanAndDelete(client: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) deleted += await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

async function measureSize(url: string, admin: Redis, size: number): Promise<[Figures, Figures]> {
  await admin.flushall();
  await admin.call(
    'DEBUG',
    'POPULATE',
    String(size - PATTERN_KEYS),
    'bench:v1:{marketplace.search}:public',
    '200',
  );
  const recreate = () => {
    const pipeline = admin.pipeline();
    for (let i = 0; i < PATTERN_KEYS; i++) pipeline.set(`marketplace:agents:${i}`, 'x'.repeat(200));
    return pipeline.exec();
  };
  await recreate();
  const keys = await admin.dbsize();
  const cache = createCache({
    prefix: 'bench',
    redis: url,
    l1: false,
    namespaces: NAMESPACES,
    logger: quiet,
  });
  const client = new Redis(url);
  try {
    await cache.ready();
    // A real entry, to check that the invalidation still does its job at this size.
    const key = buildCacheKey({
      prefix: 'bench',
      version: 'v1',
      path: 'marketplace.agents',
      scope: 'public',
      input: 1,
    });
    const options = { ttlMs: 60_000, tags: ['agent:1'] };
    await cache.fetch(key, () => 'old', options);
    const stash = { times: [] as number[], cpu: 0 };
    const scan = { times: [] as number[], cpu: 0 };
    // Alternating batches: both approaches see the same machine over the run.
    const rounds = Math.max(1, Math.ceil(SCAN_REPS / 2));
    for (let round = 0; round < rounds; round++) {
      const s = await batch(admin, Math.ceil(REPS / rounds), () => cache.invalidateTags(['agent:1']));
      stash.times.push(...s.times);
      stash.cpu += s.cpu;
      const p = await batch(
        admin,
        Math.ceil(SCAN_REPS / rounds),
        async () => {
          const deleted = await scanAndDelete(client, 'marketplace:agents:*');
          if (deleted !== PATTERN_KEYS)
            throw new Error(`SCAN deleted ${deleted} keys, expected ${PATTERN_KEYS}`);
        },
        recreate,
      );
      scan.times.push(...p.times);
      scan.cpu += p.cpu;
    }
    const after = await cache.fetch(key, () => 'new', options);
    if (after.value !== 'new') throw new Error(`invalidation at ${size} entries left ${after.value} cached`);
    console.log(`  ${size} entries (dbsize ${keys}): done, load average ${loadavg()[0]?.toFixed(2)}`);
    const figures = (r: { times: number[]; cpu: number }): Figures => ({
      medianMs: median(r.times),
      maxMs: Math.max(...r.times),
      redisCpuMs: r.cpu / r.times.length,
    });
    return [figures(stash), figures(scan)];
  } finally {
    client.disconnect();
    await cache.close();
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((l) => l.toFixed(2));
  // A private server: its own keyspace, its own CPU counters; DEBUG POPULATE allowed locally.
  const server = await startRedis(['--enable-debug-command', 'local']);
  const admin = new Redis(server.url);
  try {
    const rows: Array<[number, Figures, Figures]> = [];
    for (const size of SIZES) rows.push([size, ...(await measureSize(server.url, admin, size))]);
    const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0));
    console.log(
      `\nnode ${process.version}, ${REPS} stash / ${SCAN_REPS} SCAN invalidations per size, ${NAMESPACES.length} namespaces, load average ${loadAtStart.join(' ')} at start, ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at end\n`,
    );
    console.log(
      '| cached entries | stash: ms per invalidation (median / max) | stash: Redis CPU ms per call | SCAN + DEL: ms (median / max) | SCAN + DEL: Redis CPU ms per call | SCAN / stash (median) |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const [size, stash, scan] of rows) {
      console.log(
        `| ${size.toLocaleString('en')} | ${fmt(stash.medianMs)} / ${fmt(stash.maxMs)} | ${fmt(stash.redisCpuMs)} | ${fmt(scan.medianMs)} / ${fmt(scan.maxMs)} | ${fmt(scan.redisCpuMs)} | ${(scan.medianMs / stash.medianMs).toFixed(0)}× |`,
      );
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first && last && first !== last) {
      console.log(
        `\nstash at ${last[0].toLocaleString('en')} entries / at ${first[0].toLocaleString('en')}: ${(last[1].medianMs / first[1].medianMs).toFixed(2)}× (bar: ≤ 1.5×, flat as the cache grows); SCAN: ${(last[2].medianMs / first[2].medianMs).toFixed(0)}×`,
      );
    }
  } finally {
    admin.disconnect();
    await server.stop();
  }
}

await main();
