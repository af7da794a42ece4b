/**
 * HTTP load benchmark: marketplace.search (default input, 20 items) served six or more ways, and
 * two signed-in reads (workspaces.byId of a workspace with 34 installs, workspaces.mine),
 * side by side in one run, at 10 and 50 connections. See docs/benchmarks.md ("HTTP load").
 *
 *   pnpm --filter @stash/bench bench              # Next variant too when apps/web has a build
 *   pnpm --filter @stash/bench bench --next       # build apps/web first if it is stale
 *   pnpm --filter @stash/bench bench --no-next    # servers of this package only
 *   pnpm --filter @stash/bench bench --profile    # variant 4 only, under node --cpu-prof
 *   pnpm --filter @stash/bench bench --profile --variant=trpc-constant   # another variant
 *   pnpm --filter @stash/bench bench --profile --variant=next-api        # `next start` itself
 *   options: --duration=12 --warmup=2 (seconds per measurement / per warm-up),
 *            --rounds=3 (each measurement in that many slices, round-robin over the variants),
 *            --only=api-l1,api-redis (measure these variants only; all are still verified),
 *            --generator=autocannon|wrk (every row's load generator: wrk, C in a child process, takes
 *            far less of the 2 cores than autocannon in this process, and less per byte received),
 *            --chart=docs/bench-http.svg (where the SVG chart goes; --no-chart: none; a run with
 *            --only writes one only where --chart says, so the docs' chart stays a whole run)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '@stash/db/testing';
import { startRedisServer, startWebApp, Teardown } from '@stash/harness';
import { Redis } from 'ioredis';
import superjson, { type SuperJSONResult } from 'superjson';
import { buildNeeded, runNextBuild, webRoot } from '../apps/web/scripts/next-build';
import { httpChart } from './src/chart';
import { get, measure, measureSideBySide, type Target, verify } from './src/load';
import { nextTarget } from './src/next-targets';
import { type Proc, startServer } from './src/procs';
import { summarizeProfile } from './src/profile';
import { machine, nextRatios, resultsTable } from './src/report';
import { fillWorkspace, isSignedInVariant, signIn, verifySignedIn } from './src/signed-in';
import { isNextVariant, isServerVariant, LABELS, NEXT_VARIANTS, type ServerVariant } from './src/variants';
import { loadGenerator } from './src/wrk';

const { values: opts } = parseArgs({
  options: {
    next: { type: 'boolean', default: false },
    'no-next': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    variant: { type: 'string', default: 'api-l1' },
    connections: { type: 'string', default: '10' },
    duration: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    chart: { type: 'string' },
    'no-chart': { type: 'boolean', default: false },
    generator: { type: 'string', default: 'autocannon' },
  },
  allowPositionals: true,
});
const DURATION_S = Number(opts.duration);
const WARMUP_S = Number(opts.warmup);
const ROUNDS = Math.max(1, Number(opts.rounds));
const GENERATOR = loadGenerator(opts.generator);
const CONNECTIONS = [10, 50];
const DEMO_SEED = { agents: 5000, templates: 1000, users: 50, workspaces: 100 };
const REDIS_URL = 'redis://127.0.0.1:6379';
const SESSION_SECRET = randomBytes(32).toString('base64url');
const PREFIX = `stash-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
const PROFILE_DIR = join(import.meta.dirname, '.profiles');

const teardown = new Teardown();

async function deleteRedisKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function nextPlan(): Promise<{ enabled: boolean; note: string }> {
  if (opts['no-next']) return { enabled: false, note: 'skipped (--no-next)' };
  const stale = buildNeeded();
  if (opts.next) {
    if (stale) {
      console.log(`building apps/web (${stale}) ...`);
      await runNextBuild({ skipTypecheck: true, quiet: true });
    }
    return { enabled: true, note: 'current build' };
  }
  if (!existsSync(join(webRoot, '.next', 'BUILD_ID'))) {
    return { enabled: false, note: 'skipped: apps/web has no build (--next builds it)' };
  }
  return {
    enabled: true,
    note: stale ? `existing build, older than the sources: ${stale}` : 'current build',
  };
}

async function run(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]?.toFixed(2) ?? '?';
  console.log(`seeding a test database (${JSON.stringify(DEMO_SEED)}) ...`);
  const db = await createTestDatabase({ seed: DEMO_SEED });
  teardown.add('drop the test database', () => db.drop());
  teardown.add('delete this run’s Redis keys', deleteRedisKeys);
  const dir = mkdtempSync(join(tmpdir(), 'stash-bench-'));
  teardown.add('remove temp files', async () => rmSync(dir, { recursive: true, force: true }));
  const bodyFile = join(dir, 'search-body.json');
  const start = async (variant: ServerVariant, execArgv: string[] = []): Promise<Proc> => {
    const env = { DATABASE_URL: db.url, REDIS_URL, BENCH_PREFIX: PREFIX, BENCH_BODY_FILE: bodyFile };
    const proc = await startServer({ ...env, BENCH_VARIANT: variant, SESSION_SECRET }, execArgv);
    teardown.add(`stop the ${variant} server`, proc.stop);
    return proc;
  };

  // The reference body: the real handler's answer (a miss), which every variant must reproduce.
  const profiled = opts.profile ? opts.variant : null;
  if (profiled !== null && !isServerVariant(profiled) && !isNextVariant(profiled))
    throw new Error(`--variant: unknown ${profiled}`);
  if (profiled) mkdirSync(PROFILE_DIR, { recursive: true });
  const profArgs = ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  const api = await start('api-l1', profiled === 'api-l1' ? profArgs : []);
  const reference = (await get({ variant: 'api-l1', url: api.url, headers: {} })).body;
  writeFileSync(bodyFile, reference);
  const parsed = JSON.parse(reference) as { result: { data: SuperJSONResult } };
  const items = superjson.deserialize<{ items: unknown[] }>(parsed.result.data).items.length;
  console.log(`reference: marketplace.search, default input: ${items} items, ${reference.length} bytes`);

  if (profiled && isNextVariant(profiled)) {
    if ((await nextPlan()).enabled === false) throw new Error('--variant: no Next build to profile');
    const app = await startNextApp(db.url, bodyFile, profArgs);
    return profile(await nextTarget(profiled, app.url, await signedInTo(app.url)), app, reference);
  }
  if (profiled) {
    const server = profiled === 'api-l1' ? api : await start(profiled, profArgs);
    const headers: Record<string, string> =
      profiled === 'api-bypass' ? { cookie: await signIn(server.url), 'x-stash-cache-mode': 'bypass' } : {};
    return profile({ variant: profiled, url: server.url, headers }, server, reference);
  }

  const next = await nextPlan();
  const [rest, nextApp] = await Promise.all([
    Promise.allSettled(
      (['memory', 'redis-get', 'trpc-constant', 'api-redis', 'api-bypass'] as const).map((v) => start(v)),
    ),
    next.enabled ? startNextApp(db.url, bodyFile) : Promise.resolve(null),
  ]);
  const failed = rest.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [memory, redisGet, constant, apiRedis, bypass] = rest.map(
    (r) => (r as PromiseFulfilledResult<Proc>).value,
  );
  const cookie = await signIn(bypass!.url);
  const targets: Target[] = [
    { variant: 'memory', url: memory!.url, headers: {} },
    { variant: 'redis-get', url: redisGet!.url, headers: {} },
    { variant: 'trpc-constant', url: constant!.url, headers: {} },
    { variant: 'api-l1', url: api.url, headers: {} },
    { variant: 'api-redis', url: apiRedis!.url, headers: {} },
    { variant: 'api-bypass', url: bypass!.url, headers: { cookie, 'x-stash-cache-mode': 'bypass' } },
  ];
  if (nextApp) {
    const nextCookie = await signedInTo(nextApp.url);
    for (const v of NEXT_VARIANTS) targets.push(await nextTarget(v, nextApp.url, nextCookie));
  }
  for (const target of targets) await check(target, reference);
  console.log(
    `verified: ${targets.length} variants return the reference body (signed-in ones the user's own answer); cached ones report hits`,
  );

  const measured = opts.only ? targets.filter((t) => opts.only?.split(',').includes(t.variant)) : targets;
  const rows = await measureSideBySide(measured, {
    connections: CONNECTIONS,
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    rounds: ROUNDS,
    ...GENERATOR.plan,
  });
  const tiers = await Promise.all(
    (['api-l1', 'api-redis', 'api-bypass'] as const).map(async (variant) => {
      const url = targets.find((t) => t.variant === variant)?.url;
      type Counters = Record<string, number> | null;
      const stats = (await (await fetch(`${url}/__bench/stats`)).json()) as Record<string, Counters>;
      const line = (c: Counters) =>
        c ? `l1Hits ${c.l1Hits}, l2Hits ${c.l2Hits}, bypass ${c.bypass}, loaderRuns ${c.loaderRuns}` : 'none';
      return `${variant}: stored responses (${line(stats.response ?? null)}), procedure (${line(stats.search ?? null)})`;
    }),
  );
  const command = `pnpm --filter @stash/bench bench ${process.argv.slice(2).join(' ')}`.trim();
  console.log(`\n${resultsTable(rows)}\n`);
  if (nextApp) console.log(`${nextRatios(rows)}\n`);
  console.log(`cache tiers after the run: ${tiers.join('; ')}`);
  const chart =
    opts.chart ?? (opts.only ? undefined : join(import.meta.dirname, '..', 'docs', 'bench-http.svg'));
  if (chart && !opts['no-chart']) {
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const detail = `${cpus().length} cores, load average ${loadAtStart} at start, ${when} UTC: ${command}`;
    writeFileSync(
      chart,
      httpChart(rows, 'marketplace.search over HTTP: throughput and p99 per variant', detail),
    );
    console.log(`chart: ${chart}`);
  }
  console.log(
    machine({
      command,
      'per measurement': `${DURATION_S} s in ${ROUNDS} round-robin slices after a ${WARMUP_S} s warm-up, ${GENERATOR.description}`,
      'load average (1 min) at start': loadAtStart,
      'next app': next.note,
      'total time': `${Math.round((Date.now() - started) / 1000)} s`,
    }),
  );
}

/** Signs in to the app for real and gives the bench workspace its installs: the signed-in rows' cookie. */
async function signedInTo(url: string): Promise<string> {
  const cookie = await signIn(url);
  console.log(`signed in; the bench workspace has ${await fillWorkspace(url, cookie)} installs`);
  return cookie;
}

/** The public rows must return the reference body; the signed-in ones the user's own answer. */
function check(target: Target, reference: string): Promise<void> {
  return isSignedInVariant(target.variant) ? verifySignedIn(target) : verify(target, reference);
}

async function startNextApp(
  databaseUrl: string,
  constantFile: string,
  execArgv: string[] = [],
): Promise<Proc> {
  // A private Redis, so the Next app's fixed `stash` key prefix collides with nobody.
  const redis = await startRedisServer();
  teardown.add('stop the throw-away redis', redis.stop);
  const app = await startWebApp({
    databaseUrl,
    unset: ['REDIS_CLUSTER_NODES'],
    env: {
      REDIS_URL: redis.url,
      SESSION_SECRET,
      STASH_BENCH_CONSTANT_FILE: constantFile,
    },
    execArgv,
  });
  teardown.add('stop next start', app.stop);
  return app;
}

/**
 * One variant under `--cpu-prof`: warm up, load at `--connections` (10), stop, summarize the load
 * window.
 */
async function profile(target: Target, server: Proc, reference: string): Promise<void> {
  const { variant } = target;
  const connections = Number(opts.connections);
  await check(target, reference);
  const before = new Set(readdirSync(PROFILE_DIR));
  await measure(target, connections, WARMUP_S, 0);
  const from = Number(process.hrtime.bigint() / 1000n);
  const row = await measure(target, connections, DURATION_S, 0);
  const to = Number(process.hrtime.bigint() / 1000n);
  await server.stop();
  // One profile per thread (tsx adds a loader thread): the main thread's is the largest.
  const file = readdirSync(PROFILE_DIR)
    .filter((f) => !before.has(f) && f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(PROFILE_DIR, b)).size - statSync(join(PROFILE_DIR, a)).size)[0];
  if (!file) throw new Error(`no .cpuprofile appeared in ${PROFILE_DIR}`);
  console.log(
    `\n${LABELS[variant]} under --cpu-prof @${connections}: ${Math.round(row.rps)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms`,
  );
  console.log(summarizeProfile(join(PROFILE_DIR, file), [from, to], Math.round(row.rps * DURATION_S)));
}

await teardown.runMain(async () => {
  await run();
  return 0;
});
