/** The mapping from tags to queries: which cached queries an invalidation hits, and how. */
import type { QueryKey } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { type QueryView, TagIndex } from '../src/tag-index';

// Query keys exactly as @trpc/react-query builds them.
const key = (path: string, input?: unknown, type: 'query' | 'infinite' = 'query'): QueryKey => [
  path.split('.'),
  { ...(input === undefined ? {} : { input }), type },
];
const idle = (...keys: QueryKey[]): QueryView[] => keys.map((queryKey) => ({ queryKey, fetching: false }));

const workspace1 = key('workspaces.byId', { workspaceId: 1 });
const workspace2 = key('workspaces.byId', { workspaceId: 2 });
const agent7 = key('marketplace.agent', { slug: 'seven' });
const search = key('marketplace.search', { query: '' }, 'infinite');
const me = key('auth.me');

function indexed(): TagIndex {
  const index = new TagIndex();
  index.recordCall('workspaces.byId', { workspaceId: 1 }, ['workspace:1', 'agent:7']);
  index.recordCall('workspaces.byId', { workspaceId: 2 }, ['workspace:2']);
  index.recordCall('marketplace.agent', { slug: 'seven' }, ['agent:7']);
  // Infinite query pages arrive with paging parameters, which its key leaves out.
  index.recordCall('marketplace.search', { query: '', direction: 'forward' }, ['marketplace:lists']);
  return index;
}

describe('TagIndex', () => {
  it('refetches exactly the queries whose tags a hard invalidation names', () => {
    const match = indexed().match(idle(workspace1, workspace2, agent7, search, me), {
      hard: ['agent:7'],
      soft: [],
    });
    expect(match.refetch).toEqual([workspace1, agent7]);
    expect(match.markStale).toEqual([]);
  });

  it('marks softly invalidated lists stale without refetching them, unless a hard tag also hits', () => {
    const index = indexed();
    const soft = index.match(idle(workspace1, search), {
      hard: ['workspace:9'],
      soft: ['marketplace:lists'],
    });
    expect(soft).toEqual({ refetch: [], markStale: [search] });
    const both = index.match(idle(workspace1), { hard: ['workspace:1'], soft: ['agent:7'] });
    expect(both).toEqual({ refetch: [workspace1], markStale: [] });
  });

  it('files every page of an infinite query under its key; the first page starts it afresh', () => {
    const index = indexed();
    index.recordCall('marketplace.search', { query: '', cursor: 'p2', direction: 'forward' }, ['agent:42']);
    expect([...(index.tagsOf(search) ?? [])].sort()).toEqual(['agent:42', 'marketplace:lists']);
    index.recordCall('marketplace.search', { query: '', direction: 'forward' }, ['marketplace:lists']);
    expect([...(index.tagsOf(search) ?? [])]).toEqual(['marketplace:lists']);
  });

  it('matches an input whatever its key order', () => {
    const index = new TagIndex();
    index.recordCall('workspaces.installState', { workspaceId: 1, agentIds: [3] }, ['workspace:1']);
    const reordered = key('workspaces.installState', { agentIds: [3], workspaceId: 1 });
    expect(index.match(idle(reordered), { hard: ['workspace:1'], soft: [] }).refetch).toEqual([reordered]);
  });

  it('leaves queries with no tags alone, unless their fetch is in flight', () => {
    const index = indexed();
    const unknown = key('workspaces.byId', { workspaceId: 3 });
    const match = index.match([...idle(me, ['not', 'trpc']), { queryKey: unknown, fetching: true }], {
      hard: ['workspace:3'],
      soft: [],
    });
    expect(match.refetch).toEqual([unknown]);
  });

  it('gives hydrated queries the tags the server used for their procedure, never overriding known ones', () => {
    const index = new TagIndex();
    index.recordCall('workspaces.byId', { workspaceId: 2 }, ['workspace:2']);
    index.seed({ 'workspaces.byId': ['workspace:1', 'agent:7'] }, idle(workspace1, workspace2, me));
    expect([...(index.tagsOf(workspace1) ?? [])]).toEqual(['workspace:1', 'agent:7']);
    expect([...(index.tagsOf(workspace2) ?? [])]).toEqual(['workspace:2']);
    expect(index.tagsOf(me)).toBeUndefined();
  });

  it('forgets a query that left the cache, unless another cached query shares its entry', () => {
    const index = indexed();
    const regularSearch = key('marketplace.search', { query: '' });
    index.forget(search, [regularSearch]);
    expect([...(index.tagsOf(search) ?? [])]).toEqual(['marketplace:lists']);
    index.forget(workspace1, [workspace2]);
    expect(index.tagsOf(workspace1)).toBeUndefined();
    expect(index.size).toBe(3);
  });
});
