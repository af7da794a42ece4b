/**
 * One benchmark server per process (so the load generator and each server get their own event
 * loop). Started by http.bench.ts with the variant in BENCH_VARIANT; reports its port over IPC,
 * serves until SIGTERM or until the parent goes away, then closes everything and exits (which
 * also lets `--cpu-prof` write its profile).
 */
import { readFileSync } from 'node:fs';
import { type ApiDeps, createCacheFromConfig, handleTrpcRequest, loadConfig } from '@stash/api';
import { createDb } from '@stash/db';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Redis } from 'ioredis';
import superjson, { type SuperJSONResult } from 'superjson';
import { type FetchHandler, fromFetchHandler, listen, type NodeHandler } from './node-fetch';
import { ADMIN_EMAIL, isServerVariant, type ServerVariant } from './variants';

type Cleanup = () => Promise<unknown>;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function capturedBody(): Buffer {
  return readFileSync(env('BENCH_BODY_FILE'));
}

/** Variant 3: the captured search result as a constant, through tRPC + superjson. */
function constantTrpc(): FetchHandler {
  const parsed = JSON.parse(capturedBody().toString('utf8')) as { result: { data: SuperJSONResult } };
  const value: unknown = superjson.deserialize(parsed.result.data);
  const t = initTRPC.create({ transformer: superjson });
  const router = t.router({ marketplace: t.router({ search: t.procedure.query(() => value) }) });
  return (req) => fetchRequestHandler({ endpoint: '/api/trpc', req, router, createContext: () => ({}) });
}

async function apiHandler(variant: ServerVariant, cleanups: Cleanup[]): Promise<FetchHandler> {
  const prefix = env('BENCH_PREFIX');
  // The production config path (NODE_ENV=production, L1 limits from the environment).
  const config = loadConfig({
    ...process.env,
    ...(variant === 'api-redis' ? { CACHE_L1_MAX_ENTRIES: '0' } : {}),
  });
  const db = createDb({ url: env('DATABASE_URL'), poolMax: config.databasePoolMax });
  const cache = createCacheFromConfig(config, prefix);
  cleanups.push(
    () => db.close(),
    () => cache.close(),
  );
  await cache.ready(3000);
  const deps: ApiDeps = {
    prisma: db.prisma,
    cache,
    cacheKeyPrefix: prefix,
    sessionSecret: config.sessionSecret,
    adminEmails: [ADMIN_EMAIL],
  };
  return async (req) => {
    if (new URL(req.url).pathname === '/__bench/stats') {
      // The procedure's own namespace and the stored responses' (a hit there runs no procedure).
      const { perNamespace } = cache.stats();
      return Response.json({
        search: perNamespace['marketplace.search'] ?? null,
        response: perNamespace['http.response'] ?? null,
      });
    }
    return handleTrpcRequest(req, deps);
  };
}

async function handlerFor(variant: ServerVariant, cleanups: Cleanup[]): Promise<NodeHandler> {
  switch (variant) {
    case 'memory': {
      const body = capturedBody();
      return (_req, res) => {
        res.writeHead(200, { ...JSON_HEADERS, 'content-length': body.length }).end(body);
      };
    }
    case 'redis-get': {
      const redis = new Redis(env('REDIS_URL'), { lazyConnect: true });
      cleanups.push(() => redis.quit());
      await redis.connect();
      const key = `${env('BENCH_PREFIX')}:raw-body`;
      await redis.set(key, capturedBody(), 'PX', 15 * 60_000);
      return (_req, res) => {
        redis.getBuffer(key).then(
          (body) => {
            if (!body) return res.writeHead(404).end();
            res.writeHead(200, { ...JSON_HEADERS, 'content-length': body.length }).end(body);
          },
          () => res.writeHead(500).end(),
        );
      };
    }
    case 'trpc-constant':
      return fromFetchHandler(constantTrpc());
    default:
      return fromFetchHandler(await apiHandler(variant, cleanups));
  }
}

async function main(): Promise<void> {
  const variant = process.env.BENCH_VARIANT;
  if (!isServerVariant(variant)) throw new Error(`unknown BENCH_VARIANT ${variant}`);
  const cleanups: Cleanup[] = [];
  const server = await listen(await handlerFor(variant, cleanups));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await Promise.allSettled(cleanups.map((fn) => fn()));
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.send?.({ port: server.port });
}

main().catch((error: unknown) => {
  console.error('[bench server]', error);
  process.exit(1);
});
