/**
 * A private redis-server for one test file, for tests that pause, flush or kill connections
 * (never the shared one), with an admin client, and engines closed after the test that made them.
 * Call at the top of the file: it registers the file's hooks.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Cache } from '../../src/index';
import { type RedisProcess, startRedis } from './redis';

export interface ThrowAwayRedis {
  /** The server (started before the first test). */
  readonly server: RedisProcess;
  /** A plain client on it, to break things with. */
  readonly admin: Redis;
  /** Engines a test made: closed after it. */
  readonly caches: Cache[];
}

export function useThrowAwayRedis(): ThrowAwayRedis {
  const state: { server?: RedisProcess; admin?: Redis; caches: Cache[] } = { caches: [] };
  beforeAll(async () => {
    state.server = await startRedis();
    state.admin = new Redis(state.server.url);
  });
  afterEach(async () => {
    await Promise.all(state.caches.splice(0).map((cache) => cache.close()));
  });
  afterAll(async () => {
    state.admin?.disconnect();
    await state.server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the throw-away redis is not started yet (use it inside tests)');
    return value;
  };
  return {
    get server() {
      return started(state.server);
    },
    get admin() {
      return started(state.admin);
    },
    caches: state.caches,
  };
}
