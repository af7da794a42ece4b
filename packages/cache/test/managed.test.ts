/**
 * Redis as managed offerings run it: TLS (`rediss://`) with a password, and eviction policies
 * that could drop tag marks. Throw-away servers; certificates generated per run.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildCacheKey, type Cache, createCache } from '../src/index';
import { memoryLogger, type RedisProcess, sleep, sparePort, startRedis, uniquePrefix } from './support/redis';

const run = promisify(execFile);
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function startTlsRedis(password: string) {
  const dir = mkdtempSync(join(tmpdir(), 'stash-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  const port = await sparePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      cert,
      '--tls-key-file',
      key,
      '--tls-ca-cert-file',
      cert,
      '--tls-auth-clients',
      'no',
      '--requirepass',
      password,
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  cleanups.push(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const ca = readFileSync(cert, 'utf8');
  const url = `rediss://:${password}@127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, {
      tls: { ca },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return { url, ca, port };
    } catch {
      await sleep(100);
    } finally {
      probe.disconnect();
    }
  }
  throw new Error('TLS redis-server did not start');
}

function track(cache: Cache): Cache {
  cleanups.push(() => cache.close());
  return cache;
}

describe('managed Redis', () => {
  it('caches and invalidates over rediss:// with a password, bus included', async () => {
    const server = await startTlsRedis('s3cret-pass');
    const prefix = uniquePrefix('tls');
    const make = () =>
      track(
        createCache({
          prefix,
          redis: server.url,
          tls: { ca: server.ca },
          l1: { maxEntries: 100, maxBytes: 1_000_000 },
          logger: memoryLogger(),
        }),
      );
    const a = make();
    const b = make();
    await Promise.all([a.ready(), b.ready()]);
    const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.get', scope: 'public', input: 1 });
    let db = 'old';
    const options = { ttlMs: 60_000, tags: ['agent:1'] };
    expect(await a.fetch(key, () => db, options)).toMatchObject({ value: 'old', status: 'miss' });
    expect(await b.fetch(key, () => db, options)).toMatchObject({ value: 'old', status: 'hit', tier: 'l2' });
    expect(await b.fetch(key, () => db, options)).toMatchObject({ status: 'hit', tier: 'l1' }); // bus heard over TLS
    db = 'new';
    expect(await a.invalidateTags(['agent:1'])).toBe(true);
    await vi.waitFor(async () => expect((await b.fetch(key, () => db, options)).value).toBe('new'));

    // A wrong password never becomes a user's error: the loader answers.
    const wrong = track(
      createCache({
        prefix,
        redis: server.url.replace('s3cret-pass', 'nope'),
        tls: { ca: server.ca },
        logger: memoryLogger(),
      }),
    );
    expect(await wrong.fetch(key, () => 'loader', options)).toMatchObject({
      value: 'loader',
      status: 'error',
    });
  });

  it('refuses to use Redis by default when its eviction policy could drop tag marks, or only warns if told to', async () => {
    const server: RedisProcess = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    cleanups.push(() => server.stop());
    const prefix = uniquePrefix('evict');
    const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.get', scope: 'public', input: 2 });

    const warned = memoryLogger();
    const lenient = track(createCache({ prefix, redis: server.url, logger: warned, unsafeEviction: 'warn' }));
    await lenient.ready();
    await vi.waitFor(() =>
      expect(
        warned.lines.some((l) => l.level === 'warn' && l.msg.includes('maxmemory-policy is allkeys-lru')),
      ).toBe(true),
    );
    await lenient.fetch(key, () => 'cached', { ttlMs: 60_000 });
    expect((await lenient.fetch(key, () => 'loader', { ttlMs: 60_000 })).status).toBe('hit'); // warned, still used

    const refused = memoryLogger();
    const strict = track(createCache({ prefix, redis: server.url, logger: refused }));
    await strict.ready();
    await vi.waitFor(() =>
      expect(refused.lines.some((l) => l.msg.includes('Refusing to use this Redis'))).toBe(true),
    );
    expect(await strict.fetch(key, () => 'loader', { ttlMs: 60_000 })).toMatchObject({
      value: 'loader',
      status: 'error',
    });
  });
});
