/**
 * Where the API reads from when read replicas are configured (DATABASE_REPLICA_URLS). Writes,
 * transactions and every uncached read stay on the primary; a cache fill reads a replica only if
 * it has replayed every write the entry must reflect (the engine's `minPosition`), else the
 * primary (`ReadRouter.forFill`, docs/database.md "Read replicas"). Without replicas nothing
 * changes: no position is recorded and every fill reads the primary, as before.
 */
import type { PrismaClient, ReadRouter } from '@stash/db';

export interface ReplicaDeps {
  /** The primary. */
  prisma: PrismaClient;
  /** Replica routing; absent or without replicas: everything on the primary. */
  reads?: ReadRouter;
}

/** Do writes record their position, and may fills read a replica? Only with replicas. */
export function usesReplicas(deps: ReplicaDeps): boolean {
  return (deps.reads?.replicas.length ?? 0) > 0;
}

/** The client a fill runs all its queries on: one replay check per fill, not per query. */
export async function fillClient(deps: ReplicaDeps, minPosition: bigint | undefined): Promise<PrismaClient> {
  if (!deps.reads || !usesReplicas(deps)) return deps.prisma;
  return (await deps.reads.forFill(minPosition)).prisma;
}
