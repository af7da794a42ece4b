/**
 * Worst case of durable invalidation, measured: how long a committed install stays invisible to
 * another instance when the WRITER cannot reach Redis (or died right after commit), with the
 * production relay settings (rows older than 1 s, a pass every 1 s, on the reader's instance).
 * Run: `pnpm --filter @stash/api bench:invisibility` (PostgreSQL and Redis as for the tests).
 */
import { createCache } from '@stash/cache';
import { sparePort } from '@stash/cache/testing';
import { createTestDatabase } from '@stash/db/testing';
import { createCaller, createContextInner } from '../src';
import { cacheRegistry } from '../src/cache-registry';
import { OutboxRelay, RELAY_INTERVAL_MS, RELAY_MIN_AGE_MS } from '../src/caching/outbox';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Number(process.env.ROUNDS ?? 8);

const db = await createTestDatabase();
const prefix = `bench-invisible-${Date.now().toString(36)}`;
const namespaces = cacheRegistry.namespaces();
const readerCache = createCache({ prefix, redis: REDIS_URL, namespaces });
const deadCache = createCache({ prefix, redis: `redis://127.0.0.1:${await sparePort()}`, namespaces });
await readerCache.ready();
const deps = {
  prisma: db.prisma,
  cacheKeyPrefix: prefix,
  sessionSecret: 'bench-session-secret-that-is-long-enough-0123456789',
  adminEmails: [],
};
const ada = await db.prisma.user.findUniqueOrThrow({ where: { email: 'ada@stash.dev' } });
const session = { userId: ada.id, email: ada.email, name: ada.name };
const reader = createCaller(createContextInner({ ...deps, cache: readerCache }, { session }));
const writer = createCaller(createContextInner({ ...deps, cache: deadCache }, { session }));
const { workspaceId } = await db.prisma.workspaceMember.findFirstOrThrow({ where: { userId: ada.id } });
const agents = await db.prisma.agent.findMany({
  where: { published: true, installs: { none: { workspaceId } } },
  take: ROUNDS,
});

const relay = new OutboxRelay(db.prisma, readerCache, () => {});
relay.start();
const samples: number[] = [];
for (const agent of agents) {
  await reader.marketplace.agent({ id: agent.id }); // cached on the reader's side
  await writer.installs.install({ workspaceId, agentId: agent.id });
  const committed = performance.now();
  for (;;) {
    const seen = await reader.marketplace.agent({ id: agent.id });
    if (seen.installCount === agent.installCount + 1) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  samples.push(performance.now() - committed);
}
await relay.stop();
samples.sort((a, b) => a - b);
const ms = (v: number | undefined) => `${Math.round(v ?? 0)} ms`;
console.log(
  `relay: rows older than ${RELAY_MIN_AGE_MS} ms, a pass every ${RELAY_INTERVAL_MS} ms; ${samples.length} installs by a writer without Redis`,
);
console.log(
  `invisible to the other instance for: min ${ms(samples[0])}, median ${ms(samples[Math.floor(samples.length / 2)])}, max ${ms(samples.at(-1))} (bound: ${RELAY_MIN_AGE_MS + RELAY_INTERVAL_MS} ms + one delivery)`,
);
await Promise.all([readerCache.close(), deadCache.close()]);
await db.drop();
