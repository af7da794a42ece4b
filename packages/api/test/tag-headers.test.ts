/**
 * What the browser's invalidation reads (docs/architecture.md, "Browsers follow the server"): each cached call's answer names its tags, keyed by the
 * call's index in the batch (never by anything the request sent), on a miss and on a hit; each
 * mutation's response names the tags it invalidated, and they meet the tags of the reads the
 * write changed.
 */
import { INVALIDATED_HEADER, parseCallTags, parseInvalidation, TAGS_HEADER } from '@stash/tag-sync/wire';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleTrpcRequest } from '../src/http';
import { ADA, createHarness, type Harness } from './support/harness';
import { TRPC_BASE as base, signedInCookie, superjsonBody, trpcPost } from './support/http';

let h: Harness;
let cookie: string;
let workspaceId: number;
let agentId: number;
let installedId: number;

beforeAll(async () => {
  h = await createHarness();
  cookie = await signedInCookie(h, ADA);
  workspaceId = await h.workspaceOf(ADA);
  const installed = await h.db.prisma.agentInstall.findMany({
    where: { workspaceId },
    select: { agentId: true },
  });
  const notInstalled = await h.db.prisma.agent.findFirstOrThrow({
    where: { id: { notIn: installed.map((i) => i.agentId) } },
  });
  agentId = notInstalled.id;
  installedId = installed[0]!.agentId;
});
afterAll(async () => {
  await h?.close();
});

/** One batch GET, as httpBatchLink sends it. */
function batch(calls: Array<[path: string, input: unknown]>) {
  const input = Object.fromEntries(calls.map(([, value], i) => [i, superjson.serialize(value)]));
  const url = `${base}/${calls.map(([path]) => path).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
  return handleTrpcRequest(new Request(url, { headers: { cookie } }), h.deps);
}

const workspaceAndAgent = (): Array<[string, unknown]> => [
  ['workspaces.byId', { workspaceId }],
  ['marketplace.agent', { id: agentId }],
  ['auth.me', undefined],
];

describe('tags in responses', () => {
  it('names each cached call’s tags under its index in the batch, on a miss and on a hit', async () => {
    for (const round of ['miss', 'hit']) {
      const res = await batch(workspaceAndAgent());
      expect(res.status).toBe(200);
      expect(res.headers.get('x-stash-cache'), round).toContain(`workspaces.byId=${round}`);
      const tags = parseCallTags(res.headers.get(TAGS_HEADER));
      // From the input (the workspace) and from the live facts overlaid on it (its installs,
      // and the install count of each agent installed there).
      expect(tags.get('0')).toEqual(
        expect.arrayContaining([
          `workspace:${workspaceId}`,
          `workspace:${workspaceId}:installs`,
          `agent:${installedId}:installs`,
        ]),
      );
      expect(tags.get('1')).toEqual([`agent:${agentId}`, `agent:${agentId}:installs`]);
      // auth.me is not a cached procedure: nothing to say about it.
      expect(tags.has('2')).toBe(false);
    }
  });

  it('names what a mutation invalidated, which meets the tags of the reads it changed', async () => {
    const before = parseCallTags((await batch(workspaceAndAgent())).headers.get(TAGS_HEADER));
    const res = await trpcPost(h, 'installs.install', superjsonBody({ workspaceId, agentId }), {
      cookie,
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    const inv = parseInvalidation(res.headers.get(INVALIDATED_HEADER));
    // The two live facts an install writes through.
    expect(inv?.hard.sort()).toEqual(
      [`agent:${agentId}:installs`, `workspace:${workspaceId}:installs`].sort(),
    );
    expect(inv?.soft).toEqual([]);
    for (const id of ['0', '1']) expect(before.get(id)?.some((t) => inv?.hard.includes(t))).toBe(true);
  });

  it('says nothing about invalidation when a mutation changed nothing, or for reads', async () => {
    const reads = await batch(workspaceAndAgent());
    expect(reads.headers.get(INVALIDATED_HEADER)).toBeNull();
    const refused = await trpcPost(h, 'installs.install', superjsonBody({ workspaceId: 999_999, agentId }), {
      cookie,
      'content-type': 'application/json',
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get(INVALIDATED_HEADER)).toBeNull();
  });
});
