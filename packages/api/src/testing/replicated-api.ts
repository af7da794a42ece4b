/**
 * API instances over a real primary and a lagging streaming replica (DATABASE_REPLICA_URLS), for
 * the replica tests and the replica-share benchmark: each instance is a full runtime (its own
 * cache engine with L1, its own relay) on one Redis, as behind a load balancer.
 */
import { primaryPosition, type SeedOptions, seedDatabase } from '@stash/db';
import { type ReplicatedPostgres, startReplicatedPostgres } from '@stash/db/testing';
import type { Session } from '../auth/session';
import { loadConfig } from '../config';
import { type ApiDeps, createContextInner } from '../context';
import { createCaller } from '../root';
import { type ApiRuntime, createApiRuntime } from '../runtime';

export interface ReplicatedApi {
  servers: ReplicatedPostgres;
  instances: ApiRuntime[];
  /** A caller on one instance, signed in as `email` (null: signed out). */
  as(deps: ApiDeps, email: string | null): Promise<ReturnType<typeof createCaller>>;
  /** Resolves once the replica has replayed everything committed so far (polls its position). */
  replicaCaughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicatedApi(opts: {
  applyDelayMs: number;
  redisUrl: string;
  seed: Partial<SeedOptions>;
  instances: number;
  nodeEnv?: 'test' | 'production';
}): Promise<ReplicatedApi> {
  const servers = await startReplicatedPostgres({ applyDelayMs: opts.applyDelayMs });
  const instances: ApiRuntime[] = [];
  const stop = async () => {
    await Promise.all(instances.map((i) => i.close()));
    await servers.stop();
  };
  try {
    const config = loadConfig({
      NODE_ENV: opts.nodeEnv ?? 'test',
      DATABASE_URL: servers.primaryUrl,
      DATABASE_REPLICA_URLS: servers.replicaUrl,
      DATABASE_POOL_MAX: '4',
      REDIS_URL: opts.redisUrl,
      SESSION_SECRET: 'replica-session-secret-that-is-long-enough-0123456789',
    });
    instances.push(await createApiRuntime(config)); // migrates the primary
    const primary = instances[0]!.deps.prisma;
    await seedDatabase(primary, opts.seed);
    while (instances.length < opts.instances) instances.push(await createApiRuntime(config));
    await Promise.all(instances.map((i) => i.deps.cache.ready(2_000)));
    const replicaCaughtUp = async () => {
      const position = await primaryPosition(primary);
      const deadline = Date.now() + 60_000;
      while ((await instances[0]!.deps.reads!.readAt(position)).from !== 'replica') {
        if (Date.now() > deadline) throw new Error('the replica did not catch up within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await replicaCaughtUp();
    const sessions = new Map<string, Session>();
    return {
      servers,
      instances,
      async as(deps, email) {
        if (email === null) return createCaller(createContextInner(deps));
        let session = sessions.get(email);
        if (!session) {
          const user = await primary.user.findUniqueOrThrow({ where: { email } });
          session = { userId: user.id, email: user.email, name: user.name };
          sessions.set(email, session);
        }
        return createCaller(createContextInner(deps, { session }));
      },
      replicaCaughtUp,
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
