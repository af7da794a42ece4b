import { createDb, type QueryEvent } from './client';
import { startEmbeddedPostgres } from './embedded';
import type { PrismaClient } from './generated/prisma/client';
import { runMigrations } from './migrate';
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
};

export type OpenedDatabase = { url: string; embedded: boolean; prisma: PrismaClient; close(): Promise<void> };

/** The app's and CLIs' single entry point: a real PostgreSQL when configured, else embedded. */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const log = opts.log ?? (() => {});
  const configured = opts.url ?? process.env.DATABASE_URL;
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
  return {
    url,
    embedded: Boolean(embedded),
    prisma: db.prisma,
    async close() {
      await db.close();
      await embedded?.stop();
    },
  };
}
