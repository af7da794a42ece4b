/**
 * The two-instance rig the fault suite and the load scenarios share: a fresh seeded database,
 * a throw-away redis-server, N `next start` instances on it, what the workload needs to know
 * about the data, and a session cookie per seeded user. Everything is registered for teardown.
 */
import { DEMO_PASSWORD, type SeedOptions } from '@stash/db';
import {
  createTestDatabase,
  type ReplicatedPostgres,
  startReplicatedPostgres,
  type TestDatabase,
} from '@stash/db/testing';
import { type RedisServer, startRedisServer } from './redis';
import { seededPrimary } from './replica';
import { type Stack, startStack } from './stack';
import type { Teardown } from './teardown';
import { ensureWebBuild } from './web';
import { signIn } from './workload/trpc';
import { loadWorld, type World } from './workload/world';

export interface RigOptions {
  seed: Partial<SeedOptions>;
  instances: number;
  /** Size of the agent pool that detail reads and writes go to, and distinct searches. */
  agents: number;
  searches: number;
  env?: Record<string, string>;
  /**
   * Run on a primary + streaming replica applying each commit this late instead of the shared
   * server; every instance reads cache fills from it (DATABASE_REPLICA_URLS).
   */
  replicaLagMs?: number;
  teardown: Teardown;
  log?: (line: string) => void;
}

export interface Rig {
  db: TestDatabase;
  redis: RedisServer;
  stack: Stack;
  world: World;
  /** user id -> session cookie (valid on every instance: they share the session secret). */
  cookies: Map<number, string>;
  /** With `replicaLagMs`: the servers (a window stops and starts the replica). */
  replica?: ReplicatedPostgres;
}

export async function startRig(opts: RigOptions): Promise<Rig> {
  const log = opts.log ?? console.log;
  await ensureWebBuild(log);
  const replica =
    opts.replicaLagMs === undefined
      ? undefined
      : await startReplicatedPostgres({ applyDelayMs: opts.replicaLagMs });
  if (replica) opts.teardown.add('stop the primary and the replica', () => replica.stop());
  const db = replica
    ? await seededPrimary(replica, opts.seed)
    : await createTestDatabase({ seed: opts.seed });
  opts.teardown.add('drop the database', () => db.drop());
  const redis = await startRedisServer();
  opts.teardown.add('stop redis-server', () => redis.stop());
  const stack = await startStack({
    databaseUrl: db.url,
    cache: { redisUrl: redis.url },
    instances: opts.instances,
    env: { ...opts.env, ...(replica ? { DATABASE_REPLICA_URLS: replica.replicaUrl } : {}) },
  });
  opts.teardown.add('stop the app instances', () => stack.stop());
  const world = await loadWorld(db.prisma, { agents: opts.agents, searches: opts.searches });
  const cookies = new Map<number, string>();
  const url = stack.apps[0]?.url ?? '';
  // One at a time: each sign-in is a bcrypt check, and 2 cores are shared.
  for (const user of world.users) cookies.set(user.id, await signIn(url, user.email, DEMO_PASSWORD));
  log(
    `redis-server :${redis.port}, ${stack.apps.map((a) => a.url).join(' ')}; ` +
      `${world.searches.length} distinct searches, ${cookies.size} users signed in`,
  );
  return { db, redis, stack, world, cookies, ...(replica ? { replica } : {}) };
}
