/** Clients for the configured replicas: one Prisma client over its own pool and adapter each. */
import { createDb, type QueryEvent } from '../client';
import { redactUrl } from '../urls';
import { type Replica, replayCheck } from './read-router';

export interface OpenedReplicas {
  replicas: Replica[];
  close(): Promise<void>;
}

export function openReplicas(
  urls: readonly string[],
  opts: { poolMax?: number; onQuery?: (e: QueryEvent) => void; connectTimeoutMs?: number } = {},
): OpenedReplicas {
  const dbs = urls.map((url) => ({
    url,
    db: createDb({
      url,
      ...(opts.poolMax === undefined ? {} : { poolMax: opts.poolMax }),
      ...(opts.onQuery ? { onQuery: opts.onQuery } : {}),
      connectTimeoutMs: opts.connectTimeoutMs ?? 1000,
    }),
  }));
  return {
    replicas: dbs.map(({ url, db }) => ({
      name: redactUrl(url),
      prisma: db.prisma,
      replayed: replayCheck(db.pool),
    })),
    async close() {
      await Promise.all(dbs.map(({ db }) => db.close()));
    },
  };
}
