import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cacheRegistry } from '../src/cache-registry';
import { renderCachingDoc } from '../src/caching/docs';
import { agentInstallCount, workspaceInstalls } from '../src/caching/live';

describe('docs/caching.md', () => {
  it('matches the policies in the code (run `pnpm --filter @stash/api docs:caching` after changing one)', () => {
    const onDisk = readFileSync(new URL('../../../docs/caching.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderCachingDoc(cacheRegistry));
  });

  it('covers every cached procedure with the TTL of its area', () => {
    const ttl = Object.fromEntries(cacheRegistry.policies().map((p) => [p.path, p.ttlMs]));
    expect(ttl).toMatchObject({
      'marketplace.search': 300_000,
      'marketplace.agent': 300_000,
      'marketplace.categories': 300_000,
      'templates.list': 600_000,
      'templates.byId': 600_000,
      'workspaces.mine': 60_000,
      'workspaces.byId': 60_000,
    });
    // installState answers from the workspace's live installs (caching/live.ts).
    expect(workspaceInstalls.ttlMs).toBe(60_000);
    expect(agentInstallCount.ttlMs).toBe(300_000);
  });
});
