/**
 * Makes a throw-away redis-server refuse every write with an error, at once, while reads go on.
 *
 * Why not `CLIENT PAUSE WRITE`: a paused command stays on the socket and Redis runs it when the
 * pause ends, so an invalidation that "timed out" lands anyway and a test of its replay passes
 * with the replay removed. With `min-replicas-to-write 1` on a node that has no replica, Redis
 * answers every write (a script's first write included) with NOREPLICAS and never runs it later:
 * the first delivery fails for certain. Only for throw-away servers, never the shared one.
 */
import type { Redis } from 'ioredis';

export async function refuseWrites(admin: Redis): Promise<void> {
  await admin.config('SET', 'min-replicas-to-write', '1');
}

export async function acceptWrites(admin: Redis): Promise<void> {
  await admin.config('SET', 'min-replicas-to-write', '0');
}
