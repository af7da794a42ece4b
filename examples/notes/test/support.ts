// What the test needs around the app: its own PostgreSQL database (dropped afterwards), a Redis
// key prefix no one else uses (its keys are deleted afterwards; the shared Redis is never
// flushed), and a small client that shows the response headers.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRedisClient } from '@stash/cache';
import pg from 'pg';
import { SCHEMA } from '../src/notes.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `notes_example_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString() });
  await pool.query(SCHEMA);
  return {
    pool,
    async drop() {
      await pool.end();
      // pg's pool.end() resolves before its sockets have closed: a backend still open then would
      // be killed by DROP ... WITH (FORCE), and its client would throw outside any test. Wait
      // until the server has seen every session of this database go.
      for (let polls = 0; polls < 200; polls++) {
        const { rows } = await admin.query(
          'SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (rows[0].open === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function uniqueCachePrefix(): string {
  return `test-notes-example-${randomUUID().slice(0, 8)}`;
}

/** Deletes this run's keys only (every key the engine writes starts with its prefix). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = createRedisClient(REDIS_URL, 'command');
  try {
    // The engine's client queues no command while it connects: wait until it is ready.
    await once(redis, 'ready');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface Answer<T> {
  data: T;
  /** The `x-cache` header: `notes.list=hit`. */
  cache: string | null;
}

/** A tRPC query over HTTP GET, as any client sends it. */
export async function query<T>(baseUrl: string, path: string, input?: unknown): Promise<Answer<T>> {
  const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return answer<T>(await fetch(`${baseUrl}/${path}${search}`));
}

/** A tRPC mutation over HTTP POST. */
export async function mutate<T>(baseUrl: string, path: string, input: unknown): Promise<Answer<T>> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  };
  return answer<T>(await fetch(`${baseUrl}/${path}`, init));
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (!response.ok || !body.result) throw new Error(`${response.status}: ${JSON.stringify(body.error)}`);
  return { data: body.result.data, cache: response.headers.get('x-cache') };
}
