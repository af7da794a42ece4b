/**
 * The load scenarios over two `next start` instances on one throw-away Redis (the same
 * harness as the fault suite): the mixed workload (hit rate per procedure, resolver runs per
 * read, p50/p99) and the stampede (resolver runs per burst of 200). See docs/benchmarks.md.
 *
 *   pnpm --filter @stash/bench bench:scenarios
 *   options: --only=mixed|stampede  --duration=20 --warmup=5 (s)  --connections=10 (per instance)
 *            --reps=3 (bursts per key kind)  --busy=2 (busy-loop processes beside the run)
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startBusyLoops, startRig, Teardown, Workload } from '@stash/harness';
import { runMixed } from './src/mixed';
import { machine } from './src/report';
import { mixedTable, stampedeTable } from './src/scenario-report';
import { runStampedes } from './src/stampede';

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    reps: { type: 'string', default: '3' },
    busy: { type: 'string', default: '0' },
  },
});
const DEMO_SEED = { agents: 5000, templates: 1000, users: 50, workspaces: 100 };
const SEARCHES = 500;
const AGENTS_READ = 1000;
const only = (name: string) => !opts.only || opts.only.split(',').includes(name);
const teardown = new Teardown();

async function run(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]?.toFixed(2) ?? '?';
  const { stack, world, cookies } = await startRig({
    seed: DEMO_SEED,
    instances: 2,
    agents: AGENTS_READ,
    searches: SEARCHES,
    teardown,
  });
  startBusyLoops(Number(opts.busy), teardown);

  if (only('mixed')) {
    const mixed = await runMixed({
      stack,
      workload: new Workload(world, 1),
      cookies,
      connections: Number(opts.connections),
      durationS: Number(opts.duration),
      warmupS: Number(opts.warmup),
    });
    console.log(`\n### Mixed workload\n\n${mixedTable(mixed)}`);
  }
  if (only('stampede')) {
    const bursts = await runStampedes({ stack, world, cookies, reps: Number(opts.reps), size: 200 });
    console.log(
      `\n### Stampede (200 concurrent identical requests, split over two instances)\n\n${stampedeTable(bursts)}`,
    );
  }
  const command = `pnpm --filter @stash/bench bench:scenarios ${process.argv.slice(2).join(' ')}`.trim();
  console.log(
    `\n${machine({
      command,
      'load average (1 min) at start': loadAtStart,
      'busy-loop processes beside the run': opts.busy ?? '0',
      mixed: `${opts.duration} s measured after ${opts.warmup} s warm-up, ${opts.connections} connections per instance, autocannon 9`,
      'total time': `${Math.round((Date.now() - started) / 1000)} s`,
    })}`,
  );
}

await teardown.runMain(async () => {
  await run();
  return 0;
});
