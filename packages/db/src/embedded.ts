import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { defaultEmbeddedDataDir } from './paths';

export type EmbeddedPostgres = { url: string; stop(): Promise<void> };

export type EmbeddedOptions = {
  /** Directory of the database files; `memory://` for a throw-away in-memory database. */
  dataDir?: string;
  /** Loopback port to serve on; 0 (the default) picks a free one. */
  port?: number;
};

/**
 * PostgreSQL without a server: PGlite (Postgres compiled to WASM, in this process) behind
 * pglite-socket, which speaks the wire protocol on a loopback port. The app then uses the very same
 * Prisma client, adapter and migrations as against a real server.
 *
 * PGlite is ONE session: the socket server serializes whole transactions but not the individual
 * protocol messages of concurrent plain queries, so clients should use a single connection
 * (openDatabase uses pool max 1). A few connection slots are allowed so that a migration run
 * closing its connection never races the app's pool connecting.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const dataDir = opts.dataDir ?? defaultEmbeddedDataDir();
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  // The migrations create both extensions (trigram indexes; levenshtein for search's typo
  // tolerance); PGlite can only create an extension whose code was loaded here.
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm, fuzzystrmatch } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port ?? 0, maxConnections: 4 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  // getServerConn() reports the port actually bound (matters when port 0 asked for any free one).
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return stopped;
    },
  };
}
