/**
 * The share of cache fills a lagging read replica serves on the mixed workload (searches, agent
 * details, workspace reads, ~5 % installs/uninstalls), with every write recording its position
 * and every fill checking the replica's replay position (docs/reliability.md, "Read replicas").
 *
 * Two API instances in this process (each its own cache engine, L1 and relay, as the runtime
 * builds them from DATABASE_REPLICA_URLS) on a throw-away redis-server, a real primary and a
 * streaming replica applying each commit `--lag-ms` late. Calls go through tRPC callers (no
 * HTTP: the fill routing is the same, the response cache in front of public reads is not there).
 *
 *   pnpm --filter @stash/bench bench:replica-share
 *   options: --seconds=30 (counted) --warmup=10 (s, not counted: the cache fills up first)
 *            --lag-ms=500 --concurrency=8 (callers in flight, split over the two)
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { ApiRuntime } from '@stash/api';
import { startReplicatedApi } from '@stash/api/testing';
import { loadWorld, type Op, startRedisServer, Teardown, Workload } from '@stash/harness';
import { nextOp } from './src/mixed';
import { machine } from './src/report';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    'lag-ms': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
  },
});
const SEED = { agents: 5000, templates: 1000, users: 50, workspaces: 100 };
const teardown = new Teardown();

type Caller = Awaited<ReturnType<Awaited<ReturnType<typeof startReplicatedApi>>['as']>>;

/** Sends one op of the mix through a caller signed in as the user it names. */
function send(api: Caller, op: Op): Promise<unknown> {
  switch (op.kind) {
    case 'search':
      return api.marketplace.search(op.input as Parameters<typeof api.marketplace.search>[0]);
    case 'agent':
      return api.marketplace.agent({ id: op.agentId });
    case 'byId':
      return api.workspaces.byId({ workspaceId: op.workspaceId });
    case 'installState':
      return api.workspaces.installState({ workspaceId: op.workspaceId, agentIds: op.agentIds });
    case 'mine':
      return api.workspaces.mine();
    case 'install':
    case 'uninstall':
      return api.installs[op.kind]({ workspaceId: op.workspaceId, agentId: op.agentId });
  }
}

async function run(): Promise<void> {
  const lagMs = Number(opts['lag-ms']);
  const redis = await startRedisServer();
  teardown.add('stop redis-server', () => redis.stop());
  const api = await startReplicatedApi({
    applyDelayMs: lagMs,
    redisUrl: redis.url,
    seed: SEED,
    instances: 2,
    nodeEnv: 'production',
  });
  teardown.add('stop the instances, the primary and the replica', () => api.stop());
  const instances = api.instances;
  const prisma = instances[0]!.deps.prisma;
  const world = await loadWorld(prisma, { agents: 1000, searches: 500 });
  const emails = new Map(world.users.map((u) => [u.id, u.email]));
  const workload = new Workload(world, 1);
  const installed = new Set(world.initialInstalls);
  const tally = { reads: 0, writes: 0, errors: 0 };
  const drive = async (seconds: number) => {
    const deadline = Date.now() + seconds * 1000;
    const worker = async (n: number) => {
      for (let i = n; Date.now() < deadline; i++) {
        const op = nextOp(workload, installed);
        const instance = instances[i % instances.length] as ApiRuntime;
        try {
          const email = 'userId' in op ? (emails.get(op.userId) ?? null) : null;
          await send(await api.as(instance.deps, email), op);
          if (op.kind === 'install' || op.kind === 'uninstall') tally.writes++;
          else tally.reads++;
        } catch {
          tally.errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: Number(opts.concurrency) }, (_, n) => worker(n)));
  };
  await drive(Number(opts.warmup));
  Object.assign(tally, { reads: 0, writes: 0, errors: 0 });
  const fillsBefore = instances.map((i) => ({ ...i.deps.reads!.fills }));
  await drive(Number(opts.seconds));

  const fills = instances.reduce(
    (sum, instance, i) => ({
      replica: sum.replica + instance.deps.reads!.fills.replica - (fillsBefore[i]?.replica ?? 0),
      primary: sum.primary + instance.deps.reads!.fills.primary - (fillsBefore[i]?.primary ?? 0),
    }),
    { replica: 0, primary: 0 },
  );
  const total = fills.replica + fills.primary;
  const share = total === 0 ? 0 : (100 * fills.replica) / total;
  console.log(`\n### Replica share of cache fills (replica ${lagMs} ms behind)\n`);
  console.log(
    '| calls (reads / writes / errors) | fills | on the replica | on the primary | replica share |',
  );
  console.log('|---|---|---|---|---|');
  console.log(
    `| ${tally.reads} / ${tally.writes} / ${tally.errors} | ${total} | ${fills.replica} | ${fills.primary} | ${share.toFixed(1)} % |`,
  );
  console.log(
    `\n${machine({
      seconds: `${opts.seconds} after ${opts.warmup} of warm-up`,
      concurrency: String(opts.concurrency),
      loadavg: loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
    })}`,
  );
}

run()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => teardown.run());
