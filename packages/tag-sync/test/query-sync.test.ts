/**
 * The TanStack Query half against a real QueryClient, and the link against a real tRPC client:
 * hard hits refetch what is shown, soft hits only mark stale, nothing is applied while a
 * mutation is in flight, and other tabs (BroadcastChannel, which Node has too) follow.
 */
import { randomUUID } from 'node:crypto';
import { MutationObserver, QueryClient, QueryObserver } from '@tanstack/react-query';
import { createTRPCUntypedClient, type TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { afterEach, describe, expect, it } from 'vitest';
import { tagLinks } from '../src/link';
import { createTagSync, type TagSync } from '../src/query-sync';

const open: Array<{ sync: TagSync; qc: QueryClient }> = [];
afterEach(() => {
  for (const { sync, qc } of open.splice(0)) {
    sync.close();
    qc.clear();
  }
});

/** A tab: a query client, its sync, and one shown query whose answer counts its fetches. */
async function tab(channel: string, path = 'workspaces.byId', tags = ['workspace:1']) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY } } });
  const sync = createTagSync(qc, { channel });
  open.push({ sync, qc });
  const queryKey = [path.split('.'), { input: { id: 1 }, type: 'query' }];
  let fetches = 0;
  const shown = new QueryObserver(qc, { queryKey, queryFn: async () => ++fetches });
  const unsubscribe = shown.subscribe(() => {});
  await expect.poll(() => qc.getQueryData(queryKey)).toBe(1);
  sync.recordCall(path, { id: 1 }, tags);
  return { qc, sync, queryKey, unsubscribe, data: () => qc.getQueryData(queryKey) };
}

describe('createTagSync', () => {
  it('refetches a shown query on a hard hit, and only marks a soft hit stale', async () => {
    const channel = randomUUID();
    const list = await tab(channel, 'marketplace.search', ['marketplace:lists']);
    list.sync.invalidated({ hard: ['agent:1'], soft: ['marketplace:lists'] });
    expect(list.qc.getQueryState(list.queryKey)?.isInvalidated).toBe(true);
    expect(list.qc.getQueryState(list.queryKey)?.fetchStatus).toBe('idle');

    const detail = await tab(channel);
    detail.sync.invalidated({ hard: ['workspace:1'], soft: [] });
    await expect.poll(detail.data).toBe(2);
  });

  it('waits for the mutations in flight, then applies what arrived meanwhile once', async () => {
    const shown = await tab(randomUUID());
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const mutation = new MutationObserver(shown.qc, { mutationFn: () => gate });
    const done = mutation.mutate();
    shown.sync.invalidated({ hard: ['workspace:1'], soft: [] });
    shown.sync.invalidated({ hard: ['workspace:1'], soft: [] });
    expect(shown.qc.getQueryState(shown.queryKey)?.isInvalidated).toBe(false);
    release();
    await done;
    await expect.poll(shown.data).toBe(2);
  });

  it('tells the other tabs, which invalidate their own matching queries', async () => {
    const channel = randomUUID();
    const writer = await tab(channel);
    const reader = await tab(channel);
    const unrelated = await tab(channel, 'workspaces.byId', ['workspace:2']);
    writer.sync.invalidated({ hard: ['workspace:1'], soft: [] });
    await expect.poll(reader.data).toBe(2);
    expect(unrelated.qc.getQueryState(unrelated.queryKey)?.isInvalidated).toBe(false);
  });
});

describe('tagLinks', () => {
  it('records a query’s tags by its index in the batch and applies a mutation’s invalidation once per response', async () => {
    const qc = new QueryClient();
    const sync = createTagSync(qc, { channel: null });
    open.push({ sync, qc });
    const applied: string[][] = [];
    const original = sync.invalidated;
    sync.invalidated = (inv) => {
      applied.push(inv.hard);
      original(inv);
    };
    const links = tagLinks(sync);
    // The terminating link answers as httpBatchLink does: the HTTP response in the result's
    // context; and, as the web client's does, it tells the batch's order (this call second).
    const server: TRPCLink<AnyTRPCRouter> =
      () =>
      ({ op }) =>
        observable((observer) => {
          links.recordBatch([{ id: -1 }, op]);
          const headers = new Headers({
            'x-stash-tags': `0=agent:99;1=workspace:1,agent:7;999=agent:8`,
            ...(op.type === 'mutation' ? { 'x-stash-invalidated': 'hard=agent:7;soft=' } : {}),
          });
          observer.next({
            result: { type: 'data', data: null },
            context: { response: new Response(null, { headers }) },
          });
          observer.complete();
        });
    const client = createTRPCUntypedClient({ links: [links.link, server] });
    await client.query('workspaces.byId', { workspaceId: 1 });
    const key = [['workspaces', 'byId'], { input: { workspaceId: 1 }, type: 'query' }];
    expect([...(sync.index.tagsOf(key) ?? [])]).toEqual(['workspace:1', 'agent:7']);
    await client.mutation('installs.install', { agentId: 7 });
    expect(applied).toEqual([['agent:7']]);
  });
});
