import { createDb, type QueryEvent } from './client';
import { startEmbeddedPostgres } from './embedded';
import type { PrismaClient } from './generated/prisma/client';
import { runMigrations } from './migrate';
import { openReplicas, ReadRouter, replicaUrlsFrom } from './replicas';
import { redactUrl } from './urls';

export type OpenDatabaseOptions = {
  /** Server to use; defaults to DATABASE_URL, and without either the embedded database starts. */
  url?: string;
  /** Embedded data directory; defaults to `<repo root>/.data/pglite`. */
  dataDir?: string;
  /** Apply pending migrations before returning (default false). */
  migrate?: boolean;
  log?: (line: string) => void;
  /** Pool size against a real server (the embedded one always uses 1). */
  poolMax?: number;
  onQuery?: (e: QueryEvent) => void;
  /** Read replicas; defaults to DATABASE_REPLICA_URLS (comma-separated), none when unset. */
  replicaUrls?: readonly string[];
};

/**
 * `prisma` is the primary (writes, transactions, and every read that does not ask `reads`);
 * `reads` routes the reads that may go to a replica (docs/database.md, "Read replicas"). With no
 * replicas it always answers the primary.
 */
export type OpenedDatabase = {
  url: string;
  embedded: boolean;
  prisma: PrismaClient;
  reads: ReadRouter;
  close(): Promise<void>;
};

/** The app's and CLIs' single entry point: a real PostgreSQL when configured, else embedded. */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const log = opts.log ?? (() => {});
  const configured = opts.url ?? process.env.DATABASE_URL;
  const replicaUrls = opts.replicaUrls ?? replicaUrlsFrom(process.env.DATABASE_REPLICA_URLS);
  if (!configured && replicaUrls.length > 0) {
    throw new Error('DATABASE_REPLICA_URLS needs DATABASE_URL: the embedded database has no replicas');
  }
  const embedded = configured ? undefined : await startEmbeddedPostgres({ dataDir: opts.dataDir });
  const url = configured ?? embedded!.url;
  log(embedded ? `using embedded PostgreSQL (PGlite) at ${url}` : `using PostgreSQL at ${redactUrl(url)}`);
  try {
    if (opts.migrate) await runMigrations(url, { log });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const db = createDb({ url, poolMax: embedded ? 1 : opts.poolMax, onQuery: opts.onQuery });
  const replicas = openReplicas(replicaUrls, { poolMax: opts.poolMax, onQuery: opts.onQuery });
  if (replicaUrls.length > 0) log(`reading from ${replicaUrls.length} replica(s) when they have caught up`);
  return {
    url,
    embedded: Boolean(embedded),
    prisma: db.prisma,
    reads: new ReadRouter(db.prisma, replicas.replicas),
    async close() {
      await Promise.all([db.close(), replicas.close()]);
      await embedded?.stop();
    },
  };
}
