/**
 * The CDN tier against the origin, side by side in one run: marketplace.search (a stored public
 * answer, tagged and purged by writes) through Varnish (cdn/stash.vcl) in front of `next start`,
 * against the same `next start` answering it from its stored response (row 8 of `bench`).
 *
 *   pnpm --filter @stash/bench bench:cdn     # builds apps/web first if it is stale
 *
 * Then the mixed workload (Zipf searches and agent pages, ~5 % installs/uninstalls, --ops=20000
 * operations): anonymous reads through Varnish, the writes signed in at the origin (they purge);
 * how many anonymous reads Varnish sent to the origin, per 1,000.
 *
 * Options: --only=rows|mix (default both), --duration=12 (s per measurement), --warmup=2,
 * --rounds=3 (round-robin slices), --encoding=gzip|identity (what both rows accept; gzip, as
 * browsers ask, by default), --clients=10 (the mix's closed-loop clients), --ops=20000, --mix-s (stop the mix after this
 * many seconds: with --ops=10000000 --mix-s=900 it runs for 15 min, three copy lifetimes),
 * --generator=autocannon|wrk (for both rows). autocannon runs in this process, on the same cores
 * as Varnish and Next: a Varnish hit is cheap enough that it took a core at 17,000 req/s and set
 * the tail. wrk (apt-get install -y wrk; C, one thread) does the same for much less CPU.
 * --pin: the generator on core 0, varnishd and `next start` on core 1 (src/pin.ts).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { freePort, startRig, startVarnish, Teardown, Workload } from '@stash/harness';
import { originShare } from './src/cdn-mix';
import { get, type Measurement, measureSideBySide, type Target, verify } from './src/load';
import { pinGeneratorAndServers } from './src/pin';
import { machine, resultsTable } from './src/report';
import { loadGenerator } from './src/wrk';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '12' },
    ops: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    generator: { type: 'string', default: 'autocannon' },
    pin: { type: 'boolean', default: false },
    encoding: { type: 'string', default: 'gzip' },
    only: { type: 'string', default: 'rows,mix' },
    clients: { type: 'string', default: '10' },
    'mix-s': { type: 'string' },
  },
  allowPositionals: true, // pnpm passes a `--` through
});
const DURATION_S = Number(opts.duration);
const WARMUP_S = Number(opts.warmup);
const ROUNDS = Math.max(1, Number(opts.rounds));
const GENERATOR = loadGenerator(opts.generator);
const CONNECTIONS = [10, 50];
const PHASES = new Set(opts.only.split(','));
if (![...PHASES].every((phase) => phase === 'rows' || phase === 'mix')) {
  throw new Error(`--only=${opts.only}: expected rows, mix or both (rows,mix)`);
}
if (opts.encoding !== 'gzip' && opts.encoding !== 'identity') {
  throw new Error(`--encoding=${opts.encoding}: expected gzip (what browsers ask for) or identity`);
}
/**
 * Both rows ask as a browser does (`Accept-Encoding: gzip`) unless told otherwise: Varnish keeps
 * the app's gzipped answer and hands it out as it is, but unzips it again for every client that
 * does not accept gzip.
 */
const REQUEST_HEADERS: Record<string, string> = { 'accept-encoding': opts.encoding };
const SEED = { agents: 5000, templates: 1000, users: 50, workspaces: 100 };
/** The mixed workload's sizes, as `bench:scenarios` uses them. */
const SEARCHES = 500;
const AGENTS_READ = 1000;
const teardown = new Teardown();

async function run(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]?.toFixed(2) ?? '?';
  const varnishPort = await freePort();
  const { stack, world, cookies } = await startRig({
    seed: SEED,
    instances: 1,
    agents: AGENTS_READ,
    searches: SEARCHES,
    env: { STASH_CDN: 'varnish', STASH_CDN_VARNISH_URLS: `http://127.0.0.1:${varnishPort}` },
    teardown,
  });
  const app = stack.apps[0];
  if (!app) throw new Error('no app instance');
  const varnish = await startVarnish({ backend: app.url, port: varnishPort });
  teardown.add('stop varnishd', varnish.stop);

  const appPid = app.pid();
  const pinned = opts.pin && appPid !== undefined ? pinGeneratorAndServers([varnish.pid, appPid]) : undefined;
  if (opts.pin && !pinned) throw new Error('--pin: the app has no process id');

  const origin: Target = { variant: 'next-api', url: app.url, headers: REQUEST_HEADERS };
  const cdn: Target = { variant: 'cdn-varnish', url: varnish.url, headers: REQUEST_HEADERS };
  if (PHASES.has('rows')) await throughputRows(origin, cdn, app.url);
  if (PHASES.has('mix')) {
    // The mix: anonymous reads through Varnish, signed-in writes at the origin.
    const mix = await originShare({
      workload: new Workload(world, 1),
      cookies,
      cdnUrl: varnish.url,
      originUrl: app.url,
      ops: Number(opts.ops),
      ...(opts['mix-s'] ? { seconds: Number(opts['mix-s']) } : {}),
      concurrency: Number(opts.clients),
    });
    console.log(`\n${mix}\n`);
  }
  console.log(
    machine({
      command: `pnpm --filter @stash/bench bench:cdn ${process.argv.slice(2).join(' ')}`.trim(),
      'per measurement': `${DURATION_S} s in ${ROUNDS} round-robin slices after a ${WARMUP_S} s warm-up, ${GENERATOR.description}`,
      cores: pinned ?? `${cpus().length}, shared by the generator and the servers`,
      'load average (1 min) at start': loadAtStart,
      'total time': `${Math.round((Date.now() - started) / 1000)} s`,
    }),
  );
}

/** Rows 8 and 13 side by side, after checking both give the same bytes. */
async function throughputRows(origin: Target, cdn: Target, appUrl: string): Promise<void> {
  const reference = (await get(origin)).body;
  await verify(origin, reference);
  await verify(cdn, reference);
  const cacheControl = (
    await fetch(`${appUrl}/api/trpc/marketplace.search?input=${encodeURIComponent('{"json":{}}')}`)
  ).headers.get('cache-control');
  console.log(`verified: both return the reference body; the origin sends ${cacheControl}`);

  const rows = await measureSideBySide([origin, cdn], {
    connections: CONNECTIONS,
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    rounds: ROUNDS,
    ...GENERATOR.plan,
  });
  console.log(`\n${resultsTable(rows)}\n`);
  console.log(
    '| conns | 13 / 8 (Varnish vs `next start` stored hit, bar ≥ 8×) | p99 of 13 (bar ≤ 10 ms at 50) |',
  );
  console.log('|---:|---:|---:|');
  for (const connections of CONNECTIONS) {
    const at = (variant: Measurement['variant']) =>
      rows.find((r) => r.variant === variant && r.connections === connections);
    const ratio = (at('cdn-varnish')?.rps ?? 0) / (at('next-api')?.rps ?? 1);
    console.log(`| ${connections} | ${ratio.toFixed(2)}× | ${at('cdn-varnish')?.p99} |`);
  }
}

await teardown.runMain(async () => {
  await run();
  return 0;
});
