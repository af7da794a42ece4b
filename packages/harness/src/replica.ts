/**
 * The rig's database on a replicated primary (startReplicatedPostgres): migrated and seeded
 * there, and returned once the replica has replayed the seed. The seed is written outside the
 * API, so no position vouches for it: a fill would read the replica before it has the rows.
 */
import {
  createDb,
  openReplicas,
  primaryPosition,
  runMigrations,
  type SeedOptions,
  seedDatabase,
} from '@stash/db';
import type { ReplicatedPostgres, TestDatabase } from '@stash/db/testing';
import { sleep } from './child';

export async function seededPrimary(
  servers: ReplicatedPostgres,
  seed: Partial<SeedOptions>,
): Promise<TestDatabase> {
  await runMigrations(servers.primaryUrl);
  const primary = createDb({ url: servers.primaryUrl, poolMax: 4 });
  const replicas = openReplicas([servers.replicaUrl], { poolMax: 1 });
  try {
    await seedDatabase(primary.prisma, seed);
    const position = await primaryPosition(primary.prisma);
    const deadline = Date.now() + 60_000;
    while (((await replicas.replicas[0]?.replayed(1000).catch(() => null)) ?? -1n) < position) {
      if (Date.now() > deadline) throw new Error('the replica did not replay the seed within 60 s');
      await sleep(100);
    }
  } finally {
    await replicas.close();
  }
  const sql: string[] = [];
  return {
    url: servers.primaryUrl,
    prisma: primary.prisma,
    // The rig's callers do not count queries; the shape is the shared one.
    queries: { count: 0, reset: () => {}, sql },
    drop: () => primary.close(),
  };
}
